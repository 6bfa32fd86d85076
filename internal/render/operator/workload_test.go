package operator

import (
	"strings"
	"testing"

	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/model"
	"github.com/mongen-dev/mongen/internal/verify/hardening"
	"github.com/mongen-dev/mongen/internal/verify/kube"
)

// hardenedThanosEnv is thanosEnv with what the schema's defaults give:
// resources, persistent storage, and TLS on the StoreAPI.
func hardenedThanosEnv() *model.Environment {
	env := thanosEnv()
	env.Prometheus.Storage = model.Storage{Persistent: true, Size: "50Gi"}
	t := env.Global.Thanos
	t.Query.Resources = model.Resources{Requests: model.ResourceList{CPU: "100m", Memory: "256Mi"}, Limits: model.ResourceList{CPU: "1", Memory: "1Gi"}}
	t.Query.Digest = "sha256:" + strings.Repeat("ab", 32)
	t.Ruler.Storage = model.Storage{Persistent: true, Size: "10Gi", StorageClassName: "fast"}
	t.GRPCTLS = &model.ThanosTLS{Secret: "thanos-grpc-tls", CAKey: "ca.crt", CertKey: "tls.crt", KeyKey: "tls.key", ServerName: "thanos.example.com"}
	return env
}

// TestHardenedThanos: the Thanos Query, ruler and sidecar objects of a
// hosting cluster pass the CRD and core-object validation and the
// hardening check with nothing accepted; the StoreAPI is TLS on both ends.
func TestHardenedThanos(t *testing.T) {
	env := hardenedThanosEnv()
	p, err := expand.Expand(env)
	if err != nil {
		t.Fatal(err)
	}
	tree, err := renderEnv(t, env)
	if err != nil {
		t.Fatal(err)
	}
	v, err := kube.NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range tree.Files() {
		if err := v.Validate(f.Data); err != nil {
			t.Errorf("%s: %v", f.Path, err)
		}
	}
	for _, f := range hardening.Check(p, tree) {
		t.Errorf("hardening: %s", f)
	}
	for path, want := range map[string][]string{
		"manifests/deployment-thanos-query.yaml": {
			"--grpc-client-tls-secure", "--grpc-client-tls-ca=/etc/thanos/grpc-tls/ca.crt",
			"--grpc-client-tls-cert=/etc/thanos/grpc-tls/tls.crt", "--grpc-client-tls-key=/etc/thanos/grpc-tls/tls.key",
			"--grpc-client-server-name=thanos.example.com", "secretName: thanos-grpc-tls",
			"image: quay.io/thanos/thanos:v0.39.2@sha256:abab", "serviceAccountName: thanos-query", "automountServiceAccountToken: false",
		},
		"manifests/thanosruler-global.yaml": {"keyFile: /etc/thanos/grpc-tls/tls.key", "storage: 10Gi", "storageClassName: fast"},
		"manifests/prometheus-k8s.yaml":     {"grpcServerTlsConfig:", "mountPath: /etc/thanos/grpc-tls", "storage: 50Gi"},
		// Query's pods alone reach the sidecars' gRPC.
		"manifests/networkpolicy-mongen-thanos-sidecar-k8s.yaml": {"port: grpc", "app.kubernetes.io/name: thanos-query", "operator.prometheus.io/name: k8s"},
		"manifests/poddisruptionbudget-thanos-query.yaml":        {"maxUnavailable: 1"},
		"manifests/poddisruptionbudget-thanos-ruler-global.yaml": {"app.kubernetes.io/name: thanos-ruler", "app.kubernetes.io/instance: global"},
		"manifests/poddisruptionbudget-prometheus-k8s.yaml":      {"app.kubernetes.io/name: prometheus"},
		"manifests/serviceaccount-thanos-query.yaml":             {"automountServiceAccountToken: false"},
	} {
		data := string(mustGet(t, tree, path))
		for _, w := range want {
			if !strings.Contains(data, w) {
				t.Errorf("%s lacks %q:\n%s", path, w, data)
			}
		}
	}
}

// TestThanosDefaultsFailHardening: without TLS or a digest, the check
// names the plain gRPC to the other cluster and the tag-only image.
func TestThanosDefaultsFailHardening(t *testing.T) {
	env := hardenedThanosEnv()
	env.Global.Thanos.GRPCTLS = nil
	env.Global.Thanos.Query.Digest = ""
	env.Global.Thanos.Ruler.Storage.Persistent = false
	p, err := expand.Expand(env)
	if err != nil {
		t.Fatal(err)
	}
	tree, err := renderEnv(t, env)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, f := range hardening.Check(p, tree) {
		got[f.Check+" "+f.Subject] = true
	}
	for _, want := range []string{
		hardening.CheckGRPCTLS + " Deployment/thanos-query",
		hardening.CheckImageDigest + " Deployment/thanos-query",
		hardening.CheckStorage + " ThanosRuler/global",
	} {
		if !got[want] {
			t.Errorf("no finding %s; got %v", want, got)
		}
	}
	if len(got) != 3 {
		t.Errorf("want 3 findings, got %v", got)
	}
}

// TestSidecarPolicyOtherCluster: a cluster that does not host Query
// admits the sidecars' gRPC from grpcClientCIDRs, and gets no policy
// without them (it would cut the global view off).
func TestSidecarPolicyOtherCluster(t *testing.T) {
	env := hardenedThanosEnv()
	env.Cluster, env.ExternalLabels = "bj1", map[string]string{"cluster": "bj1"}
	tree, err := renderEnv(t, env)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := tree.Get("manifests/networkpolicy-mongen-thanos-sidecar-k8s.yaml"); ok {
		t.Error("a sidecar NetworkPolicy without any client")
	}
	env.Global.Thanos.GRPCClientCIDRs = []string{"203.0.113.0/24", "198.51.100.7/32"}
	tree, err = renderEnv(t, env)
	if err != nil {
		t.Fatal(err)
	}
	data := string(mustGet(t, tree, "manifests/networkpolicy-mongen-thanos-sidecar-k8s.yaml"))
	i, j := strings.Index(data, "cidr: 198.51.100.7/32"), strings.Index(data, "cidr: 203.0.113.0/24")
	if i < 0 || j < i || strings.Contains(data, "thanos-query") {
		t.Errorf("want both CIDRs, sorted, and no Query pods:\n%s", data)
	}
}

func TestStorageOff(t *testing.T) {
	s, err := Storage(model.Storage{Persistent: false, Size: "50Gi"})
	if err != nil || s != nil {
		t.Errorf("persistent: false: got %v, %v; want no volumeClaimTemplate", s, err)
	}
	if _, err := Storage(model.Storage{Persistent: true, Size: "fifty"}); err == nil || !strings.Contains(err.Error(), `storage.size "fifty"`) {
		t.Errorf("bad size: got %v", err)
	}
}
