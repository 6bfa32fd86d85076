package verify

import (
	"strings"
	"testing"

	"github.com/mongen-dev/mongen/internal/artifact"
	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/model"
	"github.com/mongen-dev/mongen/internal/render/alertmanager"
)

// sharedPlans are clusters hk1 (running the shared Alertmanager) and sg1
// (sending to it), and their trees: hk1's alertmanager.yml, edited.
func sharedPlans(t *testing.T, edit func(string) string) ([]*expand.Plan, []*artifact.Tree) {
	t.Helper()
	var plans []*expand.Plan
	var trees []*artifact.Tree
	for _, c := range []string{"hk1", "sg1"} {
		env := &model.Environment{
			Name: "pay", Cluster: c, Clusters: []string{"hk1", "sg1"}, Flavour: model.FlavourOperator,
			ExternalLabels: map[string]string{"cluster": c},
			Prometheus:     model.Prometheus{Name: "k8s", Namespace: "monitoring"},
			Rules: map[string]model.RuleGroup{"pay": {
				"PayDown": {Kind: model.RuleAlert, Name: "PayDown", Expr: "up == 0", Tier: "P0", Team: "pay", Enabled: true, Scope: model.ScopeCluster, Labels: map[string]string{"severity": "critical"}},
			}},
			Alerting: &model.Alerting{
				Fallback: "mail",
				Tiers: map[string]model.TierPolicy{
					"P0": {Severity: "critical", GroupBy: []string{"alertname"}, GroupWait: "10s", GroupInterval: "1m", RepeatInterval: "1h", Receivers: []string{"pager"}},
					"P1": {Severity: "warning", GroupBy: []string{"alertname"}, GroupWait: "10s", GroupInterval: "1m", RepeatInterval: "1h", Receivers: []string{"mail"}},
					"P2": {Severity: "info", GroupBy: []string{"alertname"}, GroupWait: "10s", GroupInterval: "1m", RepeatInterval: "1h", Receivers: []string{"mail"}},
				},
				Receivers: map[string]model.Receiver{
					"pager": {Integration: model.Integration{Kind: "webhook", URL: "http://127.0.0.1:1/p"}},
					"mail":  {Integration: model.Integration{Kind: "webhook", URL: "http://127.0.0.1:1/m"}},
				},
				Alertmanager: model.Alertmanager{Name: "main", Namespace: "monitoring", Replicas: 3, ResolveTimeout: "5m", SecretsDir: "/s"},
			},
			AlertingTopology: model.AlertingTopology{Mode: model.AlertingShared, Cluster: "hk1", Addresses: []string{"am.hk1.example.com:443"}, Scheme: "https"},
		}
		p, err := expand.Expand(env)
		if err != nil {
			t.Fatal(err)
		}
		tree := artifact.NewTree()
		if env.RunsAlertmanager() {
			data, err := alertmanager.Config(p)
			if err != nil {
				t.Fatal(err)
			}
			if err := tree.Add(artifact.File{Path: alertmanager.ConfigPath, Data: []byte(edit(string(data)))}); err != nil {
				t.Fatal(err)
			}
		}
		plans, trees = append(plans, p), append(trees, tree)
	}
	return plans, trees
}

// TestSharedRouting: sg1's alerts are proven against hk1's tree with
// cluster="sg1"; a route that sends only sg1's P0 alerts elsewhere is
// caught, for sg1 alone.
func TestSharedRouting(t *testing.T) {
	plans, trees := sharedPlans(t, func(s string) string { return s })
	if fs := SharedRouting(plans, trees); len(fs) > 0 {
		t.Errorf("generated routing has findings: %v", fs)
	}
	const from = "  routes:\n"
	plans, trees = sharedPlans(t, func(s string) string {
		if !strings.Contains(s, from) {
			t.Fatalf("config lacks %q:\n%s", from, s)
		}
		return strings.Replace(s, from, from+"    - receiver: P1\n      matchers:\n        - cluster=\"sg1\"\n", 1)
	})
	fs := SharedRouting(plans, trees)
	if len(fs) != 1 || fs[0].Check != "alertmanager/route" || !strings.Contains(fs[0].Subject, "[cluster sg1]") || !strings.Contains(fs[0].Message, "from cluster sg1, tier P0") {
		t.Errorf("findings %+v, want one alertmanager/route for cluster sg1", fs)
	}
}
