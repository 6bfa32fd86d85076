package amcheck

import (
	"strings"
	"testing"

	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/finding"
	"github.com/mongen-dev/mongen/internal/model"
)

func withRaw(t *testing.T, routes []model.RawRoute, tests []model.RouteTest) *expand.Plan {
	t.Helper()
	env := plan(t).Env
	env.Alerting.Routes = routes
	env.Alerting.RouteTests = tests
	p, err := expand.Expand(env)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func find(fs []finding.Finding, check string) []finding.Finding {
	var out []finding.Finding
	for _, f := range fs {
		if f.Check == check {
			out = append(out, f)
		}
	}
	return out
}

// An alert a raw route takes is routed as written, not by its tier: the
// route proof does not hold it to the tier's receivers; route tests see
// raw receivers; a receiver only a raw route uses is reachable.
func TestRawRoutesAreProven(t *testing.T) {
	p := withRaw(t, []model.RawRoute{
		{Receiver: "pager", Matchers: []string{`alertname="Down"`}},
	}, []model.RouteTest{
		{Labels: map[string]string{"alertname": "Down", "severity": "warning", "team": "app"}, Receivers: []string{"pager"}},
	})
	if fs := prove(t, p, func(s string) string { return s }); len(fs) > 0 {
		t.Errorf("findings:\n%s", checks(fs))
	}
	// The same route test fails once the raw route is gone.
	p = withRaw(t, nil, p.Env.Alerting.RouteTests)
	fs := find(prove(t, p, func(s string) string { return s }), CheckRouteTest)
	if len(fs) != 1 || !strings.Contains(fs[0].Message, "reach [app], the test expects [pager]") {
		t.Errorf("route test findings: %s", checks(fs))
	}
}

// A raw route without continue that matches everything a tier route
// matches hides it: a warning. One raw route hiding another is an error,
// as any shadowed route is; with continue nothing is shadowed.
func TestRawRouteShadowing(t *testing.T) {
	for _, c := range []struct {
		name   string
		routes []model.RawRoute
		want   string
		sev    finding.Severity
	}{
		{"raw hides tier", []model.RawRoute{{Receiver: "pager", Matchers: []string{`severity="warning"`}}},
			`route {severity="warning"} (receiver "P1") under root is shadowed by its earlier sibling {severity="warning"} (receiver "raw/pager"): the raw route takes these alerts before their tier`, finding.Warning},
		{"raw hides raw", []model.RawRoute{{Receiver: "pager", Matchers: []string{`team="app"`}}, {Receiver: "chat", Matchers: []string{`team="app"`, `job="x"`}}},
			`route {job="x", team="app"} (receiver "raw/chat") under root is shadowed by its earlier sibling {team="app"} (receiver "raw/pager")`, finding.Error},
		{"continue hides nothing", []model.RawRoute{{Receiver: "pager", Matchers: []string{`severity="warning"`}, Continue: true}}, "", finding.Error},
	} {
		t.Run(c.name, func(t *testing.T) {
			fs := find(prove(t, withRaw(t, c.routes, nil), func(s string) string { return s }), CheckShadowed)
			if c.want == "" {
				if len(fs) > 0 {
					t.Errorf("findings: %s", checks(fs))
				}
				return
			}
			if len(fs) != 1 || !strings.Contains(fs[0].Message, c.want) || fs[0].Severity != c.sev {
				t.Errorf("findings: %v, want one %v containing %s", fs, c.sev, c.want)
			}
		})
	}
}

// Grouping on raw routes is checked like the tier routes'.
func TestRawRouteGroupBy(t *testing.T) {
	p := withRaw(t, []model.RawRoute{{Receiver: "pager", Matchers: []string{`alertname="Down"`}, GroupBy: []string{"altername"}}}, nil)
	fs := find(prove(t, p, func(s string) string { return s }), CheckGroupBy)
	if len(fs) != 1 || fs[0].Subject != "route to raw/pager" || !strings.Contains(fs[0].Message, `groups by "altername": did you mean "alertname"?`) {
		t.Errorf("group-by findings: %v", fs)
	}
}
