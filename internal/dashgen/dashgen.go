// Package dashgen generates the dashboards mongen derives from the model
// rather than reads from CUE: a golden-signals dashboard for every target
// that declares signals, and one dashboard per SLO. The output is plain
// model.Dashboard values, checked and rendered like hand-written ones.
package dashgen

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/mongen-dev/mongen/internal/model"
	"github.com/mongen-dev/mongen/internal/slo"
)

// MaxUID is the longest uid Grafana accepts.
const MaxUID = 40

// UID shortens a generated uid to Grafana's limit, stably: a long one keeps
// its first 31 characters and gains 8 hex digits of its SHA-256.
func UID(s string) string {
	if len(s) <= MaxUID {
		return s
	}
	sum := sha256.Sum256([]byte(s))
	return strings.TrimRight(s[:MaxUID-9], "-_") + "-" + hex.EncodeToString(sum[:])[:8]
}

func f(v float64) *float64 { return &v }

// Base thresholds: green from minus infinity.
func steps(color string, more ...model.Threshold) []model.Threshold {
	return append([]model.Threshold{{Color: color}}, more...)
}

// Options shape a generated dashboard for where it is served.
type Options struct {
	// Clusters adds the cluster variable and selects every query by it,
	// for a datasource that sees several clusters (Thanos Query): series
	// carry their cluster's external label there.
	Clusters bool
}

// clusterVariable selects clusters by the label values of metric.
func clusterVariable(metric string) model.Variable {
	return model.Variable{Name: "cluster", Type: model.VariableCluster, Label: "Cluster", Metric: metric, Multi: true, IncludeAll: true}
}

// clusterMatcher selects the chosen clusters.
const clusterMatcher = `cluster=~"$cluster"`

// Translatable titles of the generated dashboards: grafana.titles may map
// each to a template over the same {placeholders} (library/locale).
const (
	GoldenSignalsTitle = "{job}: golden signals"
	SLOTitle           = "SLO {service} / {name}"
	GlobalSLOTitle     = "SLO {service} / {name} (global)"
)

// GoldenSignalsUID is the uid of a job's golden-signals dashboard.
func GoldenSignalsUID(job string) string { return UID(job + "-golden-signals") }

// GoldenSignals is the latency, traffic, errors and saturation dashboard
// of one job (Google SRE book, chapter 6).
func GoldenSignals(job string, s model.Signals, o Options) model.Dashboard {
	sel := fmt.Sprintf(`job=%q`, job)
	scope, by, legend := sel, "instance", "{{instance}}"
	if o.Clusters {
		scope, by, legend = sel+","+clusterMatcher, "cluster, instance", "{{cluster}} {{instance}}"
	}
	inst := scope + `,instance=~"$instance"`
	errSel := inst
	if s.Errors != "" {
		errSel += "," + s.Errors
	}
	rate := func(metric, matchers string) string {
		return fmt.Sprintf("rate(%s{%s}[$__rate_interval])", metric, matchers)
	}
	title, key := s.Title, ""
	if title == "" {
		title, key = job+": golden signals", GoldenSignalsTitle
	}
	d := model.Dashboard{
		UID:         GoldenSignalsUID(job),
		Title:       title,
		TitleKey:    key,
		TitleArgs:   map[string]string{"job": job},
		Tags:        []string{"mongen", "golden-signals", job},
		Description: fmt.Sprintf("Traffic, errors, latency and saturation of job %s, generated from its signals.", job),
		Refresh:     "1m",
		Time:        model.DashboardTime{From: "now-6h", To: "now"},
		Variables: []model.Variable{{
			Name: "instance", Type: model.VariableInstance, Label: "Instance",
			Metric: fmt.Sprintf("up{%s}", scope), Multi: true, IncludeAll: true,
		}},
	}
	if o.Clusters {
		d.Variables = append([]model.Variable{clusterVariable(fmt.Sprintf("up{%s}", sel))}, d.Variables...)
	}
	traffic := fmt.Sprintf("sum(%s)", rate(s.Requests, inst))
	errRatio := fmt.Sprintf("sum(%s) / sum(%s)", rate(s.Requests, errSel), rate(s.Requests, inst))
	errThresholds := steps("green", model.Threshold{Value: f(0.01), Color: "orange"}, model.Threshold{Value: f(0.05), Color: "red"})
	p := []model.Panel{
		{Type: model.PanelStat, Title: "Traffic", Unit: "reqps", Width: 6, Height: 4, Targets: []model.Query{{Expr: traffic, Instant: true}}, Thresholds: steps("green")},
		{Type: model.PanelStat, Title: "Error ratio", Unit: "percentunit", Width: 6, Height: 4, Targets: []model.Query{{Expr: errRatio, Instant: true}}, Thresholds: errThresholds},
	}
	quantile := func(q, by string) string {
		return fmt.Sprintf("histogram_quantile(%s, sum by (%s) (%s))", q, by, rate(s.Latency+"_bucket", inst))
	}
	if s.Latency != "" {
		p = append(p, model.Panel{Type: model.PanelStat, Title: "Latency p99", Unit: "s", Width: 6, Height: 4,
			Targets: []model.Query{{Expr: quantile("0.99", "le"), Instant: true}}, Thresholds: steps("green", model.Threshold{Value: f(1), Color: "red"})})
	}
	satTitle, satUnit := "CPU used", "short"
	satExpr := fmt.Sprintf("sum by (%s) (%s)", by, rate("process_cpu_seconds_total", inst))
	if s.Saturation != nil {
		satTitle, satUnit, satExpr = s.Saturation.Title, s.Saturation.Unit, s.Saturation.Expr
	}
	satSteps := steps("green")
	if satUnit == "percentunit" {
		satSteps = steps("green", model.Threshold{Value: f(0.8), Color: "orange"}, model.Threshold{Value: f(0.9), Color: "red"})
	}
	p = append(p, model.Panel{Type: model.PanelStat, Title: satTitle, Unit: satUnit, Width: 6, Height: 4,
		Targets: []model.Query{{Expr: satExpr, Instant: true}}, Thresholds: satSteps})

	p = append(p,
		model.Panel{Type: model.PanelRow, Title: "Traffic"},
		model.Panel{Type: model.PanelTimeseries, Title: "Requests per second", Unit: "reqps", Width: 24, Height: 8,
			Targets: []model.Query{{Expr: fmt.Sprintf("sum by (%s) (%s)", by, rate(s.Requests, inst)), Legend: legend}}},
		model.Panel{Type: model.PanelRow, Title: "Errors"},
		model.Panel{Type: model.PanelTimeseries, Title: "Error ratio", Unit: "percentunit", Width: 24, Height: 8, Min: f(0),
			Targets:    []model.Query{{Expr: fmt.Sprintf("sum by (%s) (%s) / sum by (%s) (%s)", by, rate(s.Requests, errSel), by, rate(s.Requests, inst)), Legend: legend}},
			Thresholds: errThresholds},
	)
	if s.Latency != "" {
		p = append(p,
			model.Panel{Type: model.PanelRow, Title: "Latency"},
			model.Panel{Type: model.PanelTimeseries, Title: "Latency percentiles", Unit: "s", Width: 12, Height: 8, Targets: []model.Query{
				{Expr: quantile("0.5", "le"), Legend: "p50"},
				{Expr: quantile("0.9", "le"), Legend: "p90"},
				{Expr: quantile("0.99", "le"), Legend: "p99"},
			}},
			model.Panel{Type: model.PanelHeatmap, Title: "Latency distribution", Unit: "s", Width: 12, Height: 8, Targets: []model.Query{
				{Expr: fmt.Sprintf("sum by (le) (increase(%s_bucket{%s}[$__rate_interval]))", s.Latency, inst), Legend: "{{le}}"},
			}},
		)
	}
	p = append(p,
		model.Panel{Type: model.PanelRow, Title: "Saturation"},
		model.Panel{Type: model.PanelTimeseries, Title: satTitle, Unit: satUnit, Width: 24, Height: 8,
			Targets: []model.Query{{Expr: satExpr, Legend: legend}}},
	)
	d.Panels = p
	return d
}

// SLOUID is the uid of an SLO's dashboard.
func SLOUID(s model.SLO) string { return UID("slo-" + s.ID()) }

// SLOWindows are the windows internal/slo records the error ratio over
// (slo.ErrorRatioPrefix + window), besides the SLO's own period.
var SLOWindows = []string{"5m", "30m", "1h", "2h", "6h", "1d", "3d"}

// SLO is one SLO's dashboard: objective, error budget left, burn rates and
// error ratios per window, and the state of its burn-rate alerts. It reads
// only the series and labels of internal/slo.
func SLO(s model.SLO, o Options) model.Dashboard {
	id := fmt.Sprintf("%s=%q", slo.LabelID, s.ID())
	var vars []model.Variable
	legend := func(l string) string { return l }
	if o.Clusters {
		vars = []model.Variable{clusterVariable(fmt.Sprintf("%s{%s}", slo.Objective, id))}
		id += "," + clusterMatcher
		legend = func(l string) string { return "{{cluster}} " + l }
	}
	series := func(name string) string { return fmt.Sprintf("%s{%s}", name, id) }
	desc := fmt.Sprintf("SLO %s of %s: %s%% of events good over %s.", s.Name, s.Service, s.Objective, s.Period)
	if s.Description != "" {
		desc += " " + s.Description
	}
	tags := []string{"mongen", "slo", s.Service}
	key := SLOTitle
	if s.Global() {
		key = GlobalSLOTitle
		tags = append(tags, "global")
		desc += " Evaluated by the global view over every cluster's series: this dashboard reads the global view's datasource."
	}
	args := map[string]string{"service": s.Service, "name": s.Name}
	d := model.Dashboard{
		UID:         SLOUID(s),
		Title:       Fill(key, args),
		TitleKey:    key,
		TitleArgs:   args,
		Tags:        tags,
		Description: desc,
		Refresh:     "1m",
		Time:        model.DashboardTime{From: "now-7d", To: "now"},
		Variables:   vars,
	}
	windows := append(append([]string{}, SLOWindows...), s.Period)
	var ratios []model.Query
	seen := map[string]bool{}
	for _, w := range windows {
		if w == "" || seen[w] {
			continue
		}
		seen[w] = true
		ratios = append(ratios, model.Query{Expr: series(slo.ErrorRatioPrefix + w), Legend: legend(w)})
	}
	ratios = append(ratios, model.Query{Expr: series(slo.ErrorBudget), Legend: legend("error budget")})
	budget := steps("red", model.Threshold{Value: f(0), Color: "orange"}, model.Threshold{Value: f(0.25), Color: "green"})
	burn := steps("green", model.Threshold{Value: f(1), Color: "orange"}, model.Threshold{Value: f(6), Color: "red"})
	d.Panels = []model.Panel{
		{Type: model.PanelStat, Title: "Objective", Unit: "percentunit", Width: 6, Height: 4, Decimals: intp(3),
			Targets: []model.Query{{Expr: series(slo.Objective), Instant: true}}, Thresholds: steps("blue")},
		{Type: model.PanelStat, Title: "Error budget remaining", Unit: "percentunit", Width: 6, Height: 4,
			Description: fmt.Sprintf("Share of the %s error budget left; negative once overspent.", s.Period),
			Targets:     []model.Query{{Expr: series(slo.BudgetRemaining), Instant: true}}, Thresholds: budget},
		{Type: model.PanelStat, Title: "Current burn rate", Unit: "short", Width: 6, Height: 4,
			Description: "Short-window error ratio over the error budget: 1 spends the budget exactly in one period.",
			Targets:     []model.Query{{Expr: series(slo.CurrentBurnRate), Instant: true}}, Thresholds: burn},
		{Type: model.PanelStat, Title: "Burn-rate alerts firing", Unit: "short", Width: 6, Height: 4,
			Targets:    []model.Query{{Expr: fmt.Sprintf(`count(ALERTS{%s,alertstate="firing"}) or vector(0)`, id), Instant: true}},
			Thresholds: steps("green", model.Threshold{Value: f(1), Color: "red"})},
		{Type: model.PanelRow, Title: "Error budget"},
		{Type: model.PanelTimeseries, Title: "Error budget remaining", Unit: "percentunit", Width: 12, Height: 8,
			Targets: []model.Query{{Expr: series(slo.BudgetRemaining), Legend: legend("remaining")}}, Thresholds: budget},
		{Type: model.PanelTimeseries, Title: "Burn rate", Unit: "short", Width: 12, Height: 8, Thresholds: burn,
			Targets: []model.Query{
				{Expr: series(slo.CurrentBurnRate), Legend: legend("current")},
				{Expr: series(slo.PeriodBurnRate), Legend: legend("period")},
			}},
		{Type: model.PanelRow, Title: "Error ratio"},
		{Type: model.PanelTimeseries, Title: "Error ratio per window", Unit: "percentunit", Width: 24, Height: 8, Min: f(0), Targets: ratios},
		{Type: model.PanelRow, Title: "Alerts"},
		{Type: model.PanelTimeseries, Title: "Burn-rate alert state", Unit: "short", Width: 24, Height: 6,
			Description: "1 while an alert is pending or firing, by alert name and burn tier (page or ticket).",
			Targets:     []model.Query{{Expr: fmt.Sprintf("ALERTS{%s}", id), Legend: legend(fmt.Sprintf("{{alertname}} {{%s}} {{alertstate}}", slo.LabelBurn))}}},
	}
	var alerts []string
	for _, a := range []model.BurnAlert{s.Alerting.Page, s.Alerting.Ticket} {
		if a.Enabled && a.Name != "" {
			alerts = append(alerts, a.Name)
		}
	}
	if len(alerts) > 0 {
		d.Panels[len(d.Panels)-1].Description += " Alerts: " + strings.Join(alerts, ", ") + "."
	}
	return d
}

func intp(i int) *int { return &i }

// Fill replaces each {name} of template by args[name], in the order of
// the sorted names (determinism; names never overlap).
func Fill(template string, args map[string]string) string {
	for _, k := range slices.Sorted(maps.Keys(args)) {
		template = strings.ReplaceAll(template, "{"+k+"}", args[k])
	}
	return template
}
