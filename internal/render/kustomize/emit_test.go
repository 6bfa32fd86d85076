package kustomize

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mongen-dev/mongen/internal/render/encode"
	"sigs.k8s.io/yaml"
)

// checkEmit holds encodeKustomization to encode.YAML on one kustomization.
func checkEmit(t *testing.T, k kustomization) {
	t.Helper()
	fast, ferr := encodeKustomization(k)
	whole, werr := encode.YAML(k)
	if ferr != nil || werr != nil {
		t.Fatalf("errors: %v, %v", ferr, werr)
	}
	if !bytes.Equal(fast, whole) {
		t.Fatalf("resources %q:\nfast:\n%s\nencoder:\n%s", k.Resources, fast, whole)
	}
}

// Every kustomization of out/ (its resources and generators), and the
// same with many more manifests, come out as the encoder prints them.
func TestEncodeKustomizationAsEncoder(t *testing.T) {
	paths, _ := filepath.Glob(filepath.Join("..", "..", "..", "out", "*", "kustomization.yaml"))
	more, _ := filepath.Glob(filepath.Join("..", "..", "..", "out", "*", "*", "kustomization.yaml"))
	paths = append(paths, more...)
	if len(paths) < 3 {
		t.Fatalf("only %d kustomizations in out/", len(paths))
	}
	fastPath := 0
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var k kustomization
		if err := yaml.UnmarshalStrict(data, &k); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		checkEmit(t, k)
		for i := range 1000 {
			k.Resources = append(k.Resources, fmt.Sprintf("manifests/prometheusrule-team-%04d.yaml", i))
		}
		checkEmit(t, k)
		// Dashboards' generators, in a few shapes, as the large
		// environment has 1,200 of.
		for i := range 300 {
			opts := &objectOptions{Labels: map[string]string{"grafana_dashboard": "1"}, Annotations: map[string]string{"grafana_folder": fmt.Sprintf("team-%d", i%3), "k8s-sidecar-target-directory": "mongen"}}
			if i%7 == 0 {
				opts = nil
			}
			k.ConfigMapGenerator = append(k.ConfigMapGenerator, generator{Name: fmt.Sprintf("mongen-dashboard-slo-svc%03d", i), Namespace: "monitoring", Files: []string{fmt.Sprintf("dashboards/slo-svc%03d.json", i)}, Options: opts})
		}
		checkEmit(t, k)
		if _, ok := spliced(k); ok {
			fastPath++
		} else if allPlain(k.Resources) && generatorsPlain(k.ConfigMapGenerator) {
			t.Errorf("%s: plain, but not spliced", p)
		}
	}
	if fastPath == 0 {
		t.Fatal("no kustomization takes the fast path")
	}
}

// Paths that are not printed plain, beside plain ones, go through the
// encoder whole; encode.PrintsPlain never admits one the encoder quotes.
func TestEncodeKustomizationQuoting(t *testing.T) {
	odd := []string{"manifests/a b.yaml", "manifests/a:b.yaml", "manifests/#a.yaml", "-manifests/a.yaml",
		"1/2", "true", "null", "0x1F", "2001-12-14", ".inf", "manifests/é.yaml", "manifests/a\nb.yaml",
		"manifests/a'b.yaml", `manifests/a"b.yaml`, "a/" + strings.Repeat("x", 200), "y", "~", "", "manifests/"}
	for _, o := range odd {
		checkEmit(t, kustomization{APIVersion: "v1", Kind: "Kustomization", Resources: []string{"manifests/a.yaml", o, "manifests/b.yaml"}})
		checkEmit(t, kustomization{APIVersion: "v1", Kind: "Kustomization", Resources: []string{o, "manifests/a.yaml"}})
	}
}

// Generators whose names, files, namespaces, labels or annotations the
// encoder may quote come out as it prints them.
func TestEncodeKustomizationGenerators(t *testing.T) {
	base := generator{Name: "mongen-dashboard-a", Namespace: "monitoring", Files: []string{"dashboards/a.json"},
		Options: &objectOptions{Labels: map[string]string{"grafana_dashboard": "1"}, Annotations: map[string]string{"grafana_folder": "mongen"}}}
	odd := []string{"1", "true", "yes", "y", "null", "~", "", "a b", "a: b", "#x", "0x1F", "1e3", "é", "a\nb", "'q'", "placeholder", placeholderName, placeholderFile, "mongen-generator-name-placeholder-2"}
	for _, o := range odd {
		for field := range 6 {
			g := base
			g.Options = &objectOptions{Labels: map[string]string{"grafana_dashboard": "1"}, Annotations: map[string]string{"grafana_folder": "mongen"}}
			switch field {
			case 0:
				g.Name = o
			case 1:
				g.Files = []string{o}
			case 2:
				g.Namespace = o
			case 3:
				g.Options.Labels[o] = "x"
			case 4:
				g.Options.Annotations["f"] = o
			case 5:
				g.Files = []string{"dashboards/a.json", o}
			}
			other := base
			other.Name, other.Files = "mongen-dashboard-b", []string{"dashboards/b.json"}
			checkEmit(t, kustomization{APIVersion: "v1", Kind: "Kustomization", Resources: []string{"manifests/a.yaml"}, ConfigMapGenerator: []generator{base, g, other, base}})
			checkEmit(t, kustomization{APIVersion: "v1", Kind: "Kustomization", ConfigMapGenerator: []generator{g, base, other}})
		}
	}
}

func FuzzEncodeKustomizationGenerators(f *testing.F) {
	f.Add("mongen-dashboard-x", "dashboards/x.json", "monitoring", "grafana_dashboard", "1")
	f.Add("a-1", "a/1", "ns", "k", "true")
	f.Fuzz(func(t *testing.T, name, file, ns, key, value string) {
		a := generator{Name: "mongen-dashboard-a", Namespace: "monitoring", Files: []string{"dashboards/a.json"}, Options: &objectOptions{Labels: map[string]string{key: value}}}
		b := generator{Name: name, Namespace: ns, Files: []string{file}, Options: &objectOptions{Labels: map[string]string{key: value}}}
		checkEmit(t, kustomization{APIVersion: "v1", Kind: "Kustomization", Resources: []string{"manifests/x.yaml"}, ConfigMapGenerator: []generator{a, b, a}})
	})
}

func FuzzEncodeKustomization(f *testing.F) {
	for _, s := range []string{"manifests/a.yaml", "1/2", "a/b: c", "a/-b", "0/0", "x/y.z_w-v", "a//b"} {
		f.Add(s, "manifests/b.yaml")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		checkEmit(t, kustomization{APIVersion: "v1", Kind: "Kustomization", Resources: []string{"manifests/x.yaml", a, b}})
	})
}
