package amcheck

import (
	"strings"
	"testing"

	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/model"
	"github.com/mongen-dev/mongen/internal/render/alertmanager"
)

// clusterPlan is plan's environment as another cluster sees it: its
// alerts carry cluster="d" and go to the shared Alertmanager of c.
func clusterPlan(t *testing.T) *expand.Plan {
	t.Helper()
	p := plan(t)
	env := *p.Env
	env.Cluster = "d"
	env.ExternalLabels = map[string]string{"cluster": "d"}
	q, err := expand.Expand(&env)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

// TestProveCluster: another cluster's alerts are proven against the
// shared Alertmanager's tree with that cluster's label, so a route that
// treats one cluster's alerts differently is caught for that cluster,
// while the hosting cluster's own proofs still hold.
func TestProveCluster(t *testing.T) {
	host, other := plan(t), clusterPlan(t)
	data, err := alertmanager.Config(host)
	if err != nil {
		t.Fatal(err)
	}
	load := func(s string) *Tree {
		cfg, err := Load([]byte(s))
		if err != nil {
			t.Fatalf("load: %v\n%s", err, s)
		}
		return NewTree(cfg)
	}
	if fs := ProveCluster(host, other, load(string(data))); len(fs) > 0 {
		t.Errorf("generated routing has findings for cluster d:\n%s", checks(fs))
	}

	// A route catching cluster d's P1 alerts before the team route.
	from := "      routes:\n        - receiver: P1/app\n"
	if !strings.Contains(string(data), from) {
		t.Fatalf("config lacks %q:\n%s", from, data)
	}
	edited := strings.Replace(string(data), from, "      routes:\n        - receiver: P1\n          matchers:\n            - cluster=\"d\"\n        - receiver: P1/app\n", 1)
	tree := load(edited)
	fs := ProveCluster(host, other, tree)
	want := `alertmanager/route: from cluster d, tier P1, team "app" should reach [app] at the shared Alertmanager in c, but its routing tree sends it to [chat]`
	if !strings.Contains(checks(fs), want) || len(fs) == 0 || !strings.Contains(fs[0].Subject, "[cluster d]") {
		t.Errorf("findings:\n%s\nwant one containing:\n%s", checks(fs), want)
	}
	for _, f := range Prove(host, tree) {
		if f.Check == CheckRoute {
			t.Errorf("the hosting cluster's alerts (cluster c) are affected: %s", f.Message)
		}
	}
}

// TestAlertLabelsGlobal: a global rule's alerts carry the global
// evaluator's external labels, not the hosting cluster's.
func TestAlertLabelsGlobal(t *testing.T) {
	env := *plan(t).Env
	env.Global = &model.Global{ExternalLabels: map[string]string{"cluster": "global"}}
	r := expand.Rule{Rule: model.Rule{Kind: model.RuleAlert, Name: "X", Scope: model.ScopeGlobal}}
	if got := AlertLabels(&env, r)["cluster"]; got != "global" {
		t.Errorf("global rule's cluster label = %q, want global", got)
	}
	r.Scope = model.ScopeCluster
	if got := AlertLabels(&env, r)["cluster"]; got != "c" {
		t.Errorf("cluster rule's cluster label = %q, want c", got)
	}
}
