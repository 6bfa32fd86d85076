package importer

import (
	"path/filepath"
	"testing"

	"github.com/mongen-dev/mongen/internal/expand"
	goldenfile "github.com/mongen-dev/mongen/internal/golden"
	"github.com/mongen-dev/mongen/internal/load"
)

// buildPlan writes the import into a fresh repository and loads and
// expands it as mongen build does.
func buildPlan(t *testing.T, imp *Import) *expand.Plan {
	t.Helper()
	root := t.TempDir()
	goldenfile.WriteFiles(t, root, map[string]string{
		"cue.mod/module.cue": "module: \"example.com/m@v0\"\nlanguage: version: \"v0.17.0\"\ndeps: \"mongen.dev/mongen@v0\": v: \"v0.1.0\"\n",
	})
	env := imp.Options.Env
	if _, err := imp.Write(filepath.Join(root, "environments", env), false); err != nil {
		t.Fatal(err)
	}
	e, err := load.Environment(root, load.Ref{Name: env, Dir: "environments/" + env}, load.Options{})
	if err != nil {
		t.Fatalf("load imported environment: %v", err)
	}
	plan, err := expand.Expand(e)
	if err != nil {
		t.Fatal(err)
	}
	return plan
}
