package kustomizecheck

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/mongen-dev/mongen/internal/verifycache"
)

// bigTree is a kustomization of n manifests and n dashboard ConfigMaps
// from generators, as mongen writes for a large environment.
func bigTree(n int, header string) map[string][]byte {
	files := map[string][]byte{}
	var k strings.Builder
	k.WriteString("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n" + header + "resources:\n")
	for i := range n {
		name := fmt.Sprintf("manifests/rule-%03d.yaml", i)
		k.WriteString("  - " + name + "\n")
		ns := "monitoring"
		if i%7 == 0 {
			ns = "default"
		}
		files[name] = fmt.Appendf(nil, "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata:\n  name: rule-%03d\n  namespace: %s\nspec:\n  groups:\n    - name: g%d\n      rules:\n        - alert: A%d\n          expr: vector(%d) > 1\n", i, ns, i, i, i)
	}
	k.WriteString("configMapGenerator:\n")
	for i := range n {
		name := fmt.Sprintf("dashboards/d-%03d.json", i)
		fmt.Fprintf(&k, "  - name: dashboard-%03d\n    namespace: monitoring\n    files:\n      - %s\n    options:\n      labels:\n        grafana_dashboard: \"1\"\n", i, name)
		files[name] = fmt.Appendf(nil, `{"uid": "d-%03d", "title": "Dashboard %d"}`, i, i)
	}
	k.WriteString("secretGenerator:\n  - name: alertmanager-main-config\n    namespace: monitoring\n    files:\n      - alertmanager.yaml=alertmanager/alertmanager.yml\n")
	files["alertmanager/alertmanager.yml"] = []byte("route:\n  receiver: x\nreceivers:\n  - name: x\n")
	k.WriteString("generatorOptions:\n  disableNameSuffixHash: true\n  labels:\n    app.kubernetes.io/managed-by: mongen\n")
	files["kustomization.yaml"] = []byte(k.String())
	return files
}

// TestPartitionedBuildEqualsWholeBuild: the parts give exactly the objects
// and sizes of kustomize's build of the whole kustomization.
func TestPartitionedBuildEqualsWholeBuild(t *testing.T) {
	files := bigTree(130, "")
	ps := parts(files)
	if len(ps) < 2 {
		t.Fatalf("%d parts: the tree was not partitioned", len(ps))
	}
	wholeIDs, wholeSizes, err := buildWhole(files)
	if err != nil {
		t.Fatal(err)
	}
	ids, sizes, err := ResourcesWithSizes(files)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ids, wholeIDs) {
		t.Errorf("ids differ: %d parts gave %d objects, the whole build %d", len(ps), len(ids), len(wholeIDs))
	}
	if !maps.Equal(sizes, wholeSizes) {
		t.Error("sizes differ from the whole build's")
	}
	if len(ids) != 261 {
		t.Errorf("%d objects, want 261", len(ids))
	}
}

// TestPartitionedBuildRejectsDuplicates: an object defined in two parts is
// refused, as kustomize refuses it in one build, including the same name in
// no namespace and in "default".
func TestPartitionedBuildRejectsDuplicates(t *testing.T) {
	for name, dup := range map[string]string{
		"same namespace": "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata:\n  name: rule-001\n  namespace: monitoring\n",
		"default":        "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata:\n  name: rule-000\n",
	} {
		t.Run(name, func(t *testing.T) {
			files := bigTree(130, "")
			files["manifests/zz-dup.yaml"] = []byte(dup)
			files["kustomization.yaml"] = []byte(strings.Replace(string(files["kustomization.yaml"]), "configMapGenerator:\n", "  - manifests/zz-dup.yaml\nconfigMapGenerator:\n", 1))
			if _, _, err := buildWhole(files); err == nil {
				t.Fatal("kustomize accepted the duplicate: the test tree is wrong")
			}
			_, _, err := ResourcesWithSizes(files)
			if err == nil || !strings.Contains(err.Error(), "defined twice") {
				t.Fatalf("err = %v, want a duplicate reported", err)
			}
		})
	}
}

// TestWholeBuildWhenEntriesInteract: fields that act across entries, or
// hashed generator names, keep the build whole.
func TestWholeBuildWhenEntriesInteract(t *testing.T) {
	for _, header := range []string{"namespace: other\n", "labels:\n  - pairs:\n      team: x\n", "commonAnnotations:\n  a: b\n"} {
		if ps := parts(bigTree(130, header)); ps != nil {
			t.Errorf("%q: partitioned into %d parts", header, len(ps))
		}
	}
	hashed := bigTree(130, "")
	hashed["kustomization.yaml"] = []byte(strings.Replace(string(hashed["kustomization.yaml"]), "disableNameSuffixHash: true", "disableNameSuffixHash: false", 1))
	if ps := parts(hashed); ps != nil {
		t.Errorf("hashed generator names: partitioned into %d parts", len(ps))
	}
	dir := bigTree(130, "")
	dir["kustomization.yaml"] = []byte(strings.Replace(string(dir["kustomization.yaml"]), "resources:\n", "resources:\n  - manifests\n", 1))
	if ps := parts(dir); ps != nil {
		t.Errorf("a directory resource: partitioned into %d parts", len(ps))
	}
	if ps := parts(bigTree(10, "")); ps != nil {
		t.Errorf("a small kustomization: partitioned into %d parts", len(ps))
	}
}

// TestJSONSizeIsKyamlsSize: the size computed from the node equals the
// length of kyaml's own JSON encoding, on the test trees and on every
// object of the shipped environments' committed output.
func TestJSONSizeIsKyamlsSize(t *testing.T) {
	trees := []map[string][]byte{validTree(), bigTree(20, "")}
	dirs, _ := filepath.Glob("../../../out/*/kustomization.yaml")
	more, _ := filepath.Glob("../../../out/*/*/kustomization.yaml")
	for _, k := range append(dirs, more...) {
		root := filepath.Dir(k)
		files := map[string][]byte{}
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(root, p)
			data, err := os.ReadFile(p)
			files[filepath.ToSlash(rel)] = data
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		trees = append(trees, files)
	}
	if len(trees) < 4 {
		t.Fatalf("only %d trees: the shipped output was not found", len(trees))
	}
	objects := 0
	for _, files := range trees {
		m, err := run(files)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range m.Resources() {
			want, err := r.MarshalJSON()
			if err != nil {
				t.Fatal(err)
			}
			got, err := jsonSize(r)
			if err != nil || got != len(want) {
				t.Errorf("%s: size %d (%v), kyaml's JSON is %d bytes", r.CurId(), got, err, len(want))
			}
			objects++
		}
	}
	t.Logf("%d objects", objects)
}

// TestWarmRebuildBuildsOnlyChangedParts: after a cold build, an edit
// re-builds exactly the parts it reaches (each part's kustomization and
// files key its result), and the result is still the whole build's.
func TestWarmRebuildBuildsOnlyChangedParts(t *testing.T) {
	// bigTree(130) has 130 resources, then 130 ConfigMap generators and a
	// Secret generator: 261 entries in 6 parts of 48.
	const nParts = 6
	kustEdit := func(old, new string) func(map[string][]byte) {
		return func(files map[string][]byte) {
			k := string(files["kustomization.yaml"])
			if !strings.Contains(k, old) {
				t.Fatalf("%q not in the kustomization", old)
			}
			files["kustomization.yaml"] = []byte(strings.Replace(k, old, new, 1))
		}
	}
	swap := func(a, b string) func(map[string][]byte) {
		return func(files map[string][]byte) {
			k := strings.Replace(string(files["kustomization.yaml"]), a, "\x00", 1)
			k = strings.Replace(k, b, a, 1)
			files["kustomization.yaml"] = []byte(strings.Replace(k, "\x00", b, 1))
		}
	}
	for _, tc := range []struct {
		name   string
		edit   func(map[string][]byte)
		misses int
	}{
		{"unchanged", func(map[string][]byte) {}, 0},
		{"one manifest", func(files map[string][]byte) {
			files["manifests/rule-060.yaml"] = []byte(strings.Replace(string(files["manifests/rule-060.yaml"]), "vector(60)", "vector(61)", 1))
		}, 1},
		{"one dashboard", func(files map[string][]byte) {
			files["dashboards/d-100.json"] = []byte(`{"uid": "d-100", "title": "Dashboard 100, renamed"}`)
		}, 1},
		{"one generator's options", kustEdit("dashboards/d-100.json\n    options:\n      labels:\n        grafana_dashboard: \"1\"", "dashboards/d-100.json\n    options:\n      labels:\n        grafana_dashboard: \"12\""), 1},
		{"order within a part", swap("manifests/rule-001.yaml\n", "manifests/rule-002.yaml\n"), 1},
		{"order across parts", swap("manifests/rule-010.yaml\n", "manifests/rule-100.yaml\n"), 2},
		{"generatorOptions", kustEdit("app.kubernetes.io/managed-by: mongen\n", "app.kubernetes.io/managed-by: mongen-2\n"), nParts},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "verified.json")
			files := bigTree(130, "")
			if n := len(parts(files)); n != nParts {
				t.Fatalf("%d parts, want %d", n, nParts)
			}
			if _, misses := cachedBuild(t, path, files); misses != nParts {
				t.Fatalf("cold build: %d misses, want %d", misses, nParts)
			}
			tc.edit(files)
			if len(parts(files)) != nParts {
				t.Fatal("the edit changed the partitioning")
			}
			wantIDs, wantSizes, err := buildWhole(files)
			if err != nil {
				t.Fatal(err)
			}
			got, misses := cachedBuild(t, path, files)
			if misses != tc.misses {
				t.Errorf("warm rebuild: %d parts built, want %d", misses, tc.misses)
			}
			if !slices.Equal(got.ids, wantIDs) || !maps.Equal(got.sizes, wantSizes) {
				t.Error("warm rebuild differs from the whole build of the edited tree")
			}
		})
	}
}

// cachedBuild is ResourcesWithSizesCached with the cache at path, saved
// after; it returns the result and the cache's misses.
func cachedBuild(t *testing.T, path string, files map[string][]byte) (built, int) {
	t.Helper()
	vc := verifycache.Open(path, "test")
	ids, sizes, err := ResourcesWithSizesCached(files, vc)
	if err != nil {
		t.Fatal(err)
	}
	if err := vc.Save(path); err != nil {
		t.Fatal(err)
	}
	return built{ids, sizes, nil}, vc.Misses()
}

// TestPartYAMLIsYAMLMarshal: a part's printed kustomization is what
// yaml.Marshal prints for its kustomization map, so keying the part by its
// JSON keys exactly what kustomize reads.
func TestPartYAMLIsYAMLMarshal(t *testing.T) {
	files := bigTree(130, "")
	for i, p := range parts(files) {
		var k map[string]any
		if err := json.Unmarshal(p.kustomization, &k); err != nil {
			t.Fatal(err)
		}
		want, err := yaml.Marshal(k)
		if err != nil {
			t.Fatal(err)
		}
		tree, err := p.tree()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(tree["kustomization.yaml"], want) {
			t.Errorf("part %d: printed\n%s\nwant\n%s", i, tree["kustomization.yaml"], want)
		}
		if len(tree) != len(p.files)+1 {
			t.Errorf("part %d: %d files, want its %d and the kustomization", i, len(tree), len(p.files))
		}
	}
}
