package vet

import (
	"testing"

	"github.com/mongen-dev/mongen/internal/importer/read"
	"github.com/prometheus/alertmanager/pkg/labels"
)

// An alert's labels are known for sure only where vet can prove them: a
// matcher on any other label is "maybe", so a route on it is never called
// unused.
func TestAMAlertMatches(t *testing.T) {
	eq := func(name, value string) labels.Matchers {
		m, err := labels.NewMatcher(labels.MatchEqual, name, value)
		if err != nil {
			t.Fatal(err)
		}
		return labels.Matchers{m}
	}
	in := &read.Input{}
	rules := "groups:\n- name: g\n  rules:\n  - alert: Agg\n    expr: sum by (job) (up) > 0\n    labels: {team: web}\n  - alert: Raw\n    expr: up == 0\n"
	if err := in.Read("rules.yaml", []byte(rules)); err != nil {
		t.Fatal(err)
	}
	unknownExternal := vetAlerts(in, nil)
	knownExternal := vetAlerts(in, map[string]string{"cluster": "eu"})
	agg, raw := knownExternal[0], knownExternal[1]
	cases := []struct {
		name string
		a    amAlert
		ms   labels.Matchers
		want tri
	}{
		{"static label, same value", agg, eq("team", "web"), yes},
		{"static label, other value", agg, eq("team", "node"), no},
		{"alertname", agg, eq("alertname", "Agg"), yes},
		{"external label", agg, eq("cluster", "eu"), yes},
		{"label the aggregation keeps", agg, eq("job", "x"), maybe},
		{"label the aggregation drops, external labels known", agg, eq("namespace", "x"), no},
		{"absent label matches the empty value", agg, eq("namespace", ""), yes},
		{"label the aggregation drops, external labels unknown", unknownExternal[0], eq("namespace", "x"), maybe},
		{"label a plain selector's series may carry", raw, eq("namespace", "x"), maybe},
		{"one failing matcher decides", raw, append(eq("namespace", "x"), eq("alertname", "Agg")...), no},
	}
	for _, c := range cases {
		if got := c.a.matches(c.ms); got != c.want {
			t.Errorf("%s: matches(%v) = %d, want %d", c.name, c.ms, got, c.want)
		}
	}
	if agg.mayCarry("instance") || !raw.mayCarry("instance") || !agg.mayCarry("job") {
		t.Error("mayCarry: Agg keeps only job (and cluster); Raw's series may carry anything")
	}
}
