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
	var fs amFindings
	checkAlertsNotify(&fs, f.Name, t, plan)
	v := vetAlertmanagerConfig(d, cfg, in)
	fs.out = append(fs.out, v.out...)
	checkShadowed(&fs, d, t, d.Pos(read.Get(root, "route")), v.shadowed)
	checkReceivers(&fs, t, receiverPositions(d, root))
	deprecatedMatchers(d, read.Get(root, "route"), fs.add)
	deprecatedInhibitMatchers(&fs, d, root)
	return fs.out, nil
}

// amFindings collects proveAlertmanager's findings in the order its steps
// run, which is the order vet reports them.
type amFindings struct {
	out []finding.Finding
}

func (fs *amFindings) add(check string, sev finding.Severity, pos, subject, format string, args ...any) {
	fs.out = append(fs.out, finding.Finding{Check: check, Severity: sev, Position: pos, Subject: subject, Message: fmt.Sprintf(format, args...)})
}

// receiverPositions maps each receiver name to its position in the file,
// so receiver findings point at the receiver, not the file.
func receiverPositions(d read.Doc, root *yaml.Node) map[string]string {
	pos := map[string]string{}
	if rs := read.ResolveAlias(read.Get(root, "receivers")); rs != nil && rs.Kind == yaml.SequenceNode {
		for _, r := range rs.Content {
			if n := read.Get(r, "name"); n != nil {
				pos[n.Value] = d.Pos(r)
			}
		}
	}
	return pos
}

// checkAlertsNotify routes each of the plan's alerts through the tree and
// warns, at the rule, when no receiver it reaches notifies anyone.
func checkAlertsNotify(fs *amFindings, file string, t *amcheck.Tree, plan *expand.Plan) {
	for _, g := range plan.Groups {
		for _, r := range g.Rules {
			if r.Kind != model.RuleAlert {
				continue
			}
			labels := map[string]string{"alertname": r.Name}
			for k, v := range r.Labels {
				labels[k] = v
			}
			var names []string
			notifies := false
			for _, m := range t.Match(labels) {
				names = append(names, m.Receiver)
				if t.Integrations(m.Receiver) > 0 {
					notifies = true
				}
			}
			if !notifies {
				fs.add(amcheck.CheckRoute, finding.Warning, r.Origin, "rule "+r.Name,
					"%s routes it only to %s, which has no integration: nobody is notified (intended only for alerts such as Watchdog)",
					file, strings.Join(names, ", "))
			}
		}
	}
}

// checkShadowed reports amcheck's shadowed routes, at the route node when
// the YAML walk found the same routes (nodes), else at the root route.
func checkShadowed(fs *amFindings, d read.Doc, t *amcheck.Tree, routePos string, nodes []*yaml.Node) {
	shadows := t.Shadowed()
	for i, s := range shadows {
		pos := routePos
		if len(nodes) == len(shadows) {
			pos = d.Pos(nodes[i])
		}
		fs.add(amcheck.CheckShadowed, finding.Error, pos, "", "%s", s)
	}
}

// checkReceivers reports receivers no route leads to, and routed
// receivers without an integration (their alerts are dropped).
func checkReceivers(fs *amFindings, t *amcheck.Tree, receiverPos map[string]string) {
	routed := t.Routed()
	for _, name := range t.Receivers() {
		pos := receiverPos[name]
		if !routed[name] {
			fs.add(amcheck.CheckUnreachable, finding.Error, pos, "receiver "+name, "no route leads to it")
		}
		if t.Integrations(name) == 0 && routed[name] {
			fs.add(amcheck.CheckNoIntegration, finding.Warning, pos, "receiver "+name, "has no integration: alerts routed to it are dropped")
		}
	}
}

// deprecatedInhibitMatchers flags the inhibit rules' source_match* and
// target_match*, which Alertmanager deprecated for *_matchers.
func deprecatedInhibitMatchers(fs *amFindings, d read.Doc, root *yaml.Node) {
	inh := read.ResolveAlias(read.Get(root, "inhibit_rules"))
	if inh == nil || inh.Kind != yaml.SequenceNode {
		return
	}
	for _, r := range inh.Content {
		for _, k := range []string{"source_match", "source_match_re", "target_match", "target_match_re"} {
			if n := read.Get(r, k); n != nil {
				fs.add(CheckDeprecatedMatchers, finding.Warning, d.Pos(n), "inhibit rule", "%s is deprecated: use %s_matchers", k, strings.SplitN(k, "_", 2)[0])
			}
		}
	}
}

// deprecatedMatchers flags match and match_re on route and its subroutes.
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
