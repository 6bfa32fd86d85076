package scale

import (
	"slices"
	"strings"
	"testing"

	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/model"
)

func TestSpansClusters(t *testing.T) {
	for expr, want := range map[string]string{
		`up{job="a"} == 0`:                                "",
		`up{cluster="sh1"} == 0`:                          "",
		`up{cluster="bj1"} == 0`:                          `selects cluster="bj1"`,
		`up{cluster=~"sh1|bj1"} == 0`:                     `selects cluster=~"sh1|bj1"`,
		`up{cluster!="bj1"} == 0`:                         `selects cluster!="bj1"`,
		`sum by (cluster) (up)`:                           "aggregates sum by (cluster)",
		`avg without (cluster, instance) (up)`:            "aggregates avg without (cluster, instance)",
		`sum by (job) (rate(x_total{cluster=~".+"}[5m]))`: `selects cluster=~".+"`,
		`label_replace(up, "cluster", "x", "", "")`:       "",
	} {
		e, err := promql.ParseExpr(expr)
		if err != nil {
			t.Fatal(err)
		}
		if got := spansClusters(e, "sh1"); got != want {
			t.Errorf("%s: got %q, want %q", expr, got, want)
		}
	}
}

func TestAcrossShards(t *testing.T) {
	for expr, want := range map[string]bool{
		`sum(up)`:                               true,
		`sum by (job) (up)`:                     true,
		`sum by (job, instance) (up)`:           false,
		`sum without (instance) (up)`:           true,
		`sum without (pod) (up)`:                false,
		`rate(x_total[5m])`:                     false,
		`topk(3, up)`:                           false,
		`max by (instance) (sum by (job) (up))`: true,
		`count by (instance) (up) > 0`:          false,
	} {
		e, err := promql.ParseExpr(expr)
		if err != nil {
			t.Fatal(err)
		}
		if got := acrossShards(e) != nil; got != want {
			t.Errorf("%s: got %v, want %v", expr, got, want)
		}
	}
}

func clusterPlan(name string, labels map[string]string, groups ...expand.Group) *expand.Plan {
	env := &model.Environment{
		Name: "shop", Cluster: name, Clusters: []string{"a", "b"}, Flavour: model.FlavourOperator,
		ExternalLabels: labels,
		Prometheus:     model.Prometheus{Name: "k8s", Namespace: "monitoring"},
		Sources:        map[string]string{"clusters/" + name: "environments/shop/main.cue:" + name},
	}
	return &expand.Plan{Env: env, Groups: groups}
}

func TestExternalLabels(t *testing.T) {
	a := clusterPlan("a", map[string]string{"cluster": "a"})
	b := clusterPlan("b", map[string]string{"cluster": "b"})
	if err := Check([]*expand.Plan{a, b}); err != nil {
		t.Fatalf("distinct clusters: %v", err)
	}
	b = clusterPlan("b", map[string]string{"cluster": "a"})
	err := Check([]*expand.Plan{a, b})
	if err == nil || !strings.Contains(err.Error(), "environments/shop/main.cue:b: cluster b has the same external labels") {
		t.Fatalf("duplicate labels: got %v", err)
	}
	// The global evaluator's labels count too.
	g := &model.Global{Engine: model.EngineThanos, Cluster: "a", ExternalLabels: map[string]string{"cluster": "b", "prometheus": "monitoring/k8s"}}
	a = clusterPlan("a", map[string]string{"cluster": "a"})
	b = clusterPlan("b", map[string]string{"cluster": "b"})
	a.Env.Global, b.Env.Global = g, g
	if err := Check([]*expand.Plan{a, b}); err == nil || !strings.Contains(err.Error(), "the global evaluator has the same external labels") {
		t.Fatalf("global evaluator colliding with a cluster: got %v", err)
	}
}

func TestShardFindings(t *testing.T) {
	rule := func(name, expr, scope string) expand.Rule {
		return expand.Rule{Rule: model.Rule{Kind: model.RuleRecord, Name: name, Expr: expr, Scope: scope}, ExprOrigin: "x.cue:1:1"}
	}
	p := clusterPlan("a", nil, expand.Group{Name: "g", Rules: []expand.Rule{
		rule("job:up:sum", "sum by (job) (up)", model.ScopeCluster),
		rule("instance:up:sum", "sum by (instance) (up)", model.ScopeCluster),
		rule("global:up:sum", "sum(up)", model.ScopeGlobal),
	}})
	if got := ShardFindings(p); len(got) != 0 {
		t.Fatalf("unsharded: %v", got)
	}
	p.Env.Prometheus.Shards = 3
	got := ShardFindings(p)
	if len(got) != 1 || got[0].Subject != "rule job:up:sum" || got[0].Check != CheckShardAggregation {
		t.Fatalf("sharded: %v", got)
	}
}

func TestFederationMatch(t *testing.T) {
	rule := func(kind, name, expr string) expand.Rule {
		return expand.Rule{Rule: model.Rule{Kind: kind, Name: name, Expr: expr, Scope: model.ScopeGlobal}}
	}
	got := FederationMatch([]expand.Group{{Name: "g", Rules: []expand.Rule{
		rule("record", "cluster:req:rate5m", `sum by (cluster) (rate(http_requests_total{job="shop",cluster=~".+"}[5m] offset 1m))`),
		rule("alert", "ShopDownEverywhere", `sum(up{job="shop"}) == 0 and on() sum(cluster:req:rate5m) == 0`),
		rule("alert", "Again", `absent(up{job="shop"})`),
	}}})
	want := []string{`http_requests_total{job="shop"}`, `up{job="shop"}`}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestAlertingTopology(t *testing.T) {
	env := &model.Environment{
		Cluster: "hk1", Clusters: []string{"hk1", "sg1"}, Alerting: &model.Alerting{},
		AlertingTopology: model.AlertingTopology{Mode: model.AlertingShared, Cluster: "eu1", Addresses: []string{"am:443"}},
		Sources:          map[string]string{"alertingTopology": "environments/pay/pay.cue:3:2"},
	}
	got := checkAlertingTopology(env)
	if len(got) != 1 || got[0].Error() != `environments/pay/pay.cue:3:2: alertingTopology.cluster "eu1" is not a cluster of this environment (hk1, sg1)` {
		t.Errorf("got %q", got)
	}
	env.AlertingTopology.Cluster = "sg1"
	if got := checkAlertingTopology(env); len(got) != 0 {
		t.Errorf("valid topology: %q", got)
	}
	if env.RunsAlertmanager() || !env.SendsToSharedAlertmanager() {
		t.Error("hk1 should send to sg1's shared Alertmanager")
	}
	env.Alerting = nil
	if got := checkAlertingTopology(env); len(got) != 1 || !strings.Contains(got[0].Error(), "needs the environment's alerting section") {
		t.Errorf("without alerting: %q", got)
	}
}
