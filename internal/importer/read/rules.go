package read

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
// PrometheusRule's spec. A group is checked in this order: its
// settings, then a duplicate name, then its labels and rules.
func (d Doc) readGroups(n *yaml.Node, object string) ([]Group, error) {
	n = ResolveAlias(n)
	if n.Tag == "!!null" {
		return nil, nil // `groups:` alone: Prometheus loads no groups
	}
	if err := d.Expect(n, yaml.SequenceNode, "groups"); err != nil {
		return nil, err
	}
	var out []Group
	seen := map[string]string{}
	for _, gn := range n.Content {
		gn = ResolveAlias(gn)
		g, err := d.readGroupSettings(gn, object)
		if err != nil {
			return nil, err
		}
		if prev, dup := seen[g.Name]; dup {
			return nil, d.Errorf(gn, "rule group %q is also defined at %s: Prometheus refuses duplicate group names in one file", g.Name, prev)
		}
		seen[g.Name] = g.Pos
		if err := d.readGroupBody(gn, &g); err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, nil
}

// readGroupSettings reads a group's name, interval, limit and
// query_offset, refusing what Prometheus refuses: unknown keys, no name,
// durations it cannot parse, a limit that is not a whole number.
func (d Doc) readGroupSettings(gn *yaml.Node, object string) (Group, error) {
	if err := d.Expect(gn, yaml.MappingNode, "a rule group"); err != nil {
		return Group{}, err
	}
	if err := d.knownKeys(gn, "rule group", groupKeys); err != nil {
		return Group{}, err
	}
	g := Group{Pos: d.Pos(gn), Source: d.File, Object: object}
	var err error
	for _, f := range []struct {
		key string
		dst *string
	}{{"name", &g.Name}, {"interval", &g.Interval}, {"limit", &g.Limit}, {"query_offset", &g.QueryOffset}} {
		if *f.dst, err = d.Scalar(Get(gn, f.key), "group "+f.key); err != nil {
			return Group{}, err
		}
	}
	if g.Name == "" {
		return Group{}, d.Errorf(gn, "rule group has no name")
	}
	for _, f := range []struct{ key, val string }{{"interval", g.Interval}, {"query_offset", g.QueryOffset}} {
		if err := d.checkDuration(Get(gn, f.key), "group "+g.Name+": "+f.key, f.val); err != nil {
			return Group{}, err
		}
	}
	if g.Limit != "" {
		if _, err := strconv.Atoi(g.Limit); err != nil {
			return Group{}, d.Errorf(Get(gn, "limit"), "group %s: limit %q is not a whole number", g.Name, g.Limit)
		}
	}
	return g, nil
}

// readGroupBody reads a group's labels and its rules into g; `rules:`
// alone or absent is an empty group, as Prometheus loads it.
func (d Doc) readGroupBody(gn *yaml.Node, g *Group) error {
	var err error
	if g.Labels, _, err = d.StringMap(Get(gn, "labels"), "group labels"); err != nil {
		return err
	}
	if err := d.checkLabelNames(Get(gn, "labels"), "group "+g.Name+": label"); err != nil {
		return err
	}
	rn := ResolveAlias(Get(gn, "rules"))
	if rn == nil || rn.Tag == "!!null" {
		return nil
	}
	if err := d.Expect(rn, yaml.SequenceNode, "rules"); err != nil {
		return err
	}
	for _, r := range rn.Content {
		rule, err := d.readRule(ResolveAlias(r))
		if err != nil {
			return err
		}
		g.Rules = append(g.Rules, rule)
	}
	return nil
}

func (d Doc) readRule(n *yaml.Node) (Rule, error) {
	if err := d.Expect(n, yaml.MappingNode, "a rule"); err != nil {
		return Rule{}, err
	}
	if err := d.knownKeys(n, "rule", ruleKeys); err != nil {
		return Rule{}, err
	}
	r := Rule{Pos: d.Pos(n)}
	for _, step := range []func(*yaml.Node, *Rule) error{d.ruleName, d.ruleExpr, d.ruleDurations, d.recordName, d.ruleLabels} {
		if err := step(n, &r); err != nil {
			return r, err
		}
	}
	return r, nil
}

// ruleName reads whether the rule alerts or records, and its name.
func (d Doc) ruleName(n *yaml.Node, r *Rule) error {
	alert, record := Get(n, "alert"), Get(n, "record")
	var err error
	switch {
	case alert != nil && record != nil:
		return d.Errorf(n, "a rule has either alert or record, not both")
	case alert != nil:
		r.Kind = Alert
		r.Name, err = d.Scalar(alert, "alert")
	case record != nil:
		r.Kind = Record
		r.Name, err = d.Scalar(record, "record")
	default:
		return d.Errorf(n, "a rule needs alert or record")
	}
	if err != nil {
		return err
	}
	if r.Name == "" {
		return d.Errorf(n, "the rule's %s name is empty", r.Kind)
	}
	return nil
}

// ruleExpr reads the rule's expression and its position.
func (d Doc) ruleExpr(n *yaml.Node, r *Rule) error {
	var err error
	expr := Get(n, "expr")
	if expr == nil {
		return d.Errorf(n, "rule %s has no expr", r.Name)
	}
	if r.Expr, err = d.Scalar(expr, "expr"); err != nil {
		return err
	}
	if strings.TrimSpace(r.Expr) == "" {
		return d.Errorf(expr, "rule %s has an empty expr", r.Name)
	}
	r.ExprPos = d.Pos(expr)
	return nil
}

// ruleDurations reads for and keep_firing_for; a recording rule may have
// them only as 0.
func (d Doc) ruleDurations(n *yaml.Node, r *Rule) error {
	var err error
	if f := Get(n, "for"); f != nil {
		if r.For, err = d.Scalar(f, "for"); err != nil {
			return err
		}
		r.ForPos = d.Pos(f)
	}
	if r.KeepFiringFor, err = d.Scalar(Get(n, "keep_firing_for"), "keep_firing_for"); err != nil {
		return err
	}
	for _, f := range []struct {
		key string
		val *string
	}{{"for", &r.For}, {"keep_firing_for", &r.KeepFiringFor}} {
		if err := d.checkDuration(Get(n, f.key), "rule "+r.Name+": "+f.key, *f.val); err != nil {
			return err
		}
		if r.Kind == Record && *f.val != "" {
			if DurationOf(*f.val) != 0 {
				return d.Errorf(Get(n, f.key), "recording rule %s has %s %s: Prometheus refuses it on a recording rule", r.Name, f.key, *f.val)
			}
			*f.val = "" // 0 on a recording rule: Prometheus accepts and ignores it
		}
	}
	return nil
}

// recordName refuses a recording rule's name with braces.
func (d Doc) recordName(n *yaml.Node, r *Rule) error {
	if r.Kind == Record && strings.ContainsAny(r.Name, "{}") {
		return d.Errorf(alertOrRecord(n), "recording rule name %q has braces: Prometheus refuses it (move the label matchers into expr)", r.Name)
	}
	return nil
}

// ruleLabels reads the rule's labels and annotations with their
// positions; a recording rule has no annotations.
func (d Doc) ruleLabels(n *yaml.Node, r *Rule) error {
	var err error
	if r.Labels, r.LabelPos, err = d.StringMap(Get(n, "labels"), "labels"); err != nil {
		return err
	}
	if err := d.checkLabelNames(Get(n, "labels"), "rule "+r.Name+": label"); err != nil {
		return err
	}
	if r.Annotations, r.AnnotationPos, err = d.StringMap(Get(n, "annotations"), "annotations"); err != nil {
		return err
	}
	for _, kv := range Fields(ResolveAlias(Get(n, "annotations"))) {
		if kv[0].Value == "" {
			return d.Errorf(kv[0], "rule %s: an annotation name is empty", r.Name)
		}
	}
	if r.Kind == Record && len(r.Annotations) > 0 {
		return d.Errorf(n, "recording rule %s has annotations: Prometheus refuses them", r.Name)
	}
	return nil
}

// TemplateProblems are the alert's label and annotation templates that do
// not parse, at their positions: Prometheus refuses the rule file. (vet
// FILE reports them as template/syntax findings and goes on.)
func (r Rule) TemplateProblems() []string {
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
	if r := Get(n, "record"); r != nil {
		return r
	}
	return Get(n, "alert")
}

// checkDuration refuses what Prometheus's duration parser refuses, at the
// value's position.
func (d Doc) checkDuration(n *yaml.Node, what, val string) error {
	if val == "" {
		return nil
	}
	if _, err := model.ParseDuration(val); err != nil {
		return d.Errorf(n, "%s %q is not a duration: write one such as 30s, 5m or 1h30m (largest unit first)", what, val)
	}
	return nil
}

// checkLabelNames refuses an empty label name and __name__, which
// Prometheus refuses on rules and groups: a rule cannot rename its series.
func (d Doc) checkLabelNames(n *yaml.Node, what string) error {
	for _, kv := range Fields(ResolveAlias(n)) {
		switch kv[0].Value {
		case "":
			return d.Errorf(kv[0], "%s name is empty", what)
		case model.MetricNameLabel:
			return d.Errorf(kv[0], "%s %s: Prometheus refuses it (a recording rule's name is its record field)", what, model.MetricNameLabel)
		}
	}
	return nil
}

// knownKeys refuses keys a Prometheus rule file does not have, as
// rulefmt does, naming the closest known key.
func (d Doc) knownKeys(n *yaml.Node, what string, known []string) error {
	for _, kv := range Fields(n) {
		k := kv[0].Value
		if i := sort.SearchStrings(known, k); i < len(known) && known[i] == k {
			continue
		}
		return d.Errorf(kv[0], "unknown %s field %q (a %s has %s)", what, k, what, strings.Join(known, ", "))
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

// Settings are the group's interval, limit and query offset as mongen's
// ruleGroups holds them: durations in Prometheus's canonical spelling, and
// what Prometheus treats as unset (interval 0, limit 0 or less) left out.
func (g Group) Settings() (mmodel.RuleGroupSettings, bool) {
	var s mmodel.RuleGroupSettings
	if d := DurationOf(g.Interval); d > 0 {
		s.Interval = model.Duration(d).String()
	}
	if n, err := strconv.Atoi(g.Limit); err == nil && n > 0 {
		s.Limit = &n
	}
	if g.QueryOffset != "" {
		s.QueryOffset = model.Duration(DurationOf(g.QueryOffset)).String()
	}
	return s, s.Interval != "" || s.Limit != nil || s.QueryOffset != ""
}
