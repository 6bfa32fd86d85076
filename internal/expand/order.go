package expand

import (
	"fmt"
	"github.com/mongen-dev/mongen/internal/diag"
	"slices"
	"sort"
	"strings"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"

	mmodel "github.com/mongen-dev/mongen/internal/model"
	"github.com/mongen-dev/mongen/internal/textdist"
)

// orderRules puts a group's rules in the order Prometheus evaluates them:
// by Rule.Order (unset is 0), then recording rules first, then by name and
// key (CUE's field order is not stable across releases), and then moved
// only as far as dependencies need: a rule that reads a series another rule
// of the group records comes after that rule. Among the rules whose
// dependencies are placed, the one earliest in the first order goes next,
// so an order that already respects the dependencies is kept as it is.
//
// A dependency cycle is a problem naming every rule in it at its position.
func orderRules(group string, rules []Rule) ([]Rule, diag.List) {
	sort.SliceStable(rules, func(i, j int) bool {
		a, b := rules[i], rules[j]
		if oa, ob := orderOf(a), orderOf(b); oa != ob {
			return oa < ob
		}
		if (a.Kind == mmodel.RuleRecord) != (b.Kind == mmodel.RuleRecord) {
			return a.Kind == mmodel.RuleRecord
		}
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.Key < b.Key
	})
	deps := RuleDependencies(rules)
	if deps == nil {
		return rules, nil
	}
	// Kahn's algorithm, always taking the earliest ready rule.
	waiting := make([]int, len(rules))
	readers := make([][]int, len(rules))
	for i, ds := range deps {
		waiting[i] = len(ds)
		for _, d := range ds {
			readers[d] = append(readers[d], i)
		}
	}
	placed := make([]bool, len(rules))
	out := make([]Rule, 0, len(rules))
	for len(out) < len(rules) {
		next := -1
		for i := range rules {
			if !placed[i] && waiting[i] == 0 {
				next = i
				break
			}
		}
		if next < 0 {
			return rules, diag.List{cycleProblem(group, rules, deps, placed)}
		}
		placed[next] = true
		out = append(out, rules[next])
		for _, r := range readers[next] {
			waiting[r]--
		}
	}
	return out, nil
}

// OrderRules is the order expand gives a group's rules (orderRules), for
// mongen import to find out whether an input's order needs Rule.Order to be
// kept. It sorts rules in place.
// Its problems are the cycle, as lines of text.
func OrderRules(group string, rules []Rule) ([]Rule, []string) {
	out, cycle := orderRules(group, rules)
	var lines []string
	for _, d := range cycle {
		lines = append(lines, d.Error())
	}
	return out, lines
}

func orderOf(r Rule) int {
	if r.Order == nil {
		return 0
	}
	return *r.Order
}

// cycleProblem describes one dependency cycle among the unplaced rules.
func cycleProblem(group string, rules []Rule, deps [][]int, placed []bool) diag.Diagnostic {
	// Every unplaced rule waits on an unplaced one: walk until a rule
	// repeats.
	start := -1
	for i := range rules {
		if !placed[i] {
			start = i
			break
		}
	}
	seenAt := map[int]int{}
	var path []int
	for i := start; ; {
		if at, ok := seenAt[i]; ok {
			path = path[at:]
			break
		}
		seenAt[i] = len(path)
		path = append(path, i)
		for _, d := range deps[i] {
			if !placed[d] {
				i = d
				break
			}
		}
	}
	// path[k] reads path[k+1]: print it in the direction data flows.
	slices.Reverse(path)
	var parts []string
	for _, i := range append(path, path[0]) {
		r := rules[i]
		parts = append(parts, fmt.Sprintf("%s (%s)", r.Name, ruleWhere(r)))
	}
	return diag.At(diag.Origin(ruleWhere(rules[path[0]])), "rule group %q: recording rules read each other in a cycle, so no evaluation order gives every rule fresh input: %s: break the cycle or move a rule to another group",
		group, strings.Join(parts, " -> "))
}

func ruleWhere(r Rule) string {
	if r.ExprOrigin != "" {
		return r.ExprOrigin
	}
	return r.Origin
}

// RuleDependencies returns, for each rule, the indices of the other rules
// of the slice whose recorded series its expression reads (by metric name,
// including a __name__ matcher). It is nil when no rule reads another.
// Expressions that do not parse read nothing here (verify reports them).
func RuleDependencies(rules []Rule) [][]int {
	recorded := map[string][]int{}
	for i, r := range rules {
		if r.Kind == mmodel.RuleRecord {
			recorded[r.Name] = append(recorded[r.Name], i)
		}
	}
	if len(recorded) == 0 {
		return nil
	}
	names := make([]string, 0, len(recorded))
	for n := range recorded {
		names = append(names, n)
	}
	sort.Strings(names)
	p := parser.NewParser(parser.Options{})
	var deps [][]int
	for i, r := range rules {
		expr, err := p.ParseExpr(r.Expr)
		if err != nil {
			continue
		}
		set := map[int]bool{}
		parser.Inspect(expr, func(n parser.Node, _ []parser.Node) error {
			vs, ok := n.(*parser.VectorSelector)
			if !ok {
				return nil
			}
			for _, name := range selectedNames(vs, names) {
				for _, j := range recorded[name] {
					if j != i {
						set[j] = true
					}
				}
			}
			return nil
		})
		if len(set) == 0 {
			continue
		}
		if deps == nil {
			deps = make([][]int, len(rules))
		}
		for j := range set {
			deps[i] = append(deps[i], j)
		}
		sort.Ints(deps[i])
	}
	return deps
}

// selectedNames are the recorded names a selector can read: its metric
// name, or those its __name__ matchers match. A selector without a name
// matcher reads none here.
func selectedNames(vs *parser.VectorSelector, recorded []string) []string {
	if vs.Name != "" {
		return []string{vs.Name}
	}
	var ms []*labels.Matcher
	for _, m := range vs.LabelMatchers {
		if m.Name == model.MetricNameLabel {
			ms = append(ms, m)
		}
	}
	if len(ms) == 0 {
		return nil
	}
	var out []string
	for _, n := range recorded {
		all := true
		for _, m := range ms {
			if !m.Matches(n) {
				all = false
				break
			}
		}
		if all {
			out = append(out, n)
		}
	}
	return out
}

// groupSettings applies env.ruleGroups to the plan's groups. A setting for
// a group that does not exist, an unparsable or zero interval, or an
// unparsable query offset is a problem at its position.
func groupSettings(env *mmodel.Environment, groups []Group, defined map[string]bool) diag.List {
	var problems diag.List
	index := map[string]int{}
	for i, g := range groups {
		index[g.Name] = i
	}
	for _, name := range sortedKeys(env.RuleGroups) {
		s := env.RuleGroups[name]
		where := env.Source("ruleGroups", name)
		if !defined[name] {
			problems.Add(diag.Origin(where), "ruleGroups.%s: no rule group is called %q%s: the settings of a group go under its name", name, name, didYouMean(name, sortedKeys(defined)))
			continue
		}
		if s.Interval != "" {
			if d, err := model.ParseDuration(s.Interval); err != nil {
				problems.Add(diag.Origin(env.Source("ruleGroups", name, "interval")), "ruleGroups.%s.interval %q: %v: write it as Prometheus does, largest unit first (1h30m)", name, s.Interval, err)
			} else if d == 0 {
				problems.Add(diag.Origin(env.Source("ruleGroups", name, "interval")), "ruleGroups.%s.interval is 0: leave it unset to evaluate at prometheus.evaluationInterval", name)
			}
		}
		if s.QueryOffset != "" {
			if _, err := model.ParseDuration(s.QueryOffset); err != nil {
				problems.Add(diag.Origin(env.Source("ruleGroups", name, "queryOffset")), "ruleGroups.%s.queryOffset %q: %v: write it as Prometheus does, largest unit first (1m30s)", name, s.QueryOffset, err)
			}
		}
		if s.Limit != nil && *s.Limit < 0 {
			problems.Add(diag.Origin(env.Source("ruleGroups", name, "limit")), "ruleGroups.%s.limit %d is negative: 0 is no limit", name, *s.Limit)
		}
		i, ok := index[name]
		if !ok {
			continue // every rule of the group is disabled
		}
		groups[i].Interval = s.Interval
		groups[i].QueryOffset = s.QueryOffset
		if s.Limit != nil {
			groups[i].Limit = *s.Limit
		}
	}
	return problems
}

// didYouMean suggests the closest known name, or "".
func didYouMean(name string, known []string) string {
	if c := textdist.Closest(name, known, 3); c != "" {
		return fmt.Sprintf(" (did you mean %q?)", c)
	}
	return ""
}
