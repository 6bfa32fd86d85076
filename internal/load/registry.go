package load

import (
	"context"
	"fmt"
	"io/fs"

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
	return module.SourceLoc{FS: r.fsys, Dir: "."}, nil
}

func (r *embeddedRegistry) ModuleVersions(_ context.Context, mpath string) ([]string, error) {
	if mpath != r.path {
		return nil, nil
	}
	return []string{r.version}, nil
}
