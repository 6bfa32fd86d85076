package plain

import (
	"fmt"

	"github.com/mongen-dev/mongen/internal/artifact"
	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/model"
)

type ruleFileDoc struct {
	Groups []ruleGroup `yaml:"groups"`
}

type ruleGroup struct {
	Name        string     `yaml:"name"`
	Interval    string     `yaml:"interval,omitempty"`
	Limit       int        `yaml:"limit,omitempty"`
	QueryOffset string     `yaml:"query_offset,omitempty"`
	Rules       []ruleItem `yaml:"rules"`
}

type ruleItem struct {
	Record        string            `yaml:"record,omitempty"`
	Alert         string            `yaml:"alert,omitempty"`
	Expr          string            `yaml:"expr"`
	For           string            `yaml:"for,omitempty"`
	KeepFiringFor string            `yaml:"keep_firing_for,omitempty"`
	Labels        map[string]string `yaml:"labels,omitempty"`
	Annotations   map[string]string `yaml:"annotations,omitempty"`
}

// RuleLabels are the labels a rule carries in every flavour: its own, plus
// the owning team on alerts so routing can select it.
func RuleLabels(r expand.Rule) map[string]string {
	labels := map[string]string{}
	for k, v := range r.Labels {
		labels[k] = v
	}
	if r.Kind == model.RuleAlert && r.Team != "" {
		if _, set := labels["team"]; !set {
			labels["team"] = r.Team
		}
	}
	if len(labels) == 0 {
		return nil
	}
	return labels
}

// RuleFile renders rules as a Prometheus rule file of one group, without
// the group's settings. verify uses it to check a single rule in isolation,
// so each error can name the rule's CUE position.
func RuleFile(group string, rules []expand.Rule) ([]byte, error) {
	return GroupFile(expand.Group{Name: group, Rules: rules})
}

// GroupFile renders one rule group, with its interval, limit and query
// offset, as a Prometheus rule file.
func GroupFile(g expand.Group) ([]byte, error) {
	data, err := marshal(ruleFileDoc{Groups: []ruleGroup{groupDoc(g)}})
	if err != nil {
		return nil, fmt.Errorf("render rules: group %q: %w", g.Name, err)
	}
	return data, nil
}

func groupDoc(eg expand.Group) ruleGroup {
	g := ruleGroup{Name: eg.Name, Interval: eg.Interval, Limit: eg.Limit, QueryOffset: eg.QueryOffset}
	for _, r := range eg.Rules {
		item := ruleItem{Expr: r.Expr, Labels: RuleLabels(r)}
		if r.Kind == model.RuleRecord {
			item.Record = r.Name
		} else {
			item.Alert = r.Name
			item.For = r.For
			item.KeepFiringFor = r.KeepFiringFor
			if len(r.Annotations) > 0 {
				item.Annotations = r.Annotations
			}
		}
		g.Rules = append(g.Rules, item)
	}
	return g
}

// RuleFilePath is where a group's file lives in the plain flavour.
func RuleFilePath(group string) string { return ruleFile(group) }

func renderRules(p *expand.Plan, t *artifact.Tree) error {
	for _, g := range p.ClusterGroups() {
		data, err := GroupFile(g)
		if err != nil {
			return err
		}
		if err := t.Add(artifact.File{Path: ruleFile(g.Name), Data: data, Origin: g.Origin}); err != nil {
			return fmt.Errorf("render rules: %w", err)
		}
	}
	return nil
}
