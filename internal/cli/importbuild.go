package cli

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing/fstest"

	"github.com/mongen-dev/mongen/internal/load"
	"github.com/mongen-dev/mongen/internal/pipeline"
)

// importBuilds compiles the environment an import is about to write (the
// repository's CUE files as they are, with the import's files in
// environments/<env>/) without writing anything, so that an import whose
// result would not build fails and leaves the repository untouched.
func importBuilds(root, rel string, files map[string][]byte) error {
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
		return fmt.Errorf("read the repository's CUE files: %w", err)
	}
	for name, data := range files {
		src[path.Join(rel, name)] = &fstest.MapFile{Data: data, Mode: 0o644}
	}
	ref, err := load.ParseRef(rel)
	if err != nil {
		return err
	}
	if _, err := pipeline.Compile(root, ref, load.Options{Source: src}); err != nil {
		return fmt.Errorf("%v\nmongen import: the environment it would write to %s does not build (above, at the positions of the CUE it would write); nothing was written", err, rel)
	}
	return nil
}
