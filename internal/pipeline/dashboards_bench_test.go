package pipeline

import (
	"testing"

	"github.com/mongen-dev/mongen/internal/artifact"
	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/load"
	"github.com/mongen-dev/mongen/internal/render/grafana"
	"github.com/mongen-dev/mongen/internal/verify/dashcheck"
)

// BenchmarkDashboardsProd measures what dashboards add after load: render
// prod's 11 dashboards and run every dashboard check on them. Compare it
// with BenchmarkCUEExportProd of the same run (docs/performance.md).
func BenchmarkDashboardsProd(b *testing.B) {
	root, err := load.FindRoot(".")
	if err != nil {
		b.Fatal(err)
	}
	env, err := load.Environment(root, load.Ref{Name: "prod", Dir: "environments/prod"}, load.Options{})
	if err != nil {
		b.Fatal(err)
	}
	plan, err := expand.Expand(env)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		tree := artifact.NewTree()
		if err := grafana.Render(plan, tree); err != nil {
			b.Fatal(err)
		}
		if problems := dashcheck.Check(plan, tree); len(problems) > 0 {
			b.Fatal(problems)
		}
	}
}
