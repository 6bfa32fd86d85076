package roundtrip

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing/fstest"

	"github.com/mongen-dev/mongen/internal/diag"
	"github.com/mongen-dev/mongen/internal/load"
	"github.com/mongen-dev/mongen/internal/pipeline"
)

// Builds compiles the environment an import is about to write (the
// repository's CUE files as they are, with files in rel, its
// environments/<env>/) without writing anything, so that an import whose
// result would not build fails and leaves the repository untouched.
func Builds(root, rel string, files map[string][]byte) error {
	src, err := RepositoryCUE(root)
	if err != nil {
		return err
	}
	for name, data := range files {
		src[path.Join(rel, name)] = &fstest.MapFile{Data: data, Mode: 0o644}
	}
	ref, err := load.ParseRef(rel)
	if err != nil {
		return err
	}
	if _, err := pipeline.Compile(root, ref, load.Options{Source: src}); err != nil {
		return withConclusion(err, fmt.Sprintf("mongen import: the environment it would write to %s does not build (above, at the positions of the CUE it would write); nothing was written", rel))
	}
	return nil
}

// RepositoryCUE reads the repository's CUE files (outside out/ and
// hidden or _ directories) into an in-memory file system, for a build of
// imported files that writes nothing to disk.
func RepositoryCUE(root string) (fstest.MapFS, error) {
	src := fstest.MapFS{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		r, _ := filepath.Rel(root, p)
		r = filepath.ToSlash(r)
		if d.IsDir() {
			if r != "." && (r == "out" || strings.HasPrefix(d.Name(), ".") || strings.HasPrefix(d.Name(), "_")) {
				return fs.SkipDir
			}
			return nil
		}
		if path.Ext(r) != ".cue" || !d.Type().IsRegular() {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		src[r] = &fstest.MapFile{Data: data, Mode: 0o644}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read the repository's CUE files: %w", err)
	}
	return src, nil
}

// withConclusion is err followed by a line saying what it means for the
// import: a diag.List keeps its diagnostics, in their order, with the
// conclusion as one more without a position.
func withConclusion(err error, conclusion string) error {
	if l, ok := diag.As(err); ok {
		return append(append(diag.List(nil), l...), diag.Diagnostic{Msg: conclusion})
	}
	return fmt.Errorf("%w\n%s", err, conclusion)
}
