package slo

import (
	"fmt"
	"math/big"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/mongen-dev/mongen/internal/model"
)

func specSLO(objective, period string) model.SLO {
	s := validSLO()
	s.Objective = model.Decimal(objective)
	s.Period = period
	return s
}

// DetectionRow is one row of docs/slo.md's detection table: objective and
// period, the budget as time, when the page fires with `for` 0 and with
// the former default of 2m, and the budget spent by then.
func DetectionRow(objective, period string) (string, error) {
	spec, err := NewSpec(specSLO(objective, period))
	if err != nil {
		return "", err
	}
	now, ok := DetectionTime(spec, PageWindows, 0)
	if !ok {
		return "", fmt.Errorf("%s%% over %s: the page never fires", objective, period)
	}
	old, _ := DetectionTime(spec, PageWindows, 2*time.Minute)
	budget := new(big.Rat).Mul(spec.Budget, big.NewRat(spec.Period.Milliseconds(), 1))
	budgetMs, _ := budget.Float64()
	return fmt.Sprintf("| %s%% | %s | %s | %s | %s | %s | %s |", objective, period,
		time.Duration(budgetMs)*time.Millisecond, now.After, percent(now.BudgetShare), old.After, percent(old.BudgetShare)), nil
}

// percent prints a share as a percentage with two decimals.
func percent(r *big.Rat) string {
	return new(big.Rat).Mul(r, big.NewRat(100, 1)).FloatString(2) + "%"
}

// TestDetectionTime: in a full outage the page fires when the 1h pair has
// seen 2% of the budget go (the workbook's table: 99.9% over 30d, 0.864
// minutes of a 43.2-minute budget), whatever the objective; a `for` adds
// itself. A pair whose threshold is 1 or more never fires and is skipped.
func TestDetectionTime(t *testing.T) {
	for _, tc := range []struct {
		objective, period string
		forDur            time.Duration
		want              time.Duration
		share             string
	}{
		{"99.9", "30d", 0, 51840 * time.Millisecond, "1/50"},
		{"99.9", "30d", 2 * time.Minute, 171840 * time.Millisecond, "179/2700"},
		{"99", "30d", 0, 518400 * time.Millisecond, "1/50"},
		{"99.5", "28d", 0, 241920 * time.Millisecond, "1/50"},
		{"99.9", "7d", 0, 12096 * time.Millisecond, "1/50"},
		// 90% over 30d: 14.4 × 0.1 ≥ 1, so only the 6h pair (6 × 0.1) can
		// fire, at 5% of the budget.
		{"90", "30d", 0, 3*time.Hour + 36*time.Minute, "1/20"},
	} {
		spec, err := NewSpec(specSLO(tc.objective, tc.period))
		if err != nil {
			t.Fatal(err)
		}
		got, ok := DetectionTime(spec, PageWindows, tc.forDur)
		if !ok {
			t.Fatalf("%s/%s: never fires", tc.objective, tc.period)
		}
		if got.After != tc.want || got.BudgetShare.RatString() != tc.share {
			t.Errorf("%s%% over %s, for %s: fires after %s spending %s of the budget, want %s and %s", tc.objective, tc.period, tc.forDur, got.After, got.BudgetShare.RatString(), tc.want, tc.share)
		}
	}
	// 50% over 30d: every page threshold (14.4 × 0.5, 6 × 0.5) is over 1.
	spec, err := NewSpec(specSLO("50", "30d"))
	if err != nil {
		t.Fatal(err)
	}
	if d, ok := DetectionTime(spec, PageWindows, 0); ok {
		t.Errorf("50%% over 30d: page fires after %s, want never", d.After)
	}
}

// TestDetectionTable keeps docs/slo.md's detection table computed: each
// row is what DetectionTime gives for the objectives and periods the
// shipped environments use and the workbook's example.
func TestDetectionTable(t *testing.T) {
	doc, err := os.ReadFile("../../docs/slo.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, mix := range [][2]string{{"99.9", "30d"}, {"99", "30d"}, {"99.5", "28d"}, {"99.9", "28d"}, {"99.95", "30d"}, {"99.9", "7d"}} {
		row, err := DetectionRow(mix[0], mix[1])
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(doc), row+"\n") {
			t.Errorf("docs/slo.md lacks the detection row\n%s", row)
		}
	}
}
