package slo

import (
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

const day = 24 * time.Hour

// The factor tables of docs/slo.md.
func TestFactorTable(t *testing.T) {
	for _, tc := range []struct {
		period time.Duration
		want   []string // page 1h, page 6h, ticket 1d, ticket 3d
	}{
		{30 * day, []string{"14.4", "6", "3", "1"}},
		{28 * day, []string{"13.44", "5.6", "2.8", "14 / 15"}},
		{7 * day, []string{"3.36", "1.4", "0.7", "7 / 30"}},
	} {
		var got []string
		for _, w := range append(append([]Window{}, PageWindows...), TicketWindows...) {
			got = append(got, Format(Factor(w, tc.period)))
		}
		if len(got) != len(tc.want) {
			t.Fatalf("%v: %d factors", tc.period, len(got))
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("%s: factor %d = %s, want %s", WindowName(tc.period), i, got[i], tc.want[i])
			}
		}
	}
}

// TestFactorProperty: for any period, the factor printed in a threshold
// reads back exactly, and burning at it for the long window spends exactly
// the window's budget share of the period: factor × long = share × period.
func TestFactorProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	periods := []time.Duration{7 * day, 28 * day, 30 * day, 90 * day, 365 * day, 3*day + time.Millisecond}
	for range 2000 {
		// Any millisecond duration from just over 3d to about 400d.
		periods = append(periods, 3*day+time.Duration(1+rng.Int64N(int64(400*day/time.Millisecond)))*time.Millisecond)
	}
	for _, period := range periods {
		for _, w := range append(append([]Window{}, PageWindows...), TicketWindows...) {
			text := Format(Factor(w, period))
			factor, ok := new(big.Rat).SetString(strings.ReplaceAll(text, " ", ""))
			if !ok {
				t.Fatalf("period %v: factor %q does not read back", period, text)
			}
			lhs := new(big.Rat).Mul(factor, big.NewRat(w.Long.Milliseconds(), 1))
			rhs := new(big.Rat).Mul(big.NewRat(w.BudgetPercent, 100), big.NewRat(period.Milliseconds(), 1))
			if lhs.Cmp(rhs) != 0 {
				t.Fatalf("period %v, window %v: factor %s × %v = %s ms, want %d%% of the period = %s ms", period, w.Long, text, w.Long, lhs.FloatString(3), w.BudgetPercent, rhs.FloatString(3))
			}
		}
	}
}

func TestWindows(t *testing.T) {
	var got []string
	for _, w := range Windows() {
		got = append(got, WindowName(w))
	}
	want := "5m 30m 1h 2h 6h 1d 3d"
	if s := strings.Join(got, " "); s != want {
		t.Errorf("Windows() = %s, want %s", s, want)
	}
}

func TestParsePeriod(t *testing.T) {
	for _, ok := range []string{"30d", "28d", "7d", "4w", "3d1m", "1y"} {
		if _, err := ParsePeriod(ok); err != nil {
			t.Errorf("ParsePeriod(%s): %v", ok, err)
		}
	}
	for _, bad := range []string{"3d", "1d", "72h", "", "30x"} {
		if _, err := ParsePeriod(bad); err == nil {
			t.Errorf("ParsePeriod(%q) succeeded", bad)
		}
	}
}
