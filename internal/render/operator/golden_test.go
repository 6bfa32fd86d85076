package operator

import (
	"bytes"
	"testing"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	monitoringv1alpha1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1alpha1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"github.com/mongen-dev/mongen/internal/artifact"
	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/golden"
)

// renderPlan is RenderWith without a memo, in the form golden.Render
// takes.
func renderPlan(p *expand.Plan, t *artifact.Tree) error { return RenderWith(p, t, nil) }

// A golden case is a txtar archive holding
//
//	input.json    a model.Environment as JSON (decoded strictly)
//	sources.json  optional: the environment's Sources (CUE positions)
//	origins.txt   every rendered path with its File.Origin ("-" when empty)
//	manifests/... the expected files
//
// UPDATE_GOLDEN=1 go test ./internal/render/operator/ rewrites the expected
// files from the current output.
func TestGolden(t *testing.T) {
	golden.Run(t, "testdata/*.txtar", golden.EnvInputs, func(t *testing.T, c *golden.Case) {
		p := c.Plan(t)
		tree := golden.Render(t, p, renderPlan)

		// Determinism: a second render of the same plan, and one of a
		// freshly decoded plan, give the same bytes.
		golden.Deterministic(t, tree, renderPlan, p, c.Plan(t))
		for _, f := range tree.Files() {
			checkManifest(t, f)
		}

		got := []golden.File{{Name: golden.OriginsFile, Data: golden.Origins(tree)}}
		c.Check(t, append(got, golden.TreeFiles(tree)...))
	})
}

// newTyped returns an empty object of the Go type of kind.
func newTyped(kind string) (any, bool) {
	switch kind {
	case monitoringv1.PrometheusesKind:
		return &monitoringv1.Prometheus{}, true
	case monitoringv1.ServiceMonitorsKind:
		return &monitoringv1.ServiceMonitor{}, true
	case monitoringv1.PodMonitorsKind:
		return &monitoringv1.PodMonitor{}, true
	case monitoringv1.ProbesKind:
		return &monitoringv1.Probe{}, true
	case monitoringv1.PrometheusRuleKind:
		return &monitoringv1.PrometheusRule{}, true
	case monitoringv1alpha1.ScrapeConfigsKind:
		return &monitoringv1alpha1.ScrapeConfig{}, true
	case "Service":
		return &corev1.Service{}, true
	case "Endpoints":
		//lint:ignore SA1019 see external.go
		return &corev1.Endpoints{}, true
	case "ServiceAccount":
		return &corev1.ServiceAccount{}, true
	case "ClusterRole":
		return &rbacv1.ClusterRole{}, true
	case "ClusterRoleBinding":
		return &rbacv1.ClusterRoleBinding{}, true
	case "PodDisruptionBudget":
		return &policyv1.PodDisruptionBudget{}, true
	case "NetworkPolicy":
		return &networkingv1.NetworkPolicy{}, true
	case "Deployment":
		return &appsv1.Deployment{}, true
	case monitoringv1.ThanosRulerKind:
		return &monitoringv1.ThanosRuler{}, true
	}
	return nil, false
}

// checkManifest checks one rendered file: it decodes strictly (no unknown
// or duplicate fields) into its upstream Go type, marshals back to the same
// bytes, sits at the path its kind and name give, carries the common labels
// and nothing of what cleaning removes.
func checkManifest(t *testing.T, f artifact.File) {
	t.Helper()
	var tm struct {
		metav1.TypeMeta `json:",inline"`
		Metadata        metav1.ObjectMeta `json:"metadata"`
	}
	if err := yaml.Unmarshal(f.Data, &tm); err != nil {
		t.Fatalf("%s: %v", f.Path, err)
	}
	if want := FilePath(tm.Kind, tm.Metadata.Name); f.Path != want {
		t.Errorf("%s: kind %s name %s belongs at %s", f.Path, tm.Kind, tm.Metadata.Name, want)
	}
	if tm.Metadata.Labels[ManagedByLabel] != ManagedByValue {
		t.Errorf("%s: missing label %s=%s", f.Path, ManagedByLabel, ManagedByValue)
	}
	obj, ok := newTyped(tm.Kind)
	if !ok {
		t.Fatalf("%s: no Go type for kind %q", f.Path, tm.Kind)
	}
	if err := yaml.UnmarshalStrict(f.Data, obj); err != nil {
		t.Fatalf("%s: strict decode into %T: %v", f.Path, obj, err)
	}
	again, err := Marshal(obj)
	if err != nil {
		t.Fatalf("%s: re-marshal: %v", f.Path, err)
	}
	if !bytes.Equal(again, f.Data) {
		t.Errorf("%s: does not round-trip through %T:\n--- file\n%s--- again\n%s", f.Path, obj, f.Data, again)
	}
	for _, bad := range []string{": null\n", "- null\n", "creationTimestamp", "\nstatus:"} {
		if bytes.Contains(f.Data, []byte(bad)) {
			t.Errorf("%s: contains %q", f.Path, bad)
		}
	}
}
