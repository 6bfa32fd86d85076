package lint

import (
	"strings"
	"testing"

	"github.com/mongen-dev/mongen/internal/finding"
	"github.com/mongen-dev/mongen/internal/model"
)

func TestSuppress(t *testing.T) {
	plan := testPlan(t,
		alert("A", `up{job="app"} == 0`, forDur("1m")),
		alert("B", `up{job="app"} == 0`, forDur("1m")),
		alert("C", `rate(x_total{job="app"}[1m]) > 0`),
	)
	plan.Env.Vet.Disable = map[string]model.VetDisable{
		"rule/for":            {Reason: "A pages fast by design", Rules: []string{"A", "Missing", "C"}},
		"promql/rate-range":   {Reason: "app exposes one sample a minute"},
		"promql/conter":       {Reason: "typo"},
		"promql/regexp":       {Reason: "nothing to suppress"},
		VetConfigCheck:        {Reason: "no"},
		"alertmanager/shadow": {Reason: "external check"},
	}
	plan.Env.Sources = map[string]string{}
	for id := range plan.Env.Vet.Disable {
		plan.Env.Sources[model.SourcePath("vet", "disable", id)] = "env.cue:30:" + id
	}
	cfg := ConfigFor(plan.Env)
	cfg.External = []finding.Finding{{Check: "alertmanager/shadow", Severity: finding.Error, Subject: "route x", Message: "shadowed"}}
	cfg.ExternalChecks = []CheckInfo{{ID: "alertmanager/shadow", Severity: finding.Error, Summary: "a shadowed route"}}
	res := Vet(plan, cfg)

	var active, suppressed []string
	for _, f := range res.Findings {
		active = append(active, f.String())
	}
	for _, s := range res.Suppressed {
		suppressed = append(suppressed, s.Finding.String()+" | "+s.Reason+" | "+s.By)
	}
	wantActive := []string{
		"env.cue:10:3: warning [rule/for] rule B: for is 1m",
		`env.cue:30:promql/conter: error [vet/config] vet.disable.promql/conter: no check is called "promql/conter" (did you mean "promql/counter"?)`,
		"env.cue:30:promql/regexp: warning [vet/config] vet.disable.promql/regexp: suppresses nothing: no finding of promql/regexp in this environment; remove it",
		`env.cue:30:rule/for: error [vet/config] vet.disable.rule/for: rule "Missing" is not a rule of this environment`,
		"env.cue:30:rule/for: warning [vet/config] vet.disable.rule/for: suppresses nothing for rule C: rule/for finds nothing there; remove it",
		"env.cue:30:vet/config: error [vet/config] vet.disable.vet/config: vet/config cannot be disabled",
	}
	wantSuppressed := []string{
		"error [alertmanager/shadow] route x: shadowed | external check | env.cue:30:alertmanager/shadow",
		"env.cue:10:3: warning [rule/for] rule A: for is 1m, shorter than tier P1's minimum 5m: one bad evaluation would notify | A pages fast by design | env.cue:30:rule/for",
		"env.cue:11:9: warning [promql/rate-range] rule C: expr 1:1: ",
	}
	check := func(kind string, got, want []string) {
		t.Helper()
		if len(got) != len(want) {
			t.Fatalf("%s: got %d, want %d:\n%s", kind, len(got), len(want), strings.Join(got, "\n"))
		}
		for i := range want {
			if !strings.Contains(got[i], want[i]) {
				t.Errorf("%s %d:\n got  %s\n want %s", kind, i, got[i], want[i])
			}
		}
	}
	check("active", active, wantActive)
	check("suppressed", suppressed, wantSuppressed)
}

func TestSuppressWholeCheckWithoutFindingsAboutRules(t *testing.T) {
	plan := testPlan(t, alert("A", `up{job="nope"} == 0`))
	plan.Env.Vet.Disable = map[string]model.VetDisable{"promql/selector": {Reason: "the job comes from another Prometheus"}}
	res := Vet(plan, ConfigFor(plan.Env))
	if len(res.Findings) != 0 || len(res.Suppressed) != 1 || res.Suppressed[0].Reason != "the job comes from another Prometheus" {
		t.Errorf("got %+v", res)
	}
}
