package alertmanager

import (
	"strings"
	"testing"

	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/model"
	"github.com/mongen-dev/mongen/internal/verify/amcheck"
)

// rawPlan is planWith's environment with raw routes, a second receiver with
// three integrations and a time interval using every field.
func rawPlan(t *testing.T, routes []model.RawRoute) *expand.Plan {
	t.Helper()
	tier := func(sev string) model.TierPolicy {
		return model.TierPolicy{Severity: sev, GroupWait: "1s", GroupInterval: "1s", RepeatInterval: "1h", Receivers: []string{"r"}}
	}
	env := &model.Environment{
		Name: "e", Flavour: model.FlavourPlain, Prometheus: model.Prometheus{Namespace: "monitoring"},
		Alerting: &model.Alerting{
			Fallback: "r", TimeZone: "Asia/Shanghai",
			Tiers: map[string]model.TierPolicy{"P0": tier("critical"), "P1": tier("warning"), "P2": tier("info")},
			Receivers: map[string]model.Receiver{
				"r": {Integration: model.Integration{Kind: "webhook", URL: "http://r.example/"}},
				"db": {Integration: model.Integration{Kind: "pagerduty", SendResolved: true, RoutingKey: &model.SecretRef{Secret: "am", Key: "pd"}},
					More: []model.Integration{
						{Kind: "slack", APIURL: &model.SecretRef{Secret: "am", Key: "slack"}, Channel: "#db"},
						{Kind: "webhook", URL: "http://db.example/"},
					}},
			},
			TimeIntervals: map[string][]model.TimeInterval{"maint": {{Weekdays: []string{"sunday"}, DaysOfMonth: []string{"1:7", "-1"}, Months: []string{"january:march"}, Years: []string{"2026"}}}},
			Routes:        routes,
			Alertmanager:  model.Alertmanager{Name: "main", Namespace: "monitoring", SecretsDir: "/s"},
		},
	}
	p, err := expand.Expand(env)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// Raw routes come first under the root, in their order, each with its own
// Alertmanager receiver (inherited ones spelt out), and Alertmanager loads
// and routes the result as written.
func TestRawRoutesRender(t *testing.T) {
	p := rawPlan(t, []model.RawRoute{
		{Matchers: []string{`service=~"db|pg"`}, Continue: true, GroupBy: []string{"..."}, Routes: []model.RawRoute{
			{Receiver: "db", Matchers: []string{`severity="critical"`}, MuteTimeIntervals: []string{"maint"}},
		}},
		{Receiver: "db", Matchers: []string{`team="db"`}, RepeatInterval: "2h"},
	})
	data, err := Config(p)
	if err != nil {
		t.Fatal(err)
	}
	y := string(data)
	for _, want := range []string{
		"  routes:\n    - receiver: raw/r\n      group_by: ['...']\n      matchers:\n        - service=~\"db|pg\"\n      continue: true\n      routes:\n        - receiver: raw/db\n",
		"          mute_time_intervals:\n            - maint\n    - receiver: raw/db\n      matchers:\n        - team=\"db\"\n      repeat_interval: 2h\n    - receiver: P0\n",
		"  - name: raw/db\n    webhook_configs:\n      - send_resolved: false\n        url: http://db.example/\n    pagerduty_configs:\n      - send_resolved: true\n        routing_key_file: /s/am/pd\n    slack_configs:\n",
		"        days_of_month: [\"1:7\", \"-1\"]\n        months: ['january:march']\n        years: [\"2026\"]\n        location: Asia/Shanghai\n",
	} {
		if !strings.Contains(y, want) {
			t.Errorf("want\n%s\nin\n%s", want, y)
		}
	}
	cfg, err := amcheck.Load(data)
	if err != nil {
		t.Fatal(err)
	}
	tree := amcheck.NewTree(cfg)
	for _, c := range []struct {
		labels map[string]string
		want   string
	}{
		{map[string]string{"service": "db", "severity": "critical"}, "raw/db,P0"},
		{map[string]string{"service": "pg", "severity": "warning"}, "raw/r,P1"},
		{map[string]string{"team": "db", "severity": "warning"}, "raw/db"},
		{map[string]string{"severity": "info"}, "P2"},
	} {
		var got []string
		for _, m := range tree.Match(c.labels) {
			got = append(got, m.Receiver)
		}
		if strings.Join(got, ",") != c.want {
			t.Errorf("%v reaches %v, want %s", c.labels, got, c.want)
		}
	}
}

// A raw route naming an undeclared receiver, a bad matcher or an unknown
// interval is an expand error, not an Alertmanager load failure later.
func TestRawRouteErrors(t *testing.T) {
	env := rawPlan(t, nil).Env
	env.Alerting.Routes = []model.RawRoute{{Matchers: []string{`team="a"`}, Routes: []model.RawRoute{
		{Receiver: "nobody", Matchers: []string{`team=~"("`}, ActiveTimeIntervals: []string{"never"}},
	}}}
	_, err := expand.Expand(env)
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{
		`alerting.routes.0.routes.0.receiver: no receiver "nobody" in alerting.receivers`,
		`alerting.routes.0.routes.0.matchers: "team=~\"(\"" is not an Alertmanager matcher`,
		`alerting.routes.0.routes.0: no time interval "never" in alerting.timeIntervals`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error\n%v\nlacks %q", err, want)
		}
	}
}
