package amcheck

import (
	"fmt"
	"slices"
	"strings"

	amcommon "github.com/prometheus/alertmanager/config/common"
	amlabels "github.com/prometheus/alertmanager/pkg/labels"
	"github.com/prometheus/common/model"

	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/finding"
	mmodel "github.com/mongen-dev/mongen/internal/model"
)

// Check ids of the fidelity proofs; docs/alerting.md describes each.
const (
	CheckDeadMansSwitch = "alertmanager/dead-mans-switch"
	CheckInhibitEqual   = "alertmanager/inhibit-equal"
)

// silent reports whether an Alertmanager receiver of the plan notifies
// nobody on purpose: every mongen receiver it bundles is of kind none.
func silent(a *expand.AlertingPlan, amReceiver string) bool {
	for _, r := range a.Receivers {
		if r.Name != amReceiver {
			continue
		}
		if len(r.Endpoints) == 0 {
			return false
		}
		for _, e := range r.Endpoints {
			if rcv, ok := a.Policy.Receivers[e]; !ok || rcv.Notifies() {
				return false
			}
		}
		return true
	}
	return false
}

// isSwitch reports whether rule r is the dead man's switch's alert.
func isSwitch(a *mmodel.Alerting, r expand.Rule) bool {
	return a.DeadMansSwitch != nil && r.Name == a.DeadMansSwitch.Alertname
}

// switchLabels are the labels the dead man's switch's alert carries: the
// environment's rule of that name if it has one, else its name and the
// external labels (an alert from outside mongen, kube-prometheus's
// Watchdog).
func switchLabels(p *expand.Plan) (map[string]string, string) {
	d := p.Alerting.Policy.DeadMansSwitch
	for _, g := range p.Groups {
		for _, r := range g.Rules {
			if r.Kind == mmodel.RuleAlert && r.Name == d.Alertname {
				return AlertLabels(p.Env, r), r.Origin
			}
		}
	}
	ls := map[string]string{}
	for k, v := range p.Env.ExternalLabels {
		ls[k] = v
	}
	ls["alertname"] = d.Alertname
	return ls, p.Env.Source("alerting", "deadMansSwitch")
}

// proveDeadMansSwitch proves the switch's alert reaches its heartbeat
// receiver and nothing else, and that no inhibit rule can silence it: a
// silenced heartbeat pages as if the alerting path were down, and a
// heartbeat that reaches people pages them all day.
func proveDeadMansSwitch(p *expand.Plan, t *Tree, add func(string, finding.Severity, string, string, string, ...any)) {
	a := p.Alerting
	d := a.Policy.DeadMansSwitch
	if d == nil {
		return
	}
	labels, _ := switchLabels(p)
	at := p.Env.Source("alerting", "deadMansSwitch")
	subject := "dead man's switch " + d.Alertname
	endpoints := map[string][]string{}
	for _, r := range a.Receivers {
		endpoints[r.Name] = r.Endpoints
	}
	matches := t.Match(labels)
	if got := endpointsOf(matches, endpoints); !slices.Equal(got, []string{d.Receiver}) {
		add(CheckDeadMansSwitch, finding.Error, at, subject, "labels %s should reach only the heartbeat receiver %q, but the routing tree sends them to %v (%s)", sortedLabels(labels), d.Receiver, got, describe(matches))
	}
	for _, m := range matches {
		if len(m.ActiveTimeIntervals) > 0 {
			add(CheckDeadMansSwitch, finding.Error, at, subject, "the route to %q is active only during %v: the heartbeat stops outside them and its service pages", m.Receiver, m.ActiveTimeIntervals)
		}
	}
	ls := model.LabelSet{}
	for k, v := range labels {
		ls[model.LabelName(k)] = model.LabelValue(v)
	}
	if len(t.cfg.InhibitRules) != len(a.Inhibits) {
		return // not this plan's file; the route proofs report it
	}
	for i, rule := range t.cfg.InhibitRules {
		in := a.Inhibits[i]
		if !amlabels.Matchers(rule.TargetMatchers).Matches(ls) {
			continue
		}
		if why := canSilence(p, rule, ls); why != "" {
			add(CheckDeadMansSwitch, finding.Error, in.Origin, "inhibit rule "+in.Name,
				"can silence the dead man's switch's alert %s (%s): add alertname!=%q to its target", d.Alertname, why, d.Alertname)
		}
	}
}

// canSilence says why an inhibit rule whose target matches the switch's
// alert can silence it; empty when no source alert can: with alertname
// in `equal`, the source must be an alert of the same name, so the rule
// is harmless unless one of the environment's rules of that name matches
// its source.
func canSilence(p *expand.Plan, rule amcommon.InhibitRule, target model.LabelSet) string {
	if !slices.Contains(rule.Equal, "alertname") {
		if len(rule.Equal) == 0 {
			return "it has no equal, so any alert matching its source silences it"
		}
		return fmt.Sprintf("any alert matching its source with the same %s silences it", strings.Join(rule.Equal, ", "))
	}
	for _, g := range p.Groups {
		for _, r := range g.Rules {
			if r.Kind != mmodel.RuleAlert || model.LabelValue(r.Name) != target["alertname"] {
				continue
			}
			ls := model.LabelSet{}
			for k, v := range AlertLabels(p.Env, r) {
				ls[model.LabelName(k)] = model.LabelValue(v)
			}
			if amlabels.Matchers(rule.SourceMatchers).Matches(ls) {
				return fmt.Sprintf("the rule %s at %s matches its source", r.Name, r.Origin)
			}
		}
	}
	return ""
}

// inhibitEqual reports enabled inhibit rules without `equal`: one source
// alert anywhere silences every target alert everywhere. It is an error
// unless the rule says `global: true` (an imported configuration that
// means it as written), and a warning then, so it stays in sight.
func inhibitEqual(a *expand.AlertingPlan, add func(string, finding.Severity, string, string, string, ...any)) {
	for _, in := range a.Inhibits {
		if len(in.Equal) > 0 {
			continue
		}
		source := "an alert matching " + strings.Join(in.Source, ", ")
		if len(in.Source) == 0 {
			source = "any alert"
		}
		target := "every alert matching " + strings.Join(in.Target, ", ")
		if len(in.Target) == 0 {
			target = "every alert"
		}
		if in.Global {
			add(CheckInhibitEqual, finding.Warning, in.Origin, "inhibit rule "+in.Name,
				"has no equal (global: true): while %s fires, %s is silenced, in every cluster and namespace", source, target)
			continue
		}
		add(CheckInhibitEqual, finding.Error, in.Origin, "inhibit rule "+in.Name,
			"has no equal: while %s fires, %s is silenced, in every cluster and namespace; list the labels both must share in equal (cluster, namespace, ...), or set global: true if that is what you mean", source, target)
	}
}
