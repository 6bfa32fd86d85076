package lint

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/prometheus/prometheus/promql/parser"

	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/verifycache"
)

// BenchmarkVet10kRules runs every check on 10,000 alerting rules (the large
// environment of the performance targets), in 100 groups.
//
//	go test -run XXX -bench 10kRules ./internal/lint
func BenchmarkVet10kRules(b *testing.B) {
	plan := benchPlan(b)
	b.ReportAllocs()
	for b.Loop() {
		if res := Vet(plan, Config{}); len(res.Findings) != 0 {
			b.Fatalf("unexpected findings: %v", res.Findings[:1])
		}
	}
}

// BenchmarkVet10kRulesWarm is BenchmarkVet10kRules on a rebuild: every
// rule's verdict is in the verification cache of the run before.
func BenchmarkVet10kRulesWarm(b *testing.B) {
	plan := benchPlan(b)
	path := filepath.Join(b.TempDir(), "verified.json")
	vc := verifycache.Open(path, "bench")
	Unsuppressed(plan, Config{Verified: vc})
	if err := vc.Save(path); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		vc := verifycache.Open(path, "bench")
		if fs := Unsuppressed(plan, Config{Verified: vc}); len(fs) != 0 || vc.Misses() != 0 {
			b.Fatalf("unexpected findings %v or %d misses", fs, vc.Misses())
		}
	}
}

// BenchmarkParse10kRules is the reference: only parsing the same
// expressions with the PromQL parser, which verify does anyway.
func BenchmarkParse10kRules(b *testing.B) {
	plan := benchPlan(b)
	p := parser.NewParser(parser.Options{})
	b.ReportAllocs()
	for b.Loop() {
		for _, g := range plan.Groups {
			for _, r := range g.Rules {
				if _, err := p.ParseExpr(r.Expr); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
}

func benchPlan(b *testing.B) *expand.Plan {
	plan, err := expand.Expand(testEnv())
	if err != nil {
		b.Fatal(err)
	}
	for g := 0; g < 100; g++ {
		group := expand.Group{Name: fmt.Sprintf("g%03d", g)}
		for i := 0; i < 100; i++ {
			name := fmt.Sprintf("Alert%03d%03d", g, i)
			group.Rules = append(group.Rules, alert(name,
				fmt.Sprintf(`sum by (job, instance) (rate(http_requests_total{job="app",code=~"5.."}[5m])) / sum by (job, instance) (rate(http_requests_total{job="app"}[5m])) > 0.%02d`, i),
				annotation("summary", "{{ $labels.instance }} of {{ $labels.job }} fails {{ $value | humanizePercentage }}"),
				annotation("description", "Instance {{ $labels.instance }} answers with 5xx.")))
		}
		plan.Groups = append(plan.Groups, group)
	}
	return plan
}
