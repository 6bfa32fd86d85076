package model

// Vet configures mongen vet for one environment (schemas/vet.cue).
type Vet struct {
	// Disable maps a check id ("promql/counter") to its suppression.
	Disable map[string]VetDisable `json:"disable"`
	// MetricTypes declares the TYPE (counter, gauge, histogram, summary)
	// of the environment's own metrics by name, for promql/counter.
	MetricTypes map[string]string `json:"metricTypes,omitempty"`
}

// Metric types, as in the exposition format's # TYPE line.
const (
	MetricCounter   = "counter"
	MetricGauge     = "gauge"
	MetricHistogram = "histogram"
	MetricSummary   = "summary"
)

// VetDisable switches one check off, for every rule or for the rules
// named, with the reason printed beside each finding it hides.
type VetDisable struct {
	Reason string `json:"reason"`
	// Rules are alerting or recording rule names; empty means every rule
	// (and the check's findings that are about no rule).
	Rules []string `json:"rules,omitempty"`
}
