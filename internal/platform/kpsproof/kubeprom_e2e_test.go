package kpsproof

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/mongen-dev/mongen/internal/corpus"
	"github.com/mongen-dev/mongen/internal/load"
	"github.com/mongen-dev/mongen/internal/pipeline"
	"github.com/mongen-dev/mongen/internal/render/kubeprom"
	"github.com/mongen-dev/mongen/internal/verify/kustomizecheck"
)

// kubePrometheusWith is the kustomize build of kube-prometheus's manifests
// with mongen's component (out/<env>/kube-prometheus/) applied, as a user's
// kube-prometheus kustomization includes it; without the component when
// component is nil.
func kubePrometheusWith(t *testing.T, dir string, component []byte) []Object {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	var resources []string
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".yaml") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		files["kp/"+e.Name()] = data
		resources = append(resources, "kp/"+e.Name())
	}
	sort.Strings(resources)
	k := "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n"
	for _, r := range resources {
		k += "  - " + r + "\n"
	}
	if component != nil {
		files["mongen/kustomization.yaml"] = component
		k += "components:\n  - mongen\n"
	}
	files["kustomization.yaml"] = []byte(k)
	out, err := kustomizecheck.Build(files)
	if err != nil {
		t.Fatalf("kustomize build of kube-prometheus with mongen's component: %v", err)
	}
	objs, err := ParseObjects(out, "monitoring", "kube-prometheus")
	if err != nil {
		t.Fatal(err)
	}
	return objs
}

// TestKubePrometheusEnvironmentOnTheManifests builds an environment on the
// kube-prometheus profile, applies its component to kube-prometheus's
// generated manifests with kustomize, and proves every fact; without the
// component the same output fails (double scrapes, kube-prometheus's own
// Alertmanager configuration, duplicate alerts, dashboards nobody loads).
func TestKubePrometheusEnvironmentOnTheManifests(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles an environment and builds kube-prometheus")
	}
	manifests := corpus.KubePrometheusManifests(t)
	root, err := filepath.Abs(filepath.Join("testdata", "kubeprom"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := pipeline.Compile(root, load.Ref{Name: "kp", Dir: "environments/kp"}, load.Options{})
	if err != nil {
		t.Fatal(err)
	}
	component, ok := res.Tree.Get(kubeprom.Path)
	if !ok {
		t.Fatalf("no %s in the output", kubeprom.Path)
	}
	mongen := mongenObjects(t, res.Tree, "")
	if ps := ProveKubePrometheus(kubePrometheusWith(t, manifests, component.Data), mongen); len(ps) > 0 {
		t.Errorf("%d problems with the component applied:\n%s", len(ps), join(ps))
	}
	without := ProveKubePrometheus(kubePrometheusWith(t, manifests, nil), mongen)
	facts := map[string]bool{}
	for _, p := range without {
		facts[p.Fact] = true
	}
	if len(without) == 0 {
		t.Fatal("without the component the proofs pass too: they prove nothing")
	}
	t.Logf("without the component: %d problems (%s)", len(without), fmt.Sprint(keys(facts)))
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
