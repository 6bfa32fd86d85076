package operator

import (
	"strings"
	"testing"

	"github.com/mongen-dev/mongen/internal/artifact"
	"github.com/mongen-dev/mongen/internal/model"
	"github.com/mongen-dev/mongen/internal/verify/kube"
)

// thanosEnv is cluster sh1 of a two-cluster environment that hosts the
// Thanos global view, with a sharded Prometheus and one global group.
func thanosEnv() *model.Environment {
	env := baseEnv()
	env.Cluster, env.Clusters = "sh1", []string{"bj1", "sh1"}
	env.ExternalLabels = map[string]string{"cluster": "sh1"}
	env.Prometheus.Shards = 3
	env.Rules = map[string]model.RuleGroup{
		"app":        {"AppDown": {Kind: model.RuleAlert, Name: "AppDown", Expr: "up == 0", Enabled: true, Scope: model.ScopeCluster}},
		"app-global": {"cluster:up:sum": {Kind: model.RuleRecord, Name: "cluster:up:sum", Expr: "sum by (cluster) (up)", Enabled: true, Scope: model.ScopeGlobal}},
	}
	env.Global = &model.Global{
		Engine: model.EngineThanos, Cluster: "sh1",
		ExternalLabels:     map[string]string{"cluster": "global"},
		EvaluationInterval: "1m", PartialResponseStrategy: "abort",
		PartialResponse: map[string]string{"app-global": "warn"},
		Thanos: &model.Thanos{
			Version:        "v0.39.2",
			ObjectStorage:  model.SecretRef{Secret: "thanos-objstore", Key: "objstore.yml"},
			QueryEndpoints: []string{"dnssrv+_grpc._tcp.thanos-query.monitoring.svc"},
			Ruler:          model.ThanosRuler{Name: "global", Replicas: 2, Retention: "24h"},
		},
	}
	return env
}

// TestThanosObjectsValid renders the sharded Prometheus with its sidecar,
// the ThanosRuler and the global PrometheusRule, and validates each against
// the prometheus-operator CRD schemas.
func TestThanosObjectsValid(t *testing.T) {
	tree, err := renderEnv(t, thanosEnv())
	if err != nil {
		t.Fatal(err)
	}
	v, err := kube.NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"manifests/prometheus-k8s.yaml", "manifests/thanosruler-global.yaml", "manifests/prometheusrule-app-global.yaml", "manifests/prometheusrule-app.yaml"} {
		f, ok := tree.Get(p)
		if !ok {
			t.Fatalf("%s not rendered; have %v", p, tree.Paths())
		}
		if err := v.Validate(f.Data); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
	prom, _ := tree.Get("manifests/prometheus-k8s.yaml")
	for _, want := range []string{"shards: 3", "name: thanos-objstore", "operator: DoesNotExist"} {
		if !strings.Contains(string(prom.Data), want) {
			t.Errorf("Prometheus lacks %q:\n%s", want, prom.Data)
		}
	}
	global, _ := tree.Get("manifests/prometheusrule-app-global.yaml")
	if !strings.Contains(string(global.Data), "partial_response_strategy: warn") || strings.Contains(string(global.Data), "release:") {
		t.Errorf("global rule: want partial_response_strategy warn and no selector label:\n%s", global.Data)
	}
	cluster, _ := tree.Get("manifests/prometheusrule-app.yaml")
	if strings.Contains(string(cluster.Data), "cluster:up:sum") {
		t.Errorf("a global rule reached the cluster's Prometheus:\n%s", cluster.Data)
	}

	// The schemas are not vacuous for these kinds.
	for name, bad := range map[string]string{
		"ThanosRuler with a misspelt field": strings.Replace(string(mustGet(t, tree, "manifests/thanosruler-global.yaml")), "queryEndpoints:", "queryEndpoint:", 1),
		"unknown partial response strategy": strings.Replace(string(global.Data), "partial_response_strategy: warn", "partial_response_strategy: maybe", 1),
		"shards not a number":               strings.Replace(string(prom.Data), "shards: 3", "shards: three", 1),
	} {
		if err := v.Validate([]byte(bad)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// TestGlobalViewElsewhere: a cluster that does not host the global view
// gets the sidecar but neither the ruler nor the global rules.
func TestGlobalViewElsewhere(t *testing.T) {
	env := thanosEnv()
	env.Cluster = "bj1"
	tree, err := renderEnv(t, env)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range tree.Paths() {
		if strings.Contains(p, "thanosruler") || strings.Contains(p, "app-global") {
			t.Errorf("%s rendered outside the hosting cluster", p)
		}
	}
	if !strings.Contains(string(mustGet(t, tree, "manifests/prometheus-k8s.yaml")), "thanos-objstore") {
		t.Error("bj1's Prometheus has no Thanos sidecar")
	}
}

func mustGet(t *testing.T, tree *artifact.Tree, p string) []byte {
	t.Helper()
	f, ok := tree.Get(p)
	if !ok {
		t.Fatalf("%s not rendered", p)
	}
	return f.Data
}
