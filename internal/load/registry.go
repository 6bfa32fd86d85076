package load

import (
	"context"
	"fmt"
	"io/fs"
	"path/filepath"

	cueload "cuelang.org/go/cue/load"

	"cuelang.org/go/mod/modconfig"
	"cuelang.org/go/mod/modfile"
	"cuelang.org/go/mod/module"
)

// embeddedRegistry serves exactly one CUE module, the one embedded in the
// binary, so a user's repository can depend on mongen.dev/mongen@v0 without
// a network registry. Any other dependency is refused with a clear error:
// mongen builds must not fetch from the network.
type embeddedRegistry struct {
	path    string // module path with major version, e.g. mongen.dev/mongen@v0
	version string // the version it is served as
	fsys    fs.FS  // root holds cue.mod/module.cue
	root    string // absolute virtual directory the files appear under
}

var _ modconfig.Registry = (*embeddedRegistry)(nil)

func (r *embeddedRegistry) check(mv module.Version) error {
	if mv.Path() != r.path {
		return fmt.Errorf("module %s: mongen serves only %s (embedded); vendor other CUE dependencies into your repository", mv, r.path)
	}
	return nil
}

func (r *embeddedRegistry) ModFile(_ context.Context, mv module.Version) (*modfile.File, error) {
	if err := r.check(mv); err != nil {
		return nil, err
	}
	data, err := fs.ReadFile(r.fsys, "cue.mod/module.cue")
	if err != nil {
		return nil, fmt.Errorf("embedded module: %w", err)
	}
	return modfile.Parse(data, "cue.mod/module.cue")
}

func (r *embeddedRegistry) Fetch(_ context.Context, mv module.Version) (module.SourceLoc, error) {
	if err := r.check(mv); err != nil {
		return module.SourceLoc{}, err
	}
	return module.SourceLoc{FS: rootedFS{FS: r.fsys, root: r.root}, Dir: "."}, nil
}

// rootedFS gives the embedded files the absolute (virtual) directory the
// loader asks for; the files themselves reach the loader through
// load.Config.Overlay under the same directory.
type rootedFS struct {
	fs.FS
	root string
}

func (f rootedFS) OSRoot() string { return f.root }

// overlay maps every embedded file to its path under root.
func overlay(fsys fs.FS, root string) (map[string]cueload.Source, error) {
	out := map[string]cueload.Source{}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		out[filepath.Join(root, filepath.FromSlash(p))] = cueload.FromBytes(data)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("embedded CUE module: %w", err)
	}
	return out, nil
}

func (r *embeddedRegistry) ModuleVersions(_ context.Context, mpath string) ([]string, error) {
	if mpath != r.path {
		return nil, nil
	}
	return []string{r.version}, nil
}
