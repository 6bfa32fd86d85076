package credgate

import (
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/cuecontext"
	"cuelang.org/go/cue/parser"
	"cuelang.org/go/cue/token"
	cueyaml "cuelang.org/go/encoding/yaml"
	"golang.org/x/tools/txtar"
)

// TestSyntaxMatchesOracle: Syntax and Value, which make a string's
// position and path only for a finding now, answer as the old ones did on
// the repository's CUE files and on out/ and the corpus as CUE (JSON is
// CUE; YAML through encoding/yaml), each also with a credential put in.
func TestSyntaxMatchesOracle(t *testing.T) {
	var files []*ast.File
	err := filepath.WalkDir(filepath.Join("..", ".."), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".cue") {
			return err
		}
		f, err := parser.ParseFile(p, nil, parser.ParseComments)
		if err == nil {
			files = append(files, f)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	mutants := map[*ast.File]bool{}
	asCUE := func(name string, data []byte) *ast.File {
		var f *ast.File
		var err error
		if strings.HasSuffix(name, ".json") {
			f, err = parser.ParseFile(name, data)
		} else {
			f, err = cueyaml.Extract(name, data)
		}
		if err != nil {
			return nil
		}
		files = append(files, f)
		return f
	}
	mutant := func(name string, data []byte) []byte {
		if strings.HasSuffix(name, ".json") {
			return []byte(`{"smtp": {"auth_password": "hunter2"}, "url": "https://u:p@h.example/x", "doc": ` + fmt.Sprintf("%q", string(data)) + `}`)
		}
		return append(slices.Clone(data), "\nsmtp:\n  auth_password: hunter2\nurl: https://u:p@h.example/x\n"...)
	}
	for _, f := range outFiles(t) {
		asCUE(f.name, f.data)
		m := asCUE(f.name, mutant(f.name, f.data))
		if m == nil {
			t.Fatalf("%s: the mutant is no CUE", f.name)
		}
		mutants[m] = true
	}
	for _, name := range []string{"testdata/corpus.txtar", "testdata/clean.txtar"} {
		a, err := txtar.ParseFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range a.Files {
			asCUE(f.Name, f.Data)
		}
	}
	if len(files) < 200 {
		t.Fatalf("only %d CUE files", len(files))
	}
	pos := func(p token.Pos) string {
		if !p.IsValid() {
			return ""
		}
		return fmt.Sprintf("%s:%d:%d", p.Filename(), p.Line(), p.Column())
	}
	refs := SecretRefFields(files)
	ctx := cuecontext.New()
	for _, f := range files {
		for _, r := range []map[string]bool{nil, refs} {
			got, want := Syntax(f, pos, r), oldSyntax(f, pos, r)
			if !slices.Equal(got, want) {
				t.Fatalf("%s: Syntax = %v, the old Syntax %v", f.Filename, got, want)
			}
			if mutants[f] && len(got) < 2 {
				t.Errorf("%s: the password and the URL put in are not both found: %v", f.Filename, got)
			}
		}
		v := ctx.BuildFile(f)
		if got, want := Value(v, []string{"env"}, pos), oldValue(v, []string{"env"}, pos); !slices.Equal(got, want) {
			t.Fatalf("%s: Value = %v, the old Value %v", f.Filename, got, want)
		}
	}
	t.Logf("%d CUE files, %d of them with a credential put in", len(files), len(mutants))
}
