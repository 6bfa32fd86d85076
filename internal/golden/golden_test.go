package golden

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
)

// recorder records the errors Check reports instead of failing the test.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

const archiveText = `a comment
-- input.json --
{}
-- a.txt --
one
two
-- b.txt --
bee
`

func newCase(t *testing.T) *Case {
	t.Helper()
	path := filepath.Join(t.TempDir(), "case.txtar")
	if err := os.WriteFile(path, []byte(archiveText), 0o644); err != nil {
		t.Fatal(err)
	}
	ar, err := txtar.ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return &Case{Path: path, Archive: ar, Inputs: EnvInputs}
}

func TestCheck(t *testing.T) {
	t.Setenv(UpdateEnv, "")
	c := newCase(t)
	if data, ok := c.File(InputFile); !ok || string(data) != "{}\n" {
		t.Errorf("File(%s) = %q, %v", InputFile, data, ok)
	}

	r := &recorder{TB: t}
	c.Check(r, []txtar.File{{Name: "b.txt", Data: []byte("bee\n")}, {Name: "a.txt", Data: []byte("one\ntwo\n")}})
	if len(r.errs) != 0 {
		t.Errorf("equal files reported: %q", r.errs)
	}

	r = &recorder{TB: t}
	c.Check(r, []txtar.File{
		{Name: "a.txt", Data: []byte("one\n2\n")},
		{Name: "c.txt", Data: []byte("sea\n")},
		{Name: "c.txt", Data: []byte("sea\n")},
	})
	want := []string{
		"c.txt: produced twice",
		"a.txt differs (UPDATE_GOLDEN=1 to accept):\ndiff want/a.txt got/a.txt\n--- want/a.txt\n+++ got/a.txt\n@@ -1,2 +1,2 @@\n one\n-two\n+2\n",
		"b.txt: expected but not produced",
		"c.txt: produced but not expected (UPDATE_GOLDEN=1 to accept):\nsea\n",
	}
	if strings.Join(r.errs, "\n\n") != strings.Join(want, "\n\n") {
		t.Errorf("Check reported\n%s\nwant\n%s", strings.Join(r.errs, "\n\n"), strings.Join(want, "\n\n"))
	}
	if data, _ := os.ReadFile(c.Path); string(data) != archiveText {
		t.Errorf("Check without %s changed the archive:\n%s", UpdateEnv, data)
	}
}

func TestCheckUpdate(t *testing.T) {
	t.Setenv(UpdateEnv, "1")
	c := newCase(t)
	r := &recorder{TB: t}
	c.Check(r, []txtar.File{{Name: "z.txt", Data: []byte("zed")}, {Name: "a.txt", Data: []byte("one\n")}})
	if len(r.errs) != 0 {
		t.Errorf("update reported: %q", r.errs)
	}
	data, err := os.ReadFile(c.Path)
	if err != nil {
		t.Fatal(err)
	}
	want := "a comment\n-- input.json --\n{}\n-- z.txt --\nzed\n-- a.txt --\none\n"
	if string(data) != want {
		t.Errorf("rewritten archive:\n%s\nwant\n%s", data, want)
	}
}
