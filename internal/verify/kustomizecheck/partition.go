package kustomizecheck

import (
	"encoding/json"
	"fmt"
	"maps"
	"runtime"
	"slices"
	"strings"
	"sync"

	"sigs.k8s.io/yaml"

	"github.com/mongen-dev/mongen/internal/verifycache"
)

// Kustomize's resource map checks every object it adds against all earlier
// ones (resWrangler.appendReplaceOrMerge), so one build costs the square of
// the object count: at 1,700 objects that was a third of a whole mongen
// build. A kustomization that lists only files and generators, with name
// hashes off, has no effect across its entries: no transformer, patch,
// namespace or label applies to another entry, and no generated name
// changes for references to follow. Its build is then exactly the
// concatenation of the builds of its parts, provided no identity appears
// in two parts, which kustomize would reject and the merge checks. So such
// a kustomization is built by kustomize in parts of partSize entries,
// concurrently; any other kustomization is built whole.
const partSize = 48

// partitionable are the only kustomization fields a partitioned build
// allows: anything else may act across entries.
var partitionable = map[string]bool{
	"apiVersion": true, "kind": true, "resources": true,
	"configMapGenerator": true, "secretGenerator": true, "generatorOptions": true,
}

// parts splits the kustomization in files into smaller file sets, each
// with a kustomization of the same kind. It returns nil when the
// kustomization has to be built whole.
func parts(files map[string][]byte) []map[string][]byte {
	var k map[string]any
	if err := yaml.Unmarshal(files["kustomization.yaml"], &k); err != nil {
		return nil // the whole build reports it
	}
	for key := range k {
		if !partitionable[key] {
			return nil
		}
	}
	opts, _ := k["generatorOptions"].(map[string]any)
	generators := listOf(k["configMapGenerator"]) != nil || listOf(k["secretGenerator"]) != nil
	if generators && opts["disableNameSuffixHash"] != true {
		return nil
	}
	type entry struct {
		field string // resources, configMapGenerator or secretGenerator
		value any
		files []string
	}
	var entries []entry
	for _, r := range listOf(k["resources"]) {
		name, ok := r.(string)
		if _, exists := files[name]; !ok || !exists {
			return nil // a directory, a URL or a missing file: built whole
		}
		entries = append(entries, entry{"resources", r, []string{name}})
	}
	for _, field := range []string{"configMapGenerator", "secretGenerator"} {
		for _, g := range listOf(k[field]) {
			refs, ok := generatorFiles(g, files)
			if !ok {
				return nil
			}
			entries = append(entries, entry{field, g, refs})
		}
	}
	if len(entries) <= partSize {
		return nil
	}
	var out []map[string][]byte
	for chunk := range slices.Chunk(entries, partSize) {
		part := map[string]any{"apiVersion": k["apiVersion"], "kind": k["kind"]}
		if opts != nil {
			part["generatorOptions"] = opts
		}
		fs := map[string][]byte{}
		for _, e := range chunk {
			list, _ := part[e.field].([]any)
			part[e.field] = append(list, e.value)
			for _, f := range e.files {
				fs[f] = files[f]
			}
		}
		data, err := yaml.Marshal(part)
		if err != nil {
			return nil
		}
		fs["kustomization.yaml"] = data
		out = append(out, fs)
	}
	return out
}

func listOf(v any) []any {
	l, _ := v.([]any)
	return l
}

// generatorFiles lists the files a generator reads ("key=path" or "path"
// in files, envs or env); ok is false for anything it cannot resolve.
func generatorFiles(g any, files map[string][]byte) (refs []string, ok bool) {
	m, isMap := g.(map[string]any)
	if !isMap {
		return nil, false
	}
	var names []string
	for _, field := range []string{"files", "envs"} {
		for _, f := range listOf(m[field]) {
			s, isString := f.(string)
			if !isString {
				return nil, false
			}
			if _, after, found := strings.Cut(s, "="); found {
				s = after
			}
			names = append(names, s)
		}
	}
	if env, isString := m["env"].(string); isString {
		names = append(names, env)
	}
	for _, n := range names {
		if _, exists := files[n]; !exists {
			return nil, false
		}
	}
	return names, true
}

// built is one part's result.
type built struct {
	ids   []ResourceID
	sizes map[ResourceID]int
	err   error
}

// buildParts builds each part with kustomize, at most GOMAXPROCS at once,
// and merges the results, rejecting an identity two parts produce.
func buildParts(ps []map[string][]byte, vc *verifycache.Cache) ([]ResourceID, map[ResourceID]int, error) {
	results := make([]built, len(ps))
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for i, p := range ps {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			ids, sizes, err := buildCached(p, vc)
			results[i] = built{ids, sizes, err}
		})
	}
	wg.Wait()
	var ids []ResourceID
	sizes := map[ResourceID]int{}
	seen := map[ResourceID]bool{}
	for _, r := range results {
		if r.err != nil {
			return nil, nil, r.err
		}
		for _, id := range r.ids {
			// Kustomize takes no namespace and "default" for the same.
			key := id
			if key.Namespace == "default" {
				key.Namespace = ""
			}
			if seen[key] {
				return nil, nil, fmt.Errorf("kustomize build: %s is defined twice: kustomize refuses to add an object whose id is already registered", id)
			}
			seen[key] = true
			sizes[id] = r.sizes[id]
			ids = append(ids, id)
		}
	}
	sortIDs(ids)
	return ids, sizes, nil
}

// object is one built object in the cache's payload.
type object struct {
	ID   ResourceID
	Size int
}

// buildCached is buildWhole, unless vc has seen these exact files build.
func buildCached(files map[string][]byte, vc *verifycache.Cache) ([]ResourceID, map[ResourceID]int, error) {
	var key string
	if vc != nil {
		names := slices.Sorted(maps.Keys(files))
		inputs := make([][]byte, 0, 2*len(names))
		for _, n := range names {
			inputs = append(inputs, []byte(n), files[n])
		}
		key = vc.Key("kustomize-build", inputs...)
		if payload, ok := vc.Passed(key); ok {
			var objs []object
			if json.Unmarshal(payload, &objs) == nil {
				ids := make([]ResourceID, len(objs))
				sizes := make(map[ResourceID]int, len(objs))
				for i, o := range objs {
					ids[i], sizes[o.ID] = o.ID, o.Size
				}
				return ids, sizes, nil
			}
		}
	}
	ids, sizes, err := buildWhole(files)
	if err != nil || vc == nil {
		return ids, sizes, err
	}
	objs := make([]object, len(ids))
	for i, id := range ids {
		objs[i] = object{id, sizes[id]}
	}
	if payload, merr := json.Marshal(objs); merr == nil {
		vc.Pass(key, payload)
	}
	return ids, sizes, nil
}
