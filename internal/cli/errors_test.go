package cli

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/mongen-dev/mongen/internal/diag"
)

// TestFormatError: the one printer renders a diag.List one diagnostic per
// line, position first, in the order the stage gave; a wrapped List the
// same; an error without diagnostics as its message; and redacts a
// credential whatever carried it.
func TestFormatError(t *testing.T) {
	l := diag.List{
		{Pos: diag.Pos{File: "environments/dev/dev.cue", Line: 9, Col: 3}, Msg: "second in position, first given"},
		{Pos: diag.Pos{File: "environments/dev/dev.cue", Line: 2, Col: 1}, Msg: "first in position", Hint: "do this"},
	}
	want := "environments/dev/dev.cue:9:3: second in position, first given\nenvironments/dev/dev.cue:2:1: first in position; do this"
	if got := formatError(l); got != want {
		t.Errorf("formatError(List) =\n%s\nwant\n%s", got, want)
	}
	// Context wrapped around a List leads each message, after the
	// position.
	wantWrapped := "environments/dev/dev.cue:9:3: build: second in position, first given\nenvironments/dev/dev.cue:2:1: build: first in position; do this"
	if got := formatError(fmt.Errorf("build: %w", l)); got != wantWrapped {
		t.Errorf("a wrapped List:\n%s\nwant\n%s", got, wantWrapped)
	}
	if got := formatError(errors.New("git: revision \"nope\" not found\n")); got != `git: revision "nope" not found` {
		t.Errorf("a plain error: %q", got)
	}
	secret := diag.List{{Pos: diag.Pos{File: "rules.yml", Line: 3, Col: 9}, Msg: `url "https://alice:S3cr3tPass@hooks.example.com/x" is refused`}}
	if got := formatError(secret); strings.Contains(got, "S3cr3tPass") || !strings.HasPrefix(got, "rules.yml:3:9: ") {
		t.Errorf("formatError does not redact, or lost the position: %q", got)
	}
	var b bytes.Buffer
	printError(&b, "dev", l)
	if got := b.String(); got != "dev: environments/dev/dev.cue:9:3: second in position, first given\n    environments/dev/dev.cue:2:1: first in position; do this\n" {
		t.Errorf("printError = %q", got)
	}
}

// positioned is a printed line whose problem starts at a file:line:col
// relative to the repository, after the prefix naming the environment (or
// mongen).
var positioned = regexp.MustCompile(`^(?:[a-z][-a-z0-9 ]*: )?[^/\s:][^:\s]*(?: [^:\s]+)*:[0-9]+:[0-9]+: `)

// TestErrorsWithoutAPosition lists the errors mongen can still print
// without a file:line:col, each for a reason: what is wrong is the command
// line itself, the place mongen runs, or a whole input file (a file has no
// line to point at). Every other error carries the position of the CUE or
// YAML that caused it (TestErrorCatalogue, the testscripts).
func TestErrorsWithoutAPosition(t *testing.T) {
	outside := t.TempDir() // no cue.mod: not a mongen repository
	repo := t.TempDir()
	for name, content := range map[string]string{
		"cue.mod/module.cue": "module: \"example.com/mon@v0\"\nlanguage: version: \"v0.17.0\"\n",
		"rules.yml/README":   "a directory, not a rule file\n",
		"ok.yml":             "groups:\n- name: g\n  rules:\n  - record: job:up:sum\n    expr: sum by (job) (up)\n",
	} {
		p := filepath.Join(repo, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		why, dir string
		args     []string
		code     int
		want     string // the line printed, a regular expression
	}{
		{"a command nobody wrote in a file", outside, []string{"bild"}, ExitUsage,
			`^mongen: unknown command "bild"; did you mean "build"\?$`},
		{"a flag", outside, []string{"build", "--nope"}, ExitUsage,
			`^mongen: unknown flag: --nope$`},
		{"where mongen runs", outside, []string{"build", "--all"}, ExitFailed,
			`^mongen: .*cue\.mod`},
		{"an environment the command line names", repo, []string{"build", "env/nope"}, ExitUsage,
			`^mongen: .*nope`},
		{"a whole input file: the file is the place, it has no line", repo, []string{"vet", "ok.yml", "rules.yml"}, ExitFailed,
			`rules\.yml: is a directory; mongen reads only regular files: name a regular file instead`},
	}
	// The detector itself: a positioned line, under an environment's name
	// or not, and lines without one.
	for line, want := range map[string]bool{
		"dev: environments/dev/dev.cue:25:35: alerting.alertmanager.address: bad": true,
		"dev env: environments/dev env/dev.cue:1:1: environments/dev env: x":      true,
		"prometheus.yml:2:20: Prometheus refuses this configuration":              true,
		"mongen: unknown flag: --nope":                                            false,
		"mongen: rules.yml: is a directory":                                       false,
		"dev: /tmp/x/environments/dev/dev.cue:3:4: absolute":                      false,
	} {
		if positioned.MatchString(line) != want {
			t.Errorf("positioned(%q) = %v, want %v", line, !want, want)
		}
	}
	for _, c := range cases {
		t.Run(c.why, func(t *testing.T) {
			t.Chdir(c.dir)
			var out, errb bytes.Buffer
			code := Main(c.args, &out, &errb)
			printed := strings.TrimSpace(errb.String() + out.String())
			if code != c.code {
				t.Errorf("mongen %s exited %d, want %d:\n%s", strings.Join(c.args, " "), code, c.code, printed)
			}
			want := regexp.MustCompile(c.want)
			found := false
			for _, line := range strings.Split(printed, "\n") {
				if !want.MatchString(line) {
					continue
				}
				found = true
				if positioned.MatchString(line) {
					t.Errorf("%q has a position now: move the case to the catalogue (docs/errors.md)", line)
				}
			}
			if !found {
				t.Errorf("mongen %s printed\n%s\nwant a line matching %s", strings.Join(c.args, " "), printed, c.want)
			}
		})
	}
}
