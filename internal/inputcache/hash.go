// Package inputcache lets mongen build and mongen check skip CUE evaluation
// when nothing an environment's output depends on has changed: a content
// hash of every input (hash.go), a record of what the last successful build
// wrote at that hash (store.go), and a check that out/<env>/ still holds
// exactly those bytes (tree.go).
//
// A stale hit is a correctness bug, a miss is only slow: wherever it is
// unclear whether something is an input, it is hashed.
package inputcache

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"cuelang.org/go/cue/parser"
	"cuelang.org/go/mod/modfile"

	"github.com/mongen-dev/mongen/internal/inputlimit"
)

// Inputs names everything one environment's output is computed from.
type Inputs struct {
	// Root is the repository root (the directory holding cue.mod/).
	Root string
	// EnvDir is the environment's directory relative to Root, slash
	// separated: "environments/prod".
	EnvDir string
	// Imports are packages loaded beside the environment's (load loads the
	// schemas package itself), as CUE import paths.
	Imports []string
	// Module is the CUE module embedded in the binary (schemas, library).
	Module fs.FS
	// Binary identifies the running program (BinaryID): a new mongen must
	// never reuse an old one's result.
	Binary string
	// Settings are further "name=value" strings the output depends on
	// (flags, environment variables CUE reads).
	Settings []string
}

// ErrUncacheable says the environment reads something the hash cannot see
// (a CUE @embed of a non-CUE file); it is always evaluated.
var ErrUncacheable = errors.New("inputs cannot be hashed")

// version changes whenever what the hash covers changes.
const version = "mongen-inputcache v1"

// Hash returns the hex SHA-256 over every input of the environment: the
// binary, the embedded module's files, the settings, and each file CUE may
// load for it (path and content), in path order.
func Hash(in Inputs) (string, error) {
	sum, _, err := Snapshot(in)
	return sum, err
}

// Snapshot is Hash that also returns the files it hashed, by slash path
// relative to in.Root: a build that evaluates exactly these bytes
// (load.Options.Overlay) produces the output the hash stands for, whatever
// happens to the files on disk meanwhile.
func Snapshot(in Inputs) (string, map[string][]byte, error) {
	h := sha256.New()
	field(h, version)
	field(h, in.Binary)
	field(h, in.EnvDir)
	settings := slices.Clone(in.Settings)
	slices.Sort(settings)
	field(h, strconv.Itoa(len(settings)))
	for _, s := range settings {
		field(h, s)
	}
	if err := hashFS(h, in.Module); err != nil {
		return "", nil, fmt.Errorf("hash embedded module: %w", err)
	}
	files, err := Files(in)
	if err != nil {
		return "", nil, err
	}
	field(h, "files "+strconv.Itoa(len(files)))
	snap := make(map[string][]byte, len(files))
	for _, f := range files {
		field(h, f.Path)
		field(h, string(f.Data))
		snap[f.Path] = f.Data
	}
	return hex.EncodeToString(h.Sum(nil)), snap, nil
}

// field writes s length-prefixed, so no two sequences of fields hash alike.
func field(h hash.Hash, s string) {
	fmt.Fprintf(h, "%d:", len(s))
	h.Write([]byte(s))
}

// hashFS hashes every file of fsys by path, in WalkDir's (lexical) order.
func hashFS(h hash.Hash, fsys fs.FS) error {
	if fsys == nil {
		return errors.New("no embedded module given")
	}
	return fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		field(h, p)
		field(h, string(data))
		return nil
	})
}

// File is one input file: its slash path relative to the root and content.
type File struct {
	Path string
	Data []byte
}

// Files lists, sorted by path, every file that may take part in the
// environment's evaluation:
//   - every file of the environment directory, recursively (CUE reads only
//     its .cue files, but a subdirectory or data file costs nothing to hash);
//   - the .cue files of every parent directory up to the root, whatever
//     their package (CUE merges those of the same package);
//   - everything under cue.mod/ (module.cue, pkg/, usr/, gen/);
//   - for each package of the user's own module imported from any of these,
//     transitively: its directory and parents, as for the environment.
//
// A .cue file that uses @extern(embed) reads files the hash cannot know
// about: Files returns ErrUncacheable.
func Files(in Inputs) ([]File, error) {
	c := collector{root: in.Root, files: map[string][]byte{}, dirs: map[string]bool{}}
	mod, err := os.ReadFile(filepath.Join(in.Root, "cue.mod", "module.cue"))
	if err != nil {
		return nil, fmt.Errorf("read module file: %w", err)
	}
	mf, err := modfile.Parse(mod, "cue.mod/module.cue")
	if err != nil {
		return nil, fmt.Errorf("cue.mod/module.cue: %w", err)
	}
	c.module, _, _ = strings.Cut(mf.Module, "@")
	if err := c.tree("cue.mod", nil); err != nil {
		return nil, err
	}
	if err := c.pkg(path.Clean(in.EnvDir)); err != nil {
		return nil, err
	}
	for _, imp := range in.Imports {
		if err := c.imported(imp); err != nil {
			return nil, err
		}
	}
	// Follow imports until no new package turns up; files added while
	// following are scanned in the next round.
	for scanned := map[string]bool{}; ; {
		var next []string
		for p := range c.files {
			if !scanned[p] && strings.HasSuffix(p, ".cue") {
				scanned[p] = true
				next = append(next, p)
			}
		}
		if len(next) == 0 {
			break
		}
		slices.Sort(next)
		for _, p := range next {
			if err := c.imports(p); err != nil {
				return nil, err
			}
		}
	}
	paths := make([]string, 0, len(c.files))
	for p := range c.files {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	files := make([]File, len(paths))
	for i, p := range paths {
		files[i] = File{Path: p, Data: c.files[p]}
	}
	return files, nil
}

type collector struct {
	root   string
	module string // the user's module path without its major version
	files  map[string][]byte
	dirs   map[string]bool // package directories already added
}

// pkg adds a package directory (recursively) and the .cue files of its
// parents up to the root.
func (c *collector) pkg(dir string) error {
	if c.dirs[dir] {
		return nil
	}
	c.dirs[dir] = true
	if err := c.tree(dir, nil); err != nil {
		return err
	}
	for d := path.Dir(dir); ; d = path.Dir(d) {
		if err := c.tree(d, func(name string) bool { return strings.HasSuffix(name, ".cue") }); err != nil {
			return err
		}
		if d == "." {
			return nil
		}
	}
}

// tree adds the files of dir: all of them, recursively, when keep is nil;
// else only dir's own files keep accepts. A missing dir adds nothing (CUE
// reports that itself).
func (c *collector) tree(dir string, keep func(name string) bool) error {
	abs := filepath.Join(c.root, filepath.FromSlash(dir))
	if keep != nil {
		entries, err := os.ReadDir(abs)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("hash inputs: %w", err)
		}
		for _, e := range entries {
			if e.IsDir() || !keep(e.Name()) {
				continue
			}
			if err := c.add(path.Join(dir, e.Name())); err != nil {
				return err
			}
		}
		return nil
	}
	err := filepath.WalkDir(abs, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			if fi, err := os.Stat(p); err == nil && fi.IsDir() {
				// WalkDir does not follow it; CUE might.
				return fmt.Errorf("%s is a symlink to a directory: %w", p, ErrUncacheable)
			}
		}
		rel, err := filepath.Rel(c.root, p)
		if err != nil {
			return err
		}
		return c.add(filepath.ToSlash(rel))
	})
	if errors.Is(err, fs.ErrNotExist) && !c.exists(abs) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("hash inputs: %w", err)
	}
	return nil
}

func (c *collector) exists(abs string) bool {
	_, err := os.Stat(abs)
	return err == nil
}

// add reads one file (following symlinks, as CUE does), within the input
// limits: a file that is not a regular file or is too large is not read,
// and the environment is not cached (load reports the CUE files among
// them; CUE never reads the others).
func (c *collector) add(rel string) error {
	if _, ok := c.files[rel]; ok {
		return nil
	}
	limit := inputlimit.Other()
	if strings.HasSuffix(rel, ".cue") {
		limit = inputlimit.CUE()
	}
	data, err := limit.ReadFile(filepath.Join(c.root, filepath.FromSlash(rel)), rel)
	if inputlimit.Refused(err) {
		return fmt.Errorf("%w: %w", ErrUncacheable, err)
	}
	if err != nil {
		return fmt.Errorf("hash inputs: %w", err)
	}
	if strings.HasSuffix(rel, ".cue") && bytes.Contains(data, []byte("@extern(embed)")) {
		return fmt.Errorf("%s embeds files (@extern(embed)): %w", rel, ErrUncacheable)
	}
	c.files[rel] = data
	return nil
}

// imports adds the packages of the user's own module a .cue file imports.
// A file that does not parse is still hashed; CUE reports the error.
func (c *collector) imports(rel string) error {
	f, err := parser.ParseFile(rel, c.files[rel], parser.ImportsOnly)
	if err != nil || f == nil {
		return nil
	}
	for spec := range f.ImportSpecs() {
		p, err := strconv.Unquote(spec.Path.Value)
		if err != nil {
			continue
		}
		if err := c.imported(p); err != nil {
			return err
		}
	}
	return nil
}

// imported adds an import path's directory when it is in the user's own
// module. Other imports are the standard library or the embedded module
// (both part of the binary) or live under cue.mod/ (hashed whole).
func (c *collector) imported(importPath string) error {
	if c.module == "" {
		return nil
	}
	p, _, _ := strings.Cut(importPath, ":")
	// An import may name the major version: "example.com/m/lib@v0".
	elems := strings.Split(p, "/")
	for i, e := range elems {
		elems[i], _, _ = strings.Cut(e, "@")
	}
	p = strings.Join(elems, "/")
	var dir string
	switch {
	case p == c.module:
		dir = "."
	case strings.HasPrefix(p, c.module+"/"):
		dir = path.Clean(strings.TrimPrefix(p, c.module+"/"))
	default:
		return nil
	}
	if dir == ".." || strings.HasPrefix(dir, "../") {
		return nil
	}
	if dir == "." {
		// The module root package: its own files, not the whole tree.
		return c.tree(".", func(name string) bool { return strings.HasSuffix(name, ".cue") })
	}
	return c.pkg(dir)
}
