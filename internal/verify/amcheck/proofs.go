package amcheck

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/prometheus/prometheus/promql/parser"

	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/finding"
	"github.com/mongen-dev/mongen/internal/model"
	"github.com/mongen-dev/mongen/internal/render/plain"
	"github.com/mongen-dev/mongen/internal/textdist"
)

// Check ids of the routing proofs; docs/alerting.md describes each.
const (
	CheckRoute          = "alertmanager/route"
	CheckRouteTest      = "alertmanager/route-test"
	CheckShadowed       = "alertmanager/shadowed"
	CheckUnreachable    = "alertmanager/unreachable-receiver"
	CheckNoIntegration  = "alertmanager/no-integration"
	CheckGroupBy        = "alertmanager/group-by"
	CheckUnusedTeam     = "alertmanager/unused-team-route"
	CheckRegexpEquality = "alertmanager/regexp-equality"
	CheckTimeIntervals  = "alertmanager/time-intervals"
)

// AlertLabels are the labels an alerting rule's alerts carry for sure:
// its name, its static labels (severity and team included) and the
// external labels Prometheus adds on the way out.
func AlertLabels(env *model.Environment, r expand.Rule) map[string]string {
	ls := map[string]string{}
	external := env.ExternalLabels
	if r.Scope == model.ScopeGlobal && env.Global != nil {
		// The global evaluator's alerts carry its own external labels.
		external = env.Global.ExternalLabels
	}
	for k, v := range external {
		ls[k] = v
	}
	for k, v := range plain.RuleLabels(r) {
		ls[k] = v
	}
	ls["alertname"] = r.Name
	return ls
}

// Prove runs every routing proof over the plan's alerting rules.
func Prove(p *expand.Plan, t *Tree) []finding.Finding {
	a := p.Alerting
	var out []finding.Finding
	add := func(check string, sev finding.Severity, pos, subject, format string, args ...any) {
		out = append(out, finding.Finding{Check: check, Severity: sev, Position: pos, Subject: subject, Message: fmt.Sprintf(format, args...)})
	}
	endpoints := map[string][]string{}
	for _, r := range a.Receivers {
		endpoints[r.Name] = r.Endpoints
	}
	reach := func(labels map[string]string) ([]string, []Match) {
		matches := t.Match(labels)
		return endpointsOf(matches, endpoints), matches
	}

	teamsUsed := map[string]map[string]bool{} // team -> tiers with alerts
	groups := groupByUse{}
	for _, g := range p.Groups {
		for _, r := range g.Rules {
			if r.Kind != model.RuleAlert {
				continue
			}
			if teamsUsed[r.Team] == nil {
				teamsUsed[r.Team] = map[string]bool{}
			}
			teamsUsed[r.Team][r.Tier] = true
			labels := AlertLabels(p.Env, r)
			want := expand.Endpoints(a.Policy, r.Tier, r.Team)
			_, all := reach(labels)
			for _, m := range all {
				groups.observe(r, labels, m)
			}
			if isSwitch(a.Policy, r) {
				continue // proveDeadMansSwitch holds it to its own route
			}
			// What raw routes do with an alert is what the user wrote; the
			// tier policy is proven on the routes it generated.
			tierMatches := slices.DeleteFunc(slices.Clone(all), func(m Match) bool { return expand.IsRawReceiver(m.Receiver) })
			matches := tierMatches
			if len(tierMatches) == 0 && len(all) > 0 {
				continue
			}
			got := endpointsOf(matches, endpoints)
			if !slices.Equal(got, want) {
				add(CheckRoute, finding.Error, r.Origin, "rule "+r.Name,
					"tier %s, team %q should reach %v, but the routing tree sends it to %v (%s)", r.Tier, r.Team, want, got, describe(matches))
			}
			wantTimes := a.Policy.ActiveTimeIntervals(r.Tier, r.Team)
			for _, m := range matches {
				if !slices.Equal(sortedCopy(m.ActiveTimeIntervals), sortedCopy(wantTimes)) {
					add(CheckTimeIntervals, finding.Error, r.Origin, "rule "+r.Name,
						"tier %s, team %q should notify during %v, but the route to %q is active during %v (empty: always)", r.Tier, r.Team, wantTimes, m.Receiver, m.ActiveTimeIntervals)
				}
			}
		}
	}

	groups.report(p, add)

	for i, rt := range a.Policy.RouteTests {
		got, matches := reach(rt.Labels)
		want := append([]string(nil), rt.Receivers...)
		sort.Strings(want)
		if !slices.Equal(got, want) {
			add(CheckRouteTest, finding.Error, p.Env.Source("alerting", "routeTests", fmt.Sprint(i)), fmt.Sprintf("route test %d", i),
				"labels %v reach %v, the test expects %v (%s)", sortedLabels(rt.Labels), got, want, describe(matches))
		}
	}

	for _, s := range t.ShadowedRoutes() {
		if expand.IsRawReceiver(s.By) && !expand.IsRawReceiver(s.Receiver) {
			// Raw routes come first on purpose; a tier or team route they
			// hide is worth knowing, not an error in what was written.
			add(CheckShadowed, finding.Warning, p.Env.Source("alerting", "routes"), "", "%s: the raw route takes these alerts before their tier, whose receivers and timing do not apply to them", s.Message)
			continue
		}
		add(CheckShadowed, finding.Error, p.Env.Source("alerting"), "", "%s", s.Message)
	}
	routed := t.Routed()
	for _, name := range t.Receivers() {
		if !routed[name] {
			add(CheckUnreachable, finding.Error, p.Env.Source("alerting"), "Alertmanager receiver "+name, "no route leads to it")
		}
		if t.Integrations(name) == 0 && !silent(a, name) {
			add(CheckNoIntegration, finding.Error, p.Env.Source("alerting"), "Alertmanager receiver "+name, "has no integration: its alerts would be dropped")
		}
	}
	used := map[string]bool{}
	for _, r := range a.Receivers {
		for _, e := range r.Endpoints {
			used[e] = true
		}
	}
	for _, name := range sortedKeys(a.Policy.Receivers) {
		if !used[name] {
			add(CheckUnreachable, finding.Error, p.Env.Source("alerting", "receivers", name), "receiver "+name,
				"no tier, team or fallback uses it, so no alert can reach it: name it in alerting.tiers.<tier>.receivers or alerting.teams.<team>.receivers, or remove it")
		}
	}
	// A team route no alert reaches is the classic `team: node` mistake:
	// the team label the rules carry is spelt differently.
	for _, team := range sortedKeys(a.Policy.Teams) {
		for _, tier := range sortedKeys(a.Policy.Teams[team].Receivers) {
			if !teamsUsed[team][tier] {
				hint := ""
				if s := closest(team, sortedKeys(teamsUsed)); s != "" {
					hint = fmt.Sprintf(" (rules carry team %q: a typo?)", s)
				}
				add(CheckUnusedTeam, finding.Warning, p.Env.Source("alerting", "teams", team), "team "+team,
					"no %s alerting rule in this environment carries team=%q, so its %s route is never used%s", tier, team, tier, hint)
			}
		}
	}
	proveDeadMansSwitch(p, t, add)
	inhibitEqual(a, add)
	for _, in := range a.Inhibits {
		for _, m := range append(append([]string{}, in.Source...), in.Target...) {
			if msg := regexpEquality(m); msg != "" {
				add(CheckRegexpEquality, finding.Error, in.Origin, "inhibit rule "+in.Name, "%s", msg)
			}
		}
	}
	finding.Sort(out)
	return out
}

var equalityMatcher = regexp.MustCompile(`^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(!?=)\s*"(.*)"\s*$`)

// regexpEquality flags `severity="warning|critical"`: an equality (or
// inequality) matcher compares literally, so the alternation never matches.
func regexpEquality(m string) string {
	sub := equalityMatcher.FindStringSubmatch(m)
	if sub == nil {
		return ""
	}
	return RegexpLiteral(m, sub[1], sub[2], sub[3])
}

// RegexpLiteral flags an equality (op "=") or inequality ("!=") matcher,
// written as written, whose value holds regular expression syntax: it is
// compared literally. Empty when the value is plain.
func RegexpLiteral(written, name, op, value string) string {
	if !strings.ContainsAny(value, "|*+?[]()^$") {
		return ""
	}
	re := "=~"
	if op == "!=" {
		re = "!~"
	}
	return fmt.Sprintf("matcher %s compares the value literally, but it holds regular expression syntax: use %s%s%q", written, name, re, value)
}

// groupByUse records, for every route alerts reach, which of its group_by
// labels some alert routed there can carry.
type groupByUse map[string]*routeUse

type routeUse struct {
	receiver string
	groupBy  []string
	carried  map[string]bool
}

func (g groupByUse) observe(r expand.Rule, labels map[string]string, m Match) {
	if m.GroupByAll {
		return
	}
	// Raw and tier routes can have the same matchers: the receiver tells
	// them apart.
	key := m.Receiver + " " + strings.Join(m.Path, "/")
	u := g[key]
	if u == nil {
		u = &routeUse{receiver: m.Receiver, groupBy: m.GroupBy, carried: map[string]bool{}}
		g[key] = u
	}
	// The expression is parsed only for a label no alert seen so far
	// carries: once a route's group_by labels are all carried, which
	// takes a few alerts, 10,000 more parse nothing.
	var out map[string]bool
	closed, parsed := false, false
	for _, l := range m.GroupBy {
		if u.carried[l] {
			continue
		}
		if _, ok := labels[l]; ok {
			u.carried[l] = true
			continue
		}
		if !parsed {
			out, closed = outputLabels(r.Expr)
			parsed = true
		}
		if out[l] || !closed {
			u.carried[l] = true
		}
	}
}

// report flags a group_by label that looks like a misspelt well-known
// label (altername), and one that no alert routed there can carry, which
// makes it group nothing.
func (g groupByUse) report(p *expand.Plan, add func(string, finding.Severity, string, string, string, ...any)) {
	for _, key := range sortedKeys(g) {
		u := g[key]
		origin := receiverOrigin(p, u.receiver)
		for _, l := range u.groupBy {
			if hint := suggest(l); hint != "" {
				add(CheckGroupBy, finding.Error, origin, "route to "+u.receiver, "groups by %q%s", l, hint)
				continue
			}
			if !u.carried[l] {
				add(CheckGroupBy, finding.Warning, origin, "route to "+u.receiver,
					"groups by %q, but no alert routed there carries that label, so it has no effect", l)
			}
		}
	}
}

// receiverOrigin points at the policy a generated receiver comes from.
func receiverOrigin(p *expand.Plan, receiver string) string {
	if expand.IsRawReceiver(receiver) {
		if pos := p.Env.Source("alerting", "routes"); pos != "" {
			return pos
		}
		return p.Env.Source("alerting")
	}
	tier, team, hasTeam := strings.Cut(receiver, "/")
	if hasTeam {
		return p.Env.Source("alerting", "teams", team)
	}
	if _, ok := p.Alerting.Policy.Tiers[tier]; ok {
		return p.Env.Source("alerting", "tiers", tier)
	}
	return p.Env.Source("alerting")
}

// wellKnown are labels alerts commonly carry; a group_by label one edit
// away from these is a typo (altername).
var wellKnown = []string{"alertname", "cluster", "namespace", "service", "pod", "container", "instance", "job", "node", "severity", "team"}

func suggest(l string) string { return SuggestLabel(l, nil) }

// SuggestLabel returns ": did you mean "x"?" when the label l is one or
// two edits away from a well-known label (altername) and is neither one of
// them nor one of known (labels the alerts or matchers are known to use);
// empty otherwise.
func SuggestLabel(l string, known []string) string {
	if slices.Contains(wellKnown, l) || slices.Contains(known, l) {
		return ""
	}
	if s := closest(l, wellKnown); s != "" {
		return fmt.Sprintf(": did you mean %q?", s)
	}
	return ""
}

// OutputLabels returns the labels an alerting expression's alerts can
// carry besides its static labels; closed reports that the set is exact.
func OutputLabels(expr string) (labels map[string]bool, closed bool) { return outputLabels(expr) }

// outputLabels returns the labels an expression's result can carry. closed
// reports that the set is exact (after an aggregation with `by`, say); when
// it is not, the set holds only labels known to be present.
func outputLabels(expr string) (map[string]bool, bool) {
	e, err := parser.NewParser(parser.Options{}).ParseExpr(expr)
	if err != nil {
		return nil, false
	}
	return labelsOf(e)
}

func labelsOf(e parser.Expr) (map[string]bool, bool) {
	switch n := e.(type) {
	case *parser.ParenExpr:
		return labelsOf(n.Expr)
	case *parser.AggregateExpr:
		switch n.Op {
		case parser.TOPK, parser.BOTTOMK, parser.LIMITK, parser.LIMIT_RATIO:
			return labelsOf(n.Expr)
		}
		if n.Without {
			in, _ := labelsOf(n.Expr)
			for _, g := range n.Grouping {
				delete(in, g)
			}
			return in, false
		}
		set := map[string]bool{}
		for _, g := range n.Grouping {
			set[g] = true
		}
		if n.Op == parser.COUNT_VALUES {
			if s, ok := n.Param.(*parser.StringLiteral); ok {
				set[s.Val] = true
			}
		}
		return set, true
	case *parser.BinaryExpr:
		lt, rt := n.LHS.Type(), n.RHS.Type()
		if lt == parser.ValueTypeScalar {
			return labelsOf(n.RHS)
		}
		if rt == parser.ValueTypeScalar {
			return labelsOf(n.LHS)
		}
		if n.VectorMatching != nil && n.VectorMatching.Card == parser.CardOneToOne && n.VectorMatching.On && len(n.VectorMatching.MatchingLabels) > 0 && !n.ReturnBool {
			// Arithmetic and comparison keep the left side's labels.
			return labelsOf(n.LHS)
		}
		l, lc := labelsOf(n.LHS)
		if n.VectorMatching != nil && len(n.VectorMatching.Include) > 0 {
			for _, x := range n.VectorMatching.Include {
				l[x] = true
			}
		}
		return l, lc
	case *parser.Call:
		switch n.Func.Name {
		case "absent", "absent_over_time":
			set := map[string]bool{}
			if vs, ok := firstSelector(n.Args); ok {
				for _, m := range vs.LabelMatchers {
					if m.Type.String() == "=" && m.Name != "__name__" {
						set[m.Name] = true
					}
				}
			}
			return set, true
		case "label_replace":
			in, c := labelsOf(n.Args[0])
			if s, ok := n.Args[1].(*parser.StringLiteral); ok {
				in[s.Val] = true
			}
			return in, c
		case "vector", "time", "scalar":
			return map[string]bool{}, true
		case "histogram_quantile":
			in, c := labelsOf(n.Args[1])
			delete(in, "le")
			return in, c
		}
		for _, a := range n.Args {
			if a.Type() == parser.ValueTypeVector || a.Type() == parser.ValueTypeMatrix {
				return labelsOf(a)
			}
		}
		return map[string]bool{}, true
	case *parser.MatrixSelector:
		return labelsOf(n.VectorSelector)
	case *parser.SubqueryExpr:
		return labelsOf(n.Expr)
	case *parser.VectorSelector:
		set := map[string]bool{}
		for _, m := range n.LabelMatchers {
			if m.Name != "__name__" && m.Type.String() == "=" && m.Value != "" {
				set[m.Name] = true
			}
		}
		return set, false
	case *parser.NumberLiteral, *parser.StringLiteral:
		return map[string]bool{}, true
	case *parser.UnaryExpr:
		return labelsOf(n.Expr)
	}
	return map[string]bool{}, false
}

func firstSelector(args parser.Expressions) (*parser.VectorSelector, bool) {
	for _, a := range args {
		switch x := a.(type) {
		case *parser.VectorSelector:
			return x, true
		case *parser.MatrixSelector:
			if vs, ok := x.VectorSelector.(*parser.VectorSelector); ok {
				return vs, true
			}
		}
	}
	return nil, false
}

// endpointsOf lists the mongen receivers the matched routes notify, sorted.
func endpointsOf(matches []Match, endpoints map[string][]string) []string {
	set := map[string]bool{}
	for _, m := range matches {
		for _, e := range endpoints[m.Receiver] {
			set[e] = true
		}
	}
	return sortedKeys(set)
}

func describe(ms []Match) string {
	if len(ms) == 0 {
		return "no route matches"
	}
	var parts []string
	for _, m := range ms {
		parts = append(parts, fmt.Sprintf("%s via %s", m.Receiver, strings.Join(m.Path, " > ")))
	}
	return strings.Join(parts, "; ")
}

func sortedLabels(m map[string]string) string {
	keys := sortedKeys(m)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s=%q", k, m[k])
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

func sortedCopy(s []string) []string { return slices.Sorted(slices.Values(s)) }

func sortedSet(m map[string]bool) []string { return sortedKeys(m) }

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

func closest(s string, candidates []string) string { return textdist.Closest(s, candidates, 2) }
