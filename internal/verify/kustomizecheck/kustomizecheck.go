// Package kustomizecheck builds a generated kustomization in memory with the
// same library the kustomize CLI, kubectl -k, Flux and Argo CD use (krusty),
// so a kustomization that does not build is caught before it is written.
// It holds no state; every function is safe for concurrent use.
package kustomizecheck

import (
	"cmp"
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"strings"

	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/resmap"
	"sigs.k8s.io/kustomize/api/resource"
	"sigs.k8s.io/kustomize/kyaml/filesys"

	"github.com/mongen-dev/mongen/internal/verifycache"
)

// root is where the files are placed in the in-memory file system. Error
// messages from kustomize name files below it (e.g. "/manifests/x.yaml").
const root = "/"

// ResourceID names one object of the build output.
type ResourceID struct {
	APIVersion string // "v1", "monitoring.coreos.com/v1"
	Kind       string
	Namespace  string // empty for cluster-scoped objects and objects without one
	Name       string
}

func (id ResourceID) String() string {
	if id.Namespace == "" {
		return fmt.Sprintf("%s %s/%s", id.APIVersion, id.Kind, id.Name)
	}
	return fmt.Sprintf("%s %s/%s/%s", id.APIVersion, id.Kind, id.Namespace, id.Name)
}

// Build runs kustomize build over files, keyed by slash-separated paths
// relative to the environment's output root, which must hold
// kustomization.yaml. It returns the built objects as a YAML stream, in
// the order kustomize emits them.
//
// Kustomize's default options apply: no plugins, and loading restricted to
// the root, so a kustomization that reaches outside the tree fails here as
// it would in Flux or Argo CD.
func Build(files map[string][]byte) ([]byte, error) {
	m, err := run(files)
	if err != nil {
		return nil, err
	}
	out, err := m.AsYaml()
	if err != nil {
		return nil, fmt.Errorf("kustomize build: encode output: %w", err)
	}
	return out, nil
}

// Resources runs kustomize build over files (as Build does) and lists the
// objects it produces, sorted by kind, namespace, name and apiVersion.
// Kustomize itself rejects two objects with the same identity, so a caller
// can compare the list with the manifests it rendered to check that each
// is included exactly once.
func Resources(files map[string][]byte) ([]ResourceID, error) {
	ids, _, err := ResourcesWithSizes(files)
	return ids, err
}

// ResourcesWithSizes is Resources, plus each object's size as compact
// JSON: what kubectl's client-side apply stores in the object's
// last-applied-configuration annotation.
//
// A large kustomization that only lists files and generators is built in
// parts (partition.go), with the same result.
func ResourcesWithSizes(files map[string][]byte) ([]ResourceID, map[ResourceID]int, error) {
	return ResourcesWithSizesCached(files, nil)
}

// ResourcesWithSizesCached is ResourcesWithSizes that builds only the
// parts whose files changed since vc saw them built.
func ResourcesWithSizesCached(files map[string][]byte, vc *verifycache.Cache) ([]ResourceID, map[ResourceID]int, error) {
	if _, ok := files["kustomization.yaml"]; ok {
		if ps := parts(files); ps != nil {
			if ids, sizes, ok, err := buildParts(ps, vc); ok {
				return ids, sizes, err
			}
		}
	}
	b := buildKeyed(vc, filesKey(vc, "kustomize-build", nil, files), func() (map[string][]byte, error) { return files, nil })
	return b.ids, b.sizes, b.err
}

// buildWhole is one kustomize build of all of files.
func buildWhole(files map[string][]byte) ([]ResourceID, map[ResourceID]int, error) {
	m, err := run(files)
	if err != nil {
		return nil, nil, err
	}
	ids := make([]ResourceID, 0, m.Size())
	sizes := make(map[ResourceID]int, m.Size())
	for _, r := range m.Resources() {
		id := r.CurId()
		rid := ResourceID{
			APIVersion: id.ApiVersion(),
			Kind:       id.Kind,
			Namespace:  id.Namespace,
			Name:       id.Name,
		}
		ids = append(ids, rid)
		n, err := jsonSize(r)
		if err != nil {
			return nil, nil, fmt.Errorf("kustomize build: encode %s: %w", rid, err)
		}
		sizes[rid] = n
	}
	sortIDs(ids)
	return ids, sizes, nil
}

func sortIDs(ids []ResourceID) {
	slices.SortFunc(ids, func(a, b ResourceID) int {
		return cmp.Or(
			strings.Compare(a.Kind, b.Kind),
			strings.Compare(a.Namespace, b.Namespace),
			strings.Compare(a.Name, b.Name),
			strings.Compare(a.APIVersion, b.APIVersion),
		)
	})
}

func run(files map[string][]byte) (resmap.ResMap, error) {
	if _, ok := files["kustomization.yaml"]; !ok {
		return nil, fmt.Errorf("kustomize build: no kustomization.yaml at the root of the %d files given", len(files))
	}
	fs := filesys.MakeFsInMemory()
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names) // deterministic errors
	for _, name := range names {
		if err := checkPath(name); err != nil {
			return nil, fmt.Errorf("kustomize build: %w", err)
		}
		if err := fs.WriteFile(root+name, files[name]); err != nil {
			return nil, fmt.Errorf("kustomize build: write %s to memory: %w", name, err)
		}
	}
	m, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(fs, root)
	if err != nil {
		return nil, fmt.Errorf("kustomize build: %w", err)
	}
	return m, nil
}

func checkPath(p string) error {
	if p == "" || path.IsAbs(p) || path.Clean(p) != p || p == ".." || strings.HasPrefix(p, "../") || strings.Contains(p, `\`) {
		return fmt.Errorf("file path %q is not a clean relative slash-separated path", p)
	}
	return nil
}

// jsonSize is len(r.MarshalJSON()) without its detour: kyaml encodes the
// node as YAML text and parses that again before encoding JSON; decoding
// the node directly gives the same map.
func jsonSize(r *resource.Resource) (int, error) {
	m := map[string]any{}
	if err := r.YNode().Decode(&m); err == nil {
		if data, err := json.Marshal(m); err == nil {
			return len(data), nil
		}
	}
	data, err := r.MarshalJSON()
	return len(data), err
}
