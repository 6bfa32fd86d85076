package convert

import (
	"sort"

	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/importer/read"
	mmodel "github.com/mongen-dev/mongen/internal/model"
)

// keepOrder makes the environment evaluate the group's rules in the
// input's order: every rule gets its input position as order
// (settleOrders drops them where mongen's own order is the same). An input order in which a rule reads a series
// that a later rule of the group records is not kept for that rule: mongen
// evaluates the recording rule first, and a note says so. A dependency
// cycle is a problem (mongen refuses it).
func (imp *Import) keepOrder(g read.Group, group mmodel.RuleGroup, placed []read.Rule, keys []string) []string {
	if len(keys) < 2 {
		return nil
	}
	rules := make([]expand.Rule, len(keys))
	for i, k := range keys {
		rules[i] = expand.Rule{Rule: group[k], Key: k, Origin: placed[i].Pos, ExprOrigin: placed[i].ExprPos}
	}
	for i, ds := range expand.RuleDependencies(rules) {
		for _, d := range ds {
			if d > i {
				imp.note(placed[i].Pos, NoteWarning, "group %s: %s reads %s, which the group records later (%s): Prometheus evaluated it on the previous evaluation's value; mongen evaluates %s first", g.Name, placed[i].Name, placed[d].Name, placed[d].Pos, placed[d].Name)
			}
		}
	}
	if _, cycle := expand.OrderRules(GroupKey(g.Name), append([]expand.Rule(nil), rules...)); len(cycle) > 0 {
		return cycle
	}
	for i, k := range keys {
		r := group[k]
		n := i + 1
		r.Order = &n
		group[k] = r
	}
	return nil
}

// settleOrders keeps order: only in the groups that need it, once library
// exporters have taken their rules: where mongen's own order (recording
// rules first, then by name, then dependencies) is the input's with its
// dependencies enforced, the orders go; elsewhere they are renumbered
// 1, 2, ...
func (imp *Import) settleOrders() {
	for _, gkey := range sortedKeys(imp.Env.Rules) {
		group := imp.Env.Rules[gkey]
		var rules []expand.Rule
		for _, k := range sortedKeys(group) {
			if group[k].Order != nil {
				rules = append(rules, expand.Rule{Rule: group[k], Key: k})
			}
		}
		if len(rules) == 0 {
			continue
		}
		sort.SliceStable(rules, func(i, j int) bool { return *rules[i].Order < *rules[j].Order })
		for i := range rules {
			n := i + 1
			rules[i].Order = &n
		}
		plain := make([]expand.Rule, len(rules))
		for i, r := range rules {
			r.Order = nil
			plain[i] = r
		}
		plain, _ = expand.OrderRules(gkey, plain)
		wanted, _ := expand.OrderRules(gkey, append([]expand.Rule(nil), rules...))
		same := len(rules) == len(group)
		for i := range plain {
			same = same && plain[i].Key == wanted[i].Key
		}
		for _, r := range rules {
			mr := group[r.Key]
			mr.Order = r.Order
			if same {
				mr.Order = nil
			}
			group[r.Key] = mr
		}
	}
}
