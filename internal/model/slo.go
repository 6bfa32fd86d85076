package model

import (
	"maps"
	"slices"
)

// SLO is one service level objective (schemas/slo.cue). The environment
// stores SLOs as slos: <service>: <name>: {...}; ID() joins the two.
type SLO struct {
	Service     string `json:"service"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	// Objective is the target in percent as CUE wrote it ("99.9"), kept as
	// decimal text so no float rounding reaches the output.
	Objective Decimal           `json:"objective"`
	Period    string            `json:"period"` // Prometheus duration, default 30d
	Labels    map[string]string `json:"labels"`
	Team      string            `json:"team,omitempty"`
	Indicator Indicator         `json:"indicator"`
	Alerting  SLOAlerting       `json:"alerting"`
	// Scope is ScopeCluster (every cluster's Prometheus) or ScopeGlobal
	// (the environment's global view, over every cluster's series).
	Scope string `json:"scope,omitempty"`
}

// Global reports whether the SLO is evaluated by the global view.
func (s SLO) Global() bool { return s.Scope == ScopeGlobal }

// ID is the SLO's stable identifier, the slo_id label of every series and
// alert generated for it.
func (s SLO) ID() string { return s.Service + "-" + s.Name }

// Indicator kinds.
const (
	IndicatorRatio        = "ratio"
	IndicatorLatency      = "latency"
	IndicatorAvailability = "availability"
	IndicatorCustom       = "custom"
)

// Indicator says how good and bad events are counted. Exactly one of the
// kind-specific parts is set, as Kind says.
type Indicator struct {
	Kind string `json:"kind"`
	// ratio: PromQL vector selectors of counters; mongen wraps each in
	// sum by (GroupBy) (rate(<selector>[<window>])).
	// custom: whole queries with {{.window}} where the window goes.
	Errors string `json:"errors,omitempty"`
	Total  string `json:"total,omitempty"`
	// ErrorRatio (custom only) is one query of the error ratio itself,
	// with {{.window}}, instead of Errors and Total.
	ErrorRatio string `json:"errorRatio,omitempty"`
	// latency: a histogram's _bucket selector and the le bound a good
	// request stays under ("0.3"), as it appears in the le label.
	Bucket    string `json:"bucket,omitempty"`
	Threshold string `json:"threshold,omitempty"`
	// availability: a selector of blackbox probe_success series.
	Probe string `json:"probe,omitempty"`
	// GroupBy keeps these labels on every SLI series (one SLO per value).
	GroupBy []string `json:"groupBy,omitempty"`
}

// SLOAlerting switches the two burn-rate tiers of one SLO.
type SLOAlerting struct {
	Page   BurnAlert         `json:"page"`
	Ticket BurnAlert         `json:"ticket"`
	Labels map[string]string `json:"labels,omitempty"`
	// Annotations are added to both alerts (runbook_url, summary, ...).
	Annotations map[string]string `json:"annotations,omitempty"`
}

// BurnAlert is one burn-rate alert of an SLO.
type BurnAlert struct {
	Enabled bool   `json:"enabled"`
	Name    string `json:"name"` // alert name
	Tier    string `json:"tier"` // P0 for page, P1 for ticket unless changed
	// Severity is the tier's severity label value (schemas #Tiers).
	Severity string `json:"severity,omitempty"`
	For      string `json:"for,omitempty"`
	// Labels are this alert's own, over the SLO's labels and
	// SLOAlerting.Labels.
	Labels map[string]string `json:"labels,omitempty"`
	// Annotations are this alert's own, over SLOAlerting.Annotations.
	Annotations map[string]string `json:"annotations,omitempty"`
	// Tests are unit tests of this alert and the SLO's recording rules
	// (schemas.#RuleTest, run by mongen test).
	Tests []RuleTest `json:"tests,omitempty"`
}

// Decimal is a number kept as its exact decimal text.
type Decimal string

// UnmarshalJSON keeps the number's text as written.
func (d *Decimal) UnmarshalJSON(b []byte) error {
	*d = Decimal(b)
	return nil
}

// SLOList returns every SLO of the environment, sorted by service then name.
func (e *Environment) SLOList() []SLO {
	var out []SLO
	for _, svc := range slices.Sorted(maps.Keys(e.SLOs)) {
		for _, name := range slices.Sorted(maps.Keys(e.SLOs[svc])) {
			out = append(out, e.SLOs[svc][name])
		}
	}
	return out
}
