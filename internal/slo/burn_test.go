package slo

import (
	"testing"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/cuecontext"
	"cuelang.org/go/cue/load"

	"github.com/mongen-dev/mongen/internal/model"
)

// TestSchemaBurnDefaults: schemas/slo.cue gives the page a `for` of 0 (the
// workbook's: the short window is the reset) and the ticket 15m, and
// either alert its own labels.
func TestSchemaBurnDefaults(t *testing.T) {
	insts := load.Instances([]string{"./schemas"}, &load.Config{Dir: "../.."})
	if err := insts[0].Err; err != nil {
		t.Fatal(err)
	}
	ctx := cuecontext.New()
	schemas := ctx.BuildInstance(insts[0])
	if err := schemas.Err(); err != nil {
		t.Fatal(err)
	}
	v := schemas.LookupPath(cue.ParsePath("#SLO")).Unify(ctx.CompileString(`{
		service: "app", name: "availability", objective: 99.9
		indicator: {kind: "ratio", errors: "e", total: "t"}
		alerting: ticket: labels: slack_channel: "#app"
	}`))
	for path, want := range map[string]string{
		"alerting.page.for":                    "0s",
		"alerting.ticket.for":                  "15m",
		"alerting.ticket.labels.slack_channel": "#app",
	} {
		got, err := v.LookupPath(cue.ParsePath(path)).Default()
		if !err {
			got = v.LookupPath(cue.ParsePath(path))
		}
		s, e := got.String()
		if e != nil || s != want {
			t.Errorf("%s = %q (%v), want %q", path, s, e, want)
		}
	}
	if err := v.LookupPath(cue.ParsePath("alerting.page.labels")).Validate(cue.Concrete(true)); err != nil {
		t.Errorf("page labels default: %v", err)
	}
}

// TestAlertFor: a zero `for` is left out of the alert (Prometheus's
// default, 0), whatever its spelling; any other is kept as written.
func TestAlertFor(t *testing.T) {
	for in, want := range map[string]string{"0s": "", "0m": "", "0": "", "": "", "2m": "2m", "1h30m": "1h30m"} {
		s := validSLO()
		s.Alerting.Page.For = in
		spec, err := NewSpec(s)
		if err != nil {
			t.Fatal(err)
		}
		r, ok := AlertRule(spec, BurnPage)
		if !ok {
			t.Fatal("page disabled")
		}
		if r.For != want {
			t.Errorf("page for %q: rule for %q, want %q", in, r.For, want)
		}
	}
}

// TestIsBurnAlert: the rules exempt from a tier's minFor and defaultFor are
// exactly the generated page and ticket alerts, not the SLO's recording
// rules nor an alert that merely shares the name.
func TestIsBurnAlert(t *testing.T) {
	rules, err := Generate(validSLO())
	if err != nil {
		t.Fatal(err)
	}
	burns := map[string]bool{}
	for _, r := range rules {
		if IsBurnAlert(r.Rule) {
			burns[r.Labels[LabelBurn]] = true
			if r.Kind != model.RuleAlert {
				t.Errorf("%s: a recording rule counts as a burn alert", r.Name)
			}
		} else if r.Kind == model.RuleAlert {
			t.Errorf("%s (%s): generated alert not a burn alert", r.Name, r.Key)
		}
	}
	if !burns[BurnPage] || !burns[BurnTicket] {
		t.Errorf("burn alerts found: %v, want page and ticket", burns)
	}
	own := model.Rule{Kind: model.RuleAlert, Name: AlertName(validSLO()), Labels: map[string]string{"severity": "critical"}}
	if IsBurnAlert(own) {
		t.Error("a user's alert without slo_burn counts as a burn alert")
	}
}

// TestBurnLabels: page and ticket labels go on their alert only, over
// alerting.labels and the SLO's labels; slo_* and severity are refused at
// the field.
func TestBurnLabels(t *testing.T) {
	s := validSLO()
	s.Labels = map[string]string{"owner": "slo", "env": "prod"}
	s.Alerting.Labels = map[string]string{"owner": "alerting", "routing_key": "shared"}
	s.Alerting.Page.Labels = map[string]string{"routing_key": "pd-app"}
	s.Alerting.Ticket.Labels = map[string]string{"slack_channel": "#app", "owner": "ticket"}
	spec, err := NewSpec(s)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := AlertRule(spec, BurnPage)
	ticket, _ := AlertRule(spec, BurnTicket)
	for _, c := range []struct {
		r    Rule
		want map[string]string
	}{
		{page, map[string]string{"env": "prod", "owner": "alerting", "routing_key": "pd-app", "slack_channel": ""}},
		{ticket, map[string]string{"env": "prod", "owner": "ticket", "routing_key": "shared", "slack_channel": "#app"}},
	} {
		for k, v := range c.want {
			if c.r.Labels[k] != v {
				t.Errorf("%s: label %s = %q, want %q", c.r.Key, k, c.r.Labels[k], v)
			}
		}
	}
	s.Alerting.Page.Labels = map[string]string{"severity": "page", "slo_burn": "x"}
	got := Validate(s)
	want := []string{
		`alerting.page.labels.severity: label "severity" comes from the alert's tier`,
		`alerting.page.labels.slo_burn: label "slo_burn": slo_* labels are set by mongen`,
	}
	if len(got) != len(want) {
		t.Fatalf("problems %v, want %v", got, want)
	}
	for i := range want {
		if got[i].String() != want[i] {
			t.Errorf("problem %d: %s, want %s", i, got[i], want[i])
		}
	}
}
