package load

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing/fstest"

	"cuelang.org/go/cue/build"
	cueload "cuelang.org/go/cue/load"

	"github.com/mongen-dev/mongen/internal/diag"
	"github.com/mongen-dev/mongen/internal/inputlimit"
)

// prepareInputs readies the loader's view of the repository on disk
// (Options.Source unset): it refuses, before CUE reads any, a .cue file of
// the module that is not a regular file (a named pipe would block the load
// for ever) or is over inputlimit.MaxCUEFile, and it overlays the files of
// Options.Overlay, so that CUE evaluates exactly those bytes.
func prepareInputs(cfg *cueload.Config, root string, ref Ref, opts Options) error {
	if opts.Source != nil {
		return nil
	}
	if err := checkCUEFiles(root); err != nil {
		return diag.FromError(err)
	}
	if opts.Overlay == nil {
		return nil
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		return err
	}
	if cfg.Overlay == nil {
		cfg.Overlay = map[string]cueload.Source{}
	}
	for rel, data := range opts.Overlay {
		if path.Ext(rel) == ".cue" {
			cfg.Overlay[filepath.Join(abs, filepath.FromSlash(rel))] = cueload.FromBytes(data)
		}
	}
	return nil
}

// checkCUEFiles stats every .cue file under root that CUE could load
// (directories whose names start with "." or "_" are invisible to it;
// cue.mod's are not) without reading any.
func checkCUEFiles(root string) error {
	limit := inputlimit.CUE()
	return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == root {
				return err
			}
			return nil // CUE reports what it cannot read, if it needs it
		}
		name := d.Name()
		if d.IsDir() {
			if p != root && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				return fs.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ".cue") {
			return nil
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		if _, err := limit.Check(p, filepath.ToSlash(rel)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		return nil
	})
}

// checkLoaded runs after the loader parsed an environment's packages and
// before anything is evaluated. Every CUE file of the repository they
// include must be an entry of Options.Overlay when one is given: a file
// that is not was created after the inputs were read and hashed, and
// evaluating it would give output that the hash does not describe. The
// files together must fit inputlimit.MaxCUETotal.
func checkLoaded(root string, ref Ref, insts []*build.Instance, opts Options) error {
	if opts.Source != nil {
		return nil
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		return err
	}
	embedded := embeddedRoot(abs) + string(filepath.Separator)
	seen := map[string]bool{}
	var files []string
	var walk func(inst *build.Instance)
	walk = func(inst *build.Instance) {
		if inst == nil {
			return
		}
		for _, f := range inst.BuildFiles {
			if !seen[f.Filename] {
				seen[f.Filename] = true
				files = append(files, f.Filename)
			}
		}
		for _, imp := range inst.Imports {
			walk(imp)
		}
	}
	for _, inst := range insts {
		walk(inst)
	}
	slices.Sort(files)
	budget := inputlimit.CUEBudget()
	for _, name := range files {
		if !filepath.IsAbs(name) {
			name = filepath.Join(abs, name)
		}
		rel, err := filepath.Rel(abs, name)
		if err != nil || strings.HasPrefix(name, embedded) || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			continue // the embedded module, part of the binary
		}
		rel = filepath.ToSlash(rel)
		var size int64
		if opts.Overlay != nil {
			data, ok := opts.Overlay[rel]
			if !ok {
				return diag.List{diag.At(diag.Pos{File: rel}, "appeared while mongen was reading %s's inputs, after it had hashed them: run the command again", ref.Dir)}
			}
			size = int64(len(data))
		} else if fi, err := os.Stat(name); err == nil {
			size = fi.Size()
		}
		if err := budget.Take(rel, size); err != nil {
			return err // a diag.List at the file
		}
	}
	return nil
}

// valuesSource is where readPlatformValues reads: the repository tree of
// Options.Source, else the files of Options.Overlay (those hashed), else
// the disk (nil).
func valuesSource(opts Options) fs.FS {
	if opts.Source != nil || opts.Overlay == nil {
		return opts.Source
	}
	m := make(fstest.MapFS, len(opts.Overlay))
	for rel, data := range opts.Overlay {
		m[rel] = &fstest.MapFile{Data: data, Mode: 0o644}
	}
	return m
}
