package cli

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/mongen-dev/mongen/internal/credgate"
)

// TestErrorCatalogue walks docs/errors.md: every case it lists has its test
// (a `# case: <id>` in the testscript it names, or the Go test it names),
// and every case a testscript marks is listed. Each case's message starts
// at a file:line:col relative to the repository and quotes no credential,
// and the testscript's assertions for the case match it, so the catalogue
// says what mongen prints.
func TestErrorCatalogue(t *testing.T) {
	row := regexp.MustCompile("^\\| `([a-z0-9-]+)` \\|.*\\| ([A-Za-z0-9_.-]+) \\|$")
	says := regexp.MustCompile("\\| `` (.+?) `` ")
	f, err := os.Open("../../docs/errors.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	listed := map[string]string{}  // case -> test
	message := map[string]string{} // case -> what mongen says
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if m := row.FindStringSubmatch(sc.Text()); m != nil {
			if _, dup := listed[m[1]]; dup {
				t.Errorf("docs/errors.md lists case %s twice", m[1])
			}
			listed[m[1]] = m[2]
			if s := says.FindStringSubmatch(sc.Text()); s != nil {
				message[m[1]] = s[1]
			}
		}
	}
	if len(listed) < 20 {
		t.Fatalf("docs/errors.md lists %d cases; the table did not parse", len(listed))
	}

	// The cases each testscript marks, in its comment lines, with the
	// stdout and stderr patterns that follow the mark.
	marked := map[string]string{}     // case -> script
	patterns := map[string][]string{} // case -> its output assertions
	scripts, _ := filepath.Glob("testdata/script/*.txtar")
	for _, s := range scripts {
		data, err := os.ReadFile(s)
		if err != nil {
			t.Fatal(err)
		}
		script, _, _ := strings.Cut(string(data), "\n-- ")
		current := ""
		for _, line := range strings.Split(script, "\n") {
			if id, ok := strings.CutPrefix(line, "# case: "); ok {
				current = strings.TrimSpace(id)
				marked[current] = filepath.Base(s)
				continue
			}
			if p, ok := outputPattern(line); ok && current != "" {
				patterns[current] = append(patterns[current], p)
			}
		}
	}

	for id := range listed {
		msg, ok := message[id]
		if !ok {
			t.Errorf("case %s: docs/errors.md gives no message (`` message `` in the third column)", id)
			continue
		}
		if !relativePosition.MatchString(msg) {
			t.Errorf("case %s: %q does not start at a file:line:col relative to the repository", id, msg)
		}
		if r := credgate.Redact(msg); r != msg {
			t.Errorf("case %s: the message holds a credential's shape:\n%s\nredacted:\n%s", id, msg, r)
		}
		if !strings.HasSuffix(listed[id], ".txtar") {
			continue
		}
		if !matchesOne(patterns[id], msg) {
			t.Errorf("case %s: no stdout/stderr assertion of %s after `# case: %s` matches the catalogue's message %q (assertions: %q)", id, listed[id], id, msg, patterns[id])
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

// relativePosition is a message that starts at file:line:col, the file
// relative to the repository (no leading /, no ..).
var relativePosition = regexp.MustCompile(`^(?:[^/.\s:][^:]*|\.[^./][^:]*):[0-9]+:[0-9]+: \S`)

// outputPattern is the regular expression of a testscript stdout or stderr
// assertion (its single-quoted argument, with ” for a quote), or false.
func outputPattern(line string) (string, bool) {
	rest, ok := strings.CutPrefix(strings.TrimPrefix(line, "! "), "stderr ")
	if !ok {
		if rest, ok = strings.CutPrefix(strings.TrimPrefix(line, "! "), "stdout "); !ok {
			return "", false
		}
	}
	for strings.HasPrefix(rest, "-") { // -count=N
		_, rest, _ = strings.Cut(rest, " ")
	}
	if len(rest) < 2 || rest[0] != '\'' || rest[len(rest)-1] != '\'' {
		return "", false
	}
	return strings.ReplaceAll(rest[1:len(rest)-1], "''", "'"), true
}

// matchesOne reports whether one of the patterns matches msg as mongen
// prints it: alone, or under the environment's name.
func matchesOne(patterns []string, msg string) bool {
	for _, p := range patterns {
		re, err := regexp.Compile(p)
		if err != nil {
			continue
		}
		if re.MatchString(msg) {
			return true
		}
		for _, env := range []string{"mongen", "dev", "prod", "dev env", "files"} {
			if re.MatchString(env + ": " + msg) {
				return true
			}
		}
	}
	return false
}
