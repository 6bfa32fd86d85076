package load

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	cueload "cuelang.org/go/cue/load"
)

// sourceDir is the virtual directory a repository tree given as
// Options.Source is loaded from: inside the real root, under a name no real
// directory has, so that positions still print relative to the root and no
// file on disk can leak into the load.
const sourceDir = ".mongen-source"

// sourceOverlay maps every CUE file of fsys to a virtual root beside root
// and returns that root. The loader treats overlaid files and their parent
// directories as existing, and the directory does not exist on disk, so
// only the tree's files are seen.
func sourceOverlay(root string, fsys fs.FS) (string, map[string]cueload.Source, map[string][]byte, error) {
	abs, err := filepath.Abs(root) // the loader's overlay wants absolute paths
	if err != nil {
		return "", nil, nil, err
	}
	vroot := filepath.Join(abs, sourceDir)
	if _, err := os.Lstat(vroot); err == nil {
		return "", nil, nil, fmt.Errorf("%s exists: mongen loads revisions at that path and needs it absent", vroot)
	}
	out := map[string]cueload.Source{}
	raw := map[string][]byte{}
	err = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			// out/ holds only generated YAML; dot-directories (.git,
			// .cache) and _-prefixed ones are invisible to CUE anyway.
			if p != "." && (p == "out" || strings.HasPrefix(d.Name(), ".") || strings.HasPrefix(d.Name(), "_")) {
				return fs.SkipDir
			}
			return nil
		}
		if path.Ext(p) != ".cue" {
			return nil
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		name := filepath.Join(vroot, filepath.FromSlash(p))
		out[name] = cueload.FromBytes(data)
		raw[name] = data
		return nil
	})
	if err != nil {
		return "", nil, nil, fmt.Errorf("read source tree: %w", err)
	}
	return vroot, out, raw, nil
}

// moduleFile reads cue.mod/module.cue from the source tree, or from disk.
func moduleFile(root string, src fs.FS) ([]byte, error) {
	if src != nil {
		return fs.ReadFile(src, "cue.mod/module.cue")
	}
	return os.ReadFile(filepath.Join(root, "cue.mod", "module.cue"))
}

// ParseRef turns the spellings users type for an environment ("env/prod",
// "environments/prod", "./environments/prod/", "prod") into a Ref, without
// checking that the directory exists.
func ParseRef(arg string) (Ref, error) {
	name := strings.Trim(filepath.ToSlash(filepath.Clean(arg)), "/")
	name = strings.TrimPrefix(name, "./")
	for _, prefix := range []string{EnvironmentsDir + "/", "env/", "envs/"} {
		if rest, ok := strings.CutPrefix(name, prefix); ok {
			name = rest
			break
		}
	}
	if name == "" || strings.Contains(name, "/") || name == "." || name == ".." {
		return Ref{}, fmt.Errorf("environment %q: name one directory under %s/ (for example %s/prod, env/prod or prod)", arg, EnvironmentsDir, EnvironmentsDir)
	}
	return Ref{Name: name, Dir: EnvironmentsDir + "/" + name}, nil
}

// AllIn lists every environment directory of a repository tree (such as a
// git revision) that holds CUE files, sorted: All for an fs.FS.
func AllIn(fsys fs.FS) ([]Ref, error) {
	entries, err := fs.ReadDir(fsys, EnvironmentsDir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return nil, fmt.Errorf("list environments: %w", err)
	}
	var refs []Ref
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		cue, _ := fs.Glob(fsys, EnvironmentsDir+"/"+e.Name()+"/*.cue")
		if len(cue) == 0 {
			continue
		}
		refs = append(refs, Ref{Name: e.Name(), Dir: EnvironmentsDir + "/" + e.Name()})
	}
	sort.Slice(refs, func(i, j int) bool { return refs[i].Name < refs[j].Name })
	return refs, nil
}
