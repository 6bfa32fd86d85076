package kpsrules_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/mongen-dev/mongen/internal/corpus"
	"github.com/mongen-dev/mongen/internal/platform/kpsproof"
	"github.com/mongen-dev/mongen/internal/platform/kpsrules"
)

const chart = "88.5.3"

// valueSets are the values the chart is rendered with, each compared with
// EnabledRules. Every gate kind is switched at least once.
var valueSets = map[string]string{
	"default":      `{}`,
	"create-false": `{"defaultRules": {"create": false}}`,
	"rule-keys": `{"defaultRules": {"rules": {"etcd": false, "kubernetesApps": false,
		"nodeExporterAlerting": false, "kubeSchedulerRecording": false, "k8sContainerCpuLimits": true}}}`,
	"disabled": `{"defaultRules": {"disabled": {"TargetDown": true, "etcdNoLeader": true,
		"KubeControllerManagerDown": true, "KubeletDown": true, "Watchdog": false}}}`,
	"components": `{"kubeEtcd": {"enabled": false}, "windowsMonitoring": {"enabled": true},
		"kubeApiServer": {"enabled": false}, "prometheusOperator": {"kubeletService": {"enabled": false}}}`,
	"null-deletes": `{"defaultRules": {"rules": {"prometheus": null, "network": ""}}, "kubeProxy": {"enabled": 0}}`,
}

// renders caches one helm render per value set for the test binary.
type renders struct {
	mu   sync.Mutex
	objs map[string][]kpsproof.Object
}

var cache = &renders{objs: map[string][]kpsproof.Object{}}

func rendered(t *testing.T, name string) []kpsproof.Object {
	t.Helper()
	dir := corpus.KubePrometheusStackChart(t)
	cache.mu.Lock()
	defer cache.mu.Unlock()
	if objs, ok := cache.objs[name]; ok {
		return objs
	}
	objs, err := kpsproof.Chart{Dir: dir, Release: "kube-prometheus-stack", Namespace: "monitoring"}.Render(values(t, name))
	if err != nil {
		t.Fatal(err)
	}
	cache.objs[name] = objs
	return objs
}

func values(t *testing.T, name string) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal([]byte(valueSets[name]), &v); err != nil {
		t.Fatalf("value set %s: %v", name, err)
	}
	return v
}

// renderedRules lists every rule of every PrometheusRule the chart
// rendered, as "template group alert|record name", sorted.
func renderedRules(t *testing.T, objs []kpsproof.Object) []string {
	t.Helper()
	var out []string
	for _, o := range objs {
		if o.Kind != "PrometheusRule" {
			continue
		}
		var pr struct {
			Spec struct {
				Groups []struct {
					Name  string `json:"name"`
					Rules []struct {
						Alert  string `json:"alert"`
						Record string `json:"record"`
					} `json:"rules"`
				} `json:"groups"`
			} `json:"spec"`
		}
		if err := json.Unmarshal(o.JSON, &pr); err != nil {
			t.Fatal(err)
		}
		for _, g := range pr.Spec.Groups {
			for _, r := range g.Rules {
				if r.Alert != "" {
					out = append(out, fmt.Sprintf("%s %s alert %s", o.Source, g.Name, r.Alert))
				} else {
					out = append(out, fmt.Sprintf("%s %s record %s", o.Source, g.Name, r.Record))
				}
			}
		}
	}
	slices.Sort(out)
	return out
}

func keys(rules []kpsrules.Rule) []string {
	out := make([]string, len(rules))
	for i, r := range rules {
		kind := "alert"
		if r.Record {
			kind = "record"
		}
		out[i] = fmt.Sprintf("%s %s %s %s", r.Template, r.Group, kind, r.Name)
	}
	slices.Sort(out)
	return out
}

// TestEnabledRulesEqualsRenderedChart is the drift test: for each value set,
// the rules EnabledRules predicts are exactly (as a multiset, with group and
// template) the rules in the PrometheusRules helm renders.
func TestEnabledRulesEqualsRenderedChart(t *testing.T) {
	// Without the chart every value set is skipped: nothing to count.
	corpus.KubePrometheusStackChart(t)
	names := make([]string, 0, len(valueSets))
	for name := range valueSets {
		names = append(names, name)
	}
	slices.Sort(names)
	counts := map[string]int{}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			got, err := kpsrules.EnabledRules(chart, values(t, name))
			if err != nil {
				t.Fatal(err)
			}
			want := renderedRules(t, rendered(t, name))
			if g := keys(got); !slices.Equal(g, want) {
				t.Errorf("EnabledRules differs from the rendered chart:\n%s", diff(want, g))
			}
			counts[name] = len(want)
		})
	}
	// The value sets must change what renders, or they test nothing.
	if counts["default"] != 249 {
		t.Errorf("default values render %d rules, FACTS.md says 155 alerts + 94 records", counts["default"])
	}
	if counts["create-false"] != 0 {
		t.Errorf("defaultRules.create=false renders %d rules", counts["create-false"])
	}
	for _, name := range names {
		if name != "default" && counts[name] == counts["default"] {
			t.Errorf("value set %s renders as many rules as the defaults (%d)", name, counts[name])
		}
	}
}

func diff(want, got []string) string {
	var b strings.Builder
	for _, w := range want {
		if !slices.Contains(got, w) {
			fmt.Fprintf(&b, "  rendered, not predicted: %s\n", w)
		}
	}
	for _, g := range got {
		if !slices.Contains(want, g) {
			fmt.Fprintf(&b, "  predicted, not rendered: %s\n", g)
		}
	}
	if b.Len() == 0 {
		fmt.Fprintf(&b, "  same names, different counts: %d rendered, %d predicted\n", len(want), len(got))
	}
	return b.String()
}

func TestCharts(t *testing.T) {
	if got := kpsrules.Charts(); !slices.Equal(got, []string{"88.5.3"}) {
		t.Errorf("Charts() = %v", got)
	}
	_, err := kpsrules.EnabledRules("1.0.0", nil)
	if err == nil || !strings.Contains(err.Error(), "known: 88.5.3") {
		t.Errorf("unknown chart: %v", err)
	}
}

// TestGates pins how values reach single rules, without helm.
func TestGates(t *testing.T) {
	has := func(values string, alert string) bool {
		t.Helper()
		var v map[string]any
		if err := json.Unmarshal([]byte(values), &v); err != nil {
			t.Fatal(err)
		}
		alerts, err := kpsrules.Alerts(chart, v)
		if err != nil {
			t.Fatal(err)
		}
		_, found := slices.BinarySearch(alerts, alert)
		return found
	}
	for _, c := range []struct {
		values, alert string
		want          bool
	}{
		{`{}`, "etcdNoLeader", true},
		{`{"defaultRules": {"disabled": {"etcdNoLeader": true}}}`, "etcdNoLeader", false},
		{`{"defaultRules": {"disabled": {"etcdNoLeader": true}}}`, "etcdMembersDown", true},
		{`{"kubeEtcd": {"enabled": false}}`, "etcdMembersDown", false},
		{`{"kubeEtcd": null}`, "etcdMembersDown", false},
		{`{"kubeEtcd": "off"}`, "etcdMembersDown", false}, // a non-map replaces the chart's map
		{`{"defaultRules": {"create": false}}`, "Watchdog", false},
		{`{"defaultRules": {"rules": {"general": false}}}`, "Watchdog", false},
		// The whole controller-manager file is gated on its Down alert.
		{`{"defaultRules": {"disabled": {"KubeControllerManagerDown": true}}}`, "KubeControllerManagerInstanceUnreachable", false},
		{`{"prometheusOperator": {"kubeletService": {"enabled": false}}}`, "KubeletDown", false},
		{`{"prometheusOperator": {"kubeletService": {"enabled": false}}}`, "KubeNodeNotReady", true},
	} {
		if got := has(c.values, c.alert); got != c.want {
			t.Errorf("%s with %s: enabled = %v, want %v", c.alert, c.values, got, c.want)
		}
	}
}

func TestInventoryGates(t *testing.T) {
	entries, err := kpsrules.Inventory(chart)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name != "node:windows_node:sum" {
			continue
		}
		var gates []string
		for _, g := range e.Gates {
			gates = append(gates, g.String())
		}
		want := []string{"defaultRules.create", "windowsMonitoring.enabled", "defaultRules.rules.windows"}
		if !slices.Equal(gates, want) {
			t.Errorf("node:windows_node:sum gates %v, want %v", gates, want)
		}
		return
	}
	t.Error("no node:windows_node:sum in the inventory")
}
