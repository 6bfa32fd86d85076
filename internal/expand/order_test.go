package expand

import (
	"slices"
	"strings"
	"testing"

	"github.com/mongen-dev/mongen/internal/model"
)

func ruleExpr(kind, name, expr string, order ...int) model.Rule {
	r := model.Rule{Kind: kind, Name: name, Expr: expr, Enabled: true}
	if kind == model.RuleAlert {
		r.Tier = "P1"
	}
	if len(order) > 0 {
		r.Order = &order[0]
	}
	return r
}

func groupOrder(t *testing.T, e *model.Environment, group string) []string {
	t.Helper()
	p, err := Expand(e)
	if err != nil {
		t.Fatalf("Expand: %v", err)
	}
	for _, g := range p.Groups {
		if g.Name == group {
			var names []string
			for _, r := range g.Rules {
				names = append(names, r.Key)
			}
			return names
		}
	}
	t.Fatalf("no group %s", group)
	return nil
}

func TestRuleDependencyOrder(t *testing.T) {
	tests := []struct {
		name  string
		rules model.RuleGroup
		want  []string
	}{
		{
			// The node-exporter mixin's case: by name, the ratio would
			// come before the count it reads.
			name: "a record reading another record comes after it",
			rules: model.RuleGroup{
				"instance:node_load1_per_cpu:ratio": ruleExpr(model.RuleRecord, "instance:node_load1_per_cpu:ratio", `node_load1 / instance:node_num_cpu:sum`),
				"instance:node_num_cpu:sum":         ruleExpr(model.RuleRecord, "instance:node_num_cpu:sum", `count by (instance) (node_cpu_seconds_total{mode="idle"})`),
				"a:b:c":                             ruleExpr(model.RuleRecord, "a:b:c", `up`),
			},
			want: []string{"a:b:c", "instance:node_num_cpu:sum", "instance:node_load1_per_cpu:ratio"},
		},
		{
			name: "without dependencies: records first, then by name",
			rules: model.RuleGroup{
				"B":     ruleExpr(model.RuleAlert, "B", `up == 0`),
				"A":     ruleExpr(model.RuleAlert, "A", `up == 0`),
				"z:x:y": ruleExpr(model.RuleRecord, "z:x:y", `up`),
			},
			want: []string{"z:x:y", "A", "B"},
		},
		{
			name: "order is kept where it respects the dependencies",
			rules: model.RuleGroup{
				"c:c:c": ruleExpr(model.RuleRecord, "c:c:c", `up`, 1),
				"A":     ruleExpr(model.RuleAlert, "A", `c:c:c > 1`, 2),
				"b:b:b": ruleExpr(model.RuleRecord, "b:b:b", `sum(c:c:c)`, 3),
			},
			want: []string{"c:c:c", "A", "b:b:b"},
		},
		{
			name: "an order against a dependency moves only the reader",
			rules: model.RuleGroup{
				"A":     ruleExpr(model.RuleAlert, "A", `x:y:z > 1`, 1),
				"B":     ruleExpr(model.RuleAlert, "B", `up == 0`, 2),
				"x:y:z": ruleExpr(model.RuleRecord, "x:y:z", `up`, 3),
			},
			want: []string{"B", "x:y:z", "A"},
		},
		{
			name: "a __name__ regex reads every record it matches; a record reading itself is no dependency",
			rules: model.RuleGroup{
				"A":         ruleExpr(model.RuleAlert, "A", `{__name__=~"job:.*"} > 0`),
				"job:a:sum": ruleExpr(model.RuleRecord, "job:a:sum", `job:a:sum offset 1h or up`),
				"zz":        ruleExpr(model.RuleRecord, "zz", `count(job:a:sum)`),
			},
			want: []string{"job:a:sum", "zz", "A"},
		},
		{
			name: "two rules recording one name both come before the reader",
			rules: model.RuleGroup{
				"a_2":   {Kind: model.RuleRecord, Name: "z:z:z", Expr: `up`, Enabled: true},
				"a":     ruleExpr(model.RuleRecord, "a:a:a", `sum(z:z:z)`),
				"z:z:z": ruleExpr(model.RuleRecord, "z:z:z", `vector(1)`),
			},
			want: []string{"a_2", "z:z:z", "a"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := env()
			e.Rules = map[string]model.RuleGroup{"g": tt.rules}
			if got := groupOrder(t, e, "g"); !slices.Equal(got, tt.want) {
				t.Errorf("order = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestRuleOrderCycle(t *testing.T) {
	e := env()
	e.Rules = map[string]model.RuleGroup{"g": {
		"a:a:a": ruleExpr(model.RuleRecord, "a:a:a", `b:b:b + 1`),
		"b:b:b": ruleExpr(model.RuleRecord, "b:b:b", `a:a:a - 1`),
		"c:c:c": ruleExpr(model.RuleRecord, "c:c:c", `a:a:a`),
	}}
	e.Sources = map[string]string{
		"rules/g/a:a:a/expr": "environments/prod/rules.cue:3:9",
		"rules/g/b:b:b/expr": "environments/prod/rules.cue:7:9",
		"rules/g/c:c:c/expr": "environments/prod/rules.cue:11:9",
	}
	_, err := Expand(e)
	ps := problems(t, err)
	if len(ps) != 1 {
		t.Fatalf("want one problem, got %v", err)
	}
	msg := ps[0]
	for _, want := range []string{"environments/prod/rules.cue:3:9", "environments/prod/rules.cue:7:9", `rule group "g"`, "cycle"} {
		if !strings.Contains(msg, want) {
			t.Errorf("problem %q lacks %q", msg, want)
		}
	}
	if strings.Contains(msg, "rules.cue:11:9") {
		t.Errorf("problem names c:c:c, which only reads the cycle: %q", msg)
	}
}

func TestGroupSettings(t *testing.T) {
	limit, negative := 100, -1
	e := env()
	e.Rules = map[string]model.RuleGroup{"slow": {"A": alert("A")}, "off": {"B": {Kind: model.RuleAlert, Name: "B", Expr: "up", Tier: "P1"}}}
	e.RuleGroups = map[string]model.RuleGroupSettings{
		"slow": {Interval: "3m", Limit: &limit, QueryOffset: "1m"},
		"off":  {Interval: "1h"}, // every rule disabled: accepted, nothing rendered
	}
	p, err := Expand(e)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Groups) != 1 {
		t.Fatalf("groups = %+v", p.Groups)
	}
	if g := p.Groups[0]; g.Interval != "3m" || g.Limit != 100 || g.QueryOffset != "1m" {
		t.Errorf("settings = %q %d %q", g.Interval, g.Limit, g.QueryOffset)
	}

	e.RuleGroups = map[string]model.RuleGroupSettings{
		"slo":  {Interval: "1m"},
		"slow": {Interval: "30m1h", QueryOffset: "soon", Limit: &negative},
	}
	e.Sources = map[string]string{"ruleGroups/slo": "environments/prod/main.cue:9:14", "ruleGroups/slow/interval": "environments/prod/main.cue:10:22"}
	_, err = Expand(e)
	got := strings.Join(problems(t, err), "\n")
	for _, want := range []string{
		`environments/prod/main.cue:9:14: ruleGroups.slo: no rule group is called "slo" (did you mean "slow"?)`,
		`environments/prod/main.cue:10:22: ruleGroups.slow.interval "30m1h": not a valid duration string`,
		`ruleGroups.slow.queryOffset "soon"`,
		`ruleGroups.slow.limit -1 is negative`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("problems lack %q:\n%s", want, got)
		}
	}
	e.RuleGroups = map[string]model.RuleGroupSettings{"slow": {Interval: "0s"}}
	if _, err := Expand(e); err == nil || !strings.Contains(err.Error(), "interval is 0") {
		t.Errorf("interval 0s: %v", err)
	}
}
