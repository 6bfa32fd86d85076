package alertmanager

import (
	"strings"
	"testing"

	"github.com/mongen-dev/mongen/internal/artifact"
	"github.com/mongen-dev/mongen/internal/model"
	"github.com/mongen-dev/mongen/internal/verify/hardening"
	"github.com/mongen-dev/mongen/internal/verify/kube"
)

// The bridges are hardened workloads: every object passes the core-object
// validation and the hardening check (digests pinned), the NetworkPolicy
// admits only the Alertmanager's pods (the plain flavour's own labels
// when given), and two replicas get a PodDisruptionBudget.
func TestBridgesHardened(t *testing.T) {
	res := model.Resources{Requests: model.ResourceList{CPU: "10m", Memory: "32Mi"}, Limits: model.ResourceList{CPU: "200m", Memory: "128Mi"}}
	digest := "sha256:" + strings.Repeat("0f", 32)
	bridges := model.Bridges{
		DingTalk: &model.Bridge{Namespace: "monitoring", Image: "mirror.example/dingtalk:v2.1.0", Digest: digest, Port: 8060, ConfigSecret: "dt", Replicas: 2, Resources: res},
		Feishu: &model.Bridge{Namespace: "monitoring", Image: "mirror.example/feishu:v4.9.1", Digest: digest, Port: 8080, ConfigSecret: "fs", Replicas: 1, Resources: res,
			AlertmanagerPods: map[string]string{"app": "my-alertmanager"}},
	}
	rcv := model.Receiver{Integration: model.Integration{Kind: "dingtalk", Target: "team"}}
	p := planWith(t, model.FlavourPlain, rcv, bridges)
	tree := artifact.NewTree()
	if err := Render(p, tree); err != nil {
		t.Fatal(err)
	}
	v, err := kube.NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range tree.Files() {
		if strings.HasPrefix(f.Path, "manifests/") {
			if err := v.Validate(f.Data); err != nil {
				t.Errorf("%s: %v", f.Path, err)
			}
		}
	}
	for _, f := range hardening.Check(p, tree) {
		t.Errorf("hardening: %s", f)
	}
	for path, want := range map[string][]string{
		"manifests/deployment-dingtalk-bridge.yaml":          {"image: mirror.example/dingtalk:v2.1.0@sha256:0f0f", "path: /-/ready", "mountPath: /tmp"},
		"manifests/deployment-feishu-bridge.yaml":            {"tcpSocket:", "mountPath: /app/logs", "mountPath: /app/db"},
		"manifests/networkpolicy-dingtalk-bridge.yaml":       {"app.kubernetes.io/name: alertmanager", "kubernetes.io/metadata.name: monitoring", "port: http"},
		"manifests/networkpolicy-feishu-bridge.yaml":         {"app: my-alertmanager"},
		"manifests/poddisruptionbudget-dingtalk-bridge.yaml": {"maxUnavailable: 1"},
		"manifests/serviceaccount-feishu-bridge.yaml":        {"automountServiceAccountToken: false"},
	} {
		f, ok := tree.Get(path)
		if !ok {
			t.Errorf("%s not rendered", path)
			continue
		}
		for _, w := range want {
			if !strings.Contains(string(f.Data), w) {
				t.Errorf("%s lacks %q:\n%s", path, w, f.Data)
			}
		}
	}
	if _, ok := tree.Get("manifests/poddisruptionbudget-feishu-bridge.yaml"); ok {
		t.Error("a PodDisruptionBudget for one replica")
	}
}
