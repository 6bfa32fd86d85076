// Package kubeprom knows what kube-prometheus's generated manifests deploy
// (../shared/corpus/kube-prometheus-manifests, commit 4d719f1d): the
// ServiceMonitors it ships for the components mongen's library exporters
// scrape, and every rule of its PrometheusRules, with where it stands, so
// that mongen's kustomize component can take out what mongen replaces.
package kubeprom

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"sort"
)

// Commit is the kube-prometheus commit the facts come from.
const Commit = "4d719f1d"

// Namespace is where kube-prometheus deploys everything.
const Namespace = "monitoring"

// Rule is one rule of kube-prometheus's PrometheusRules and its place.
type Rule struct {
	Object     string `json:"object"` // the PrometheusRule's name
	Group      string `json:"group"`
	GroupIndex int    `json:"groupIndex"`
	RuleIndex  int    `json:"ruleIndex"`
	Name       string `json:"name"`
	Record     bool   `json:"record,omitempty"`
}

//go:embed rules-4d719f1d.json
var rulesJSON []byte

// Rules are kube-prometheus's rules, in manifest order.
func Rules() ([]Rule, error) {
	var rules []Rule
	if err := json.Unmarshal(rulesJSON, &rules); err != nil {
		return nil, fmt.Errorf("kube-prometheus rules: %w", err)
	}
	return rules, nil
}

// ServiceMonitor names kube-prometheus's own ServiceMonitor for a
// platform service (schemas/platform.cue), if it ships one.
func ServiceMonitor(service string) (string, bool) {
	name, ok := map[string]string{
		"node-exporter":           "node-exporter",
		"kube-state-metrics":      "kube-state-metrics",
		"kubelet":                 "kubelet",
		"apiserver":               "kube-apiserver",
		"coredns":                 "coredns",
		"kube-controller-manager": "kube-controller-manager",
		"kube-scheduler":          "kube-scheduler",
	}[service]
	return name, ok
}

// Removals are the JSON patch paths that take rules out of one
// PrometheusRule, last first so every index still points where it did.
func Removals(rules []Rule) []string {
	sorted := append([]Rule(nil), rules...)
	sort.Slice(sorted, func(i, j int) bool {
		a, b := sorted[i], sorted[j]
		if a.GroupIndex != b.GroupIndex {
			return a.GroupIndex > b.GroupIndex
		}
		return a.RuleIndex > b.RuleIndex
	})
	out := make([]string, len(sorted))
	for i, r := range sorted {
		out[i] = fmt.Sprintf("/spec/groups/%d/rules/%d", r.GroupIndex, r.RuleIndex)
	}
	return out
}
