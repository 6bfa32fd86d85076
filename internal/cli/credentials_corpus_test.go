package cli

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

// Every shape of the credential corpus (internal/credgate/testdata),
// written into an environment, fails the build at its own line, is never
// printed, and writes nothing to out/.
func TestCredentialCorpusNeverReachesOutOrAMessage(t *testing.T) {
	a, err := txtar.ParseFile("../credgate/testdata/corpus.txtar")
	if err != nil {
		t.Fatal(err)
	}
	secrets := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(a.Comment))
	for sc.Scan() {
		if f := strings.Fields(sc.Text()); len(f) == 3 && strings.HasSuffix(f[0], ".yaml") {
			secrets[f[0]] = f[2]
		}
	}
	var cue strings.Builder
	cue.WriteString(`package dev

import (
	"mongen.dev/mongen/schemas"
	"mongen.dev/mongen/library/policy"
)

env: schemas.#Environment & {
	name:     "dev"
	cluster:  "dev-local"
	flavour:  "plain"
	selector: {}
	targets: node: {kind: "static", addresses: ["127.0.0.1:9100"]}
	alerting: policy.#Standard & {
		fallback: "mail"
		tiers: {P0: receivers: ["mail"], P1: receivers: ["mail"], P2: receivers: ["mail"]}
		receivers: mail: {kind: "email", to: ["ops@example.com"], from: "am@example.com", smarthost: "smtp.example.com:587"}
	}
}
`)
	lines := strings.Count(cue.String(), "\n")
	keys := map[string]int{} // case key -> first line of its content
	for _, f := range a.Files {
		key := regexp.MustCompile(`[^a-z0-9]+`).ReplaceAllString(strings.TrimSuffix(f.Name, ".yaml"), "_")
		fmt.Fprintf(&cue, "env: rawScrapeConfigs: %s: #\"\"\"\n", key)
		lines++
		keys[key] = lines + 1
		for _, l := range strings.Split(strings.TrimSuffix(string(f.Data), "\n"), "\n") {
			fmt.Fprintf(&cue, "\t%s\n", l)
			lines++
		}
		cue.WriteString("\t\"\"\"#\n")
		lines++
	}
	root := t.TempDir()
	for name, data := range map[string]string{
		"cue.mod/module.cue":       "module: \"example.com/monitoring@v0\"\nlanguage: version: \"v0.17.0\"\ndeps: \"mongen.dev/mongen@v0\": v: \"v0.1.0\"\n",
		"environments/dev/dev.cue": cue.String(),
	} {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(root)
	t.Setenv("MONGEN_CACHE_DIR", "off")
	var stdout, stderr bytes.Buffer
	if code := Main([]string{"build", "env/dev"}, &stdout, &stderr); code != ExitFailed {
		t.Fatalf("exit %d, want %d\n%s", code, ExitFailed, stderr.String())
	}
	out := stdout.String() + stderr.String()
	for _, f := range a.Files {
		if s := secrets[f.Name]; s == "" || strings.Contains(out, s) {
			t.Errorf("%s: the secret is printed (or not listed)", f.Name)
		}
	}
	for key, first := range keys {
		// Reported on one of its own lines, by name.
		re := regexp.MustCompile(`environments/dev/dev\.cue:(\d+)(:\d+)?: env\.rawScrapeConfigs\.` + key + `(>|:)`)
		m := re.FindStringSubmatch(out)
		if m == nil {
			t.Errorf("%s: not reported", key)
			continue
		}
		var line int
		fmt.Sscan(m[1], &line)
		if line < first-1 || line > first+8 {
			t.Errorf("%s: reported at line %d, its content starts at %d", key, line, first)
		}
	}
	if _, err := os.Stat(filepath.Join(root, "out")); !os.IsNotExist(err) {
		t.Errorf("out/ was written: %v", err)
	}
}
