package slo

import (
	"fmt"
	"maps"
	"math"
	"math/big"
	"slices"
	"strconv"
	"strings"

	"github.com/mongen-dev/mongen/internal/model"
)

// Problem is one invalid part of an SLO: Field is the path below the SLO
// (["indicator", "errors"]), so the caller can name its CUE position.
type Problem struct {
	Field   []string
	Message string
}

func (p Problem) String() string { return strings.Join(p.Field, ".") + ": " + p.Message }

// Validate reports what the schema cannot: an objective outside (0, 100)
// read exactly, a period no longer than the alert windows, selectors that
// are not plain vector selectors, errors equal to total, reserved labels,
// and any generated query the PromQL parser rejects.
func Validate(s model.SLO) []Problem {
	var out []Problem
	add := func(msg string, field ...string) { out = append(out, Problem{Field: field, Message: msg}) }

	if pct, err := ParseDecimal(string(s.Objective)); err != nil {
		add(err.Error(), "objective")
	} else if pct.Sign() <= 0 || pct.Cmp(big.NewRat(100, 1)) >= 0 {
		add(fmt.Sprintf("%s is not a percentage between 0 and 100 (both excluded): write 99.9 for 99.9%%", Format(pct)), "objective")
	} else if pct.Cmp(big.NewRat(1, 1)) <= 0 {
		// A ratio where a percentage is meant: 0.995 is 0.995%, a budget
		// of 99.005% of the events, whose burn alerts can never fire.
		hundred := new(big.Rat).Mul(pct, big.NewRat(100, 1))
		fix := fmt.Sprintf("write %s for %s%%", Format(hundred), Format(hundred))
		if hundred.Cmp(big.NewRat(100, 1)) >= 0 {
			fix = "write the percentage of good events, such as 99.9"
		}
		add(fmt.Sprintf("%s reads as %s%%, an error budget of %s%% of the events, so the burn alerts could never fire: objective is a percentage; %s", Format(pct), Format(pct), Format(new(big.Rat).Sub(big.NewRat(100, 1), pct)), fix), "objective")
	}
	if _, err := ParsePeriod(s.Period); err != nil {
		add(err.Error(), "period")
	}
	for k := range s.Labels {
		if msg := reservedLabel(k); msg != "" {
			add(msg, "labels", k)
		}
	}
	for k := range s.Alerting.Labels {
		if msg := reservedLabel(k); msg != "" {
			add(msg, "alerting", "labels", k)
		}
	}
	for _, b := range []struct {
		burn string
		a    model.BurnAlert
	}{{BurnPage, s.Alerting.Page}, {BurnTicket, s.Alerting.Ticket}} {
		burn, a := b.burn, b.a
		for _, k := range slices.Sorted(maps.Keys(a.Labels)) {
			if msg := reservedLabel(k); msg != "" {
				add(msg, "alerting", burn, "labels", k)
			}
		}
	}
	for _, g := range s.Indicator.GroupBy {
		if strings.HasPrefix(g, "slo_") || g == "le" {
			add(fmt.Sprintf("groupBy %q: slo_* labels are mongen's and le is the bucket bound; keep a label of the source series", g), "indicator", "groupBy")
		}
	}

	ind := s.Indicator
	selectorOK := true
	sel := func(field, text, want string) {
		if text == "" {
			add(fmt.Sprintf("a %s indicator needs %s", ind.Kind, field), "indicator")
			selectorOK = false
			return
		}
		vs, err := ParseSelector(text)
		if err != nil {
			add(err.Error(), "indicator", field)
			selectorOK = false
			return
		}
		if want != "" && !strings.HasSuffix(MetricName(vs), want) {
			add(fmt.Sprintf("%q selects %s, not a %s series", text, MetricName(vs), want), "indicator", field)
			selectorOK = false
		}
	}
	switch ind.Kind {
	case model.IndicatorRatio:
		sel("errors", ind.Errors, "")
		sel("total", ind.Total, "")
		if selectorOK && normalized(ind.Errors) == normalized(ind.Total) {
			add(fmt.Sprintf("errors and total select the same series (%s): the error ratio would always be 1; narrow errors, e.g. with code=~\"5..\"", ind.Errors), "indicator", "errors")
			selectorOK = false
		}
	case model.IndicatorLatency:
		sel("bucket", ind.Bucket, "_bucket")
		if f, err := strconv.ParseFloat(ind.Threshold, 64); err != nil || !(f > 0) || math.IsInf(f, 0) {
			add(fmt.Sprintf("threshold %q is not a positive finite le bound such as \"0.3\"", ind.Threshold), "indicator", "threshold")
			selectorOK = false
		}
	case model.IndicatorAvailability:
		sel("probe", ind.Probe, "probe_success")
	case model.IndicatorCustom:
		selectorOK = validateCustom(ind, add)
	default:
		add(fmt.Sprintf("unknown indicator kind %q: ratio, latency, availability or custom", ind.Kind), "indicator", "kind")
		selectorOK = false
	}
	// The error ratio differs between windows only in the window, a
	// constant: parsing one proves the shape. verify parses every
	// generated rule again with rulefmt, positioned at the indicator.
	if selectorOK {
		w := WindowName(Windows()[0])
		expr, err := ErrorRatioExpr(ind, w)
		if err == nil {
			_, err = promql.ParseExpr(expr)
		}
		if err != nil {
			add(fmt.Sprintf("the %s error ratio does not parse: %v", w, err), "indicator")
		}
	}
	return out
}

func reservedLabel(k string) string {
	switch {
	case strings.HasPrefix(k, "slo_"):
		return fmt.Sprintf("label %q: slo_* labels are set by mongen", k)
	case k == "severity":
		return "label \"severity\" comes from the alert's tier"
	}
	return ""
}

// normalized prints a selector the way the PromQL printer does, so
// spacing and matcher quoting do not hide two equal selectors.
func normalized(s string) string {
	vs, err := ParseSelector(s)
	if err != nil {
		return s
	}
	return vs.String()
}
