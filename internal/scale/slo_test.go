package scale

import (
	"github.com/mongen-dev/mongen/internal/diag"
	"strings"
	"testing"

	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/model"
	"github.com/mongen-dev/mongen/internal/slo"
)

// sloGroup generates an SLO's rules as expand does, with its scope.
func sloGroup(t *testing.T, s model.SLO) expand.Group {
	t.Helper()
	rules, err := slo.Generate(s)
	if err != nil {
		t.Fatal(err)
	}
	g := expand.Group{Name: "slo-" + s.Service}
	for _, r := range rules {
		er := expand.Rule{Rule: r.Rule, Key: r.Key, SLO: s.ID(), ExprOrigin: "slo.cue:7:3"}
		if s.Global() {
			er.Scope = model.ScopeGlobal
		}
		g.Rules = append(g.Rules, er)
	}
	return g
}

// The global evaluator may keep or sum away the cluster label of a global
// SLO; the same SLO scoped to the cluster is refused once, not per window.
func TestSLOPlacement(t *testing.T) {
	s := model.SLO{
		Service: "shop", Name: "availability", Objective: "99.9", Period: "30d",
		Indicator: model.Indicator{Kind: "ratio", Errors: `http_requests_total{job="shop",code=~"5.."}`, Total: `http_requests_total{job="shop"}`, GroupBy: []string{"cluster"}},
		Alerting: model.SLOAlerting{
			Page:   model.BurnAlert{Enabled: true, Tier: "P0", For: "2m"},
			Ticket: model.BurnAlert{Enabled: true, Tier: "P1", For: "15m"},
		},
		Scope: model.ScopeGlobal,
	}
	g := &model.Global{Engine: model.EngineThanos, Cluster: "a", ExternalLabels: map[string]string{"cluster": "global"}}
	plans := func(s model.SLO) []*expand.Plan {
		a := clusterPlan("a", map[string]string{"cluster": "a"}, sloGroup(t, s))
		b := clusterPlan("b", map[string]string{"cluster": "b"}, sloGroup(t, s))
		a.Env.Global, b.Env.Global = g, g
		return []*expand.Plan{a, b}
	}
	if err := Check(plans(s)); err != nil {
		t.Fatalf("global SLO by cluster: %v", err)
	}
	s.Indicator.GroupBy = nil
	if err := Check(plans(s)); err != nil {
		t.Fatalf("global SLO over all clusters: %v", err)
	}

	s.Scope, s.Indicator.GroupBy = model.ScopeCluster, []string{"cluster"}
	err := Check(plans(s))
	if err == nil {
		t.Fatal("cluster-scoped SLO by cluster: no error")
	}
	l, ok := diag.As(err)
	if !ok {
		t.Fatalf("error %T carries no diagnostics: %v", err, err)
	}
	if p := (diag.Pos{File: "slo.cue", Line: 7, Col: 3}); len(l) != 1 || l[0].Pos != p {
		t.Fatalf("got %+v, want one problem at %v", l, p)
	}
	problems := strings.Split(err.Error(), "\n")
	want := `slo.cue:7:3: SLO shop-availability (group slo-shop) aggregates sum by (cluster), but a cluster-scoped SLO is evaluated by each cluster's Prometheus`
	if len(problems) != 1 || !strings.HasPrefix(problems[0], want) {
		t.Fatalf("got %q, want one problem starting %q", problems, want)
	}

	s.Indicator.GroupBy = nil
	s.Indicator.Errors = `http_requests_total{job="shop",code=~"5..",cluster=~"a|b"}`
	err = Check(plans(s))
	if err == nil || !strings.Contains(err.Error(), `SLO shop-availability (group slo-shop) selects cluster=~"a|b"`) {
		t.Fatalf("cluster-scoped SLO selecting clusters: got %v", err)
	}
}
