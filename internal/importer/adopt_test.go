package importer

import (
	"strings"
	"testing"

	"github.com/mongen-dev/mongen/internal/model"
)

// TestAdoptionPicksTheJobMostRulesMatch: rules matching one exporter under
// two job names adopt it under the job more of them use; the others stay
// copies, and the built environment has the input's rules and no more.
func TestAdoptionPicksTheJobMostRulesMatch(t *testing.T) {
	src := `groups:
- name: nodes
  rules:
  - alert: NodeDown
    expr: up{job="nodes"} == 0
    for: 5m
    labels: {severity: critical}
  - alert: NodeMemoryHigh
    expr: (1 - node_memory_MemAvailable_bytes{job="nodes"} / node_memory_MemTotal_bytes{job="nodes"}) * 100 > 70
    for: 15m
    labels: {severity: warning}
  - alert: NodeCPUHigh
    expr: sum without (mode) (avg without (cpu) (rate(node_cpu_seconds_total{job="node-exporter",mode!~"idle|iowait"}[2m]))) * 100 > 90
    for: 15m
    labels: {severity: info}
`
	in := &Input{}
	if err := in.Read("rules.yaml", []byte(src)); err != nil {
		t.Fatal(err)
	}
	imp, err := Convert(in, Options{Env: "app"})
	if err != nil {
		t.Fatal(err)
	}
	if len(imp.Adopted) != 1 || imp.Adopted[0].Job != "nodes" || imp.Adopted[0].Key != "nodes" || imp.Adopted[0].Rules != 2 {
		t.Fatalf("adopted = %+v", imp.Adopted)
	}
	ov := imp.Env.Overrides
	if th := ov["NodeMemoryHigh"].Threshold; th == nil || *th != 70 {
		t.Errorf("NodeMemoryHigh threshold override = %v", th)
	}
	if _, ok := ov["NodeDown"]; ok {
		t.Errorf("NodeDown needed no override: %+v", ov["NodeDown"])
	}
	if d := ov["NodeCPUHigh"].Disabled; d == nil || !*d || !strings.Contains(ov["NodeCPUHigh"].Reason, "rules.yaml:12:5") {
		t.Errorf("the library NodeCPUHigh must be off because of the copy at rules.yaml:12:5: %+v", ov["NodeCPUHigh"])
	}
	if _, copied := imp.Env.Rules["nodes"]["NodeCPUHigh"]; !copied {
		t.Errorf("NodeCPUHigh under another job is not kept as a copy: %v", imp.Env.Rules)
	}
	if !strings.Contains(string(imp.Files["library.cue"]), `job: "nodes"`) {
		t.Errorf("library.cue does not set the job:\n%s", imp.Files["library.cue"])
	}
	plan := buildPlan(t, imp)
	if ds := Compare(in, imp, plan); Unexplained(ds) != 0 {
		t.Errorf("the round trip differs: %v", ds)
	}
	n := 0
	for _, g := range plan.Groups {
		n += len(g.Rules)
	}
	if n != 3 {
		t.Errorf("the environment builds %d rules, the input has 3", n)
	}
}

// A kubernetes_sd job in a target's shape whose authorization is not a
// bearer token stays raw: the proof leaves credentials aside, so the
// shared field checks must refuse it.
func TestKubernetesJobWithBasicAuthorizationStaysRaw(t *testing.T) {
	job := func(auth string) string {
		return `scrape_configs:
- job_name: shop
  kubernetes_sd_configs: [{role: endpoints, namespaces: {names: [shop]}}]
` + auth + `  relabel_configs:
  - {source_labels: [__meta_kubernetes_service_label_app], regex: shop, action: keep}
  - {source_labels: [__meta_kubernetes_endpoint_port_name], regex: metrics, action: keep}
  - {source_labels: [__meta_kubernetes_endpoint_address_target_kind, __meta_kubernetes_endpoint_address_target_name], separator: ';', regex: 'Node;(.*)', target_label: node, replacement: '${1}'}
  - {source_labels: [__meta_kubernetes_namespace], target_label: namespace}
  - {source_labels: [__meta_kubernetes_service_name], target_label: service}
  - {source_labels: [__meta_kubernetes_pod_name], target_label: pod}
  - {source_labels: [__meta_kubernetes_pod_container_name], target_label: container}
  - {source_labels: [__meta_kubernetes_pod_phase], regex: (Failed|Succeeded), action: drop}
  - {target_label: endpoint, replacement: metrics}
`
	}
	convert := func(src string) *Import {
		in := &Input{}
		if err := in.Read("prometheus.yml", []byte(src)); err != nil {
			t.Fatal(err)
		}
		imp, err := Convert(in, Options{Env: "app", Flavour: model.FlavourPlain})
		if err != nil {
			t.Fatal(err)
		}
		return imp
	}
	if imp := convert(job("")); imp.Env.Targets["shop"].Kind != model.KindService {
		t.Fatalf("the job in a target's shape did not become a service target: %+v", imp.Env.RawScrapeConfigs)
	}
	// Prometheus refuses type Basic itself (basic_auth is its spelling),
	// so the type a ServiceMonitor cannot carry is another one.
	in := &Input{}
	if err := in.Read("prometheus.yml", []byte(job("  authorization: {type: Basic, credentials_file: /etc/prometheus/secrets/shop/creds}\n"))); err == nil || !strings.Contains(err.Error(), `authorization type cannot be set to "basic"`) {
		t.Errorf("type Basic, which Prometheus refuses, was read: %v", err)
	}
	imp := convert(job("  authorization: {type: Digest, credentials_file: /etc/prometheus/secrets/shop/creds}\n"))
	if _, raw := imp.Env.RawScrapeConfigs["shop"]; !raw {
		t.Fatalf("a Digest authorization became a target: %+v", imp.Env.Targets)
	}
	found := false
	for _, n := range imp.Notes {
		found = found || strings.Contains(n.Msg, "its authorization type is Digest")
	}
	if !found {
		t.Errorf("the note does not say why: %v", imp.Notes)
	}
	if len(imp.Secrets) != 0 {
		t.Errorf("a refused conversion left checklist items: %v", imp.Secrets)
	}
}
