package expand

import (
	"reflect"
	"strings"
	"testing"

	"github.com/mongen-dev/mongen/internal/model"
	"github.com/mongen-dev/mongen/internal/slo"
)

func testSLO(service, name string) model.SLO {
	return model.SLO{
		Service: service, Name: name, Objective: "99.9", Period: "30d", Team: "shop",
		Indicator: model.Indicator{Kind: "ratio", Errors: `errors_total{job="app"}`, Total: `requests_total{job="app"}`},
		Alerting: model.SLOAlerting{
			Page:   model.BurnAlert{Enabled: true, Tier: "P0", Severity: "critical", For: "2m"},
			Ticket: model.BurnAlert{Enabled: true, Tier: "P1", Severity: "warning", For: "15m"},
		},
	}
}

func withSLOs(slos ...model.SLO) *model.Environment {
	e := env()
	e.SLOs = map[string]map[string]model.SLO{}
	for _, s := range slos {
		if e.SLOs[s.Service] == nil {
			e.SLOs[s.Service] = map[string]model.SLO{}
		}
		e.SLOs[s.Service][s.Name] = s
	}
	return e
}

// SLO rules form one group per service, in evaluation order (ratios, then
// what reads them, then alerts), each rule pointing at the SLO field it
// comes from, falling back to the SLO itself.
func TestSLOGroups(t *testing.T) {
	e := withSLOs(testSLO("checkout", "latency"), testSLO("checkout", "availability"))
	e.Sources = map[string]string{
		"slos/checkout":                        "environments/prod/slo.cue:3:6",
		"slos/checkout/availability":           "environments/prod/slo.cue:4:2",
		"slos/checkout/availability/indicator": "environments/prod/slo.cue:6:3",
		"slos/checkout/latency":                "environments/prod/slo.cue:20:2",
	}
	p, err := Expand(e)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Groups) != 1 || p.Groups[0].Name != "slo-checkout" || p.Groups[0].Origin != "environments/prod/slo.cue:3:6" {
		t.Fatalf("groups = %+v", p.Groups)
	}
	var keys []string
	origins := map[string]string{}
	for _, r := range p.Groups[0].Rules {
		keys = append(keys, r.Key)
		origins[r.Key] = r.ExprOrigin
		if r.SLO != "checkout-"+strings.Split(r.Key, ":")[0] {
			t.Errorf("rule %s: SLO %q", r.Key, r.SLO)
		}
	}
	if len(keys) != 32 {
		t.Fatalf("%d rules, want 2 × 16: %v", len(keys), keys)
	}
	wantStart := []string{"availability:slo:sli_error:ratio_rate5m", "availability:slo:sli_error:ratio_rate30m"}
	if !reflect.DeepEqual(keys[:2], wantStart) || keys[15] != "availability:ticket" || keys[16] != "latency:slo:sli_error:ratio_rate5m" {
		t.Errorf("order: %v", keys)
	}
	for key, want := range map[string]string{
		"availability:slo:sli_error:ratio_rate1h": "environments/prod/slo.cue:6:3",
		"availability:page":                       "environments/prod/slo.cue:4:2",
		"latency:slo:sli_error:ratio_rate1h":      "environments/prod/slo.cue:20:2",
	} {
		if origins[key] != want {
			t.Errorf("%s: origin %q, want %q", key, origins[key], want)
		}
	}
}

func TestSLOProblems(t *testing.T) {
	bad := testSLO("app", "availability")
	bad.Indicator.Errors = bad.Indicator.Total
	e := withSLOs(testSLO("a-b", "c"), testSLO("a", "b-c"), bad)
	e.Sources = map[string]string{
		"slos/a/b-c":                             "environments/prod/slo.cue:3:2",
		"slos/a-b/c":                             "environments/prod/slo.cue:9:2",
		"slos/app/availability/indicator/errors": "environments/prod/slo.cue:20:11",
	}
	_, err := Expand(e)
	if err == nil {
		t.Fatal("no error")
	}
	want := []string{
		// In position order: line 9 before line 20.
		`environments/prod/slo.cue:9:2: slos.a-b.c: SLO id "a-b-c" is also the id of the SLO at environments/prod/slo.cue:3:2 (ids join service and name with -): rename one`,
		`environments/prod/slo.cue:20:11: slos.app.availability.indicator.errors: errors and total select the same series (requests_total{job="app"}): the error ratio would always be 1; narrow errors, e.g. with code=~"5.."`,
	}
	if got := problems(t, err); !reflect.DeepEqual(got, want) {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// The page silences the ticket of the same SLO, equal on slo_id, cluster
// and every groupBy label; an environment's own rule of that name wins.
func TestSLOInhibit(t *testing.T) {
	grouped := testSLO("web", "probe")
	grouped.Indicator.GroupBy = []string{"instance"}
	noTicket := testSLO("web", "quiet")
	noTicket.Alerting.Ticket.Enabled = false
	noTicket.Indicator.GroupBy = []string{"ignored"}
	e := withSLOs(testSLO("checkout", "availability"), grouped, noTicket)
	e.Alerting = &model.Alerting{Fallback: "mail", Receivers: map[string]model.Receiver{"mail": {Integration: model.Integration{Kind: "email"}}},
		Tiers:   map[string]model.TierPolicy{"P0": {Severity: "critical", Receivers: []string{"mail"}}, "P1": {Severity: "warning", Receivers: []string{"mail"}}, "P2": {Severity: "info"}},
		Inhibit: map[string]model.Inhibit{"zz-own": {Enabled: true, Source: []string{`a="b"`}, Target: []string{`c="d"`}, Equal: []string{"x"}}}}
	p, err := Expand(e)
	if err != nil {
		t.Fatal(err)
	}
	want := []NamedInhibit{
		{Name: SLOInhibit, Inhibit: model.Inhibit{Enabled: true, Source: []string{`slo_burn="page"`}, Target: []string{`slo_burn="ticket"`}, Equal: []string{"cluster", "instance", slo.LabelID}}},
		{Name: "zz-own", Inhibit: e.Alerting.Inhibit["zz-own"]},
	}
	if !reflect.DeepEqual(p.Alerting.Inhibits, want) {
		t.Errorf("inhibits = %+v", p.Alerting.Inhibits)
	}

	e.Alerting.Inhibit[SLOInhibit] = model.Inhibit{Enabled: false}
	p, err = Expand(e)
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range p.Alerting.Inhibits {
		if in.Name == SLOInhibit {
			t.Errorf("the environment disabled %s, but it is there: %+v", SLOInhibit, in)
		}
	}
}

// A service's global SLOs get a group of their own, evaluated by the
// global view; without one, the SLO fails at its scope.
func TestSLOGlobalGroups(t *testing.T) {
	g := testSLO("checkout", "availability")
	g.Scope = model.ScopeGlobal
	e := withSLOs(testSLO("checkout", "latency"), g)
	e.Sources = map[string]string{"slos/checkout/availability/scope": "environments/prod/slo.cue:5:10"}
	_, err := Expand(e)
	want := `environments/prod/slo.cue:5:10: slos.checkout.availability.scope: "global" evaluates the SLO in the environment's global view, but the environment has none`
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("without a global view: got %v, want %q", err, want)
	}

	e.Global = &model.Global{Engine: model.EngineThanos, Cluster: e.Cluster}
	p, err := Expand(e)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Groups) != 2 || p.Groups[0].Name != "slo-checkout" || p.Groups[1].Name != "slo-global-checkout" {
		t.Fatalf("groups = %v", p.Groups)
	}
	for _, r := range p.Groups[1].Rules {
		if r.Scope != model.ScopeGlobal || r.SLO != "checkout-availability" {
			t.Errorf("global group rule %s: scope %q, SLO %q", r.Key, r.Scope, r.SLO)
		}
	}
	if !p.Groups[1].Global() || p.Groups[0].Global() {
		t.Error("only slo-global-checkout is the global view's")
	}
	// The dashboard of the global SLO opens on the global datasource, in
	// the cluster hosting the global view only.
	var globalDash *Dashboard
	for i, d := range p.Dashboards {
		if d.UID == "slo-checkout-availability" {
			globalDash = &p.Dashboards[i]
		}
	}
	if globalDash == nil || globalDash.Datasource == nil || globalDash.Title != "SLO checkout / availability (global)" {
		t.Fatalf("global SLO dashboard = %+v", globalDash)
	}
	e.Global.Cluster = "elsewhere"
	p, err = Expand(e)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range p.Dashboards {
		if d.UID == "slo-checkout-availability" {
			t.Error("global SLO dashboard in a cluster without the global view")
		}
	}
}
