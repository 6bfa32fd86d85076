package dashcheck

import (
	"strings"
	"testing"

	"github.com/mongen-dev/mongen/internal/dashgen"
	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/model"
	"github.com/mongen-dev/mongen/internal/slo"
)

func TestSubstitute(t *testing.T) {
	known := map[string]bool{"instance": true, "q": true, "topn": true}
	custom := map[string]string{"topn": "5"}
	for _, tc := range []struct{ in, want, err string }{
		{in: `rate(x_total{instance=~"$instance"}[$__rate_interval])`, want: `rate(x_total{instance=~"__mongen_var__"}[5m])`},
		{in: `x{a="${instance}",b="${q:regex}",c="[[q]]"}`, want: `x{a="__mongen_var__",b="__mongen_var__",c="__mongen_var__"}`},
		{in: `topk($topn, x) offset $__range`, want: `topk(5, x) offset 1h`},
		{in: `x{a="$nope"} + y{b="${gone}"}`, err: "uses $gone, $nope, which the dashboard does not define"},
		{in: `topk($q, x)`, err: "$q is used outside a quoted label value"},
		{in: `x{a="\"$q"}`, want: `x{a="\"__mongen_var__"}`},
		{in: `x @ ${__to:date:seconds}`, want: `x @ 1700003600000`},
	} {
		got, err := Substitute(tc.in, known, custom)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("Substitute(%q) error %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || got.Expr != tc.want {
			t.Errorf("Substitute(%q) = %q, %v; want %q", tc.in, got.Expr, err, tc.want)
		}
	}
}

// TestOrig maps offsets in the substituted query back to what was written,
// so an error's column points into the user's text.
func TestOrig(t *testing.T) {
	in := `x{a="$instance"}[$__rate_interval] ++`
	s, err := Substitute(in, map[string]bool{"instance": true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, probe := range []string{"++", "]", "x{"} {
		if got := s.Orig(strings.Index(s.Expr, probe)); got != strings.Index(in, probe) {
			t.Errorf("Orig(offset of %q) = %d, want %d", probe, got, strings.Index(in, probe))
		}
	}
}

func sloEnv() *model.Environment {
	return &model.Environment{
		Name: "t", Flavour: model.FlavourOperator,
		Exporters: map[string]model.Exporter{"app": {Job: "app", Metrics: []string{"http_"},
			Targets: map[string]model.Target{"app": {Kind: model.KindService}}}},
		SLOs: map[string]map[string]model.SLO{"app": {"avail": {Service: "app", Name: "avail", Objective: "99.9", Period: "28d",
			Indicator: model.Indicator{Kind: model.IndicatorRatio, Errors: `http_requests_total{job="app",code=~"5.."}`, Total: `http_requests_total{job="app"}`},
			Alerting:  model.SLOAlerting{Page: model.BurnAlert{Enabled: true, Name: "AppBudgetBurn", Tier: "P0", For: "2m"}}}}},
	}
}

// TestSLODashboardNeedsItsRecordedSeries: the SLO dashboard reads only
// series the SLO rules record. With the rule group expand generates from
// the SLO, nothing is reported; without it, every series is.
func TestSLODashboardNeedsItsRecordedSeries(t *testing.T) {
	p, err := expand.Expand(sloEnv())
	if err != nil {
		t.Fatal(err)
	}
	if problems := Check(p, nil); len(problems) > 0 {
		t.Errorf("with the generated SLO rules: %s", strings.Join(problems, "\n"))
	}

	var others []expand.Group
	for _, g := range p.Groups {
		if !strings.HasPrefix(g.Name, "slo-") {
			others = append(others, g)
		}
	}
	if len(others) == len(p.Groups) {
		t.Fatalf("expand generated no slo- group: %v", p.Groups)
	}
	p.Groups = others
	problems := strings.Join(Check(p, nil), "\n")
	for _, name := range []string{slo.Objective, slo.BudgetRemaining, slo.CurrentBurnRate, slo.PeriodBurnRate, slo.ErrorBudget, slo.ErrorRatioPrefix + "5m", slo.ErrorRatioPrefix + "28d"} {
		if !strings.Contains(problems, "selects "+name+",") {
			t.Errorf("no problem names %s; got:\n%s", name, problems)
		}
	}
	for _, w := range dashgen.SLOWindows {
		if !strings.Contains(problems, "selects "+slo.ErrorRatioPrefix+w+",") {
			t.Errorf("no problem names the %s window; got:\n%s", w, problems)
		}
	}
}

func TestChecks(t *testing.T) {
	env := &model.Environment{
		Name: "t", Flavour: model.FlavourOperator,
		Exporters: map[string]model.Exporter{"node": {Job: "node", Metrics: []string{"node_"},
			Targets: map[string]model.Target{"node": {Kind: model.KindService}}}},
		Dashboards: map[string]model.Dashboard{"d": {UID: "d", Title: "D",
			Variables: []model.Variable{{Name: "instance", Type: model.VariableInstance, Metric: `up{job="node"}`}},
			Links:     []model.Link{{Title: "other", Dashboard: "nowhere"}},
			Panels: []model.Panel{
				{Type: model.PanelRow, Title: ""},
				{Type: model.PanelTimeseries, Title: "ok", Unit: "short", Targets: []model.Query{{Expr: `rate(node_cpu_seconds_total{job="node",instance=~"$instance"}[$__rate_interval])`}}},
				{Type: model.PanelStat, Title: "no unit", Targets: []model.Query{{Expr: `up{job="node"}`}}},
				{Type: model.PanelStat, Title: "empty", Unit: "short"},
				{Type: model.PanelTimeseries, Title: "wrong job", Unit: "short", Targets: []model.Query{{Expr: `up{job="nod"}`}}},
				{Type: model.PanelTimeseries, Title: "gauge rate", Unit: "short", Targets: []model.Query{{Expr: `irate(node_load1{job="node"}[5m])`}}},
				{Type: model.PanelText, Title: "notes", Content: "x"},
			}}},
	}
	p, err := expand.Expand(env)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(Check(p, nil), "\n")
	for _, want := range []string{
		`link "other" points at dashboard "nowhere"`,
		`panel 1 (row) has no title`,
		`panel "no unit" has no unit`,
		`panel "empty" has no query`,
		`panel "wrong job", query A: expr 1:1: ` + "`up{job=\"nod\"}`" + ` selects job="nod", but no job of the environment has that name (did you mean "node"?)`,
		`panel "gauge rate", query A: expr 1:1: irate() of node_load1, which is not a counter`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
	for _, notWant := range []string{`panel "ok"`, `"notes"`} {
		if strings.Contains(got, notWant) {
			t.Errorf("unexpected problem for %s in:\n%s", notWant, got)
		}
	}
}

// FuzzSubstitute: any query substitutes without panicking, and every
// offset of the result maps back into the written query.
func FuzzSubstitute(f *testing.F) {
	for _, s := range []string{`rate(x{a="$v"}[$__rate_interval])`, `x{a="${v:regex}"}`, `"[[v]]`, `$`, `'$v\'$v'`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		s, _ := Substitute(in, map[string]bool{"v": true}, map[string]string{"v": "1"})
		for off := 0; off <= len(s.Expr); off++ {
			if o := s.Orig(off); o < 0 || o > len(in) {
				t.Fatalf("Orig(%d) = %d outside [0,%d] for %q -> %q", off, o, len(in), in, s.Expr)
			}
		}
	})
}
