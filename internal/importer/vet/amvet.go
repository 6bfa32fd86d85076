package vet

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/mongen-dev/mongen/internal/diag"
	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/finding"
	"github.com/mongen-dev/mongen/internal/importer/read"
	"github.com/mongen-dev/mongen/internal/model"
	"github.com/mongen-dev/mongen/internal/verify/amcheck"
)

// CheckDeprecatedMatchers flags match, match_re, source_match* and
// target_match*, which Alertmanager deprecated for `matchers`.
const CheckDeprecatedMatchers = "alertmanager/deprecated-matchers"

// proveAlertmanager loads an alertmanager.yml with Alertmanager's own
// config package and proves its routing against the plan's alerts: every
// alert reaches a receiver that notifies someone, no route is shadowed,
// every receiver is reachable.
//
// The checks CUE mode runs on its routing policy run too (vetAlertmanagerConfig),
// with the alerts of the rule files in the same run (in).
func proveAlertmanager(f read.File, plan *expand.Plan, in *read.Input) ([]finding.Finding, error) {
	cfg, err := amcheck.Load(f.Data)
	if err != nil {
		return nil, diag.List{{Pos: diag.Pos{File: f.Name}, Msg: err.Error()}}
	}
	t := amcheck.NewTree(cfg)
	d := f.Doc
	root := read.ResolveAlias(d.Root)
	routePos := d.Pos(read.Get(root, "route"))
	var out []finding.Finding
	add := func(check string, sev finding.Severity, pos, subject, format string, args ...any) {
		out = append(out, finding.Finding{Check: check, Severity: sev, Position: pos, Subject: subject, Message: fmt.Sprintf(format, args...)})
	}
	receiverPos := map[string]string{}
	if rs := read.ResolveAlias(read.Get(root, "receivers")); rs != nil && rs.Kind == yaml.SequenceNode {
		for _, r := range rs.Content {
			if n := read.Get(r, "name"); n != nil {
				receiverPos[n.Value] = d.Pos(r)
			}
		}
	}
	for _, g := range plan.Groups {
		for _, r := range g.Rules {
			if r.Kind != model.RuleAlert {
				continue
			}
			labels := map[string]string{"alertname": r.Name}
			for k, v := range r.Labels {
				labels[k] = v
			}
			matches := t.Match(labels)
			var names []string
			notifies := false
			for _, m := range matches {
				names = append(names, m.Receiver)
				if t.Integrations(m.Receiver) > 0 {
					notifies = true
				}
			}
			if !notifies {
				add(amcheck.CheckRoute, finding.Warning, r.Origin, "rule "+r.Name,
					"%s routes it only to %s, which has no integration: nobody is notified (intended only for alerts such as Watchdog)",
					f.Name, strings.Join(names, ", "))
			}
		}
	}
	v := vetAlertmanagerConfig(d, cfg, in)
	out = append(out, v.out...)
	shadows := t.Shadowed()
	for i, s := range shadows {
		pos := routePos
		if len(v.shadowed) == len(shadows) {
			pos = d.Pos(v.shadowed[i])
		}
		add(amcheck.CheckShadowed, finding.Error, pos, "", "%s", s)
	}
	routed := t.Routed()
	for _, name := range t.Receivers() {
		pos := receiverPos[name]
		if !routed[name] {
			add(amcheck.CheckUnreachable, finding.Error, pos, "receiver "+name, "no route leads to it")
		}
		if t.Integrations(name) == 0 && routed[name] {
			add(amcheck.CheckNoIntegration, finding.Warning, pos, "receiver "+name, "has no integration: alerts routed to it are dropped")
		}
	}
	deprecatedMatchers(d, read.Get(root, "route"), add)
	if inh := read.ResolveAlias(read.Get(root, "inhibit_rules")); inh != nil && inh.Kind == yaml.SequenceNode {
		for _, r := range inh.Content {
			for _, k := range []string{"source_match", "source_match_re", "target_match", "target_match_re"} {
				if n := read.Get(r, k); n != nil {
					add(CheckDeprecatedMatchers, finding.Warning, d.Pos(n), "inhibit rule", "%s is deprecated: use %s_matchers", k, strings.SplitN(k, "_", 2)[0])
				}
			}
		}
	}
	return out, nil
}

func deprecatedMatchers(d read.Doc, route *yaml.Node, add func(string, finding.Severity, string, string, string, ...any)) {
	route = read.ResolveAlias(route)
	if route == nil {
		return
	}
	for _, k := range []string{"match", "match_re"} {
		if n := read.Get(route, k); n != nil {
			add(CheckDeprecatedMatchers, finding.Warning, d.Pos(n), "route", "%s is deprecated: use matchers (mongen import rewrites it)", k)
		}
	}
	if rs := read.ResolveAlias(read.Get(route, "routes")); rs != nil && rs.Kind == yaml.SequenceNode {
		for _, r := range rs.Content {
			deprecatedMatchers(d, r, add)
		}
	}
}

// VetChecks are the checks `mongen vet FILE...` reports besides lint's.
var VetChecks = []string{amcheck.CheckRoute, amcheck.CheckShadowed, amcheck.CheckUnreachable, amcheck.CheckNoIntegration, CheckDeprecatedMatchers,
	amcheck.CheckGroupBy, amcheck.CheckRegexpEquality, amcheck.CheckUnusedTeam, CheckInhibitEqual, CheckUnusedRoute}
