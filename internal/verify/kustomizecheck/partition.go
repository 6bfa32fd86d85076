package kustomizecheck

import (
	"encoding/json"
	"errors"
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

// part is one part of a partitioned build: its kustomization, as the JSON
// sigs.k8s.io/yaml.Marshal would print as YAML, and the files its entries
// read. The YAML is printed only when the part has to be built: the JSON
// fixes it (yaml.Marshal is JSONToYAML of json.Marshal), so the JSON keys
// the part's cached result exactly and costs a fraction of the printing.
type part struct {
	kustomization []byte // JSON
	files         map[string][]byte
}

// tree is the part's file set as kustomize builds it, or errUnprintable.
func (p part) tree() (map[string][]byte, error) {
	data, err := yaml.JSONToYAML(p.kustomization)
	if err != nil {
		return nil, errUnprintable
	}
	fs := maps.Clone(p.files)
	fs["kustomization.yaml"] = data
	return fs, nil
}

// parts splits the kustomization in files into smaller file sets, each
// with a kustomization of the same kind. It returns nil when the
// kustomization has to be built whole.
func parts(files map[string][]byte) []part {
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
	var out []part
	for chunk := range slices.Chunk(entries, partSize) {
		kust := map[string]any{"apiVersion": k["apiVersion"], "kind": k["kind"]}
		if opts != nil {
			kust["generatorOptions"] = opts
		}
		fs := map[string][]byte{}
		for _, e := range chunk {
			list, _ := kust[e.field].([]any)
			kust[e.field] = append(list, e.value)
			for _, f := range e.files {
				fs[f] = files[f]
			}
		}
		// The part's own kustomization replaces a listed file of that name.
		delete(fs, "kustomization.yaml")
		data, err := json.Marshal(kust)
		if err != nil {
			return nil
		}
		out = append(out, part{data, fs})
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
// and merges the results, rejecting an identity two parts produce. ok is
// false when a part's kustomization could not be printed, so the caller
// builds the whole kustomization instead.
func buildParts(ps []part, vc *verifycache.Cache) (ids []ResourceID, sizes map[ResourceID]int, ok bool, err error) {
	results := make([]built, len(ps))
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for i, p := range ps {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			results[i] = buildKeyed(vc, filesKey(vc, "kustomize-part", p.kustomization, p.files), p.tree)
		})
	}
	wg.Wait()
	for _, r := range results {
		if r.err == errUnprintable {
			return nil, nil, false, nil
		}
	}
	sizes = map[ResourceID]int{}
	seen := map[ResourceID]bool{}
	for _, r := range results {
		if r.err != nil {
			return nil, nil, true, r.err
		}
		for _, id := range r.ids {
			// Kustomize takes no namespace and "default" for the same.
			key := id
			if key.Namespace == "default" {
				key.Namespace = ""
			}
			if seen[key] {
				return nil, nil, true, fmt.Errorf("kustomize build: %s is defined twice: kustomize refuses to add an object whose id is already registered", id)
			}
			seen[key] = true
			sizes[id] = r.sizes[id]
			ids = append(ids, id)
		}
	}
	sortIDs(ids)
	return ids, sizes, true, nil
}

// errUnprintable marks a part whose kustomization YAML could not be
// printed; the partitioned build then gives way to the whole build, as
// when parts itself declines.
var errUnprintable = errors.New("kustomize part: kustomization not printable")

// buildKeyed is the build result vc recorded under key, or else buildWhole
// of the files tree gives, recorded under key when it passes. tree runs
// only when there is something to build (a part's kustomization is printed
// then). A part is keyed on its kustomization JSON and files, a whole build
// on its files.
func buildKeyed(vc *verifycache.Cache, key string, tree func() (map[string][]byte, error)) built {
	if ids, sizes, ok := cachedObjects(vc, key); ok {
		return built{ids, sizes, nil}
	}
	fs, err := tree()
	if err != nil {
		return built{err: err}
	}
	ids, sizes, err := buildWhole(fs)
	if err == nil {
		recordObjects(vc, key, ids, sizes)
	}
	return built{ids, sizes, err}
}

// object is one built object in the cache's payload.
type object struct {
	ID   ResourceID
	Size int
}

// filesKey keys check's result on head (when not nil) and files, by name
// and content in name order: "" without a cache.
func filesKey(vc *verifycache.Cache, check string, head []byte, files map[string][]byte) string {
	if vc == nil {
		return ""
	}
	names := slices.Sorted(maps.Keys(files))
	inputs := make([][]byte, 0, 1+2*len(names))
	if head != nil {
		inputs = append(inputs, head)
	}
	for _, n := range names {
		inputs = append(inputs, []byte(n), files[n])
	}
	return vc.Key(check, inputs...)
}

// cachedObjects is the build result vc recorded under key.
func cachedObjects(vc *verifycache.Cache, key string) ([]ResourceID, map[ResourceID]int, bool) {
	payload, ok := vc.Passed(key)
	if !ok {
		return nil, nil, false
	}
	var objs []object
	if json.Unmarshal(payload, &objs) != nil {
		return nil, nil, false
	}
	ids := make([]ResourceID, len(objs))
	sizes := make(map[ResourceID]int, len(objs))
	for i, o := range objs {
		ids[i], sizes[o.ID] = o.ID, o.Size
	}
	return ids, sizes, true
}

// recordObjects records a build's result in vc under key.
func recordObjects(vc *verifycache.Cache, key string, ids []ResourceID, sizes map[ResourceID]int) {
	if vc == nil {
		return
	}
	objs := make([]object, len(ids))
	for i, id := range ids {
		objs[i] = object{id, sizes[id]}
	}
	if payload, err := json.Marshal(objs); err == nil {
		vc.Pass(key, payload)
	}
}
