package slo

import (
	"fmt"
	"math/big"
	"slices"
	"time"

	"github.com/prometheus/common/model"
)

// Window is one alert window pair of the Google SRE workbook's
// multi-window multi-burn-rate alerts: the alert fires while both the long
// and the short window's error ratio exceed Factor × the error budget. The
// long window says the burn is real, the short one that it is still going
// on, so the alert resets soon after the burn stops.
type Window struct {
	Long, Short time.Duration
	// BudgetPercent is the share of the period's error budget that burning
	// at the threshold for Long consumes.
	BudgetPercent int64
}

// The workbook's pairs: the page catches 2% of the budget gone in an hour
// or 5% in six hours, the ticket 10% in a day or in three days.
var (
	PageWindows = []Window{
		{Long: time.Hour, Short: 5 * time.Minute, BudgetPercent: 2},
		{Long: 6 * time.Hour, Short: 30 * time.Minute, BudgetPercent: 5},
	}
	TicketWindows = []Window{
		{Long: 24 * time.Hour, Short: 2 * time.Hour, BudgetPercent: 10},
		{Long: 72 * time.Hour, Short: 6 * time.Hour, BudgetPercent: 10},
	}
)

// Factor is the burn rate at which the window consumes its share of the
// budget: budget% × period_hours / 100 / long_window_hours, exact. For a
// 30d period: 14.4, 6, 3 and 1; for 28d: 13.44, 5.6, 2.8 and 14/15.
func Factor(w Window, period time.Duration) *big.Rat {
	f := new(big.Rat).SetFrac(big.NewInt(period.Milliseconds()), big.NewInt(w.Long.Milliseconds()))
	return f.Mul(f, big.NewRat(w.BudgetPercent, 100))
}

// Windows returns every window the alerts need an error ratio for, short
// to long: 5m, 30m, 1h, 2h, 6h, 1d, 3d.
func Windows() []time.Duration {
	var out []time.Duration
	for _, w := range append(append([]Window{}, PageWindows...), TicketWindows...) {
		out = append(out, w.Long, w.Short)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// WindowName prints a window as Prometheus does and as series names carry
// it: 5m, 1h, 1d, 3d.
func WindowName(d time.Duration) string { return model.Duration(d).String() }

// ErrorRatio is the series name of the error ratio over window.
func ErrorRatio(window string) string { return ErrorRatioPrefix + window }

// ParsePeriod reads an SLO period. It must be longer than the longest
// alert window (3d): a shorter period has no budget those windows could
// measure, and its ratio series would collide with theirs.
func ParsePeriod(s string) (time.Duration, error) {
	d, err := model.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("period %q: %w", s, err)
	}
	longest := Windows()[len(Windows())-1]
	if time.Duration(d) <= longest {
		return 0, fmt.Errorf("period %q is not longer than the longest alert window (%s): use 7d or more", s, WindowName(longest))
	}
	return time.Duration(d), nil
}
