package slo

import (
	"fmt"
	"strings"

	commonmodel "github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/mongen-dev/mongen/internal/model"
)

// promql parses selectors and checks generated queries; a parser holds no
// state between calls.
var promql = parser.NewParser(parser.Options{})

// ParseSelector parses a PromQL instant vector selector as an indicator
// takes it: a bare selector, without offset or @.
func ParseSelector(s string) (*parser.VectorSelector, error) {
	expr, err := promql.ParseExpr(s)
	if err != nil {
		return nil, err
	}
	vs, ok := expr.(*parser.VectorSelector)
	if !ok {
		return nil, fmt.Errorf("%q is not a plain vector selector such as http_requests_total{job=\"app\"}: write the selector only, mongen adds rate() and the window", s)
	}
	if vs.OriginalOffset != 0 || vs.Timestamp != nil || vs.StartOrEnd != 0 {
		return nil, fmt.Errorf("%q has an offset or @ modifier: write the plain selector", s)
	}
	if MetricName(vs) == "" {
		return nil, fmt.Errorf("%q selects no metric name: name the counter it counts", s)
	}
	return vs, nil
}

// MetricName is the metric a selector selects by equality, or "".
func MetricName(vs *parser.VectorSelector) string {
	if vs.Name != "" {
		return vs.Name
	}
	for _, m := range vs.LabelMatchers {
		if m.Name == commonmodel.MetricNameLabel && m.Type == labels.MatchEqual {
			return m.Value
		}
	}
	return ""
}

// withLE returns the bucket selector with an le="<bound>" matcher added,
// printed by the PromQL printer.
func withLE(bucket, bound string) (string, error) {
	vs, err := ParseSelector(bucket)
	if err != nil {
		return "", err
	}
	for _, m := range vs.LabelMatchers {
		if m.Name == "le" {
			return "", fmt.Errorf("%q already matches le: give the bound in threshold only", bucket)
		}
	}
	m, err := labels.NewMatcher(labels.MatchEqual, "le", bound)
	if err != nil {
		return "", err
	}
	vs.LabelMatchers = append(vs.LabelMatchers, m)
	return vs.String(), nil
}

// aggregate wraps e in op by (groupBy), or plain op when no label is kept.
func aggregate(op string, groupBy []string, e string) string {
	if len(groupBy) == 0 {
		return fmt.Sprintf("%s(%s)", op, e)
	}
	return fmt.Sprintf("%s by (%s) (%s)", op, strings.Join(groupBy, ", "), e)
}

// ErrorRatioExpr is the indicator's error ratio over window (a PromQL
// duration), the expression of slo:sli_error:ratio_rate<window>:
//
//	ratio:        (sum(rate(<errors>[w])) or 0 * sum(rate(<total>[w]))) / (sum(rate(<total>[w])) > 0)
//	latency:      1 - (sum(rate(<bucket>{le="<threshold>"}[w])) / (sum(rate(<bucket>{le="+Inf"}[w])) > 0))
//	availability: 1 - avg(avg_over_time(<probe>[w]))
//	custom:       ((<errors>) or 0 * (<total>)) / ((<total>) > 0), or <errorRatio>,
//	              with w written for {{.window}}
//
// with "sum by (groupBy)" when the indicator keeps labels. Two guards keep
// the period ratio (a mean of 5m ratios) honest: errors that have no series
// yet (no 5xx since the last restart) count as 0 rather than leaving the
// window out, and a window without traffic records no sample rather than
// NaN, which would make every sum over the period NaN for a whole period.
func ErrorRatioExpr(ind model.Indicator, window string) (string, error) {
	f, err := errorRatio(ind)
	if err != nil {
		return "", err
	}
	return f(window), nil
}

// errorRatio prepares the indicator's selectors once and returns the
// error ratio expression as a function of the window.
func errorRatio(ind model.Indicator) (func(window string) string, error) {
	rate := func(sel, window string) string {
		return aggregate("sum", ind.GroupBy, "rate("+sel+"["+window+"])")
	}
	switch ind.Kind {
	case model.IndicatorRatio:
		return func(w string) string {
			total := rate(ind.Total, w)
			return "(" + rate(ind.Errors, w) + " or 0 * " + total + ") / (" + total + " > 0)"
		}, nil
	case model.IndicatorLatency:
		good, err := withLE(ind.Bucket, ind.Threshold)
		if err != nil {
			return nil, err
		}
		all, err := withLE(ind.Bucket, "+Inf")
		if err != nil {
			return nil, err
		}
		return func(w string) string { return "1 - (" + rate(good, w) + " / (" + rate(all, w) + " > 0))" }, nil
	case model.IndicatorAvailability:
		return func(w string) string {
			return "1 - " + aggregate("avg", ind.GroupBy, "avg_over_time("+ind.Probe+"["+w+"])")
		}, nil
	case model.IndicatorCustom:
		return customRatio(ind), nil
	}
	return nil, fmt.Errorf("unknown indicator kind %q", ind.Kind)
}
