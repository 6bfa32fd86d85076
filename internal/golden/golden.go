// Package golden is the test support for golden cases kept as txtar archives
// (github.com/rogpeppe/go-internal/txtar): each archive holds a case's input
// files and the files the code under test is expected to produce from them.
//
// Run runs a subtest per archive and Case.Check compares the produced files
// with the expected ones, showing a diff for each that differs. With
// UPDATE_GOLDEN set to a non-empty value, Check rewrites the archive from the
// produced files instead:
//
//	UPDATE_GOLDEN=1 go test ./internal/render/...
package golden

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/diff"
	"github.com/rogpeppe/go-internal/txtar"
)

// UpdateEnv names the environment variable that, when non-empty, makes Check
// rewrite the archives rather than compare with them.
const UpdateEnv = "UPDATE_GOLDEN"

// Update reports whether UPDATE_GOLDEN is set.
func Update() bool { return os.Getenv(UpdateEnv) != "" }

// Archive and File are txtar's.
type (
	Archive = txtar.Archive
	File    = txtar.File
)

// ParseFile reads the archive in the named file.
func ParseFile(name string) (*Archive, error) { return txtar.ParseFile(name) }

// Case is one golden archive.
type Case struct {
	// Path is the archive's file name.
	Path string
	// Archive is its parsed content.
	Archive *txtar.Archive
	// Inputs names the archive's input files. Every other file in it is an
	// expected output.
	Inputs []string
}

// Run runs f as a subtest, named after the file without its .txtar
// extension, for each archive matching pattern (e.g. "testdata/*.txtar"),
// with the files named in inputs as its inputs. It fails the test when no
// archive matches.
func Run(t *testing.T, pattern string, inputs []string, f func(t *testing.T, c *Case)) {
	t.Helper()
	files, err := filepath.Glob(pattern)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no golden cases match %s", pattern)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			f(t, &Case{Path: file, Archive: ar, Inputs: inputs})
		})
	}
}

// File returns the data of the archive's file called name.
func (c *Case) File(name string) ([]byte, bool) {
	for _, f := range c.Archive.Files {
		if f.Name == name {
			return f.Data, true
		}
	}
	return nil, false
}

func (c *Case) isInput(name string) bool { return slices.Contains(c.Inputs, name) }

// Check compares got, the files produced, with the archive's expected files:
// each must be produced, with the same bytes, and nothing else may be. Every
// difference is reported, a changed file as a unified diff.
//
// With UPDATE_GOLDEN set, Check instead rewrites the archive as its comment,
// its input files, then got in the order given.
func (c *Case) Check(t testing.TB, got []txtar.File) {
	t.Helper()
	if Update() {
		out := &txtar.Archive{Comment: c.Archive.Comment}
		for _, f := range c.Archive.Files {
			if c.isInput(f.Name) {
				out.Files = append(out.Files, f)
			}
		}
		out.Files = append(out.Files, got...)
		if err := os.WriteFile(c.Path, txtar.Format(out), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}

	want := map[string][]byte{}
	for _, f := range c.Archive.Files {
		if !c.isInput(f.Name) {
			want[f.Name] = f.Data
		}
	}
	have := map[string][]byte{}
	for _, f := range got {
		if _, dup := have[f.Name]; dup {
			t.Errorf("%s: produced twice", f.Name)
		}
		have[f.Name] = f.Data
	}
	names := make([]string, 0, len(want)+len(have))
	for name := range want {
		names = append(names, name)
	}
	for name := range have {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range slices.Compact(names) {
		w, inWant := want[name]
		g, inGot := have[name]
		switch {
		case !inGot:
			t.Errorf("%s: expected but not produced", name)
		case !inWant:
			t.Errorf("%s: produced but not expected (%s=1 to accept):\n%s", name, UpdateEnv, g)
		case !bytes.Equal(w, g):
			t.Errorf("%s differs (%s=1 to accept):\n%s", name, UpdateEnv, diff.Diff("want/"+name, w, "got/"+name, g))
		}
	}
}
