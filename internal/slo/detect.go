package slo

import (
	"math/big"
	"time"
)

// Detection is when an alert fires in a full outage (every event bad from
// time 0, steady traffic), from the window arithmetic alone: scrape and
// evaluation intervals add up to one of each on top.
type Detection struct {
	// After is the time from the outage's start to the alert firing: when
	// the first pair's long window crosses its threshold (factor × budget
	// × long window; the short window, shorter, has crossed before), plus
	// the alert's `for`.
	After time.Duration
	// BudgetShare is the share of the period's error budget spent by then
	// (0.02 for 2%).
	BudgetShare *big.Rat
}

// DetectionTime is when the alert of windows with the given `for` fires
// in a full outage of spec's SLO, or false when no pair ever fires (a
// threshold of factor × budget at or over 1, which an error ratio cannot
// exceed).
//
// An error ratio over window w, t into the outage, is t/w (t < w). The
// pair fires once t/long > factor × budget, at t = factor × budget × long
// = share × budget × period: the window's share of the budget, as the
// workbook's table of detection times has it. Any `for` is added.
func DetectionTime(spec Spec, windows []Window, forDur time.Duration) (Detection, bool) {
	var best *big.Rat // seconds
	for _, w := range windows {
		th := new(big.Rat).Mul(Factor(w, spec.Period), spec.Budget)
		if th.Cmp(big.NewRat(1, 1)) >= 0 {
			continue
		}
		at := new(big.Rat).Mul(th, big.NewRat(w.Long.Milliseconds(), 1000))
		if best == nil || at.Cmp(best) < 0 {
			best = at
		}
	}
	if best == nil {
		return Detection{}, false
	}
	total := new(big.Rat).Add(best, big.NewRat(forDur.Milliseconds(), 1000))
	budgetSeconds := new(big.Rat).Mul(spec.Budget, big.NewRat(spec.Period.Milliseconds(), 1000))
	ms := new(big.Rat).Mul(total, big.NewRat(1000, 1))
	msInt := new(big.Int).Quo(ms.Num(), ms.Denom()) // floor: sub-millisecond is noise
	return Detection{
		After:       time.Duration(msInt.Int64()) * time.Millisecond,
		BudgetShare: new(big.Rat).Quo(total, budgetSeconds),
	}, true
}
