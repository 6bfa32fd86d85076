// Package write is the last pipeline stage: it compares an environment's
// rendered tree with what is on disk under out/<env>/ and, for a build,
// swaps the complete new tree into place atomically, pruning stale files.
//
// Apply builds the whole new tree in a temporary sibling of the output
// directory (".<env>.tmp-*", same parent, so renames stay on one file
// system), fsyncs it, and exchanges it with the output directory in one
// step (renameat2 RENAME_EXCHANGE on Linux, renamex_np RENAME_SWAP on
// macOS), then removes the old tree, which the exchange left at the
// temporary name. At every instant the output directory exists and holds
// either the whole old tree or the whole new one; a failure or a kill at
// any point leaves one of the two, and the next Apply removes what a kill
// left behind. Where directories cannot be exchanged (other systems, file
// systems without the call) the old directory is renamed aside
// (".<env>.old-*") and the new one into place, and for the moment between
// the two renames the output directory does not exist; the next Apply puts
// an old tree back if a kill struck there. An exclusive advisory lock on
// ".<env>.lock" beside the output directory serialises concurrent builds
// of the same environment.
package write

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mongen-dev/mongen/internal/artifact"
	"github.com/mongen-dev/mongen/internal/par"
)

// File and directory modes of everything Apply writes, independent of umask.
const (
	FileMode fs.FileMode = 0o644
	DirMode  fs.FileMode = 0o755
)

// DefaultLockTimeout is how long Apply waits for another build of the same
// environment to finish when Options.LockTimeout is zero.
const DefaultLockTimeout = 30 * time.Second

// Options tune Apply.
type Options struct {
	// LockTimeout bounds the wait for the output directory's lock; zero or
	// negative means DefaultLockTimeout.
	LockTimeout time.Duration
}

// Kind says how a file differs.
type Kind string

// The kinds of difference.
const (
	Added   Kind = "added"   // in the tree, not on disk
	Changed Kind = "changed" // on disk with other bytes
	Removed Kind = "removed" // on disk, not in the tree (stale)
)

// Entry is one differing file.
type Entry struct {
	Path string // slash path relative to the output directory
	Kind Kind
}

// Diff lists the files that differ between a tree and an output directory.
// Each list is sorted; paths are slash-separated and relative to Dir.
type Diff struct {
	// Dir is the output directory as the caller named it, used to print
	// each path the way the user would type it.
	Dir     string
	Added   []string
	Changed []string
	Removed []string
}

// Empty reports whether the tree and the directory hold the same files.
func (d Diff) Empty() bool { return len(d.Added)+len(d.Changed)+len(d.Removed) == 0 }

// Len is the number of differing files.
func (d Diff) Len() int { return len(d.Added) + len(d.Changed) + len(d.Removed) }

// Entries returns every differing file, sorted by path.
func (d Diff) Entries() []Entry {
	out := make([]Entry, 0, d.Len())
	for _, p := range d.Added {
		out = append(out, Entry{p, Added})
	}
	for _, p := range d.Changed {
		out = append(out, Entry{p, Changed})
	}
	for _, p := range d.Removed {
		out = append(out, Entry{p, Removed})
	}
	// A path is in at most one list, so the order is total.
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// DisplayPath joins Dir and a relative slash path the way the user names
// files, e.g. "out/prod/prometheus/prometheus.yml".
func (d Diff) DisplayPath(rel string) string {
	if d.Dir == "" {
		return rel
	}
	return path.Join(filepath.ToSlash(d.Dir), rel)
}

// Lines returns one line per differing file, sorted by path, e.g.
// "out/prod/prometheus/prometheus.yml: changed".
func (d Diff) Lines() []string {
	es := d.Entries()
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = d.DisplayPath(e.Path) + ": " + string(e.Kind)
	}
	return out
}

// String is Lines joined by newlines (no trailing newline); empty when the
// diff is empty.
func (d Diff) String() string { return strings.Join(d.Lines(), "\n") }

// Summary counts the differences, e.g. "2 added, 1 changed, 0 removed".
func (d Diff) Summary() string {
	return fmt.Sprintf("%d added, %d changed, %d removed", len(d.Added), len(d.Changed), len(d.Removed))
}

// Compare compares tree with the files under dir. A missing dir holds no
// files, so everything is Added. Empty directories are ignored; a symlink or
// any other non-regular file under dir is an error, since mongen never
// emits one. Compare takes no lock and writes nothing.
func Compare(dir string, tree *artifact.Tree) (Diff, error) {
	d, err := compare(dir, tree)
	if err != nil {
		return Diff{}, fmt.Errorf("compare %s: %w", dir, err)
	}
	return d, nil
}

// Apply makes dir hold exactly tree, atomically, with the default options.
// See ApplyWith.
func Apply(dir string, tree *artifact.Tree) (Diff, error) {
	return ApplyWith(dir, tree, Options{})
}

// ApplyWith makes dir hold exactly tree and returns what differed before.
//
// It holds an exclusive lock beside dir for the whole call and waits at most
// opts.LockTimeout for it (the error is then a *LockError, matching
// ErrLocked). When nothing differs nothing is touched. Otherwise the new tree
// is built and fsynced in a temporary sibling directory and swapped in with
// renames; on any failure before the swap completes dir is left as it was
// and the temporaries are removed. Parents of dir are created as needed.
// Files are written 0644 and directories 0755 whatever the umask.
//
// If the swap succeeded but the old tree could not be removed, the returned
// Diff is valid and the error names the leftover, which the next Apply
// removes.
func ApplyWith(dir string, tree *artifact.Tree, opts Options) (Diff, error) {
	t, err := newTarget(dir)
	if err != nil {
		return Diff{}, fmt.Errorf("write %s: %w", dir, err)
	}
	if err := checkTree(tree); err != nil {
		return Diff{}, fmt.Errorf("write %s: %w", dir, err)
	}
	if err := os.MkdirAll(t.parent, DirMode); err != nil {
		return Diff{}, fmt.Errorf("write %s: %w", dir, err)
	}

	timeout := opts.LockTimeout
	if timeout <= 0 {
		timeout = DefaultLockTimeout
	}
	l, err := acquireLock(t.lockPath(), timeout)
	if err != nil {
		if errors.Is(err, ErrLocked) {
			return Diff{}, &LockError{Dir: dir, Lock: t.displayLock(), Timeout: timeout}
		}
		return Diff{}, fmt.Errorf("write %s: lock %s: %w", dir, t.displayLock(), err)
	}
	d, err := apply(t, tree)
	if uerr := l.release(); uerr != nil && err == nil {
		err = fmt.Errorf("unlock %s: %w", t.displayLock(), uerr)
	}
	if err != nil {
		return d, fmt.Errorf("write %s: %w", dir, err)
	}
	return d, nil
}

// target names an output directory and its siblings.
type target struct {
	display string // as the caller named it
	abs     string // absolute, cleaned
	parent  string // filepath.Dir(abs)
	base    string // filepath.Base(abs)
}

func newTarget(dir string) (target, error) {
	if dir == "" {
		return target{}, errors.New("empty output directory name")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return target{}, err
	}
	parent, base := filepath.Dir(abs), filepath.Base(abs)
	if parent == abs || base == "." || base == string(filepath.Separator) {
		return target{}, errors.New("output directory must have a parent directory")
	}
	return target{display: dir, abs: abs, parent: parent, base: base}, nil
}

func (t target) lockPath() string  { return filepath.Join(t.parent, "."+t.base+".lock") }
func (t target) tmpPrefix() string { return "." + t.base + ".tmp-" }
func (t target) oldPrefix() string { return "." + t.base + ".old-" }

// displayLock names the lock file relative to the directory the caller
// named when that is possible ("out/.prod.lock" for "out/prod").
func (t target) displayLock() string {
	clean := filepath.Clean(t.display)
	if filepath.Base(clean) == t.base {
		return filepath.Join(filepath.Dir(clean), "."+t.base+".lock")
	}
	return t.lockPath()
}

// checkTree rejects trees that cannot exist on disk: a file whose path is
// also a directory of another file.
func checkTree(tree *artifact.Tree) error {
	if tree == nil {
		return errors.New("no artifact tree")
	}
	paths := tree.Paths()
	// In sorted order, "a/b" sorts after "a" but possibly after "a.txt" or
	// "a-x" too, so look each parent up rather than only the predecessor.
	files := make(map[string]bool, len(paths))
	for _, p := range paths {
		files[p] = true
	}
	for _, p := range paths {
		for d := path.Dir(p); d != "."; d = path.Dir(d) {
			if files[d] {
				return fmt.Errorf("artifact %s is both a file and the directory of %s", d, p)
			}
		}
	}
	return nil
}

func compare(dir string, tree *artifact.Tree) (Diff, error) {
	d, _, err := compareFiles(dir, tree)
	return d, err
}

// compareFiles is compare that also returns the files it read and found
// byte for byte equal to the tree's, which apply links instead of reading
// them a second time. The files whose size matches are read on every core.
func compareFiles(dir string, tree *artifact.Tree) (Diff, map[string]bool, error) {
	if err := checkTree(tree); err != nil {
		return Diff{}, nil, err
	}
	onDisk, err := scan(dir)
	if err != nil {
		return Diff{}, nil, err
	}
	d := Diff{Dir: dir}
	files := tree.Files()
	// A file on disk with the tree's size is read and compared; one with
	// another size has changed.
	added := make([]bool, len(files))
	var toRead []int
	for i, f := range files {
		size, ok := onDisk[f.Path]
		if !ok {
			added[i] = true
			continue
		}
		if size == int64(len(f.Data)) {
			toRead = append(toRead, i)
		}
		delete(onDisk, f.Path)
	}
	equal := make([]bool, len(files))
	errs := make([]error, len(files))
	par.Each(len(toRead), func(n int) {
		i := toRead[n]
		got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(files[i].Path)))
		errs[i], equal[i] = err, err == nil && bytes.Equal(got, files[i].Data)
	})
	same := make(map[string]bool, len(toRead))
	for i, f := range files {
		if errs[i] != nil {
			return Diff{}, nil, errs[i] // the first in path order, as before
		}
		switch {
		case added[i]:
			d.Added = append(d.Added, f.Path)
		case !equal[i]:
			d.Changed = append(d.Changed, f.Path)
		default:
			same[f.Path] = true
		}
	}
	for p := range onDisk {
		d.Removed = append(d.Removed, p)
	}
	sort.Strings(d.Removed)
	return d, same, nil
}

// scan returns the size of every regular file under dir by slash path. A
// missing dir is empty.
func scan(dir string) (map[string]int64, error) {
	files := map[string]int64{}
	fi, err := os.Lstat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return files, nil
	}
	if err != nil {
		return nil, err
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		return nil, fmt.Errorf("%s is a symlink; mongen writes only regular files and directories", dir)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("%s is not a directory", dir)
	}
	err = filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		switch {
		case e.Type()&fs.ModeSymlink != 0:
			return fmt.Errorf("%s is a symlink; mongen writes only regular files and directories", p)
		case e.IsDir():
			return nil
		case !e.Type().IsRegular():
			return fmt.Errorf("%s is not a regular file (%s)", p, e.Type())
		}
		info, err := e.Info()
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		files[filepath.ToSlash(rel)] = info.Size()
		return nil
	})
	if err != nil {
		return nil, err
	}
	return files, nil
}

// testHook, when set by tests, is called at named points of apply; a non-nil
// result is injected as a failure there. Stages: "tmp" (temporary directory
// created), "file" (a file written; rel is its path; may be called
// concurrently), "swap" (the new tree complete, about to be swapped in;
// returning errExchangeUnsupported takes the path of file systems that
// cannot exchange directories), "gap" (that path only: old tree moved
// aside, new not yet in place), "swapped" (new tree in place, old not yet
// removed).
var testHook func(stage, rel string) error

func hook(stage, rel string) error {
	if testHook == nil {
		return nil
	}
	return testHook(stage, rel)
}

// apply runs with the lock held.
func apply(t target, tree *artifact.Tree) (Diff, error) {
	removeLeftovers(t)
	d, same, err := compareFiles(t.display, tree)
	if err != nil {
		return Diff{}, err
	}
	if d.Empty() {
		return d, nil
	}

	tmp, err := os.MkdirTemp(t.parent, t.tmpPrefix())
	if err != nil {
		return Diff{}, err
	}
	committed := false
	defer func() {
		if !committed {
			os.RemoveAll(tmp)
		}
	}()
	if err := hook("tmp", ""); err != nil {
		return Diff{}, err
	}
	// Files the diff found unchanged are linked from the current tree, not
	// written and synced again: a one-rule edit of a large environment
	// rewrote 1,700 files to change one. compare read their bytes (under
	// the lock); only the mode, which it does not see, is checked again.
	reuse := func(f artifact.File) string {
		if !same[f.Path] {
			return ""
		}
		return sameMode(filepath.Join(t.abs, filepath.FromSlash(f.Path)), f.Data)
	}
	if err := build(tmp, tree, reuse); err != nil {
		return Diff{}, err
	}

	return d, swap(t, tmp, &committed)
}

// swap puts the complete tree in tmp at t.abs. When t.abs exists the two
// directories are exchanged in one step (exchange_*.go): at every instant
// t.abs is either the whole old tree or the whole new one, and tmp then
// holds the old tree, which is removed. A first build renames tmp into
// place. Where the file system cannot exchange, the old tree is renamed
// aside and the new one into place: between the two renames t.abs does not
// exist, and a kill there leaves the old tree in ".<env>.old-*", which the
// next Apply puts back (recoverLeftovers).
func swap(t target, tmp string, committed *bool) error {
	_, err := os.Lstat(t.abs)
	if errors.Is(err, fs.ErrNotExist) {
		if err := hook("swap", ""); err != nil {
			return err
		}
		if err := os.Rename(tmp, t.abs); err != nil {
			return err
		}
		*committed = true
		if err := hook("swapped", ""); err != nil {
			return err
		}
		if err := syncDir(t.parent); err != nil {
			return fmt.Errorf("new output in place but not synced: %w", err)
		}
		return nil
	}
	if err != nil {
		return err
	}
	err = hook("swap", "")
	if err == nil {
		err = exchange(tmp, t.abs)
	}
	if errors.Is(err, errExchangeUnsupported) {
		return swapByRenames(t, tmp, committed)
	}
	if err != nil {
		return err
	}
	// tmp now holds the old tree: the deferred cleanup removes it if
	// anything below fails, and so does the next Apply if a kill stops
	// this one.
	if err := hook("swapped", ""); err != nil {
		return err
	}
	if err := syncDir(t.parent); err != nil {
		return fmt.Errorf("new output in place but not synced: %w", err)
	}
	*committed = true
	if err := os.RemoveAll(tmp); err != nil {
		return fmt.Errorf("new output in place; remove previous output %s: %w", tmp, err)
	}
	return nil
}

// swapByRenames is swap where directories cannot be exchanged: the old
// tree is renamed aside, then the new one into place.
func swapByRenames(t target, tmp string, committed *bool) error {
	old := filepath.Join(t.parent, t.oldPrefix()+strings.TrimPrefix(filepath.Base(tmp), t.tmpPrefix()))
	if _, err := os.Lstat(old); err == nil {
		return fmt.Errorf("cannot move the old output aside: %s exists", old)
	}
	if err := os.Rename(t.abs, old); err != nil {
		return err
	}
	err := hook("gap", "")
	if err == nil {
		err = os.Rename(tmp, t.abs)
	}
	if err != nil {
		if rerr := os.Rename(old, t.abs); rerr != nil {
			return fmt.Errorf("%w; restoring the previous output also failed (%v): it is in %s", err, rerr, old)
		}
		return err
	}
	*committed = true
	if err := hook("swapped", ""); err != nil {
		return err
	}
	if err := syncDir(t.parent); err != nil {
		return fmt.Errorf("new output in place but not synced: %w", err)
	}
	if err := os.RemoveAll(old); err != nil {
		return fmt.Errorf("new output in place; remove previous output %s: %w", old, err)
	}
	return nil
}

// errExchangeUnsupported says the file system cannot exchange two
// directories in one step.
var errExchangeUnsupported = errors.New("atomic exchange of directories not supported")

// Tidy removes what a killed Apply left beside dir (and puts back an old
// tree a kill left aside, see removeLeftovers), when there is anything and
// no other build holds dir's lock. It is for a build that finds dir current
// without applying (an input cache hit); best effort, it never fails.
func Tidy(dir string) {
	t, err := newTarget(dir)
	if err != nil {
		return
	}
	entries, err := os.ReadDir(t.parent)
	if err != nil {
		return
	}
	if !slices.ContainsFunc(entries, func(e fs.DirEntry) bool {
		return strings.HasPrefix(e.Name(), t.tmpPrefix()) || strings.HasPrefix(e.Name(), t.oldPrefix())
	}) {
		return
	}
	l, ok, err := tryLock(t.lockPath())
	if err != nil || !ok {
		return
	}
	removeLeftovers(t)
	l.release()
}

// removeLeftovers deletes temporary and old trees that a killed build of
// the same directory left behind. Called with the lock held, so nothing
// else is using them. When the output directory is missing and an old tree
// is there, a build was killed between the two renames of swapByRenames:
// the old tree is put back first, so the output is never lost. Best
// effort otherwise: a leftover that cannot be removed does not stop the
// build (its random suffix never collides with a new one).
func removeLeftovers(t target) {
	entries, err := os.ReadDir(t.parent)
	if err != nil {
		return
	}
	if _, err := os.Lstat(t.abs); errors.Is(err, fs.ErrNotExist) {
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), t.oldPrefix()) && e.IsDir() {
				if os.Rename(filepath.Join(t.parent, e.Name()), t.abs) == nil {
					break
				}
			}
		}
	}
	for _, e := range entries {
		n := e.Name()
		if strings.HasPrefix(n, t.tmpPrefix()) || strings.HasPrefix(n, t.oldPrefix()) {
			os.RemoveAll(filepath.Join(t.parent, n))
		}
	}
}

// build writes every file of tree under root (an empty directory) and
// fsyncs files and directories.
func build(root string, tree *artifact.Tree, reuse func(artifact.File) string) error {
	files := tree.Files()
	// Directories, parents first: a parent path is a prefix of its
	// children's, so it sorts before them.
	dirSet := map[string]bool{}
	for _, f := range files {
		for d := path.Dir(f.Path); d != "." && !dirSet[d]; d = path.Dir(d) {
			dirSet[d] = true
		}
	}
	dirs := make([]string, 0, len(dirSet)+1)
	for d := range dirSet {
		dirs = append(dirs, d)
	}
	sort.Strings(dirs)
	if err := os.Chmod(root, DirMode); err != nil {
		return err
	}
	for _, d := range dirs {
		p := filepath.Join(root, filepath.FromSlash(d))
		if err := os.Mkdir(p, DirMode); err != nil {
			return err
		}
		if err := os.Chmod(p, DirMode); err != nil {
			return err
		}
	}

	// Files, in parallel: creating and fsyncing files dominates a build
	// that changes anything.
	errs := make([]error, len(files))
	var next atomic.Int64
	var failed atomic.Bool
	var wg sync.WaitGroup
	workers := min(8, len(files))
	for range workers {
		wg.Go(func() {
			for !failed.Load() {
				i := int(next.Add(1)) - 1
				if i >= len(files) {
					return
				}
				f := files[i]
				name := filepath.Join(root, filepath.FromSlash(f.Path))
				var err error
				if old := reuse(f); old == "" || os.Link(old, name) != nil {
					err = writeFile(name, f.Data)
				}
				if err == nil {
					err = hook("file", f.Path)
				}
				if err != nil {
					errs[i] = fmt.Errorf("artifact %s: %w", f.Path, err)
					failed.Store(true)
				}
			}
		})
	}
	wg.Wait()
	// Report the first failure in path order, for a stable message.
	for _, err := range errs {
		if err != nil {
			return err
		}
	}

	// Directory entries, deepest first, then the root.
	for i := len(dirs) - 1; i >= 0; i-- {
		if err := syncDir(filepath.Join(root, filepath.FromSlash(dirs[i]))); err != nil {
			return err
		}
	}
	return syncDir(root)
}

func writeFile(name string, data []byte) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, FileMode)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(FileMode)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// sameMode returns name when it is a regular file of mode FileMode and of
// data's size, so it can be linked into the new tree; "" otherwise. Its
// bytes were compared with data by compareFiles.
func sameMode(name string, data []byte) string {
	info, err := os.Lstat(name)
	if err != nil || !info.Mode().IsRegular() || info.Mode().Perm() != FileMode || info.Size() != int64(len(data)) {
		return ""
	}
	return name
}

func syncDir(name string) error {
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
