// Package kpsrules knows the default rules of the kube-prometheus-stack
// chart: for each chart version with an inventory, every alerting and
// recording rule its templates/prometheus/rules-1.14/ PrometheusRules can
// render, and the values that decide whether they do. mongen reads it at
// build time, without helm, to never define an alert that an enabled chart
// rule also defines.
//
// The inventories are generated from the chart's templates (go generate;
// gen/ parses the templates' {{ if }} conditions) and proven against
// helm's own rendering of the chart in this package's tests.
package kpsrules

import (
	"cmp"
	"embed"
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"
)

//go:generate go run ./gen -chart ../../../../shared/corpus/kube-prometheus-stack/chart -o inventory

//go:embed inventory/*.json
var inventories embed.FS

// Rule is one rule of a chart default-rule template.
type Rule struct {
	Name string
	// Record is true for a recording rule, false for an alert.
	Record bool
	// Group is the rule group's name in the PrometheusRule.
	Group string
	// Template is the template's path in the chart, e.g.
	// "templates/prometheus/rules-1.14/etcd.yaml".
	Template string
}

// Gate is one condition a rule needs: the chart value at Path is true in
// the Go template sense (or, with Negate, is not).
type Gate struct {
	Path   string
	Negate bool
}

func (g Gate) String() string {
	if g.Negate {
		return "not " + g.Path
	}
	return g.Path
}

// Entry is a rule with every gate it needs, all of which must hold.
type Entry struct {
	Rule
	Gates []Gate
}

// inventory is the shape of inventory/<chart>.json (gen.Inventory).
type inventory struct {
	Chart    string          `json:"chart"`
	Defaults map[string]bool `json:"defaults"`
	Rules    []struct {
		Name     string `json:"name"`
		Record   bool   `json:"record"`
		Group    string `json:"group"`
		Template string `json:"template"`
		Gates    []struct {
			Path   string `json:"path"`
			Negate bool   `json:"negate"`
		} `json:"gates"`
	} `json:"rules"`
}

// Charts returns the chart versions with an inventory, sorted by version.
func Charts() []string {
	ents, err := inventories.ReadDir("inventory")
	if err != nil {
		panic(fmt.Sprintf("kpsrules: embedded inventory: %v", err)) // the embed pattern guarantees the directory
	}
	var out []string
	for _, e := range ents {
		if name, ok := strings.CutSuffix(e.Name(), ".json"); ok {
			out = append(out, name)
		}
	}
	slices.SortFunc(out, compareVersions)
	return out
}

// compareVersions orders dotted versions field by field, numerically
// where both fields are numbers.
func compareVersions(a, b string) int {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(as) && i < len(bs); i++ {
		x, errA := strconv.Atoi(as[i])
		y, errB := strconv.Atoi(bs[i])
		var c int
		if errA == nil && errB == nil {
			c = cmp.Compare(x, y)
		} else {
			c = strings.Compare(as[i], bs[i])
		}
		if c != 0 {
			return c
		}
	}
	return cmp.Compare(len(as), len(bs))
}

func load(chart string) (*inventory, error) {
	data, err := inventories.ReadFile(path.Join("inventory", chart+".json"))
	if err != nil {
		return nil, fmt.Errorf("kube-prometheus-stack chart %q has no rule inventory (known: %s)", chart, strings.Join(Charts(), ", "))
	}
	var inv inventory
	if err := json.Unmarshal(data, &inv); err != nil {
		return nil, fmt.Errorf("rule inventory of chart %s: %w", chart, err)
	}
	return &inv, nil
}

// Inventory returns every rule the chart's default-rule templates hold,
// with their gates, in template order (templates by path).
func Inventory(chart string) ([]Entry, error) {
	inv, err := load(chart)
	if err != nil {
		return nil, err
	}
	out := make([]Entry, len(inv.Rules))
	for i, r := range inv.Rules {
		e := Entry{Rule: Rule{Name: r.Name, Record: r.Record, Group: r.Group, Template: r.Template}}
		for _, g := range r.Gates {
			e.Gates = append(e.Gates, Gate{Path: g.Path, Negate: g.Negate})
		}
		out[i] = e
	}
	return out, nil
}

// EnabledRules returns the rules the chart renders for values: the user's
// values merged over the chart's defaults, as helm merges them (a map
// merges key by key, any other value replaces the default, and null
// removes it). The order is the inventory's. The templates' Kubernetes
// version check (>= 1.14) is assumed to hold.
func EnabledRules(chart string, values map[string]any) ([]Rule, error) {
	inv, err := load(chart)
	if err != nil {
		return nil, err
	}
	var out []Rule
	for _, r := range inv.Rules {
		on := true
		for _, g := range r.Gates {
			if Truth(effective(values, inv.Defaults, g.Path)) == g.Negate {
				on = false
				break
			}
		}
		if on {
			out = append(out, Rule{Name: r.Name, Record: r.Record, Group: r.Group, Template: r.Template})
		}
	}
	return out, nil
}

// Alerts returns the names of the alerts EnabledRules returns, sorted and
// without repeats.
func Alerts(chart string, values map[string]any) ([]string, error) {
	rules, err := EnabledRules(chart, values)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, r := range rules {
		if !r.Record {
			out = append(out, r.Name)
		}
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// effective is the merged value at a dotted path: the user's when their
// values reach it (nil when they set it, or a map on the way, to null, or
// put a non-map where the chart has a map), the chart default otherwise.
func effective(values map[string]any, defaults map[string]bool, p string) any {
	var cur any = values
	for _, k := range strings.Split(p, ".") {
		m, ok := asMap(cur)
		if !ok {
			return nil // helm keeps the user's non-map value: the path is gone
		}
		v, set := m[k]
		if !set {
			return defaults[p]
		}
		if v == nil {
			return nil // null deletes the chart's default
		}
		cur = v
	}
	return cur
}

func asMap(v any) (map[string]any, bool) {
	switch m := v.(type) {
	case map[string]any:
		return m, true
	case map[any]any: // gopkg.in/yaml.v2 decodes to this
		out := make(map[string]any, len(m))
		for k, v := range m {
			out[fmt.Sprint(k)] = v
		}
		return out, true
	}
	return nil, false
}

// Truth is text/template's truth: false, 0, nil, and empty strings, maps
// and lists are false.
func Truth(v any) bool {
	switch v := v.(type) {
	case nil:
		return false
	case bool:
		return v
	case string:
		return v != ""
	case int:
		return v != 0
	case int64:
		return v != 0
	case uint64:
		return v != 0
	case float64:
		return v != 0
	case map[string]any:
		return len(v) > 0
	case map[any]any:
		return len(v) > 0
	case []any:
		return len(v) > 0
	}
	return true
}
