package roundtrip

import (
	"fmt"
	"strings"
	"testing"

	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/importer/convert"
	"github.com/mongen-dev/mongen/internal/importer/read"
	"github.com/mongen-dev/mongen/internal/importer/tiers"
	"github.com/mongen-dev/mongen/internal/verify/amcheck"
)

// kube-prometheus-stack's inhibit rules (chart 88.5.3, values.yaml) and
// the general.rules alerts that carry severity none, with an info alert
// of a namespace the chart's rules have.
const (
	inhibitAM = `route:
  receiver: 'null'
  group_by: [namespace]
receivers:
  - name: 'null'
inhibit_rules:
  - source_matchers: ['severity = critical']
    target_matchers: ['severity =~ warning|info']
    equal: [namespace, alertname]
  - source_matchers: ['alertname = InfoInhibitor']
    target_matchers: ['severity = info']
    equal: [namespace]
  - target_matchers: ['alertname = InfoInhibitor']
  - source_match: {alertname: InfoInhibitor}
    target_match_re: {severity: 'none|warning'}
`
	inhibitRules = `groups:
  - name: general.rules
    rules:
      - alert: Watchdog
        expr: vector(1)
        labels: {severity: %[1]s}
      - alert: InfoInhibitor
        expr: group by (namespace) (ALERTS{severity = "info"} == 1)
        labels: {severity: %[1]s}
      - alert: KubeQuotaAlmostFull
        expr: kube_resourcequota > 0.9
        labels: {severity: info}
`
)

// selection imports the rules (severity of Watchdog and InfoInhibitor
// given) and the alertmanager.yml with the severity map, and returns
// what compareInhibitSelection reports, one line each.
func selection(t *testing.T, severity string, severityMap ...string) []string {
	t.Helper()
	in := &read.Input{}
	if err := in.Read("rules.yaml", fmt.Appendf(nil, inhibitRules, severity)); err != nil {
		t.Fatal(err)
	}
	if err := in.Read("alertmanager.yml", []byte(inhibitAM)); err != nil {
		t.Fatal(err)
	}
	tiering, err := tiers.ParseSeverityMap(severityMap)
	if err != nil {
		t.Fatal(err)
	}
	imp, err := convert.Convert(in, convert.Options{Env: "imp", Tiering: tiering, NoLibrary: true})
	if err != nil {
		t.Fatal(err)
	}
	plan, err := expand.Expand(imp.Env)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := amcheck.Load(in.Alertmanager[0].Data)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	compareInhibitSelection(in.Alertmanager[0], cfg.InhibitRules, importedAlerts(in, imp, plan), imp.Options.Tiering, func(pos, format string, args ...any) {
		out = append(out, pos+": "+fmt.Sprintf(format, args...))
	})
	return out
}

// --severity-map none=P2 makes Watchdog and InfoInhibitor info alerts:
// the chart's inhibit rules that target severity=info select them, the
// rule that targets severity none no longer does, and each change names
// the inhibit rule (at its position), the alerts and the map's entry. The
// info alert the map did not touch is in no difference, nor is the rule
// that selects by alertname.
func TestInhibitSelectionSeverityMap(t *testing.T) {
	for _, m := range []string{"none=P2", "other=P2"} {
		got := strings.Join(selection(t, "none", m), "\n")
		for _, want := range []string{
			`alertmanager.yml:7:5: inhibit rule 1 (source {severity="critical"}, target {severity=~"warning|info"}, equal [alertname, namespace]): alerts Watchdog, InfoInhibitor now match its target (in the input they did not): severity none became info, the severity of tier P2 (--severity-map ` + m + `)`,
			`alertmanager.yml:10:5: inhibit rule 2 (source {alertname="InfoInhibitor"}, target {severity="info"}, equal [namespace]): alerts Watchdog, InfoInhibitor now match its target (in the input they did not): severity none became info, the severity of tier P2 (--severity-map ` + m + `)`,
			`alertmanager.yml:14:5: inhibit rule 4 (source {alertname="InfoInhibitor"}, target {severity=~"none|warning"}, equal []): alerts Watchdog, InfoInhibitor no longer match its target (in the input they did): severity none became info, the severity of tier P2 (--severity-map ` + m + `)`,
		} {
			if !strings.Contains(got, want) {
				t.Errorf("%s: missing\n%s\nin\n%s", m, want, got)
			}
		}
		if n := strings.Count(got, "\n") + 1; n != 3 {
			t.Errorf("%s: want 3 differences, got %d:\n%s", m, n, got)
		}
		if strings.Contains(got, "KubeQuotaAlmostFull") || strings.Contains(got, "inhibit rule 3") || strings.Contains(got, "its source") {
			t.Errorf("%s: a selection that did not change is reported:\n%s", m, got)
		}
	}
}

// Without a severity map that rewrites a severity, every inhibit rule
// selects the same alerts.
func TestInhibitSelectionUnchanged(t *testing.T) {
	if got := selection(t, "info"); len(got) != 0 {
		t.Errorf("alerts already at their tier's severity: %q", got)
	}
	if got := selection(t, "warning", "warning=P2"); len(got) == 0 {
		t.Errorf("warning=P2 makes two warning alerts info: no difference reported")
	}
}

// A label other than the severity (a library rule's team) is named as
// the cause, and a source that no longer matches is reported too.
func TestSelectionCause(t *testing.T) {
	a := importedAlert{name: "A", tier: "P1",
		before: map[string]string{"alertname": "A", "severity": "warning"},
		after:  map[string]string{"alertname": "A", "severity": "warning", "team": "db"}}
	cfg, err := amcheck.Load([]byte("route: {receiver: x}\nreceivers: [{name: x}]\ninhibit_rules:\n  - source_matchers: ['team=\"\"']\n    target_matchers: ['team=\"db\"']\n"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	compareInhibitSelection(read.File{Name: "am.yml"}, cfg.InhibitRules, []importedAlert{a}, tiers.Default(), func(pos, format string, args ...any) {
		got = append(got, pos+": "+fmt.Sprintf(format, args...))
	})
	want := []string{
		`am.yml: inhibit rule 1 (source {team=""}, target {team="db"}, equal []): alert A no longer matches its source (in the input it did): label team="db" is not in the input`,
		`am.yml: inhibit rule 1 (source {team=""}, target {team="db"}, equal []): alert A now matches its target (in the input it did not): label team="db" is not in the input`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
