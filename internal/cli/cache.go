package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/mongen-dev/mongen"
	"github.com/mongen-dev/mongen/internal/inputcache"
	"github.com/mongen-dev/mongen/internal/load"
	"github.com/mongen-dev/mongen/internal/ruletest"
)

// inputCache skips the evaluation of environments whose inputs and output
// are what a previous successful build recorded (internal/inputcache,
// docs/performance.md). A nil *inputCache caches nothing.
type inputCache struct {
	store   *inputcache.Store
	binary  string
	root    string
	outBase string // absolute output directory
	// afterHash, when tests set it, runs after an environment's inputs
	// were hashed and before they are evaluated.
	afterHash func(load.Ref)
}

// cacheEntry is where a result is recorded and the hash it was built at.
type cacheEntry struct {
	key, inputs string
	// files are the bytes hashed into inputs, by slash path: a miss is
	// evaluated from them (load.Options.Overlay), never from the disk,
	// which may have changed since.
	files map[string][]byte
	// record is the hit, nil on a miss.
	record *inputcache.Record
}

// newInputCache returns nil (evaluate everything) when caching is off or
// the cache directory or the binary's identity is unavailable.
func newInputCache(root, outBase string, off bool) *inputCache {
	if off {
		return nil
	}
	store, err := inputcache.DefaultStore()
	if err != nil {
		return nil
	}
	binary, err := inputcache.BinaryID()
	if err != nil {
		return nil
	}
	return &inputCache{store: store, binary: binary, root: root, outBase: outBase}
}

// inputs hashes ref's inputs and returns the files hashed; "" when they
// cannot be hashed.
func (c *inputCache) inputs(ref load.Ref) (string, map[string][]byte) {
	var settings []string
	for _, kv := range os.Environ() {
		// CUE's own switches (CUE_EXPERIMENT, CUE_DEBUG, ...) and Go's
		// runtime ones may change what an evaluation gives.
		if strings.HasPrefix(kv, "CUE_") || strings.HasPrefix(kv, "GODEBUG=") {
			settings = append(settings, kv)
		}
	}
	sum, files, err := inputcache.Snapshot(inputcache.Inputs{
		Root: c.root, EnvDir: ref.Dir, Module: mongen.CUEModule, Binary: c.binary, Settings: settings,
		Imports: []string{strings.TrimSuffix(mongen.CUEModulePath, "@v0") + "/schemas"},
	})
	if err != nil {
		return "", nil
	}
	return sum, files
}

// lookup finds ref's record. It is a hit when the inputs hash and every
// byte under out/<env>/ are what the record says, and, for mongen check
// (needTests), the rule tests passed at that hash.
func (c *inputCache) lookup(ref load.Ref, needTests bool) cacheEntry {
	if c == nil {
		return cacheEntry{}
	}
	dir := filepath.Join(c.outBase, ref.Name)
	e := cacheEntry{key: inputcache.Key(c.root, dir, ref.Name)}
	e.inputs, e.files = c.inputs(ref)
	if e.inputs == "" {
		return cacheEntry{}
	}
	if c.afterHash != nil {
		c.afterHash(ref)
	}
	rec := c.store.Load(e.key)
	if rec == nil || rec.Inputs != e.inputs || rec.Env != ref.Name || (needTests && !rec.TestsPassed) {
		return e
	}
	if !inputcache.Matches(dir, rec.Files) {
		return e
	}
	e.record = rec
	return e
}

// save records a result whose output out/<env>/ now holds, with the rule
// tests when they all passed. The result was evaluated from the very
// bytes hashed into r.cache.inputs (options), so the record is true
// whatever happened to the files on disk since: no second hash is needed.
// A cache that cannot be written only costs time.
func (c *inputCache) save(r result, tests *ruletest.Result) {
	if c == nil || r.cache.inputs == "" || r.tree == nil {
		return
	}
	rec := &inputcache.Record{Env: r.ref.Name, Inputs: r.cache.inputs, Files: inputcache.Manifest(r.tree), Findings: r.findings, Accepted: r.accepted}
	if tests != nil && tests.Failed() == 0 {
		rec.TestsPassed = true
		for _, t := range tests.Tests {
			rec.Tests = append(rec.Tests, inputcache.Test{ID: t.ID, Origin: t.Origin})
		}
	}
	if old := c.store.Load(r.cache.key); tests == nil && old != nil && old.Inputs == rec.Inputs && old.TestsPassed && slices.Equal(old.Files, rec.Files) {
		// A build after a check at the same hash keeps the tests' outcome.
		rec.TestsPassed, rec.Tests = true, old.Tests
	}
	_ = c.store.Save(r.cache.key, rec)
}

// options are the load options of an evaluation after a miss: exactly
// the files that were hashed.
func (e cacheEntry) options() load.Options {
	return load.Options{Overlay: e.files}
}

// cachedTests gives back the rule tests a record saw pass.
func cachedTests(r result) *ruletest.Result {
	res := &ruletest.Result{Env: r.ref.Name}
	for _, t := range r.cache.record.Tests {
		res.Tests = append(res.Tests, ruletest.TestResult{ID: t.ID, Origin: t.Origin})
	}
	return res
}

// upToDate is the line for an environment whose out/ is current.
func upToDate(r result, outRel string) string {
	if r.cache.record != nil {
		return fmt.Sprintf("%s: %s is up to date (%d files; inputs unchanged, not evaluated)", r.ref.Name, outRel, len(r.cache.record.Files))
	}
	return fmt.Sprintf("%s: %s is up to date (%d files)", r.ref.Name, outRel, r.tree.Len())
}
