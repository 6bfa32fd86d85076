package kustomizecheck

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

func validTree() map[string][]byte {
	return map[string][]byte{
		"kustomization.yaml": []byte(`apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: monitoring
resources:
  - manifests/prometheusrule-node.yaml
  - manifests/servicemonitor-openclaw.yaml
  - manifests/namespace-monitoring.yaml
configMapGenerator:
  - name: prometheus-config
    files:
      - prometheus.yml=prometheus/prometheus.yml
      - prometheus/rules/node.yaml
  - name: dashboard-node
    files:
      - dashboards/node.json
    options:
      labels:
        grafana_dashboard: "1"
generatorOptions:
  disableNameSuffixHash: true
`),
		"manifests/prometheusrule-node.yaml": []byte(`apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: node
  labels:
    release: kube-prometheus-stack
spec:
  groups:
    - name: node
      rules:
        - alert: NodeDown
          expr: up{job="node"} == 0
`),
		"manifests/servicemonitor-openclaw.yaml": []byte(`apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: openclaw
  namespace: openclaw
spec:
  selector:
    matchLabels:
      app: openclaw
  endpoints:
    - port: metrics
`),
		"manifests/namespace-monitoring.yaml": []byte(`apiVersion: v1
kind: Namespace
metadata:
  name: monitoring
`),
		"prometheus/prometheus.yml":  []byte("rule_files: [rules/node.yaml]\n"),
		"prometheus/rules/node.yaml": []byte("groups: []\n"),
		"dashboards/node.json":       []byte(`{"uid": "node", "title": "Node"}`),
	}
}

func TestBuild(t *testing.T) {
	out, err := Build(validTree())
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	s := string(out)
	for _, want := range []string{
		"kind: PrometheusRule",
		"name: prometheus-config\n", // no hash suffix
		"  prometheus.yml: |\n    rule_files: [rules/node.yaml]\n",
		"  node.yaml: |\n    groups: []\n",
		"grafana_dashboard: \"1\"",
		"namespace: monitoring",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("output does not contain %q:\n%s", want, s)
		}
	}
}

func TestResources(t *testing.T) {
	ids, err := Resources(validTree())
	if err != nil {
		t.Fatalf("Resources: %v", err)
	}
	var got []string
	for _, id := range ids {
		got = append(got, id.String())
	}
	want := []string{
		"v1 ConfigMap/monitoring/dashboard-node",
		"v1 ConfigMap/monitoring/prometheus-config",
		"v1 Namespace/monitoring",
		"monitoring.coreos.com/v1 PrometheusRule/monitoring/node",
		// The kustomization's namespace overrides the manifest's.
		"monitoring.coreos.com/v1 ServiceMonitor/monitoring/openclaw",
	}
	if !slices.Equal(got, want) {
		t.Errorf("resources:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestBuildErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(map[string][]byte)
		want   []string
	}{
		{
			name:   "missing resource",
			change: func(m map[string][]byte) { delete(m, "manifests/servicemonitor-openclaw.yaml") },
			want:   []string{"kustomize build:", "manifests/servicemonitor-openclaw.yaml"},
		},
		{
			name:   "missing generator file",
			change: func(m map[string][]byte) { delete(m, "dashboards/node.json") },
			want:   []string{"kustomize build:", "dashboards/node.json"},
		},
		{
			name: "duplicate object",
			change: func(m map[string][]byte) {
				m["manifests/prometheusrule-node-again.yaml"] = m["manifests/prometheusrule-node.yaml"]
				m["kustomization.yaml"] = []byte(strings.Replace(string(m["kustomization.yaml"]),
					"resources:\n", "resources:\n  - manifests/prometheusrule-node-again.yaml\n", 1))
			},
			want: []string{"kustomize build:", "already registered id", "PrometheusRule", "node"},
		},
		{
			name: "same file listed twice",
			change: func(m map[string][]byte) {
				m["kustomization.yaml"] = []byte(strings.Replace(string(m["kustomization.yaml"]),
					"resources:\n", "resources:\n  - manifests/namespace-monitoring.yaml\n", 1))
			},
			want: []string{"kustomize build:", "manifests/namespace-monitoring.yaml"},
		},
		{
			name:   "no kustomization",
			change: func(m map[string][]byte) { delete(m, "kustomization.yaml") },
			want:   []string{"kustomize build: no kustomization.yaml"},
		},
		{
			name:   "unclean path",
			change: func(m map[string][]byte) { m["../x.yaml"] = nil },
			want:   []string{`kustomize build: file path "../x.yaml" is not a clean relative`},
		},
		{
			name: "unknown kustomization field",
			change: func(m map[string][]byte) {
				m["kustomization.yaml"] = append(m["kustomization.yaml"], "resourcez: []\n"...)
			},
			want: []string{"kustomize build:", "resourcez"},
		},
		{
			name: "invalid manifest",
			change: func(m map[string][]byte) {
				m["manifests/namespace-monitoring.yaml"] = []byte("apiVersion: v1\nkind: Namespace\nmetadata: [\n")
			},
			want: []string{"kustomize build:", "manifests/namespace-monitoring.yaml"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files := validTree()
			tc.change(files)
			_, err := Build(files)
			if err == nil {
				t.Fatal("Build succeeded, want an error")
			}
			t.Logf("error: %v", err)
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\ndoes not contain %q", err, w)
				}
			}
			if _, err2 := Resources(files); err2 == nil || err2.Error() != err.Error() {
				t.Errorf("Resources error = %v, want %v", err2, err)
			}
		})
	}
}

func BenchmarkBuild(b *testing.B) {
	files := map[string][]byte{}
	var k strings.Builder
	k.WriteString("resources:\n")
	for i := range 200 {
		name := fmt.Sprintf("manifests/prometheusrule-%03d.yaml", i)
		fmt.Fprintf(&k, "  - %s\n", name)
		files[name] = fmt.Appendf(nil, "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata:\n  name: r%03d\n  namespace: monitoring\nspec:\n  groups:\n    - name: g\n      rules:\n        - alert: A\n          expr: up == 0\n", i)
	}
	files["kustomization.yaml"] = []byte(k.String())
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Build(files); err != nil {
			b.Fatal(err)
		}
	}
}
