package amcheck

import (
	"strings"
	"testing"

	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/finding"
	"github.com/mongen-dev/mongen/internal/model"
	"github.com/mongen-dev/mongen/internal/render/alertmanager"
)

func plan(t *testing.T) *expand.Plan {
	t.Helper()
	tier := func(sev string, rcv ...string) model.TierPolicy {
		return model.TierPolicy{Severity: sev, GroupBy: []string{"alertname"}, GroupWait: "10s", GroupInterval: "1m", RepeatInterval: "1h", Receivers: rcv}
	}
	p1 := tier("warning", "chat")
	p1.ActiveTimeIntervals = []string{"working-hours"}
	env := &model.Environment{
		Name: "e", Cluster: "c", Flavour: model.FlavourPlain,
		ExternalLabels: map[string]string{"cluster": "c"},
		Prometheus:     model.Prometheus{Namespace: "monitoring"},
		Rules: map[string]model.RuleGroup{"g": {
			"Down": {Kind: "alert", Name: "Down", Expr: "up == 0", Tier: "P1", Team: "app", Enabled: true, Labels: map[string]string{"severity": "warning"}},
		}},
		Alerting: &model.Alerting{
			Fallback: "mail",
			Tiers:    map[string]model.TierPolicy{"P0": tier("critical", "pager"), "P1": p1, "P2": tier("info", "mail")},
			Receivers: map[string]model.Receiver{
				"pager": {Integration: model.Integration{Kind: "webhook", URL: "http://127.0.0.1:1/p"}},
				"chat":  {Integration: model.Integration{Kind: "webhook", URL: "http://127.0.0.1:1/c"}},
				"mail":  {Integration: model.Integration{Kind: "webhook", URL: "http://127.0.0.1:1/m"}},
				"app":   {Integration: model.Integration{Kind: "webhook", URL: "http://127.0.0.1:1/a"}},
			},
			Teams:         map[string]model.Team{"app": {Receivers: map[string][]string{"P1": {"app"}}}},
			TimeIntervals: map[string][]model.TimeInterval{"working-hours": {{Weekdays: []string{"monday:friday"}}}},
			Alertmanager:  model.Alertmanager{Name: "main", Namespace: "monitoring", ResolveTimeout: "5m", SecretsDir: "/s"},
		},
	}
	p, err := expand.Expand(env)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func prove(t *testing.T, p *expand.Plan, edit func(string) string) []finding.Finding {
	t.Helper()
	data, err := alertmanager.Config(p)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := Load([]byte(edit(string(data))))
	if err != nil {
		t.Fatalf("load: %v\n%s", err, edit(string(data)))
	}
	return Prove(p, NewTree(cfg))
}

func checks(fs []finding.Finding) string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Check+": "+f.Message)
	}
	return strings.Join(out, "\n")
}

func TestGeneratedRoutingHolds(t *testing.T) {
	if fs := prove(t, plan(t), func(s string) string { return s }); len(fs) > 0 {
		t.Errorf("generated routing has findings:\n%s", checks(fs))
	}
}

// The proofs must catch what a hand edit (or a generator bug) breaks.
func TestProofsCatchBrokenRouting(t *testing.T) {
	cases := []struct {
		name, from, to, want string
	}{
		{"team route without the tier's working hours (Alertmanager does not inherit them)",
			"          active_time_intervals:\n            - working-hours\n", "",
			"alertmanager/time-intervals: tier P1, team \"app\" should notify during [working-hours]"},
		{"alert sent to the wrong receiver",
			"        - receiver: P1/app\n", "        - receiver: P1\n",
			"alertmanager/route: tier P1, team \"app\" should reach [app], but the routing tree sends it to [chat]"},
		{"a catch-all sibling shadows the team route",
			"      routes:\n        - receiver: P1/app\n", "      routes:\n        - receiver: P1\n        - receiver: P1/app\n",
			"alertmanager/shadowed: route {team=\"app\"} (receiver \"P1/app\")"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fs := prove(t, plan(t), func(s string) string {
				if !strings.Contains(s, c.from) {
					t.Fatalf("config lacks %q:\n%s", c.from, s)
				}
				return strings.Replace(s, c.from, c.to, 1)
			})
			if !strings.Contains(checks(fs), c.want) {
				t.Errorf("findings:\n%s\nwant one containing:\n%s", checks(fs), c.want)
			}
		})
	}
}

func TestOutputLabels(t *testing.T) {
	for _, c := range []struct {
		expr   string
		want   string
		closed bool
	}{
		{`sum by (namespace, pod) (rate(x[5m])) > 1`, "namespace,pod", true},
		{`sum(rate(x[5m]))`, "", true},
		{`up{job="a"} == 0`, "job", false},
		{`absent(up{job="a", env="p"})`, "env,job", true},
		{`histogram_quantile(0.9, sum by (le, verb) (rate(b[5m])))`, "verb", true},
		{`label_replace(sum by (a) (x), "b", "$1", "a", "(.*)")`, "a,b", true},
	} {
		got, closed := outputLabels(c.expr)
		if strings.Join(sortedSet(got), ",") != c.want || closed != c.closed {
			t.Errorf("outputLabels(%s) = %v closed=%v, want %s closed=%v", c.expr, sortedSet(got), closed, c.want, c.closed)
		}
	}
}

func TestRegexpEquality(t *testing.T) {
	if regexpEquality(`severity="warning"`) != "" || regexpEquality(`severity=~"warning|critical"`) != "" {
		t.Error("flags a correct matcher")
	}
	if regexpEquality(`severity="warning|critical"`) == "" {
		t.Error("misses an alternation in an equality matcher")
	}
	if got := regexpEquality(`severity!="info|none"`); !strings.Contains(got, `use severity!~"info|none"`) {
		t.Errorf("inequality matcher: got %q, want a suggestion of !~", got)
	}
	if regexpEquality(`severity!~"info|none"`) != "" {
		t.Error("flags a correct negative regular expression matcher")
	}
}

// Alertmanager's loader crashes on a null child route; Load reports it as
// the file's error instead of crashing mongen.
func TestLoadReportsALoaderCrashAsAnError(t *testing.T) {
	_, err := Load([]byte("route:\n  receiver: a\n  routes:\n  -\nreceivers:\n- name: a\n"))
	if err == nil || !strings.Contains(err.Error(), "empty route or receiver entry") {
		t.Fatalf("err = %v", err)
	}
}
