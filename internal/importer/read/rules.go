package importer

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/promql"
	"github.com/prometheus/prometheus/template"
	"go.yaml.in/yaml/v3"

	"github.com/mongen-dev/mongen/internal/expand"
	mmodel "github.com/mongen-dev/mongen/internal/model"
)

// Group is one rule group as the input file wrote it, with positions
// ("file:line:col") of everything a finding or an import note may name.
type Group struct {
	Name string
	// Interval, Limit, QueryOffset and Labels are the group-level fields
	// of Prometheus' rule file format, kept to report what mongen's schema
	// cannot express.
	Interval    string
	Limit       string
	QueryOffset string
	Labels      map[string]string
	Rules       []Rule
	Pos         string
	// Source is the input file; Object the PrometheusRule's
	// namespace/name when the group came from one.
	Source string
	Object string
}

// Rule kinds.
const (
	Alert  = "alert"
	Record = "record"
)

// Rule is one alerting or recording rule.
type Rule struct {
	Kind          string
	Name          string
	Expr          string
	For           string
	KeepFiringFor string
	Labels        map[string]string
	Annotations   map[string]string

	Pos, ExprPos, ForPos string
	LabelPos             map[string]string
	AnnotationPos        map[string]string
}

var (
	groupKeys = []string{"interval", "labels", "limit", "name", "query_offset", "rules"}
	ruleKeys  = []string{"alert", "annotations", "expr", "for", "keep_firing_for", "labels", "record"}
)

// readGroups reads the `groups:` list of a rule file or of a
// PrometheusRule's spec.
func (d doc) readGroups(n *yaml.Node, object string) ([]Group, error) {
	n = resolveAlias(n)
	if n.Tag == "!!null" {
		return nil, nil // `groups:` alone: Prometheus loads no groups
	}
	if err := d.expect(n, yaml.SequenceNode, "groups"); err != nil {
		return nil, err
	}
	var out []Group
	seen := map[string]string{}
	for _, gn := range n.Content {
		gn = resolveAlias(gn)
		if err := d.expect(gn, yaml.MappingNode, "a rule group"); err != nil {
			return nil, err
		}
		if err := d.knownKeys(gn, "rule group", groupKeys); err != nil {
			return nil, err
		}
		g := Group{Pos: d.pos(gn), Source: d.file, Object: object}
		var err error
		for _, f := range []struct {
			key string
			dst *string
		}{{"name", &g.Name}, {"interval", &g.Interval}, {"limit", &g.Limit}, {"query_offset", &g.QueryOffset}} {
			if *f.dst, err = d.scalar(get(gn, f.key), "group "+f.key); err != nil {
				return nil, err
			}
		}
		if g.Name == "" {
			return nil, d.errorf(gn, "rule group has no name")
		}
		for _, f := range []struct{ key, val string }{{"interval", g.Interval}, {"query_offset", g.QueryOffset}} {
			if err := d.checkDuration(get(gn, f.key), "group "+g.Name+": "+f.key, f.val); err != nil {
				return nil, err
			}
		}
		if g.Limit != "" {
			if _, err := strconv.Atoi(g.Limit); err != nil {
				return nil, d.errorf(get(gn, "limit"), "group %s: limit %q is not a whole number", g.Name, g.Limit)
			}
		}
		if prev, dup := seen[g.Name]; dup {
			return nil, d.errorf(gn, "rule group %q is also defined at %s: Prometheus refuses duplicate group names in one file", g.Name, prev)
		}
		seen[g.Name] = g.Pos
		if g.Labels, _, err = d.stringMap(get(gn, "labels"), "group labels"); err != nil {
			return nil, err
		}
		if err := d.checkLabelNames(get(gn, "labels"), "group "+g.Name+": label"); err != nil {
			return nil, err
		}
		rn := resolveAlias(get(gn, "rules"))
		if rn != nil && rn.Tag != "!!null" {
			if err := d.expect(rn, yaml.SequenceNode, "rules"); err != nil {
				return nil, err
			}
			for _, r := range rn.Content {
				rule, err := d.readRule(resolveAlias(r))
				if err != nil {
					return nil, err
				}
				g.Rules = append(g.Rules, rule)
			}
		}
		out = append(out, g)
	}
	return out, nil
}

func (d doc) readRule(n *yaml.Node) (Rule, error) {
	if err := d.expect(n, yaml.MappingNode, "a rule"); err != nil {
		return Rule{}, err
	}
	if err := d.knownKeys(n, "rule", ruleKeys); err != nil {
		return Rule{}, err
	}
	r := Rule{Pos: d.pos(n)}
	alert, record := get(n, "alert"), get(n, "record")
	var err error
	switch {
	case alert != nil && record != nil:
		return r, d.errorf(n, "a rule has either alert or record, not both")
	case alert != nil:
		r.Kind = Alert
		r.Name, err = d.scalar(alert, "alert")
	case record != nil:
		r.Kind = Record
		r.Name, err = d.scalar(record, "record")
	default:
		return r, d.errorf(n, "a rule needs alert or record")
	}
	if err != nil {
		return r, err
	}
	if r.Name == "" {
		return r, d.errorf(n, "the rule's %s name is empty", r.Kind)
	}
	expr := get(n, "expr")
	if expr == nil {
		return r, d.errorf(n, "rule %s has no expr", r.Name)
	}
	if r.Expr, err = d.scalar(expr, "expr"); err != nil {
		return r, err
	}
	if strings.TrimSpace(r.Expr) == "" {
		return r, d.errorf(expr, "rule %s has an empty expr", r.Name)
	}
	r.ExprPos = d.pos(expr)
	if f := get(n, "for"); f != nil {
		if r.For, err = d.scalar(f, "for"); err != nil {
			return r, err
		}
		r.ForPos = d.pos(f)
	}
	if r.KeepFiringFor, err = d.scalar(get(n, "keep_firing_for"), "keep_firing_for"); err != nil {
		return r, err
	}
	for _, f := range []struct {
		key string
		val *string
	}{{"for", &r.For}, {"keep_firing_for", &r.KeepFiringFor}} {
		if err := d.checkDuration(get(n, f.key), "rule "+r.Name+": "+f.key, *f.val); err != nil {
			return r, err
		}
		if r.Kind == Record && *f.val != "" {
			if durationOf(*f.val) != 0 {
				return r, d.errorf(get(n, f.key), "recording rule %s has %s %s: Prometheus refuses it on a recording rule", r.Name, f.key, *f.val)
			}
			*f.val = "" // 0 on a recording rule: Prometheus accepts and ignores it
		}
	}
	if r.Kind == Record && strings.ContainsAny(r.Name, "{}") {
		return r, d.errorf(alertOrRecord(n), "recording rule name %q has braces: Prometheus refuses it (move the label matchers into expr)", r.Name)
	}
	if r.Labels, r.LabelPos, err = d.stringMap(get(n, "labels"), "labels"); err != nil {
		return r, err
	}
	if err := d.checkLabelNames(get(n, "labels"), "rule "+r.Name+": label"); err != nil {
		return r, err
	}
	if r.Annotations, r.AnnotationPos, err = d.stringMap(get(n, "annotations"), "annotations"); err != nil {
		return r, err
	}
	for _, kv := range fields(resolveAlias(get(n, "annotations"))) {
		if kv[0].Value == "" {
			return r, d.errorf(kv[0], "rule %s: an annotation name is empty", r.Name)
		}
	}
	if r.Kind == Record && len(r.Annotations) > 0 {
		return r, d.errorf(n, "recording rule %s has annotations: Prometheus refuses them", r.Name)
	}
	return r, nil
}

// templateProblems are the alert's label and annotation templates that do
// not parse, at their positions: Prometheus refuses the rule file. (vet
// FILE reports them as template/syntax findings and goes on.)
func (r Rule) templateProblems() []string {
	if r.Kind != Alert {
		return nil
	}
	var out []string
	for _, m := range []struct {
		what string
		vals map[string]string
		pos  map[string]string
	}{{"label", r.Labels, r.LabelPos}, {"annotation", r.Annotations, r.AnnotationPos}} {
		for _, k := range sortedKeys(m.vals) {
			if err := parseTemplate(r.Name, m.vals[k]); err != nil {
				out = append(out, fmt.Sprintf("%s: alert %s: %s %s: the template does not parse (Prometheus refuses the rule file): %v", m.pos[k], r.Name, m.what, k, err))
			}
		}
	}
	return out
}

// parseTemplate parses a label or annotation template as the rule manager
// expands it (with $labels, $externalLabels, $externalURL and $value
// defined), which is what Prometheus checks when it loads a rule file.
func parseTemplate(alert, text string) error {
	defs := "{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := .Value}}"
	data := template.AlertTemplateData(map[string]string{}, map[string]string{}, "", promql.Sample{})
	return template.NewTemplateExpander(context.Background(), defs+text, "__alert_"+alert, data, 0, nil, nil, nil).ParseTest()
}

func alertOrRecord(n *yaml.Node) *yaml.Node {
	if r := get(n, "record"); r != nil {
		return r
	}
	return get(n, "alert")
}

// checkDuration refuses what Prometheus's duration parser refuses, at the
// value's position.
func (d doc) checkDuration(n *yaml.Node, what, val string) error {
	if val == "" {
		return nil
	}
	if _, err := model.ParseDuration(val); err != nil {
		return d.errorf(n, "%s %q is not a duration: write one such as 30s, 5m or 1h30m (largest unit first)", what, val)
	}
	return nil
}

// checkLabelNames refuses an empty label name and __name__, which
// Prometheus refuses on rules and groups: a rule cannot rename its series.
func (d doc) checkLabelNames(n *yaml.Node, what string) error {
	for _, kv := range fields(resolveAlias(n)) {
		switch kv[0].Value {
		case "":
			return d.errorf(kv[0], "%s name is empty", what)
		case model.MetricNameLabel:
			return d.errorf(kv[0], "%s %s: Prometheus refuses it (a recording rule's name is its record field)", what, model.MetricNameLabel)
		}
	}
	return nil
}

// knownKeys refuses keys a Prometheus rule file does not have, as
// rulefmt does, naming the closest known key.
func (d doc) knownKeys(n *yaml.Node, what string, known []string) error {
	for _, kv := range fields(n) {
		k := kv[0].Value
		if i := sort.SearchStrings(known, k); i < len(known) && known[i] == k {
			continue
		}
		return d.errorf(kv[0], "unknown %s field %q (a %s has %s)", what, k, what, strings.Join(known, ", "))
	}
	return nil
}

// RuleCount counts alerting and recording rules.
func RuleCount(groups []Group) (alerts, records int) {
	for _, g := range groups {
		for _, r := range g.Rules {
			if r.Kind == Alert {
				alerts++
			} else {
				records++
			}
		}
	}
	return alerts, records
}

func (g Group) String() string { return fmt.Sprintf("group %s (%s)", g.Name, g.Pos) }

// settings are the group's interval, limit and query offset as mongen's
// ruleGroups holds them: durations in Prometheus's canonical spelling, and
// what Prometheus treats as unset (interval 0, limit 0 or less) left out.
func (g Group) settings() (mmodel.RuleGroupSettings, bool) {
	var s mmodel.RuleGroupSettings
	if d := durationOf(g.Interval); d > 0 {
		s.Interval = model.Duration(d).String()
	}
	if n, err := strconv.Atoi(g.Limit); err == nil && n > 0 {
		s.Limit = &n
	}
	if g.QueryOffset != "" {
		s.QueryOffset = model.Duration(durationOf(g.QueryOffset)).String()
	}
	return s, s.Interval != "" || s.Limit != nil || s.QueryOffset != ""
}

// keepOrder makes the environment evaluate the group's rules in the
// input's order: every rule gets its input position as order
// (settleOrders drops them where mongen's own order is the same). An input order in which a rule reads a series
// that a later rule of the group records is not kept for that rule: mongen
// evaluates the recording rule first, and a note says so. A dependency
// cycle is a problem (mongen refuses it).
func (imp *Import) keepOrder(g Group, group mmodel.RuleGroup, placed []Rule, keys []string) []string {
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
	if _, cycle := expand.OrderRules(groupKey(g.Name), append([]expand.Rule(nil), rules...)); len(cycle) > 0 {
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

// writeGroupSettings writes env.ruleGroups.
func writeGroupSettings(w *cueWriter, settings map[string]mmodel.RuleGroupSettings) {
	if len(settings) == 0 {
		return
	}
	w.line("")
	w.comment("Group settings of the input (Prometheus's interval, limit and query_offset).")
	w.openRaw("env: ruleGroups:")
	for _, key := range sortedKeys(settings) {
		s := settings[key]
		w.open(key)
		if s.Interval != "" {
			w.str("interval", s.Interval)
		}
		if s.Limit != nil {
			w.line("limit: %d", *s.Limit)
		}
		if s.QueryOffset != "" {
			w.str("queryOffset", s.QueryOffset)
		}
		w.close()
	}
	w.close()
}
