package importer

import (
	"strings"
	"testing"

	"github.com/mongen-dev/mongen/internal/diag"
)

// FuzzRead feeds arbitrary bytes to the YAML readers: they must never
// panic, a failure must be a positioned error naming the file and leave the
// input unchanged, and whatever is read must vet without panicking.
func FuzzRead(f *testing.F) {
	for _, seed := range []string{
		"groups:\n- name: a\n  rules:\n  - alert: A\n    expr: up == 0\n    labels: {severity: critical}\n",
		"apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata: {name: x}\nspec:\n  groups: [{name: g, rules: [{record: 'a:b', expr: 'sum(x)'}]}]\n---\n",
		"route:\n  receiver: a\nreceivers:\n- name: a\n",
		"route:\n  receiver: a\n  routes:\n  - {receiver: b, matchers: ['x=~\"y|z\"'], continue: true, routes: [{match: {s: c}, mute_time_intervals: [m]}]}\n  - {receiver: a, matchers: ['severity=\"critical\"']}\nreceivers:\n- name: a\n  webhook_configs: [{url: 'http://a/'}]\n  pagerduty_configs: [{routing_key: k}]\n- name: b\n  opsgenie_configs: [{api_key: k}]\n  slack_configs: [{api_url: 'http://s/', channel: '#c'}]\ntime_intervals:\n- name: m\n  time_intervals: [{days_of_month: ['1:7'], months: [may], years: ['2026']}]\n",
		"scrape_configs:\n- job_name: a\n  static_configs: [{targets: ['x:1']}]\n",
		"apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: x}\nspec: {endpoints: [{port: web}]}\n",
		"defaultRules: {create: true}\nadditionalPrometheusRulesMap:\n  x:\n    groups: [{name: g, rules: [{alert: A, expr: up == 0, labels: {severity: warning}}]}]\nalertmanager:\n  config:\n    route: {receiver: a}\n    receivers: [{name: a}]\nprometheus:\n  additionalServiceMonitors: [{name: m, endpoints: [{port: web}]}]\n  prometheusSpec:\n    additionalScrapeConfigs: [{job_name: j, static_configs: [{targets: ['x:1']}]}]\n",
		"scrape_configs:\n- job_name: s\n  kubernetes_sd_configs: [{role: endpoints, namespaces: {names: [a]}}]\n  relabel_configs:\n  - {source_labels: [__meta_kubernetes_service_label_app], regex: s, action: keep}\n  - {source_labels: [__meta_kubernetes_endpoint_port_name], regex: m, action: keep}\n  - {source_labels: [__meta_kubernetes_endpoint_address_target_kind, __meta_kubernetes_endpoint_address_target_name], separator: ';', regex: 'Node;(.*)', target_label: node, replacement: '${1}'}\n  - {source_labels: [__meta_kubernetes_namespace], target_label: namespace}\n  - {source_labels: [__meta_kubernetes_service_name], target_label: service}\n  - {source_labels: [__meta_kubernetes_pod_name], target_label: pod}\n  - {source_labels: [__meta_kubernetes_pod_container_name], target_label: container}\n  - {source_labels: [__meta_kubernetes_pod_phase], regex: (Failed|Succeeded), action: drop}\n  - {target_label: endpoint, replacement: m}\n",
		"groups:\n\t- bad",
		"groups: &a [*a]",
		"",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data string) {
		in := &Input{}
		err := in.Read("f.yaml", []byte(data))
		if err != nil {
			l, ok := diag.As(err)
			if !ok || len(l) == 0 || l[0].Pos.File != "f.yaml" || !strings.HasPrefix(err.Error(), "f.yaml") {
				t.Fatalf("error without position: %v", err)
			}
			if len(in.Groups)+len(in.Alertmanager)+len(in.Prometheus)+len(in.Monitors)+len(in.Files) != 0 {
				t.Fatalf("a failed read changed the input")
			}
			return
		}
		for _, g := range in.Groups {
			for _, r := range g.Rules {
				if !strings.HasPrefix(r.Pos, "f.yaml:") || r.Name == "" || (r.Kind != Alert && r.Kind != Record) {
					t.Fatalf("malformed rule %+v", r)
				}
			}
		}
		_, _ = Vet(in, VetOptions{})
		_, _ = Convert(in, Options{Env: "f", Tiering: Tiering{OtherSeverity: "P1"}})
	})
}
