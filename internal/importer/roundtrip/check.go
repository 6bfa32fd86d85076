// Package roundtrip is the importer's last stage: it compares the input
// (read.Input) with what the CUE written for it builds. Builds refuses an
// import whose files would not build before anything is written; Check
// builds the environment as it is and reports every difference from the
// input, the normalisations the import makes on purpose (Explained, with
// their reason) apart from real ones.
package roundtrip

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/importer/convert"
	"github.com/mongen-dev/mongen/internal/importer/cuetext"
	"github.com/mongen-dev/mongen/internal/importer/read"
	"github.com/mongen-dev/mongen/internal/importer/tiers"
	mmodel "github.com/mongen-dev/mongen/internal/model"
	"github.com/mongen-dev/mongen/internal/render/plain"
)

// Difference is one way the built environment differs from the imported
// files. Explained differences are the normalisations mongen import makes
// on purpose (each with its reason); the others mean the environment no
// longer says what the input said.
type Difference struct {
	Pos       string
	Explained bool
	Msg       string
}

func (d Difference) String() string {
	kind := "differs"
	if d.Explained {
		kind = "normalised"
	}
	return fmt.Sprintf("%s: %s: %s", d.Pos, kind, d.Msg)
}

// Compare checks the rules an environment builds (plan, from
// environments/<env> as it is now) against the input they were imported
// from, rule by rule: expression (as PromQL), for, keep_firing_for, labels
// as rendered and annotations. imp places each input rule in the
// environment (Convert with the options of the import).
func Compare(in *read.Input, imp *convert.Import, plan *expand.Plan) []Difference {
	c := &comparison{imp: imp, plan: plan, built: builtByPlace(plan), adopted: map[string]convert.Adopted{}, seen: map[convert.Place]bool{}}
	for _, a := range imp.Adopted {
		c.adopted[a.Key] = a
	}
	for gi, g := range in.Groups {
		c.group(gi, g)
	}
	c.notInInput()
	return c.out
}

// placeOf is where built rule r of group g is, as convert.Import.Placed
// names the place of an input rule.
func placeOf(g expand.Group, r expand.Rule) convert.Place {
	return convert.Place{Group: g.Name, Key: r.Key, Exporter: g.Exporter}
}

// builtByPlace maps each place in the plan to the rule built there.
func builtByPlace(plan *expand.Plan) map[convert.Place]expand.Rule {
	built := map[convert.Place]expand.Rule{}
	for _, g := range plan.Groups {
		for _, r := range g.Rules {
			built[placeOf(g, r)] = r
		}
	}
	return built
}

// tierSeverity says a severity is its tier's, set by --severity-map
// (entry, when given, names the entry that set it).
func tierSeverity(tier, entry string) string {
	if entry != "" {
		entry = " " + entry
	}
	return fmt.Sprintf("the severity of tier %s (--severity-map%s)", tier, entry)
}

// comparison is the state of Compare: the built rules by place, the
// adopted exporters by key, the places the input's rules went to.
type comparison struct {
	imp     *convert.Import
	plan    *expand.Plan
	built   map[convert.Place]expand.Rule
	adopted map[string]convert.Adopted
	seen    map[convert.Place]bool
	out     []Difference
}

func (c *comparison) add(pos string, explained bool, format string, args ...any) {
	c.out = append(c.out, Difference{Pos: pos, Explained: explained, Msg: fmt.Sprintf(format, args...)})
}

// group compares input group gi: its name, settings, each rule, and the
// order of the rules it kept.
func (c *comparison) group(gi int, g read.Group) {
	placed := c.imp.Placed[gi]
	own := ""
	for _, pl := range placed {
		if pl.Exporter == "" {
			own = pl.Group
			break
		}
	}
	switch {
	case own == "" || own == g.Name:
	case strings.HasPrefix(own, convert.GroupKey(g.Name)+"-imported"):
		c.add(g.Pos, true, "group %s is group %s: an adopted library exporter has a group called %s", g.Name, own, convert.GroupKey(g.Name))
	default:
		c.add(g.Pos, true, "group %s is group %s: mongen group names are Kubernetes names", g.Name, own)
	}
	for _, d := range compareSettings(g, settingsGroup(c.plan, placed, own)) {
		c.add(g.Pos, false, "%s", d)
	}
	var order []string
	for ri, r := range g.Rules {
		if ri >= len(placed) {
			break
		}
		pl := placed[ri]
		c.seen[pl] = true
		if c.rule(g, r, pl) {
			order = append(order, pl.Key)
		}
	}
	if len(order) > 0 {
		var builtRules []expand.Rule
		for _, bg := range c.plan.Groups {
			if bg.Name == own && bg.Exporter == "" {
				builtRules = bg.Rules
			}
		}
		if d, fixed := orderDifference(g.Name, order, builtRules); d != "" {
			c.add(g.Pos, fixed, "%s", d)
		}
	}
}

// rule compares input rule r with the rule built at pl. It reports
// whether r stayed in its own group (not a library rule), where its order
// counts.
func (c *comparison) rule(g read.Group, r read.Rule, pl convert.Place) bool {
	b, ok := c.built[pl]
	if !ok {
		c.add(r.Pos, false, "rule %s is not in group %s of the environment (key %s)", r.Name, pl.Group, pl.Key)
		return false
	}
	lib, isLib := c.adopted[pl.Exporter]
	if isLib {
		c.add(r.Pos, true, "rule %s is the rule of library exporter.%s (exporters.%s, group %s), changed by overrides where the input differs", r.Name, lib.Definition, cuetext.Label(lib.Key), pl.Group)
	}
	if b.Name != r.Name {
		c.add(r.Pos, false, "rule %s is called %s in the environment", r.Name, b.Name)
	}
	if b.Expr != r.Expr {
		// The same PromQL tree, parentheses, layout and label
		// matcher order aside.
		if same, _ := convert.MatchLibraryExpr(b.Expr, r.Expr); same {
			c.add(r.ExprPos, true, "rule %s: expression written differently, same PromQL", r.Name)
		} else {
			c.add(r.ExprPos, false, "rule %s: expression is %q, the input has %q", r.Name, b.Expr, r.Expr)
		}
	}
	if !read.SameDuration(b.For, r.For) {
		c.add(r.Pos, false, "rule %s: for is %q, the input has %q", r.Name, b.For, r.For)
	}
	if !read.SameDuration(b.KeepFiringFor, r.KeepFiringFor) {
		c.add(r.Pos, false, "rule %s: keep_firing_for is %q, the input has %q", r.Name, b.KeepFiringFor, r.KeepFiringFor)
	}
	var adopted *convert.Adopted
	if isLib {
		adopted = &lib
	}
	c.labels(g, r, b, adopted)
	c.annotations(r, b, adopted)
	return !isLib
}

// labels compares the input rule's labels (its group's under its own)
// with those the built rule renders. lib is the adopted exporter of a
// library rule, nil for the input's own rules.
func (c *comparison) labels(g read.Group, r read.Rule, b expand.Rule, lib *convert.Adopted) {
	want := map[string]string{}
	for k, v := range g.Labels {
		want[k] = v
	}
	for k, v := range r.Labels {
		want[k] = v
	}
	got := plain.RuleLabels(b)
	for _, k := range sortedKeys(union(want, got)) {
		w, inWant := want[k]
		v, inGot := got[k]
		switch {
		case inWant && inGot && w == v:
		case k == "severity" && b.Kind == mmodel.RuleAlert && v == tiers.Severity(b.Tier):
			if inWant {
				c.add(r.Pos, true, "rule %s: severity %s is %s, %s", r.Name, w, v, tierSeverity(b.Tier, ""))
			} else {
				c.add(r.Pos, true, "rule %s: severity %s added, %s", r.Name, v, tierSeverity(b.Tier, ""))
			}
		case k == "team" && lib != nil && !inWant && v == b.Team:
			c.add(r.Pos, true, "rule %s: label team=%q added: the library exporter's alerts carry its team (set exporters.%s.team to change it)", r.Name, v, cuetext.Label(lib.Key))
		case inWant && inGot:
			c.add(r.Pos, false, "rule %s: label %s is %q, the input has %q", r.Name, k, v, w)
		case inGot:
			c.add(r.Pos, false, "rule %s: label %s=%q is not in the input", r.Name, k, v)
		default:
			c.add(r.Pos, false, "rule %s: label %s=%q of the input is missing", r.Name, k, w)
		}
	}
}

// annotations compares the input rule's annotations with the built
// rule's; a library rule (lib not nil) may add its own.
func (c *comparison) annotations(r read.Rule, b expand.Rule, lib *convert.Adopted) {
	if maps.Equal(nonNil(b.Annotations), nonNil(r.Annotations)) {
		return
	}
	for _, k := range sortedKeys(union(b.Annotations, r.Annotations)) {
		_, inInput := r.Annotations[k]
		switch {
		case b.Annotations[k] == r.Annotations[k]:
		case lib != nil && !inInput:
			c.add(r.Pos, true, "rule %s: annotation %s added by the library rule: %q", r.Name, k, b.Annotations[k])
		default:
			c.add(r.Pos, false, "rule %s: annotation %s is %q, the input has %q", r.Name, k, b.Annotations[k], r.Annotations[k])
		}
	}
}

// notInInput reports the built rules no input rule became.
func (c *comparison) notInInput() {
	for _, bg := range c.plan.Groups {
		for _, r := range bg.Rules {
			if !c.seen[placeOf(bg, r)] {
				pos := r.Origin
				if pos == "" {
					pos = c.plan.Env.Name
				}
				c.add(pos, false, "rule %s (group %s) is not in the input", r.Name, bg.Name)
			}
		}
	}
}

// settingsGroup is the built group the input group's settings belong to:
// its own group, else (every rule adopted by a library exporter) the group
// its first rule went to.
func settingsGroup(plan *expand.Plan, placed []convert.Place, own string) *expand.Group {
	want := convert.Place{Group: own}
	if own == "" {
		if len(placed) == 0 {
			return nil
		}
		want = placed[0]
	}
	for i, g := range plan.Groups {
		if g.Name == want.Group && g.Exporter == want.Exporter {
			return &plan.Groups[i]
		}
	}
	return nil
}

// compareSettings compares a group's interval, limit and query_offset
// with the built group's, by meaning: interval 0 and a limit of 0 or less
// are Prometheus's defaults, as unset.
func compareSettings(in read.Group, b *expand.Group) []string {
	var got expand.Group
	if b != nil {
		got = *b
	}
	var out []string
	if read.DurationOf(in.Interval) != read.DurationOf(got.Interval) {
		out = append(out, fmt.Sprintf("group %s: interval is %s, the input has %s", in.Name, orUnset(got.Interval), orUnset(in.Interval)))
	}
	limit, _ := strconv.Atoi(in.Limit)
	if max(limit, 0) != max(got.Limit, 0) {
		out = append(out, fmt.Sprintf("group %s: limit is %s, the input has %s", in.Name, orUnset(limitString(got.Limit)), orUnset(in.Limit)))
	}
	if (in.QueryOffset == "") != (got.QueryOffset == "") || read.DurationOf(in.QueryOffset) != read.DurationOf(got.QueryOffset) {
		out = append(out, fmt.Sprintf("group %s: query_offset is %s, the input has %s", in.Name, orUnset(got.QueryOffset), orUnset(in.QueryOffset)))
	}
	return out
}

func limitString(n int) string {
	if n <= 0 {
		return ""
	}
	return strconv.Itoa(n)
}

func orUnset(s string) string {
	if s == "" {
		return "unset"
	}
	return s
}

// orderDifference says how the built group's evaluation order differs
// from the input's, naming the first rule out of place; "" when it is the
// same. fixed is true when the built order is the input's with only the
// moves that give every rule the series it reads fresh (what mongen import
// writes for an input that read some series before the group recorded
// them).
func orderDifference(group string, input []string, built []expand.Rule) (string, bool) {
	keys := make([]string, len(built))
	byKey := map[string]expand.Rule{}
	for i, r := range built {
		keys[i] = r.Key
		byKey[r.Key] = r
	}
	if slices.Equal(input, keys) || len(input) != len(keys) {
		return "", false
	}
	first := 0
	for input[first] == keys[first] {
		first++
	}
	// The input's order with the dependencies enforced.
	want := make([]expand.Rule, 0, len(input))
	for i, k := range input {
		r, ok := byKey[k]
		if !ok {
			return "", false // the rule is missing: reported on its own
		}
		n := i + 1
		r.Order = &n
		want = append(want, r)
	}
	var stale []string
	for i, ds := range expand.RuleDependencies(want) {
		for _, d := range ds {
			if d > i {
				stale = append(stale, fmt.Sprintf("%s reads %s", want[i].Key, want[d].Key))
			}
		}
	}
	want, _ = expand.OrderRules(group, want)
	fixed := true
	for i := range want {
		if want[i].Key != keys[i] {
			fixed = false
			break
		}
	}
	if fixed {
		return fmt.Sprintf("group %s: rules in the input's order except where a rule read a series the group records later (on the previous evaluation's value): %s; mongen evaluates the recording rule first", group, strings.Join(stale, ", ")), true
	}
	return fmt.Sprintf("group %s: rules are evaluated in another order than the input's: %s is rule %d, the input has %s there (built order: %s)", group, keys[first], first+1, input[first], strings.Join(keys, ", ")), false
}

func union(a, b map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

func nonNil(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

// Unexplained counts the differences that are not normalisations.
func Unexplained(ds []Difference) int {
	n := 0
	for _, d := range ds {
		if !d.Explained {
			n++
		}
	}
	return n
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
