package roundtrip

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Builds compiles the files an import would write, in memory: a set
// that builds passes, one that does not is refused, and neither touches the
// repository.
func TestBuilds(t *testing.T) {
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "cue.mod"), 0o755); err != nil {
		t.Fatal(err)
	}
	module := "module: \"example.com/m@v0\"\nlanguage: version: \"v0.17.0\"\ndeps: \"mongen.dev/mongen@v0\": v: \"v0.1.0\"\n"
	if err := os.WriteFile(filepath.Join(root, "cue.mod", "module.cue"), []byte(module), 0o644); err != nil {
		t.Fatal(err)
	}
	env := func(expr string) map[string][]byte {
		return map[string][]byte{"imp.cue": []byte(`package imp

import "mongen.dev/mongen/schemas"

env: schemas.#Environment & {
	name:     "imp"
	cluster:  "imp"
	flavour:  "plain"
	selector: {}
	targets: app: {kind: "static", addresses: ["127.0.0.1:8080"]}
	rules: app: "job:up:sum": {kind: "record", expr: "` + expr + `"}
}
`)}
	}
	if err := Builds(root, "environments/imp", env("sum by (job) (up)")); err != nil {
		t.Errorf("a building environment is refused: %v", err)
	}
	err := Builds(root, "environments/imp", env("sum by (job) (up"))
	if err == nil || !strings.Contains(err.Error(), "environments/imp/imp.cue:") || !strings.Contains(err.Error(), "nothing was written") {
		t.Errorf("an environment that does not build: %v", err)
	}
	if _, err := os.Stat(filepath.Join(root, "environments")); !os.IsNotExist(err) {
		t.Errorf("Builds wrote to the repository: %v", err)
	}
}
