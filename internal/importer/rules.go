package importer

import (
	"fmt"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
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
		if prev, dup := seen[g.Name]; dup {
			return nil, d.errorf(gn, "rule group %q is also defined at %s: Prometheus refuses duplicate group names in one file", g.Name, prev)
		}
		seen[g.Name] = g.Pos
		if g.Labels, _, err = d.stringMap(get(gn, "labels"), "group labels"); err != nil {
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
	if r.Labels, r.LabelPos, err = d.stringMap(get(n, "labels"), "labels"); err != nil {
		return r, err
	}
	if r.Annotations, r.AnnotationPos, err = d.stringMap(get(n, "annotations"), "annotations"); err != nil {
		return r, err
	}
	if r.Kind == Record && len(r.Annotations) > 0 {
		return r, d.errorf(n, "recording rule %s has annotations: Prometheus refuses them", r.Name)
	}
	return r, nil
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
