package kustomizecheck

import (
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
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
