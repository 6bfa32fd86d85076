package dashgen

import (
	"strings"
	"testing"

	"github.com/mongen-dev/mongen/internal/model"
)

func TestUID(t *testing.T) {
	if got := UID("slo-openclaw-availability"); got != "slo-openclaw-availability" {
		t.Errorf("a short uid changed: %s", got)
	}
	long := "slo-" + strings.Repeat("checkout-", 5) + "availability"
	a, b := UID(long), UID(long+"2")
	if len(a) > MaxUID || len(b) > MaxUID || a == b || a != UID(long) {
		t.Errorf("UID(%q) = %q, UID(...2) = %q: want distinct, stable, at most %d characters", long, a, b, MaxUID)
	}
}

// TestSLOPeriodWindow: the SLO's own period is one of the error-ratio
// windows, once, even when it equals a fixed window.
func TestSLOPeriodWindow(t *testing.T) {
	for _, period := range []string{"30d", "3d"} {
		d := SLO(model.SLO{Service: "s", Name: "n", Objective: "99", Period: period}, Options{})
		var ratios []string
		for _, p := range d.Panels {
			if p.Title == "Error ratio per window" {
				for _, q := range p.Targets {
					ratios = append(ratios, q.Legend)
				}
			}
		}
		want := append(append([]string{}, SLOWindows...), "error budget")
		if period != "3d" {
			want = append(append(append([]string{}, SLOWindows...), period), "error budget")
		}
		if strings.Join(ratios, ",") != strings.Join(want, ",") {
			t.Errorf("period %s: windows %v, want %v", period, ratios, want)
		}
	}
}

// TestClusters: with Options.Clusters, the golden-signals and SLO
// dashboards start with the cluster variable and every query, the other
// variables' included, selects the chosen clusters; without it none does.
func TestClusters(t *testing.T) {
	sig := model.Signals{Requests: "http_requests_total", Errors: `code=~"5.."`, Latency: "http_request_duration_seconds"}
	s := model.SLO{Service: "s", Name: "n", Objective: "99", Period: "30d"}
	for name, c := range map[string]struct{ with, without model.Dashboard }{
		"golden signals": {GoldenSignals("app", sig, Options{Clusters: true}), GoldenSignals("app", sig, Options{})},
		"slo":            {SLO(s, Options{Clusters: true}), SLO(s, Options{})},
	} {
		if len(c.with.Variables) == 0 || c.with.Variables[0].Type != model.VariableCluster || !c.with.Variables[0].IncludeAll {
			t.Errorf("%s: variables %+v, want the cluster variable first", name, c.with.Variables)
		}
		for _, v := range c.with.Variables[1:] {
			if !strings.Contains(v.Metric, `cluster=~"$cluster"`) {
				t.Errorf("%s: variable %s does not follow the cluster: %s", name, v.Name, v.Metric)
			}
		}
		for _, p := range c.with.Panels {
			for _, q := range p.Targets {
				if !strings.Contains(q.Expr, `cluster=~"$cluster"`) {
					t.Errorf("%s: panel %q ignores the cluster: %s", name, p.Title, q.Expr)
				}
			}
		}
		for _, p := range c.without.Panels {
			for _, q := range p.Targets {
				if strings.Contains(q.Expr, "cluster") {
					t.Errorf("%s without clusters: panel %q selects a cluster: %s", name, p.Title, q.Expr)
				}
			}
		}
		for _, v := range c.without.Variables {
			if v.Type == model.VariableCluster {
				t.Errorf("%s without clusters has a cluster variable", name)
			}
		}
	}
}
