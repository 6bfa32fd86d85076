package vet

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/prometheus/alertmanager/config"
	amcommoncfg "github.com/prometheus/alertmanager/config/common"
	"github.com/prometheus/alertmanager/dispatch"
	"github.com/prometheus/alertmanager/pkg/labels"
	"go.yaml.in/yaml/v3"

	"github.com/mongen-dev/mongen/internal/finding"
	"github.com/mongen-dev/mongen/internal/importer/read"
	"github.com/mongen-dev/mongen/internal/textdist"
	"github.com/mongen-dev/mongen/internal/verify/amcheck"
)

// Checks YAML mode has that CUE mode enforces in the schema (an inhibit
// rule there must have equal) or names after its tier policy (team routes).
const (
	CheckInhibitEqual = "alertmanager/inhibit-equal"
	CheckUnusedRoute  = "alertmanager/unused-route"
)

// amAlert is what vet knows of the alerts one alerting rule sends: the
// labels it carries for sure (static, group and external labels, and its
// name) and which others it may carry with values unknown.
type amAlert struct {
	static map[string]string
	// out are labels the expression's result carries (values unknown);
	// closed says no other label comes from the expression.
	out    map[string]bool
	closed bool
	// externalKnown: a prometheus.yml was given, so external labels are
	// all in static.
	externalKnown bool
}

// value returns the alert's value of label l, and whether it is known.
// A label the alert provably lacks has the known value "".
func (a amAlert) value(l string) (string, bool) {
	if v, ok := a.static[l]; ok {
		return v, true
	}
	if a.out[l] || !a.closed || !a.externalKnown {
		return "", false
	}
	return "", true
}

type tri int

const (
	no tri = iota
	maybe
	yes
)

// matches is whether the alert matches every matcher: yes, no, or maybe
// when a matcher reads a label whose value vet cannot know.
func (a amAlert) matches(ms labels.Matchers) tri {
	res := yes
	for _, m := range ms {
		v, known := a.value(m.Name)
		if !known {
			res = maybe
			continue
		}
		if !m.Matches(v) {
			return no
		}
	}
	return res
}

// mayCarry reports whether the alert can carry label l.
func (a amAlert) mayCarry(l string) bool {
	v, known := a.value(l)
	return !known || v != ""
}

// vetAlerts lists the alerts of the rule files given in the run, with the
// labels Alertmanager sees (the severity as written, not as --severity-map
// reads it). external is nil when no prometheus.yml was given.
func vetAlerts(in *read.Input, external map[string]string) []amAlert {
	var out []amAlert
	for _, g := range in.Groups {
		for _, r := range g.Rules {
			if r.Kind != read.Alert {
				continue
			}
			a := amAlert{static: map[string]string{}, externalKnown: external != nil}
			maps.Copy(a.static, external)
			maps.Copy(a.static, g.Labels)
			maps.Copy(a.static, r.Labels)
			a.static["alertname"] = r.Name
			a.out, a.closed = amcheck.OutputLabels(r.Expr)
			out = append(out, a)
		}
	}
	return out
}

// externalLabels reads global.external_labels of the prometheus.yml files
// given; nil when there is none.
func externalLabels(in *read.Input) map[string]string {
	if len(in.Prometheus) == 0 {
		return nil
	}
	out := map[string]string{}
	for _, f := range in.Prometheus {
		el := read.ResolveAlias(read.Get(read.Get(read.ResolveAlias(f.Doc.Root), "global"), "external_labels"))
		for _, kv := range read.Fields(el) {
			out[kv[0].Value] = read.ResolveAlias(kv[1]).Value
		}
	}
	return out
}

// amVet runs the Alertmanager checks CUE mode runs on a hand-written
// alertmanager.yml: group_by typos and labels no alert carries, matchers
// comparing regular expressions literally, inhibit rules without equal,
// and routes no alert given in the run reaches. Findings point at the
// alertmanager.yml line.
type amVet struct {
	d      read.Doc
	alerts []amAlert
	// haveRules: rule files were given, so reachability is known.
	haveRules bool
	// routeLabels are the label names route and inhibit matchers use.
	routeLabels map[string]bool
	out         []finding.Finding
	// shadowed are the route nodes amcheck reports as shadowed, in its
	// order.
	shadowed []*yaml.Node
	// known is knownLabels, computed on first use.
	known []string
}

func (v *amVet) add(check string, sev finding.Severity, n *yaml.Node, subject, format string, args ...any) {
	v.out = append(v.out, finding.Finding{Check: check, Severity: sev, Position: v.d.Pos(n), Subject: subject, Message: fmt.Sprintf(format, args...)})
}

func vetAlertmanagerConfig(d read.Doc, cfg *config.Config, in *read.Input) *amVet {
	alerts := vetAlerts(in, externalLabels(in))
	v := &amVet{d: d, alerts: alerts, haveRules: len(alerts) > 0, routeLabels: map[string]bool{}}
	root := read.ResolveAlias(d.Root)
	routeNode := read.ResolveAlias(read.Get(root, "route"))
	droot := dispatch.NewRoute(cfg.Route, nil)
	droot.Walk(func(r *dispatch.Route) {
		for _, m := range r.Matchers {
			v.routeLabels[m.Name] = true
		}
	})
	for _, ir := range cfg.InhibitRules {
		for _, m := range append(slices.Clone(ir.SourceMatchers), ir.TargetMatchers...) {
			v.routeLabels[m.Name] = true
		}
		for _, l := range ir.Equal {
			v.routeLabels[l] = true
		}
	}
	all := make([]int, len(alerts))
	for i := range all {
		all[i] = i
	}
	v.route(routeNode, droot, all, "root")
	v.inhibits(read.ResolveAlias(read.Get(root, "inhibit_rules")), cfg.InhibitRules)
	return v
}

// route checks one route node; reach are the alerts that can reach it.
func (v *amVet) route(n *yaml.Node, r *dispatch.Route, reach []int, where string) {
	v.literalRegexps(n, r.Matchers, "route "+where)
	v.groupBy(n, reach, "route "+where)
	children := read.ResolveAlias(read.Get(n, "routes"))
	if children == nil || children.Kind != yaml.SequenceNode || len(children.Content) != len(r.Routes) {
		return
	}
	// stopped: an earlier sibling without continue surely took the alert.
	stopped := map[int]bool{}
	for i, c := range r.Routes {
		cn := read.ResolveAlias(children.Content[i])
		name := where + " > " + amcheck.MatchersString(c.Matchers)
		var got, left []int
		for _, a := range reach {
			if stopped[a] {
				continue
			}
			left = append(left, a)
			t := v.alerts[a].matches(c.Matchers)
			if t != no {
				got = append(got, a)
			}
			if t == yes && !c.Continue {
				stopped[a] = true
			}
		}
		switch {
		case shadowed(r.Routes[:i], c):
			v.shadowed = append(v.shadowed, cn)
		case v.haveRules && len(reach) > 0 && len(got) == 0:
			v.unused(cn, c, left, name)
		}
		v.route(cn, c, got, name)
	}
}

// shadowed is amcheck's shadowing: an earlier sibling without continue has
// a subset of the route's matchers.
func shadowed(earlier []*dispatch.Route, r *dispatch.Route) bool {
	for _, e := range earlier {
		if e.Continue {
			continue
		}
		if !slices.ContainsFunc(e.Matchers, func(m *labels.Matcher) bool {
			return !slices.ContainsFunc(r.Matchers, func(n *labels.Matcher) bool { return m.String() == n.String() })
		}) {
			return true
		}
	}
	return false
}

// unused reports a route no alert of the run can reach, naming the
// matcher no alert that reaches its parent satisfies.
func (v *amVet) unused(n *yaml.Node, r *dispatch.Route, left []int, name string) {
	check := CheckUnusedRoute
	for _, m := range r.Matchers {
		if m.Name == "team" {
			check = amcheck.CheckUnusedTeam
		}
	}
	subject := "route to " + r.RouteOpts.Receiver
	if len(left) == 0 {
		v.add(check, finding.Warning, n, subject,
			"no alerting rule given in this run reaches it: an earlier sibling without continue takes every alert that reaches its parent (%s)", name)
		return
	}
	for _, m := range r.Matchers {
		if slices.ContainsFunc(left, func(a int) bool { return v.alerts[a].matches(labels.Matchers{m}) != no }) {
			continue
		}
		what := m.String()
		hint := ""
		if m.Type == labels.MatchEqual {
			what = fmt.Sprintf("%s=%q", m.Name, m.Value)
			if s := textdist.Closest(m.Value, v.staticValues(m.Name), 2); s != "" {
				hint = fmt.Sprintf(" (rules carry %s=%q: a typo?)", m.Name, s)
			}
		}
		v.add(check, finding.Warning, n, subject,
			"no alerting rule given in this run that reaches its parent carries %s, so the route is never used%s", what, hint)
		return
	}
	v.add(check, finding.Warning, n, subject,
		"no alerting rule given in this run that reaches its parent matches all of %s together, so the route is never used", amcheck.MatchersString(r.Matchers))
}

// staticValues are the values of label l the rules' alerts carry, sorted.
func (v *amVet) staticValues(l string) []string {
	set := map[string]bool{}
	for _, a := range v.alerts {
		if s, ok := a.static[l]; ok {
			set[s] = true
		}
	}
	return slices.Sorted(maps.Keys(set))
}

// groupBy checks the group_by written on route n against the alerts that
// can reach it (those reaching its children with another group_by
// included: the check errs on the side of silence).
func (v *amVet) groupBy(n *yaml.Node, reach []int, subject string) {
	gb := read.ResolveAlias(read.Get(n, "group_by"))
	if gb == nil || gb.Kind != yaml.SequenceNode {
		return
	}
	if v.known == nil {
		v.known = v.knownLabels()
	}
	for _, item := range gb.Content {
		l := read.ResolveAlias(item).Value
		if l == "..." {
			continue
		}
		if hint := amcheck.SuggestLabel(l, v.known); hint != "" {
			v.add(amcheck.CheckGroupBy, finding.Error, item, subject, "groups by %q%s", l, hint)
			continue
		}
		if len(reach) > 0 && !slices.ContainsFunc(reach, func(a int) bool { return v.alerts[a].mayCarry(l) }) {
			v.add(amcheck.CheckGroupBy, finding.Warning, item, subject,
				"groups by %q, but no alerting rule given in this run that reaches the route carries that label, so it has no effect", l)
		}
	}
}

// knownLabels are the label names matchers use and the rules' alerts
// carry or may carry from their expressions, sorted.
func (v *amVet) knownLabels() []string {
	known := []string{}
	for l := range v.routeLabels {
		known = append(known, l)
	}
	for _, a := range v.alerts {
		for l := range a.static {
			known = append(known, l)
		}
		for l := range a.out {
			known = append(known, l)
		}
	}
	slices.Sort(known)
	return slices.Compact(known)
}

// literalRegexps flags equality and inequality matchers of node n (in
// matchers, match, source_matchers...) whose value is a regular
// expression.
func (v *amVet) literalRegexps(n *yaml.Node, ms labels.Matchers, subject string) {
	for _, m := range ms {
		op := "="
		switch m.Type {
		case labels.MatchEqual:
		case labels.MatchNotEqual:
			op = "!="
		default:
			continue
		}
		if msg := amcheck.RegexpLiteral(m.String(), m.Name, op, m.Value); msg != "" {
			v.add(amcheck.CheckRegexpEquality, finding.Error, matcherNode(n, m), subject, "%s", msg)
		}
	}
}

// matcherNode finds the YAML node that wrote matcher m under n: a
// matchers entry naming its label and value, a match map's key, or n.
func matcherNode(n *yaml.Node, m *labels.Matcher) *yaml.Node {
	for _, key := range []string{"matchers", "source_matchers", "target_matchers"} {
		seq := read.ResolveAlias(read.Get(n, key))
		if seq == nil || seq.Kind != yaml.SequenceNode {
			continue
		}
		for _, item := range seq.Content {
			s := read.ResolveAlias(item).Value
			if strings.Contains(s, m.Name) && strings.Contains(s, m.Value) {
				return item
			}
		}
	}
	for _, key := range []string{"match", "source_match", "target_match"} {
		for _, kv := range read.Fields(read.ResolveAlias(read.Get(n, key))) {
			if kv[0].Value == m.Name && read.ResolveAlias(kv[1]).Value == m.Value {
				return kv[1]
			}
		}
	}
	return n
}

// inhibits checks each inhibit rule: literal regular expressions and a
// missing equal.
func (v *amVet) inhibits(seq *yaml.Node, rules []amcommoncfg.InhibitRule) {
	if seq == nil || seq.Kind != yaml.SequenceNode || len(seq.Content) != len(rules) {
		return
	}
	for i, ir := range rules {
		n := read.ResolveAlias(seq.Content[i])
		subject := fmt.Sprintf("inhibit rule %d", i)
		if ir.Name != "" {
			subject = "inhibit rule " + ir.Name
		}
		source := append(labels.Matchers(slices.Clone(ir.SourceMatchers)), matchersOf(ir.SourceMatch)...)
		target := append(labels.Matchers(slices.Clone(ir.TargetMatchers)), matchersOf(ir.TargetMatch)...)
		v.literalRegexps(n, append(slices.Clone(source), target...), subject)
		if len(ir.Equal) == 0 {
			src := "one alert matching " + amcheck.MatchersString(source)
			if len(source) == 0 {
				src = "any alert"
			}
			v.add(CheckInhibitEqual, finding.Warning, n, subject,
				"has no equal: while %s fires, every alert matching %s is silenced, across every cluster, namespace and service: list the labels source and target must share (equal: [namespace] or [alertname, instance]); mongen import keeps it as written, with global: true",
				src, amcheck.MatchersString(target))
		}
	}
}

// matchersOf turns a deprecated match map into equality matchers, sorted.
func matchersOf(m map[string]string) labels.Matchers {
	var out labels.Matchers
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if mt, err := labels.NewMatcher(labels.MatchEqual, k, m[k]); err == nil {
			out = append(out, mt)
		}
	}
	return out
}
