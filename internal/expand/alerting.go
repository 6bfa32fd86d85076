package expand

import (
	"fmt"
	"github.com/mongen-dev/mongen/internal/diag"
	"slices"
	"strings"

	"github.com/mongen-dev/mongen/internal/model"
	"github.com/mongen-dev/mongen/internal/textdist"
)

// AlertingPlan is the routing the tier policy asks for: one subtree per
// tier, one route per team under it, and Alertmanager receivers that each
// bundle the notification endpoints (mongen receivers) of one tier and team.
type AlertingPlan struct {
	Policy *model.Alerting
	Route  Route
	// Receivers are the Alertmanager receivers, sorted by name.
	Receivers []AMReceiver
	// Inhibits are the enabled inhibition rules, sorted by name.
	Inhibits []NamedInhibit
	// Secrets are the Secret names the receivers read, sorted: what
	// Alertmanager must mount.
	Secrets []string
}

// Route is one node of the routing tree.
type Route struct {
	Receiver            string
	Matchers            []string
	GroupBy             []string
	GroupWait           string
	GroupInterval       string
	RepeatInterval      string
	ActiveTimeIntervals []string
	// Continue and MuteTimeIntervals are set on raw routes only.
	Continue          bool
	MuteTimeIntervals []string
	Routes            []Route
	// Origin is the policy the route comes from (a tier or a team).
	Origin string
}

// AMReceiver is one Alertmanager receiver and the endpoints it notifies.
type AMReceiver struct {
	Name      string
	Endpoints []string // mongen receiver names, sorted
}

// NamedInhibit is an inhibition rule with its policy name.
type NamedInhibit struct {
	Name string
	model.Inhibit
	Origin string
}

// FallbackReceiver is the Alertmanager receiver of alerts without a tier.
const FallbackReceiver = "fallback"

// TierReceiverName names the receiver of a tier's alerts, for one team or
// (team "") for every team without receivers of its own.
func TierReceiverName(tier, team string) string {
	if team == "" {
		return tier
	}
	return tier + "/" + team
}

// Endpoints returns the mongen receivers an alert of tier and team must
// reach: the team's own for that tier, else the tier's.
func Endpoints(a *model.Alerting, tier, team string) []string {
	if t, ok := a.Teams[team]; ok {
		if rs := t.Receivers[tier]; len(rs) > 0 {
			return sortedUnique(rs)
		}
	}
	return sortedUnique(a.Tiers[tier].Receivers)
}

func expandAlerting(env *model.Environment, p *Plan) diag.List {
	a := env.Alerting
	var problems diag.List
	at := func(parts ...string) diag.Pos { return diag.Origin(env.Source(parts...)) }
	known := func(name string) bool { _, ok := a.Receivers[name]; return ok }
	receiverNames := sortedKeys(a.Receivers)
	intervalNames := sortedKeys(a.TimeIntervals)
	// did suggests the closest declared name for a misspelt reference.
	did := func(name string, names []string) string {
		if s := textdist.Closest(name, names, 3); s != "" {
			return fmt.Sprintf(" (did you mean %q?)", s)
		}
		return ""
	}

	// References must name receivers and intervals that exist.
	if !known(a.Fallback) {
		problems.Add(at("alerting", "fallback"), "alerting.fallback: no receiver %q in alerting.receivers%s", a.Fallback, did(a.Fallback, receiverNames))
	}
	for _, tier := range model.TierNames {
		for _, r := range a.Tiers[tier].Receivers {
			if !known(r) {
				problems.Add(at("alerting", "tiers", tier), "alerting.tiers.%s.receivers: no receiver %q in alerting.receivers%s", tier, r, did(r, receiverNames))
			}
		}
		for _, ti := range a.Tiers[tier].ActiveTimeIntervals {
			if _, ok := a.TimeIntervals[ti]; !ok {
				problems.Add(at("alerting", "tiers", tier), "alerting.tiers.%s.activeTimeIntervals: no time interval %q in alerting.timeIntervals%s", tier, ti, did(ti, intervalNames))
			}
		}
	}
	for _, team := range sortedKeys(a.Teams) {
		for _, tier := range sortedKeys(a.Teams[team].Receivers) {
			for _, r := range a.Teams[team].Receivers[tier] {
				if !known(r) {
					problems.Add(at("alerting", "teams", team), "alerting.teams.%s.receivers.%s: no receiver %q in alerting.receivers%s", team, tier, r, did(r, receiverNames))
				}
			}
		}
		for _, tier := range sortedKeys(a.Teams[team].Tiers) {
			for _, ti := range a.ActiveTimeIntervals(tier, team) {
				if _, ok := a.TimeIntervals[ti]; !ok {
					problems.Add(at("alerting", "teams", team), "alerting.teams.%s.tiers.%s.activeTimeIntervals: no time interval %q%s", team, tier, ti, did(ti, intervalNames))
				}
			}
		}
	}

	// Every alert must reach someone: its team's receivers or its tier's.
	for _, g := range p.Groups {
		for _, r := range g.Rules {
			if r.Kind != model.RuleAlert {
				continue
			}
			if len(Endpoints(a, r.Tier, r.Team)) == 0 && !(a.DeadMansSwitch != nil && r.Name == a.DeadMansSwitch.Alertname) {
				team := r.Team
				if team == "" {
					team = "(none)"
				}
				problems.Add(diag.Origin(r.Origin), "rule %s (tier %s, team %s) reaches no receiver: give alerting.teams.%s.receivers.%s or alerting.tiers.%s.receivers", r.Name, r.Tier, team, team, r.Tier, r.Tier)
			}
		}
	}

	plan := &AlertingPlan{Policy: a}
	receivers := map[string][]string{FallbackReceiver: {a.Fallback}}
	plan.Route = rootRoute(env)
	// The dead man's switch comes first of all: its alert reaches its
	// heartbeat receiver whatever raw routes say (amfidelity.go).
	dms, dmsProblems := deadMansSwitchRoute(env)
	problems = append(problems, dmsProblems...)
	if dms != nil {
		receivers[DeadMansSwitchReceiver] = []string{a.DeadMansSwitch.Receiver}
		plan.Route.Routes = append(plan.Route.Routes, *dms)
	}
	problems = append(problems, checkTemplates(env)...)
	// Raw routes come first, so they see every alert as they would at the
	// top of a hand-written alertmanager.yml.
	raw, rawProblems := rawRoutes(env, receivers)
	problems = append(problems, rawProblems...)
	plan.Route.Routes = append(plan.Route.Routes, raw...)
	for _, tier := range model.TierNames {
		pol := a.Tiers[tier]
		sub := Route{
			Matchers:            []string{fmt.Sprintf("severity=%q", pol.Severity)},
			GroupBy:             pol.GroupBy,
			GroupWait:           pol.GroupWait,
			GroupInterval:       pol.GroupInterval,
			RepeatInterval:      pol.RepeatInterval,
			ActiveTimeIntervals: pol.ActiveTimeIntervals,
			Origin:              env.Source("alerting", "tiers", tier),
		}
		if len(pol.Receivers) > 0 {
			sub.Receiver = TierReceiverName(tier, "")
			receivers[sub.Receiver] = sortedUnique(pol.Receivers)
		}
		for _, team := range sortedKeys(a.Teams) {
			t := a.Teams[team]
			own := t.Receivers[tier]
			ov, hasOv := t.Tiers[tier]
			if len(own) == 0 && !hasOv {
				continue
			}
			// Alertmanager does not inherit time intervals: every team
			// route states its own, the tier's unless the team overrides.
			child := Route{
				Matchers:            []string{fmt.Sprintf("team=%q", team)},
				Origin:              env.Source("alerting", "teams", team),
				ActiveTimeIntervals: a.ActiveTimeIntervals(tier, team),
			}
			if len(own) > 0 {
				child.Receiver = TierReceiverName(tier, team)
				receivers[child.Receiver] = sortedUnique(own)
			} else if sub.Receiver == "" {
				continue // nothing to inherit; the rule check above reports it
			}
			if hasOv {
				child.GroupBy = ov.GroupBy
				child.GroupWait = ov.GroupWait
				child.GroupInterval = ov.GroupInterval
				child.RepeatInterval = ov.RepeatInterval
			}
			sub.Routes = append(sub.Routes, child)
		}
		if sub.Receiver == "" && len(sub.Routes) == 0 {
			continue // a tier nobody receives: no alert of it exists, or the check above failed
		}
		if sub.Receiver == "" {
			// Alerts of teams without receivers fall through to the root's
			// fallback; the rule check has already reported any that exist.
			sub.Receiver = FallbackReceiver
		}
		plan.Route.Routes = append(plan.Route.Routes, sub)
	}
	for _, name := range sortedKeys(receivers) {
		plan.Receivers = append(plan.Receivers, AMReceiver{Name: name, Endpoints: receivers[name]})
	}
	for _, name := range sortedKeys(a.Inhibit) {
		in := a.Inhibit[name]
		if !in.Enabled {
			continue
		}
		plan.Inhibits = append(plan.Inhibits, NamedInhibit{Name: name, Inhibit: in, Origin: env.Source("alerting", "inhibit", name)})
	}
	plan.Secrets = receiverSecrets(a)
	p.Alerting = plan
	return problems
}

func receiverSecrets(a *model.Alerting) []string {
	set := map[string]bool{}
	for _, r := range a.Receivers {
		for _, in := range r.Integrations() {
			for _, ref := range []*model.SecretRef{in.URLSecret, in.AuthPassword, in.APISecret, in.RoutingKey, in.APIURL, in.WebhookURL, in.APIKey, in.BotToken} {
				if ref != nil {
					set[ref.Secret] = true
				}
			}
		}
	}
	return sortedKeys(set)
}

// applyDefaultFor gives alerts without `for` their tier's default, except
// SLO burn alerts, whose short window is their reset (docs/slo.md).
func applyDefaultFor(a *model.Alerting, groups []Group) {
	for gi := range groups {
		for ri := range groups[gi].Rules {
			r := &groups[gi].Rules[ri]
			if r.Kind == model.RuleAlert && r.For == "" && r.SLO == "" {
				r.For = a.Tiers[r.Tier].DefaultFor
			}
		}
	}
}

func sortedUnique(s []string) []string { return slices.Compact(slices.Sorted(slices.Values(s))) }

// Describe renders a route's matchers for messages.
func (r Route) Describe() string {
	if len(r.Matchers) == 0 {
		return "{}"
	}
	return "{" + strings.Join(r.Matchers, ", ") + "}"
}
