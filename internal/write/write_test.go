package write

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mongen-dev/mongen/internal/artifact"
)

// mkTree builds a tree from path -> content, adding in the order of keys
// given (or sorted when order is nil).
func mkTree(t testing.TB, files map[string]string, order ...string) *artifact.Tree {
	t.Helper()
	if order == nil {
		for p := range files {
			order = append(order, p)
		}
		slices.Sort(order)
	}
	tree := artifact.NewTree()
	for _, p := range order {
		if err := tree.Add(artifact.File{Path: p, Data: []byte(files[p])}); err != nil {
			t.Fatal(err)
		}
	}
	return tree
}

// writeDisk creates files (and empty directories for keys ending in "/")
// under dir with plain os calls.
func writeDisk(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for p, c := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if strings.HasSuffix(p, "/") {
			if err := os.MkdirAll(full, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// snapshot records every entry under dir: path -> mode and content hash.
// A missing dir has the snapshot {"": "missing"}.
func snapshot(t testing.TB, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	if _, err := os.Lstat(dir); errors.Is(err, fs.ErrNotExist) {
		out[""] = "missing"
		return out
	}
	err := filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		info, err := e.Info()
		if err != nil {
			return err
		}
		v := info.Mode().String()
		switch {
		case info.Mode().IsRegular():
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			v += fmt.Sprintf(" %x", sha256.Sum256(b))
		case info.Mode()&fs.ModeSymlink != 0:
			target, _ := os.Readlink(p)
			v += " -> " + target
		}
		out[filepath.ToSlash(rel)] = v
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// treeSnapshot is the snapshot Apply must produce for files.
func treeSnapshot(files map[string]string) map[string]string {
	out := map[string]string{".": (fs.ModeDir | DirMode).String()}
	for p, c := range files {
		out[p] = FileMode.String() + fmt.Sprintf(" %x", sha256.Sum256([]byte(c)))
		for d := filepath.ToSlash(filepath.Dir(p)); d != "."; d = filepath.ToSlash(filepath.Dir(d)) {
			out[d] = (fs.ModeDir | DirMode).String()
		}
	}
	return out
}

// stats records the FileInfo of every entry under dir, the dir included.
func stats(t testing.TB, dir string) map[string]fs.FileInfo {
	t.Helper()
	out := map[string]fs.FileInfo{}
	err := filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := os.Lstat(p)
		if err != nil {
			return err
		}
		out[p] = info
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// siblings lists the names in dir's parent: after any Apply, finished or
// failed, only dir itself (if it exists) may be there.
func siblings(t testing.TB, parent string) []string {
	t.Helper()
	es, err := os.ReadDir(parent)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

func assertOnly(t testing.TB, parent string, want ...string) {
	t.Helper()
	if got := siblings(t, parent); !slices.Equal(got, want) {
		t.Errorf("entries in %s = %q, want %q (temporaries or lock file left behind)", parent, got, want)
	}
}

func assertSnapshot(t testing.TB, dir string, want map[string]string) {
	t.Helper()
	if got := snapshot(t, dir); !reflect.DeepEqual(got, want) {
		t.Errorf("%s differs:\n got %v\nwant %v", dir, got, want)
	}
}

func setHook(t *testing.T, h func(stage, rel string) error) {
	t.Helper()
	testHook = h
	t.Cleanup(func() { testHook = nil })
}

var sample = map[string]string{
	"kustomization.yaml":            "resources: []\n",
	"prometheus/prometheus.yml":     "global: {}\n",
	"prometheus/rules/node.yaml":    "groups: []\n",
	"alertmanager/alertmanager.yml": "route: {}\n",
	"dashboards/node.json":          "{}\n",
}

func TestApplyToMissingDir(t *testing.T) {
	parent := filepath.Join(t.TempDir(), "out") // out/ does not exist yet
	dir := filepath.Join(parent, "prod")
	d, err := Apply(dir, mkTree(t, sample))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"alertmanager/alertmanager.yml", "dashboards/node.json", "kustomization.yaml", "prometheus/prometheus.yml", "prometheus/rules/node.yaml"}
	if !slices.Equal(d.Added, want) || len(d.Changed) != 0 || len(d.Removed) != 0 {
		t.Errorf("diff = %+v, want everything added", d)
	}
	assertSnapshot(t, dir, treeSnapshot(sample))
	assertOnly(t, parent, "prod")
}

func TestApplyToEmptyDir(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "prod")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if _, err := Apply(dir, mkTree(t, sample)); err != nil {
		t.Fatal(err)
	}
	assertSnapshot(t, dir, treeSnapshot(sample)) // the 0700 dir became 0755
	assertOnly(t, parent, "prod")
}

func TestReapplyIsNoop(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "prod")
	tree := mkTree(t, sample)
	if _, err := Apply(dir, tree); err != nil {
		t.Fatal(err)
	}
	before := stats(t, dir)
	time.Sleep(20 * time.Millisecond) // so any rewrite would show in mtimes
	d, err := Apply(dir, tree)
	if err != nil {
		t.Fatal(err)
	}
	if !d.Empty() || d.String() != "" {
		t.Errorf("second Apply diff = %q, want empty", d)
	}
	after := stats(t, dir)
	if len(before) != len(after) {
		t.Fatalf("entry count changed: %d -> %d", len(before), len(after))
	}
	for p, b := range before {
		a, ok := after[p]
		if !ok {
			t.Errorf("%s disappeared", p)
			continue
		}
		if !os.SameFile(a, b) {
			t.Errorf("%s: inode changed", p)
		}
		if !a.ModTime().Equal(b.ModTime()) {
			t.Errorf("%s: mtime changed %v -> %v", p, b.ModTime(), a.ModTime())
		}
	}
	assertOnly(t, parent, "prod")
}

func TestChangedAddedRemoved(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "prod")
	writeDisk(t, dir, map[string]string{
		"same.yaml":           "same\n",
		"changed.yaml":        "old\n",
		"samesize.yaml":       "aaaa\n",
		"stale.yaml":          "stale\n",
		"gone/deep/file.json": "{}",
		"emptydir/":           "",
		"dashboards/":         "",
	})
	files := map[string]string{
		"same.yaml":            "same\n",
		"changed.yaml":         "new content\n",
		"samesize.yaml":        "bbbb\n",
		"dashboards/new.json":  "{}\n",
		"new/nested/file.yaml": "x: 1\n",
	}
	tree := mkTree(t, files)

	d, err := Compare(dir, tree)
	if err != nil {
		t.Fatal(err)
	}
	want := Diff{
		Dir:     dir,
		Added:   []string{"dashboards/new.json", "new/nested/file.yaml"},
		Changed: []string{"changed.yaml", "samesize.yaml"},
		Removed: []string{"gone/deep/file.json", "stale.yaml"},
	}
	if !reflect.DeepEqual(d, want) {
		t.Errorf("Compare = %+v\nwant %+v", d, want)
	}
	if d.Empty() || d.Len() != 6 {
		t.Errorf("Empty/Len = %v/%d", d.Empty(), d.Len())
	}
	s := filepath.ToSlash(dir)
	wantLines := s + "/changed.yaml: changed\n" +
		s + "/dashboards/new.json: added\n" +
		s + "/gone/deep/file.json: removed\n" +
		s + "/new/nested/file.yaml: added\n" +
		s + "/samesize.yaml: changed\n" +
		s + "/stale.yaml: removed"
	if d.String() != wantLines {
		t.Errorf("String:\n%s\nwant\n%s", d, wantLines)
	}
	if d.Summary() != "2 added, 2 changed, 2 removed" {
		t.Errorf("Summary = %q", d.Summary())
	}

	applied, err := Apply(dir, tree)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(applied, want) {
		t.Errorf("Apply diff = %+v\nwant %+v", applied, want)
	}
	// Stale files and empty directories are gone; exactly the tree remains.
	assertSnapshot(t, dir, treeSnapshot(files))
	assertOnly(t, parent, "prod")
	if d, err := Compare(dir, tree); err != nil || !d.Empty() {
		t.Errorf("Compare after Apply = %v, %v; want empty", d, err)
	}
}

func TestDiffDisplay(t *testing.T) {
	d := Diff{Dir: "out/prod", Changed: []string{"prometheus/prometheus.yml"}, Added: []string{"a.yaml"}}
	want := "out/prod/a.yaml: added\nout/prod/prometheus/prometheus.yml: changed"
	if d.String() != want {
		t.Errorf("String = %q, want %q", d.String(), want)
	}
	if got := (Diff{}).String(); got != "" {
		t.Errorf("empty String = %q", got)
	}
	if !(Diff{Dir: "x"}).Empty() {
		t.Error("Diff with no paths not Empty")
	}
}

func TestCompareMissingDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out", "prod")
	d, err := Compare(dir, mkTree(t, sample))
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Added) != len(sample) || len(d.Changed) != 0 || len(d.Removed) != 0 {
		t.Errorf("diff = %+v, want all %d added", d, len(sample))
	}
	if !slices.IsSorted(d.Added) {
		t.Errorf("Added not sorted: %q", d.Added)
	}
	if _, err := os.Lstat(filepath.Dir(dir)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Compare created %s", filepath.Dir(dir))
	}
	// An empty tree against a missing dir: no difference.
	if d, err := Compare(dir, artifact.NewTree()); err != nil || !d.Empty() {
		t.Errorf("empty tree vs missing dir = %v, %v", d, err)
	}
}

func TestEmptyDirectoriesDoNotCount(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "prod")
	writeDisk(t, dir, map[string]string{"a.yaml": "a", "empty/": "", "deeper/empty/": ""})
	tree := mkTree(t, map[string]string{"a.yaml": "a"})
	d, err := Compare(dir, tree)
	if err != nil || !d.Empty() {
		t.Fatalf("Compare = %v, %v; want empty", d, err)
	}
	before := snapshot(t, dir)
	if _, err := Apply(dir, tree); err != nil {
		t.Fatal(err)
	}
	assertSnapshot(t, dir, before) // nothing differs, nothing touched
}

func TestSymlinkIsAnError(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "prod")
	writeDisk(t, dir, map[string]string{"a.yaml": "a", "sub/b.yaml": "b"})
	if err := os.Symlink("../a.yaml", filepath.Join(dir, "sub", "link.yaml")); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, dir)
	tree := mkTree(t, map[string]string{"a.yaml": "a2"})
	if _, err := Compare(dir, tree); err == nil || !strings.Contains(err.Error(), "symlink") {
		t.Errorf("Compare error = %v, want symlink error", err)
	}
	_, err := Apply(dir, tree)
	if err == nil || !strings.Contains(err.Error(), "symlink") || !strings.HasPrefix(err.Error(), "write "+dir+": ") {
		t.Errorf("Apply error = %v, want wrapped symlink error", err)
	}
	assertSnapshot(t, dir, before)
	assertOnly(t, parent, "prod")

	// The output directory itself being a symlink is refused too.
	link := filepath.Join(parent, "linked")
	if err := os.Symlink("prod", link); err != nil {
		t.Fatal(err)
	}
	if _, err := Compare(link, tree); err == nil || !strings.Contains(err.Error(), "symlink") {
		t.Errorf("Compare(symlinked dir) error = %v", err)
	}
	if _, err := Apply(link, tree); err == nil {
		t.Error("Apply(symlinked dir) succeeded")
	}
	assertSnapshot(t, dir, before)
	assertOnly(t, parent, "linked", "prod")
}

func TestOutputDirIsAFile(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "prod")
	writeDisk(t, parent, map[string]string{"prod": "not a dir"})
	if _, err := Compare(dir, mkTree(t, sample)); err == nil || !strings.Contains(err.Error(), "not a directory") {
		t.Errorf("Compare error = %v", err)
	}
	if _, err := Apply(dir, mkTree(t, sample)); err == nil {
		t.Error("Apply succeeded over a file")
	}
	assertOnly(t, parent, "prod")
}

// existing writes a previous output under parent/prod and returns its path
// and snapshot.
func existing(t *testing.T) (parent, dir string, before map[string]string) {
	t.Helper()
	parent = t.TempDir()
	dir = filepath.Join(parent, "prod")
	if _, err := Apply(dir, mkTree(t, sample)); err != nil {
		t.Fatal(err)
	}
	writeDisk(t, dir, map[string]string{"hand-made/stale.txt": "keep me until a build succeeds"})
	return parent, dir, snapshot(t, dir)
}

var changedSample = map[string]string{
	"kustomization.yaml":        "resources: [a]\n",
	"prometheus/prometheus.yml": "global: {scrape_interval: 1m}\n",
	"x/y/z.yaml":                "z\n",
}

func TestFileDirectoryCollisionLeavesDirUnchanged(t *testing.T) {
	parent, dir, before := existing(t)
	tree := mkTree(t, map[string]string{"a": "file", "a/b": "file under a", "z": "z"})
	_, err := Apply(dir, tree)
	if err == nil {
		t.Fatal("Apply succeeded with a path that is both a file and a directory")
	}
	if want := "write " + dir + ": artifact a is both a file and the directory of a/b"; err.Error() != want {
		t.Errorf("error = %q, want %q", err, want)
	}
	if _, err := Compare(dir, tree); err == nil {
		t.Error("Compare accepted the colliding tree")
	}
	assertSnapshot(t, dir, before)
	assertOnly(t, parent, "prod")

	// Deeper and not adjacent in sort order: "a" < "a-b" < "a/b/c".
	tree = mkTree(t, map[string]string{"p/a": "1", "p/a-b": "2", "p/a/b/c": "3"})
	if _, err := Apply(dir, tree); err == nil || !strings.Contains(err.Error(), "artifact p/a is both") {
		t.Errorf("error = %v", err)
	}
	assertSnapshot(t, dir, before)
	assertOnly(t, parent, "prod")
}

func TestInjectedFailuresLeaveDirUnchanged(t *testing.T) {
	for _, tc := range []struct {
		stage, rel string
	}{
		{"tmp", ""},
		{"file", "kustomization.yaml"},
		{"file", "x/y/z.yaml"},
		{"swap", ""},
	} {
		t.Run(tc.stage+"/"+tc.rel, func(t *testing.T) {
			parent, dir, before := existing(t)
			injected := errors.New("injected failure")
			setHook(t, func(stage, rel string) error {
				if stage == tc.stage && rel == tc.rel {
					return injected
				}
				return nil
			})

			_, err := Apply(dir, mkTree(t, changedSample))
			if !errors.Is(err, injected) {
				t.Fatalf("Apply error = %v, want the injected failure", err)
			}
			if !strings.HasPrefix(err.Error(), "write "+dir+": ") {
				t.Errorf("error %q lacks context", err)
			}
			assertSnapshot(t, dir, before)
			assertOnly(t, parent, "prod")

			// First build: the directory must still not exist afterwards.
			fresh := filepath.Join(parent, "fresh")
			if _, err := Apply(fresh, mkTree(t, changedSample)); !errors.Is(err, injected) {
				t.Fatalf("Apply(fresh) error = %v", err)
			}
			assertSnapshot(t, fresh, map[string]string{"": "missing"})
			assertOnly(t, parent, "prod")

			// Once the fault is gone the same call succeeds.
			testHook = nil
			if _, err := Apply(dir, mkTree(t, changedSample)); err != nil {
				t.Fatal(err)
			}
			assertSnapshot(t, dir, treeSnapshot(changedSample))
			assertOnly(t, parent, "prod")
		})
	}
}

func TestUnwritableParent(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("permissions do not bind root")
	}
	parent, dir, before := existing(t)
	if err := os.Chmod(parent, 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(parent, 0o755) })
	_, err := Apply(dir, mkTree(t, changedSample))
	if err == nil || !strings.HasPrefix(err.Error(), "write "+dir+": ") {
		t.Fatalf("Apply error = %v, want a wrapped permission error", err)
	}
	assertSnapshot(t, dir, before)
	assertOnly(t, parent, "prod")
}

func TestLeftoversOfACrashedBuildAreRemoved(t *testing.T) {
	parent, dir, _ := existing(t)
	writeDisk(t, parent, map[string]string{
		".prod.tmp-123/half/written.yaml":  "x",
		".prod.old-456/kustomization.yaml": "y",
		".prod.lock":                       "", // stale: nobody holds it
		".staging.tmp-789/keep.yaml":       "another environment's build",
	})
	if d, err := Compare(dir, mkTree(t, changedSample)); err != nil || len(d.Removed) != 4 {
		// Leftovers are siblings, never part of the compared tree.
		t.Errorf("Compare = %v, %v", d, err)
	}
	if _, err := Apply(dir, mkTree(t, changedSample)); err != nil {
		t.Fatal(err)
	}
	assertSnapshot(t, dir, treeSnapshot(changedSample))
	assertOnly(t, parent, ".staging.tmp-789", "prod")
}

func TestDeterministic(t *testing.T) {
	files := map[string]string{}
	var order []string
	for i := range 50 {
		p := fmt.Sprintf("dir%d/sub%d/file%02d.yaml", i%3, i%5, i)
		files[p] = strings.Repeat(fmt.Sprint(i), i)
		order = append(order, p)
	}
	reversed := slices.Clone(order)
	slices.Reverse(reversed)

	parent := t.TempDir()
	a, b := filepath.Join(parent, "a"), filepath.Join(parent, "b")
	writeDisk(t, a, map[string]string{"stale/x": "1", "dir0/sub0/file00.yaml": "old"})
	writeDisk(t, b, map[string]string{"stale/x": "1", "dir0/sub0/file00.yaml": "old"})
	da, err := Apply(a, mkTree(t, files, order...))
	if err != nil {
		t.Fatal(err)
	}
	db, err := Apply(b, mkTree(t, files, reversed...))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(da.Entries(), db.Entries()) {
		t.Errorf("diffs differ:\n%s\n--\n%s", da, db)
	}
	sa, sb := snapshot(t, a), snapshot(t, b)
	if !reflect.DeepEqual(sa, sb) {
		t.Errorf("outputs differ")
	}
	assertSnapshot(t, a, treeSnapshot(files))
}

func TestLockHeldTimesOut(t *testing.T) {
	parent := t.TempDir()
	t.Chdir(parent)
	dir := filepath.Join("out", "prod")
	if _, err := Apply(dir, mkTree(t, sample)); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, dir)
	l, err := acquireLock(filepath.Join("out", ".prod.lock"), time.Second)
	if err != nil {
		t.Fatal(err)
	}

	start := time.Now()
	_, err = ApplyWith(dir, mkTree(t, changedSample), Options{LockTimeout: 150 * time.Millisecond})
	waited := time.Since(start)
	want := "another mongen build is writing out/prod (lock out/.prod.lock); retry when it finishes"
	if err == nil || err.Error() != want {
		t.Fatalf("error = %v, want %q", err, want)
	}
	var le *LockError
	if !errors.Is(err, ErrLocked) || !errors.As(err, &le) || le.Timeout != 150*time.Millisecond {
		t.Errorf("error %#v does not match ErrLocked / *LockError", err)
	}
	if waited < 150*time.Millisecond || waited > 5*time.Second {
		t.Errorf("waited %v for a 150ms lock timeout", waited)
	}
	assertSnapshot(t, dir, before)

	if err := l.release(); err != nil {
		t.Fatal(err)
	}
	if _, err := ApplyWith(dir, mkTree(t, changedSample), Options{LockTimeout: 150 * time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	assertSnapshot(t, dir, treeSnapshot(changedSample))
	assertOnly(t, "out", "prod")
}

func TestLockWaitsForHolder(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "prod")
	l, err := acquireLock(filepath.Join(parent, ".prod.lock"), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	released := make(chan time.Time, 1)
	go func() {
		time.Sleep(100 * time.Millisecond)
		released <- time.Now()
		l.release()
	}()
	if _, err := ApplyWith(dir, mkTree(t, sample), Options{LockTimeout: 10 * time.Second}); err != nil {
		t.Fatal(err)
	}
	done := time.Now()
	if r := <-released; done.Before(r) {
		t.Errorf("Apply finished at %v, before the holder released at %v", done, r)
	}
	assertSnapshot(t, dir, treeSnapshot(sample))
	assertOnly(t, parent, "prod")
}

func TestConcurrentApplySerialises(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "prod")

	// Every Apply below changes the output, so each passes from "tmp" to
	// "swap"; two inside that window at once would be an interleaving.
	var active, overlaps atomic.Int32
	setHook(t, func(stage, rel string) error {
		switch stage {
		case "tmp":
			if active.Add(1) != 1 {
				overlaps.Add(1)
			}
			time.Sleep(time.Millisecond)
		case "swap":
			active.Add(-1)
		}
		return nil
	})

	const workers, rounds = 4, 15
	var wg sync.WaitGroup
	errs := make(chan error, workers*rounds)
	last := make([]map[string]string, workers)
	for w := range workers {
		wg.Go(func() {
			for r := range rounds {
				files := map[string]string{
					"kustomization.yaml":                  fmt.Sprintf("worker %d round %d\n", w, r),
					fmt.Sprintf("w%d/r%d.yaml", w, r):     "x\n",
					fmt.Sprintf("shared/%d.yaml", r%3):    fmt.Sprint(w),
					"prometheus/rules/" + fmt.Sprint(w%2): "g\n",
				}
				if _, err := ApplyWith(dir, mkTree(t, files), Options{LockTimeout: time.Minute}); err != nil {
					errs <- err
					return
				}
				last[w] = files
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := overlaps.Load(); n != 0 {
		t.Errorf("%d Applies overlapped", n)
	}
	// The result is exactly one worker's last tree, never a mix.
	got := snapshot(t, dir)
	matched := false
	for _, files := range last {
		if reflect.DeepEqual(got, treeSnapshot(files)) {
			matched = true
		}
	}
	if !matched {
		t.Errorf("final output is no single tree: %v", got)
	}
	assertOnly(t, parent, "prod")
}

// TestHelperHoldLock is not a test: TestLockAcrossProcesses runs the test
// binary with MONGEN_WRITE_HOLD_LOCK set, and this holds that lock until
// its stdin closes.
func TestHelperHoldLock(t *testing.T) {
	lock := os.Getenv("MONGEN_WRITE_HOLD_LOCK")
	if lock == "" {
		t.Skip("helper process only")
	}
	l, err := acquireLock(lock, 5*time.Second)
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	fmt.Println("locked")
	buf := make([]byte, 1)
	os.Stdin.Read(buf)
	if err := l.release(); err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	os.Exit(0)
}
