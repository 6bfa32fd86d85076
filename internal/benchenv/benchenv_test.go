package benchenv_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mongen-dev/mongen/internal/benchenv"
	"github.com/mongen-dev/mongen/internal/load"
	"github.com/mongen-dev/mongen/internal/pipeline"
)

// TestGeneratedEnvironmentBuilds keeps the generator honest at a small
// size: the environment it writes compiles with every check, and holds
// what the spec asks for.
func TestGeneratedEnvironmentBuilds(t *testing.T) {
	src, err := load.FindRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	spec := benchenv.Spec{Services: 4, Rules: 30, Groups: 4, SLOs: 8, Dashboards: 3}
	if err := benchenv.Write(dir, src, spec); err != nil {
		t.Fatal(err)
	}
	res, err := pipeline.Compile(dir, load.Ref{Name: benchenv.Name, Dir: "environments/" + benchenv.Name}, load.Options{})
	if err != nil {
		t.Fatal(err)
	}
	env := res.Plan.Env
	if got := len(env.SLOList()); got != spec.SLOs {
		t.Errorf("%d SLOs, want %d", got, spec.SLOs)
	}
	if got := len(env.Dashboards); got != spec.Dashboards {
		t.Errorf("%d own dashboards, want %d", got, spec.Dashboards)
	}
	alerts := 0
	for _, f := range res.Tree.Files() {
		alerts += strings.Count(string(f.Data), "alert: Rule")
	}
	if alerts != spec.Rules {
		t.Errorf("%d generated alerting rules in the output, want %d", alerts, spec.Rules)
	}

	// The edit the rebuild benchmark makes must exist.
	file, line := benchenv.FirstRule()
	data, err := os.ReadFile(filepath.Join(dir, "environments", benchenv.Name, file))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), line) {
		t.Errorf("%s has no line %q", file, line)
	}
}

func TestWriteRefusesNonsense(t *testing.T) {
	if err := benchenv.Write(t.TempDir(), ".", benchenv.Spec{Services: 1, Rules: 1, Groups: 2}); err == nil {
		t.Error("more groups than rules was accepted")
	}
}
