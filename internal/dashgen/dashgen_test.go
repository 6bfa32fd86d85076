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
