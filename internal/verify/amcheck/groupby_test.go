package amcheck

import (
	"strings"
	"testing"

	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/model"
)

// groupByPlan is plan with P1 grouped by namespace and the given P1 alert
// expressions, in rule-name order.
func groupByPlan(t *testing.T, exprs ...string) *expand.Plan {
	t.Helper()
	env := plan(t).Env
	p1 := env.Alerting.Tiers["P1"]
	p1.GroupBy = []string{"alertname", "namespace"}
	env.Alerting.Tiers["P1"] = p1
	g := model.RuleGroup{}
	for i, e := range exprs {
		name := "A" + string(rune('a'+i))
		g[name] = model.Rule{Kind: "alert", Name: name, Expr: e, Tier: "P1", Team: "app", Enabled: true, Labels: map[string]string{"severity": "warning"}}
	}
	env.Rules = map[string]model.RuleGroup{"g": g}
	p, err := expand.Expand(env)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// A group_by label is carried when some alert routed there can carry it:
// through its expression's output labels (an aggregation's by, or any
// label when the set is open), whichever alert comes first.
func TestGroupByCarriedByExpressions(t *testing.T) {
	for _, c := range []struct {
		name   string
		exprs  []string
		unused bool
	}{
		{"aggregated by it", []string{`sum by (namespace) (rate(errors_total[5m])) > 1`}, false},
		{"aggregated away", []string{`sum(rate(errors_total[5m])) > 1`}, true},
		{"open set", []string{`rate(errors_total[5m]) > 1`}, false},
		{"a later alert carries it", []string{`sum(rate(a_total[5m])) > 1`, `sum by (namespace) (rate(b_total[5m])) > 1`}, false},
		{"an earlier alert carries it", []string{`sum by (namespace) (rate(a_total[5m])) > 1`, `sum(rate(b_total[5m])) > 1`}, false},
		{"none of several", []string{`sum(rate(a_total[5m])) > 1`, `max by (pod) (rate(b_total[5m])) > 1`}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			var unused []string
			for _, f := range find(prove(t, groupByPlan(t, c.exprs...), func(s string) string { return s }), CheckGroupBy) {
				if strings.Contains(f.Message, `"namespace"`) {
					unused = append(unused, f.Message)
				}
			}
			if got := len(unused) > 0; got != c.unused {
				t.Errorf("namespace reported unused: %v, want %v (%v)", got, c.unused, unused)
			}
		})
	}
}
