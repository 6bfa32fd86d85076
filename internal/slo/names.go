// Package slo turns service level objectives into recording rules and
// multi-window multi-burn-rate alerts (Google SRE workbook, chapter 5).
//
// The names below are a contract: dashboards, docs/slo.md and users' own
// queries depend on them. Change them only with a migration note.
package slo

// Series names, Sloth-style (level:metric:operations).
const (
	// ErrorRatioPrefix + window (e.g. "5m", "30d") is the error ratio over
	// that window: slo:sli_error:ratio_rate5m.
	ErrorRatioPrefix = "slo:sli_error:ratio_rate"
	// Objective is the objective as a ratio (0.999).
	Objective = "slo:objective:ratio"
	// ErrorBudget is 1 - objective (0.001).
	ErrorBudget = "slo:error_budget:ratio"
	// CurrentBurnRate is the short-window error ratio over the budget.
	CurrentBurnRate = "slo:current_burn_rate:ratio"
	// PeriodBurnRate is the whole-period error ratio over the budget.
	PeriodBurnRate = "slo:period_burn_rate:ratio"
	// BudgetRemaining is 1 - period burn rate: the share of the period's
	// budget left (negative once overspent).
	BudgetRemaining = "slo:period_error_budget_remaining:ratio"
	// Info is 1, with the SLO's metadata as labels.
	Info = "slo:info"
)

// Label names on every generated series and alert.
const (
	LabelID      = "slo_id"      // <service>-<name>
	LabelService = "slo_service" // the SLO's service
	LabelName    = "slo_name"    // the SLO's name
	// LabelBurn is "page" or "ticket" on burn-rate alerts.
	LabelBurn = "slo_burn"
	// Info-only labels.
	LabelObjective = "slo_objective" // percent, as written ("99.9")
	LabelPeriod    = "slo_period"    // "30d"
	LabelTeam      = "slo_team"
	LabelIndicator = "slo_indicator" // ratio, latency or availability
)

// Burn tiers.
const (
	BurnPage   = "page"
	BurnTicket = "ticket"
)
