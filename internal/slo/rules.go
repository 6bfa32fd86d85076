package slo

import (
	"fmt"
	"maps"
	"math/big"
	"strings"
	"time"

	prommodel "github.com/prometheus/common/model"

	"github.com/mongen-dev/mongen/internal/model"
)

// Rule is one generated rule and the part of its SLO it derives from, so
// errors about it can point at what the user wrote.
type Rule struct {
	model.Rule
	// Key is unique among the rules of all SLOs of one service:
	// "<slo name>:<series name>" for recording rules, "<slo name>:page" and
	// "<slo name>:ticket" for the alerts.
	Key string
	// Field is the SLO field the rule comes from: [indicator], [objective],
	// [period] or [alerting page].
	Field []string
}

// Fields of an SLO that generated rules point at.
var (
	FieldIndicator = []string{"indicator"}
	FieldObjective = []string{"objective"}
	FieldPeriod    = []string{"period"}
	FieldInfo      = []string(nil) // the SLO itself
)

// Spec is an SLO with its numbers read exactly: what the generation steps
// share.
type Spec struct {
	model.SLO
	Period time.Duration
	// Objective and Budget are ratios: 0.999 and 0.001 for 99.9%.
	Objective, Budget *big.Rat
}

// NewSpec reads the SLO's objective and period; Validate reports the same
// problems with their fields.
func NewSpec(s model.SLO) (Spec, error) {
	pct, err := ParseDecimal(string(s.Objective))
	if err != nil {
		return Spec{}, fmt.Errorf("objective: %w", err)
	}
	if pct.Sign() <= 0 || pct.Cmp(big.NewRat(100, 1)) >= 0 {
		return Spec{}, fmt.Errorf("objective %s%% is not between 0 and 100 (exclusive)", Format(pct))
	}
	period, err := ParsePeriod(s.Period)
	if err != nil {
		return Spec{}, err
	}
	obj := new(big.Rat).Quo(pct, big.NewRat(100, 1))
	return Spec{SLO: s, Period: period, Objective: obj, Budget: new(big.Rat).Sub(big.NewRat(1, 1), obj)}, nil
}

// Generate returns every rule of one SLO, in evaluation order: the error
// ratios short to long, the period ratio (which reads the 5m one), the
// metadata series (which read those), then the page and ticket alerts.
// Disabled alerts are left out.
func Generate(s model.SLO) ([]Rule, error) {
	spec, err := NewSpec(s)
	if err != nil {
		return nil, fmt.Errorf("slo %s: %w", s.ID(), err)
	}
	rules, err := RatioRules(spec)
	if err != nil {
		return nil, fmt.Errorf("slo %s: %w", s.ID(), err)
	}
	rules = append(rules, PeriodRule(spec))
	rules = append(rules, MetaRules(spec)...)
	for _, burn := range []string{BurnPage, BurnTicket} {
		if r, ok := AlertRule(spec, burn); ok {
			rules = append(rules, r)
		}
	}
	return rules, nil
}

// Labels are the labels every series and alert of the SLO carries: its
// id, service and name, and the SLO's own labels.
func Labels(s model.SLO) map[string]string {
	out := maps.Clone(s.Labels)
	if out == nil {
		out = map[string]string{}
	}
	out[LabelID] = s.ID()
	out[LabelService] = s.Service
	out[LabelName] = s.Name
	return out
}

// selector selects one of the SLO's own series by name and slo_id.
func selector(name string, s model.SLO) string {
	return fmt.Sprintf("%s{%s=%q}", name, LabelID, s.ID())
}

func record(s model.SLO, name, expr string, field []string, extra map[string]string) Rule {
	labels := Labels(s)
	maps.Copy(labels, extra)
	return Rule{
		Rule:  model.Rule{Kind: model.RuleRecord, Name: name, Expr: expr, Labels: labels, Enabled: true},
		Key:   s.Name + ":" + name,
		Field: field,
	}
}

// RatioRules record the error ratio at every window the alerts read.
func RatioRules(spec Spec) ([]Rule, error) {
	expr, err := errorRatio(spec.Indicator)
	if err != nil {
		return nil, fmt.Errorf("indicator: %w", err)
	}
	var out []Rule
	for _, w := range Windows() {
		name := WindowName(w)
		out = append(out, record(spec.SLO, ErrorRatio(name), expr(name), FieldIndicator, nil))
	}
	return out, nil
}

// PeriodRule records the error ratio over the whole period as the mean of
// the recorded 5m ratio: one sample per evaluation of one series per SLO,
// where a raw rate over the period would read every sample of every
// source series for 30 days at each evaluation.
func PeriodRule(spec Spec) Rule {
	short := selector(ErrorRatio(WindowName(Windows()[0])), spec.SLO)
	p := spec.SLO.Period
	expr := fmt.Sprintf("sum_over_time(%s[%s]) / count_over_time(%s[%s])", short, p, short, p)
	return record(spec.SLO, ErrorRatio(p), expr, FieldPeriod, nil)
}

// MetaRules record the objective, the budget, the burn rates, the budget
// left and the info series.
func MetaRules(spec Spec) []Rule {
	s := spec.SLO
	budget := Format(spec.Budget)
	info := map[string]string{
		LabelObjective: Format(mustDecimal(s.Objective)),
		LabelPeriod:    s.Period,
		LabelIndicator: s.Indicator.Kind,
	}
	if s.Team != "" {
		info[LabelTeam] = s.Team
	}
	return []Rule{
		record(s, Objective, fmt.Sprintf("vector(%s)", Format(spec.Objective)), FieldObjective, nil),
		record(s, ErrorBudget, fmt.Sprintf("vector(%s)", budget), FieldObjective, nil),
		record(s, CurrentBurnRate, fmt.Sprintf("%s / %s", selector(ErrorRatio(WindowName(Windows()[0])), s), budget), FieldObjective, nil),
		record(s, PeriodBurnRate, fmt.Sprintf("%s / %s", selector(ErrorRatio(s.Period), s), budget), FieldObjective, nil),
		record(s, BudgetRemaining, fmt.Sprintf("1 - %s", selector(PeriodBurnRate, s)), FieldObjective, nil),
		record(s, Info, "vector(1)", FieldInfo, info),
	}
}

func mustDecimal(d model.Decimal) *big.Rat {
	r, err := ParseDecimal(string(d))
	if err != nil {
		panic(err) // NewSpec has parsed it
	}
	return r
}

// Threshold is the error ratio a window must exceed: the factor and the
// budget written as a product, "(14.4 * 0.001)", both exact (see Format).
func Threshold(factor, budget *big.Rat) string {
	return fmt.Sprintf("(%s * %s)", Format(factor), Format(budget))
}

// AlertExpr is the multi-window multi-burn-rate condition of windows:
// each pair's long and short ratio over its threshold, pairs joined by or.
func AlertExpr(spec Spec, windows []Window) string {
	var pairs []string
	for _, w := range windows {
		th := Threshold(Factor(w, spec.Period), spec.Budget)
		pairs = append(pairs, fmt.Sprintf("(%s > %s and %s > %s)",
			selector(ErrorRatio(WindowName(w.Long)), spec.SLO), th,
			selector(ErrorRatio(WindowName(w.Short)), spec.SLO), th))
	}
	return strings.Join(pairs, "\nor\n")
}

// AlertName is the default name of an SLO's burn alerts: service and name
// in CamelCase, then ErrorBudgetBurn (schemas/slo.cue computes the same).
func AlertName(s model.SLO) string {
	var b strings.Builder
	for _, part := range strings.Split(s.Service+"-"+s.Name, "-") {
		if part != "" {
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	return b.String() + "ErrorBudgetBurn"
}

// AlertRule is the page or ticket alert of an SLO, or false when the SLO
// disables it.
func AlertRule(spec Spec, burn string) (Rule, bool) {
	s := spec.SLO
	a, windows, pace := s.Alerting.Page, PageWindows, "fast"
	if burn == BurnTicket {
		a, windows, pace = s.Alerting.Ticket, TicketWindows, "steadily"
	}
	if !a.Enabled {
		return Rule{}, false
	}
	name := a.Name
	if name == "" {
		name = AlertName(s)
	}
	labels := Labels(s)
	maps.Copy(labels, s.Alerting.Labels)
	maps.Copy(labels, a.Labels)
	labels[LabelBurn] = burn
	if a.Severity != "" {
		labels["severity"] = a.Severity
	}
	var shares []string
	for _, w := range windows {
		shares = append(shares, fmt.Sprintf("%d%% of the budget in %s (burn rate over %s)", w.BudgetPercent, WindowName(w.Long), Format(Factor(w, spec.Period))))
	}
	desc := fmt.Sprintf("The %s SLO of %s (%s%% over %s) is spending its error budget %s: %s. Error ratio {{ $value | humanizePercentage }}.",
		s.Name, s.Service, Format(mustDecimal(s.Objective)), s.Period, pace, strings.Join(shares, ", or "))
	if s.Description != "" {
		desc = strings.TrimSpace(s.Description) + "\n" + desc
	}
	ann := map[string]string{
		"summary":     fmt.Sprintf("%s %s SLO: error budget burning %s", s.Service, s.Name, pace),
		"description": desc,
	}
	maps.Copy(ann, s.Alerting.Annotations)
	maps.Copy(ann, a.Annotations)
	return Rule{
		Rule: model.Rule{
			Kind: model.RuleAlert, Name: name, Expr: AlertExpr(spec, windows), Labels: labels, Enabled: true,
			Tier: a.Tier, For: alertFor(a.For), Team: s.Team, Annotations: ann, Tests: a.Tests,
		},
		Key:   s.Name + ":" + burn,
		Field: []string{"alerting", burn},
	}, true
}

// alertFor is the `for` a burn alert is rendered with: none when it is
// zero ("0s", the page's default), as in the SRE workbook and Sloth. The
// short window is what resets the alert once the burn stops; a `for`
// filters nothing the short window does not and only delays the alert.
// An empty `for` stays empty: the tier's defaultFor does not apply to
// burn alerts (expand), nor its minFor (IsBurnAlert).
func alertFor(d string) string {
	if v, err := prommodel.ParseDuration(d); err == nil && v == 0 {
		return ""
	}
	return d
}

// IsBurnAlert reports whether r is the page or ticket alert of an SLO. A
// tier's minFor and defaultFor do not apply to burn alerts: their windows
// are their filter (docs/slo.md#detection-times).
func IsBurnAlert(r model.Rule) bool {
	return r.Kind == model.RuleAlert && (r.Labels[LabelBurn] == BurnPage || r.Labels[LabelBurn] == BurnTicket)
}
