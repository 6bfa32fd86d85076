package cli

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestErrorCatalogue walks docs/errors.md: every case it lists has its test
// (a `# case: <id>` in the testscript it names, or the Go test it names),
// and every case a testscript marks is listed.
func TestErrorCatalogue(t *testing.T) {
	row := regexp.MustCompile("^\\| `([a-z0-9-]+)` \\|.*\\| ([A-Za-z0-9_.-]+) \\|$")
	f, err := os.Open("../../docs/errors.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	listed := map[string]string{} // case -> test
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if m := row.FindStringSubmatch(sc.Text()); m != nil {
			if _, dup := listed[m[1]]; dup {
				t.Errorf("docs/errors.md lists case %s twice", m[1])
			}
			listed[m[1]] = m[2]
		}
	}
	if len(listed) < 20 {
		t.Fatalf("docs/errors.md lists %d cases; the table did not parse", len(listed))
	}

	// The cases each testscript marks, in its comment lines.
	marked := map[string]string{} // case -> script
	scripts, _ := filepath.Glob("testdata/script/*.txtar")
	for _, s := range scripts {
		data, err := os.ReadFile(s)
		if err != nil {
			t.Fatal(err)
		}
		script, _, _ := strings.Cut(string(data), "\n-- ")
		for _, line := range strings.Split(script, "\n") {
			if id, ok := strings.CutPrefix(line, "# case: "); ok {
				marked[strings.TrimSpace(id)] = filepath.Base(s)
			}
		}
	}

	goTests := goTestNames(t, "../..")
	for id, test := range listed {
		switch {
		case strings.HasSuffix(test, ".txtar"):
			if marked[id] != test {
				t.Errorf("case %s: docs/errors.md names %s, but no `# case: %s` is there (found in %q)", id, test, id, marked[id])
			}
		case !goTests[test]:
			t.Errorf("case %s: docs/errors.md names Go test %s, which does not exist", id, test)
		}
	}
	for id, script := range marked {
		if _, ok := listed[id]; !ok {
			t.Errorf("%s marks case %s, which docs/errors.md does not list", script, id)
		}
	}
}

// goTestNames lists the Test functions of every _test.go file under root.
func goTestNames(t *testing.T, root string) map[string]bool {
	t.Helper()
	fn := regexp.MustCompile(`(?m)^func (Test[A-Za-z0-9_]*)\(t \*testing\.T\)`)
	out := map[string]bool{}
	err := filepath.WalkDir(filepath.Join(root, "internal"), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, "_test.go") {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, m := range fn.FindAllStringSubmatch(string(data), -1) {
			out[m[1]] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
