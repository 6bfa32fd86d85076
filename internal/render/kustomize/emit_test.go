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
		if allPlain(k.Resources) {
			fastPath++
		}
	}
	if fastPath == 0 {
		t.Fatal("no kustomization takes the fast path")
	}
}

// Paths that are not printed plain, beside plain ones, go through the
// encoder whole; plainPath never admits one the encoder quotes.
func TestEncodeKustomizationQuoting(t *testing.T) {
	odd := []string{"manifests/a b.yaml", "manifests/a:b.yaml", "manifests/#a.yaml", "-manifests/a.yaml",
		"1/2", "true", "null", "0x1F", "2001-12-14", ".inf", "manifests/é.yaml", "manifests/a\nb.yaml",
		"manifests/a'b.yaml", `manifests/a"b.yaml`, "a/" + strings.Repeat("x", 200), "y", "~", "", "manifests/"}
	for _, o := range odd {
		checkEmit(t, kustomization{APIVersion: "v1", Kind: "Kustomization", Resources: []string{"manifests/a.yaml", o, "manifests/b.yaml"}})
		checkEmit(t, kustomization{APIVersion: "v1", Kind: "Kustomization", Resources: []string{o, "manifests/a.yaml"}})
	}
}

func FuzzEncodeKustomization(f *testing.F) {
	for _, s := range []string{"manifests/a.yaml", "1/2", "a/b: c", "a/-b", "0/0", "x/y.z_w-v", "a//b"} {
		f.Add(s, "manifests/b.yaml")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		checkEmit(t, kustomization{APIVersion: "v1", Kind: "Kustomization", Resources: []string{"manifests/x.yaml", a, b}})
	})
}
