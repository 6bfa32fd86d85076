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
			Version:       "v0.39.2",
			Image:         "quay.io/thanos/thanos",
			ObjectStorage: model.SecretRef{Secret: "thanos-objstore", Key: "objstore.yml"},
			Stores:        map[string]string{"bj1": "sidecar.bj1.example.com:10901"},
			Query:         model.ThanosQuery{Name: "thanos-query", Replicas: 2},
			Ruler:         model.ThanosRuler{Name: "global", Replicas: 2, Retention: "24h"},
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
		if strings.Contains(p, "thanosruler") || strings.Contains(p, "app-global") || strings.Contains(p, "thanos-query") {
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

// TestThanosQuery: the hosting cluster runs Thanos Query over every
// cluster's sidecars and the ruler, deduplicating replicas; the ruler
// queries it unless queryEndpoints say otherwise; the Deployment and
// Service pass the strict core-object checks, which are not vacuous.
func TestThanosQuery(t *testing.T) {
	tree, err := renderEnv(t, thanosEnv())
	if err != nil {
		t.Fatal(err)
	}
	v, err := kube.NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	dep := string(mustGet(t, tree, "manifests/deployment-thanos-query.yaml"))
	svc := string(mustGet(t, tree, "manifests/service-thanos-query.yaml"))
	for name, data := range map[string]string{"Deployment": dep, "Service": svc} {
		if err := v.Validate([]byte(data)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	for _, want := range []string{
		"- --endpoint=sidecar.bj1.example.com:10901\n",
		"- --endpoint=dnssrv+_grpc._tcp.prometheus-operated.monitoring.svc.cluster.local\n",
		"- --endpoint=dnssrv+_grpc._tcp.thanos-ruler-operated.monitoring.svc.cluster.local\n",
		"- --query.replica-label=prometheus_replica\n",
		"- --query.replica-label=replica\n",
		"image: quay.io/thanos/thanos:v0.39.2\n",
	} {
		if !strings.Contains(dep, want) {
			t.Errorf("Thanos Query lacks %q:\n%s", want, dep)
		}
	}
	ruler := string(mustGet(t, tree, "manifests/thanosruler-global.yaml"))
	if !strings.Contains(ruler, "- dnssrv+_http._tcp.thanos-query.monitoring.svc.cluster.local\n") {
		t.Errorf("the ruler does not query the generated Thanos Query:\n%s", ruler)
	}

	for name, bad := range map[string]string{
		"Deployment with a misspelt field":         strings.Replace(dep, "readinessProbe:", "readynessProbe:", 1),
		"Deployment selecting other pods":          strings.Replace(dep, "      app.kubernetes.io/instance: thanos-query\n      app.kubernetes.io/name", "      app.kubernetes.io/instance: other\n      app.kubernetes.io/name", 1),
		"Deployment without an image":              strings.Replace(dep, "image: quay.io/thanos/thanos:v0.39.2", "image: \"\"", 1),
		"Service port out of range":                strings.Replace(svc, "port: 9090", "port: 90900", 1),
		"Service with a port that is not a number": strings.Replace(svc, "port: 9090", "port: http", 1),
		"Service with two ports of the same name":  strings.Replace(svc, "name: grpc", "name: http", 1),
	} {
		if err := v.Validate([]byte(bad)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}

	env := thanosEnv()
	env.Global.Thanos.QueryEndpoints = []string{"dnssrv+_http._tcp.my-query.obs.svc"}
	tree, err = renderEnv(t, env)
	if err != nil {
		t.Fatal(err)
	}
	if ruler := string(mustGet(t, tree, "manifests/thanosruler-global.yaml")); !strings.Contains(ruler, "- dnssrv+_http._tcp.my-query.obs.svc\n") || strings.Contains(ruler, "thanos-query") {
		t.Errorf("queryEndpoints do not replace the generated Query for the ruler:\n%s", ruler)
	}
}
