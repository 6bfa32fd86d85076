package load

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// EnvironmentsDir is where environments live, relative to the repository root.
const EnvironmentsDir = "environments"

// Ref names one environment on disk.
type Ref struct {
	Name string // e.g. "prod"
	Dir  string // relative to the root, slash-separated: "environments/prod"
}

// FindRoot walks up from dir to the directory holding cue.mod/module.cue.
func FindRoot(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("find repository root: %w", err)
	}
	for d := abs; ; {
		if _, err := os.Stat(filepath.Join(d, "cue.mod", "module.cue")); err == nil {
			return d, nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", fmt.Errorf("no cue.mod/module.cue in %s or any parent: run mongen inside a monitoring repository (mongen init creates one)", abs)
		}
		d = parent
	}
}

// Resolve accepts "env/prod", "environments/prod", "prod" and
// "./environments/prod/" alike, since users type all of them.
func Resolve(root, arg string) (Ref, error) {
	ref, err := ParseRef(arg)
	if err != nil {
		return Ref{}, err
	}
	st, err := os.Stat(filepath.Join(root, filepath.FromSlash(ref.Dir)))
	if err != nil || !st.IsDir() {
		known, _ := All(root)
		names := make([]string, len(known))
		for i, k := range known {
			names[i] = k.Name
		}
		return Ref{}, fmt.Errorf("environment %q: no directory %s (known: %s)", arg, ref.Dir, strings.Join(names, ", "))
	}
	return ref, nil
}

// All lists every environment directory that holds CUE files, sorted.
func All(root string) ([]Ref, error) {
	entries, err := os.ReadDir(filepath.Join(root, EnvironmentsDir))
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, nil
		}
		return nil, fmt.Errorf("list environments: %w", err)
	}
	var refs []Ref
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		cue, _ := filepath.Glob(filepath.Join(root, EnvironmentsDir, e.Name(), "*.cue"))
		if len(cue) == 0 {
			continue
		}
		refs = append(refs, Ref{Name: e.Name(), Dir: EnvironmentsDir + "/" + e.Name()})
	}
	sort.Slice(refs, func(i, j int) bool { return refs[i].Name < refs[j].Name })
	return refs, nil
}
