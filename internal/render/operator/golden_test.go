package operator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	monitoringv1alpha1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1alpha1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"github.com/mongen-dev/mongen/internal/artifact"
	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/model"
)

// A golden case is a txtar archive holding
//
//	input.json    a model.Environment as JSON (decoded strictly)
//	sources.json  optional: the environment's Sources (CUE positions)
//	origins.txt   every rendered path with its File.Origin ("-" when empty)
//	manifests/... the expected files
//
// UPDATE_GOLDEN=1 go test ./internal/render/operator/ rewrites the expected
// files from the current output.
const (
	inputFile   = "input.json"
	sourcesFile = "sources.json"
	originsFile = "origins.txt"
)

func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txtar")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no golden cases")
	}
	update := os.Getenv("UPDATE_GOLDEN") != ""
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := parseArchiveFile(file)
			if err != nil {
				t.Fatal(err)
			}
			p := planFromArchive(t, ar)
			tree := render(t, p)

			// Determinism: a second render of the same plan, and one of a
			// freshly decoded plan, give the same bytes.
			for i, again := range []*artifact.Tree{render(t, p), render(t, planFromArchive(t, ar))} {
				if !sameTree(tree, again) {
					t.Fatalf("render %d differs from the first: output is not deterministic", i+2)
				}
			}
			for _, f := range tree.Files() {
				checkManifest(t, f)
			}

			got := map[string][]byte{originsFile: origins(tree)}
			for _, f := range tree.Files() {
				got[f.Path] = f.Data
			}
			if update {
				out := &archive{Comment: ar.Comment}
				for _, f := range ar.Files {
					if f.Name == inputFile || f.Name == sourcesFile {
						out.Files = append(out.Files, f)
					}
				}
				out.Files = append(out.Files, archiveFile{Name: originsFile, Data: got[originsFile]})
				for _, f := range tree.Files() {
					out.Files = append(out.Files, archiveFile{Name: f.Path, Data: f.Data})
				}
				if err := os.WriteFile(file, formatArchive(out), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want := map[string][]byte{}
			for _, f := range ar.Files {
				if f.Name != inputFile && f.Name != sourcesFile {
					want[f.Name] = f.Data
				}
			}
			for _, name := range sortedNames(want, got) {
				w, inWant := want[name]
				g, inGot := got[name]
				switch {
				case !inGot:
					t.Errorf("%s: expected but not rendered", name)
				case !inWant:
					t.Errorf("%s: rendered but not expected:\n%s", name, g)
				case !bytes.Equal(w, g):
					t.Errorf("%s differs (UPDATE_GOLDEN=1 to accept):\n--- want\n%s--- got\n%s", name, w, g)
				}
			}
		})
	}
}

func planFromArchive(t *testing.T, ar *archive) *expand.Plan {
	t.Helper()
	var env model.Environment
	var haveInput bool
	for _, f := range ar.Files {
		switch f.Name {
		case inputFile:
			haveInput = true
			dec := json.NewDecoder(bytes.NewReader(f.Data))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&env); err != nil {
				t.Fatalf("%s: %v", inputFile, err)
			}
		case sourcesFile:
			if err := json.Unmarshal(f.Data, &env.Sources); err != nil {
				t.Fatalf("%s: %v", sourcesFile, err)
			}
		}
	}
	if !haveInput {
		t.Fatalf("archive has no %s", inputFile)
	}
	p, err := expand.Expand(&env)
	if err != nil {
		t.Fatalf("expand: %v", err)
	}
	return p
}

func render(t *testing.T, p *expand.Plan) *artifact.Tree {
	t.Helper()
	tree := artifact.NewTree()
	if err := Render(p, tree); err != nil {
		t.Fatalf("Render: %v", err)
	}
	return tree
}

func sameTree(a, b *artifact.Tree) bool {
	fa, fb := a.Files(), b.Files()
	if len(fa) != len(fb) {
		return false
	}
	for i := range fa {
		if fa[i].Path != fb[i].Path || fa[i].Origin != fb[i].Origin || !bytes.Equal(fa[i].Data, fb[i].Data) {
			return false
		}
	}
	return true
}

func origins(tree *artifact.Tree) []byte {
	var b strings.Builder
	for _, f := range tree.Files() {
		o := f.Origin
		if o == "" {
			o = "-"
		}
		fmt.Fprintf(&b, "%s %s\n", f.Path, o)
	}
	return []byte(b.String())
}

func sortedNames(ms ...map[string][]byte) []string {
	set := map[string]bool{}
	for _, m := range ms {
		for k := range m {
			set[k] = true
		}
	}
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
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
