// Package verifycache remembers which artifacts passed which verification,
// so that a rebuild after a small edit parses and checks again only the
// artifacts that changed (docs/performance.md).
//
// An entry's key is a hash of the verifier's identity (the binary's build
// ID, which changes with any change to the checks or the upstream code they
// run), the check's name, whatever else the check's verdict depends on
// (the selector labels, say) and the artifact's exact bytes. Only passes
// are recorded: a failing check always runs, so its message carries the
// current CUE positions. A check may record a payload with its pass (the
// objects a kustomize build yields), returned on a hit.
//
// One file per environment holds its entries; a build reads it once and
// rewrites it with the entries that build used, so it never grows beyond
// one build's artifacts. A nil *Cache caches nothing.
package verifycache

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// Cache is safe for concurrent use.
type Cache struct {
	identity string
	// idSum is the SHA-256 of identity, which Key hashes instead: the
	// identity holds the binary's whole build info (about 19 KB), and a
	// large environment's build asks for tens of thousands of keys.
	idSum  [sha256.Size]byte
	known  map[string][]byte // read by Open's goroutine, never written after ready
	ready  chan struct{}     // closed when known is read
	mu     sync.Mutex
	used   map[string][]byte
	misses int
}

// file is the on-disk form.
type file struct {
	Identity string            `json:"identity"`
	Entries  map[string][]byte `json:"entries"`
}

// Open reads the entries at path recorded by a verifier of the same
// identity. A missing, unreadable or foreign file gives an empty cache:
// a miss, never an error. The file is read on another goroutine, while
// the caller loads the environment (a large one's file is megabytes of
// JSON); the first lookup waits for it.
func Open(path, identity string) *Cache {
	c := &Cache{identity: identity, idSum: sha256.Sum256([]byte(identity)), known: map[string][]byte{}, used: map[string][]byte{}, ready: make(chan struct{})}
	go func() {
		defer close(c.ready)
		data, err := os.ReadFile(path)
		if err != nil {
			return
		}
		var f file
		if json.Unmarshal(data, &f) == nil && f.Identity == identity && f.Entries != nil {
			c.known = f.Entries
		}
	}()
	return c
}

// Key names a check's verdict on an artifact: the check's name, then every
// input of the verdict, in a fixed order, each length-prefixed so that no
// two different lists hash alike.
func (c *Cache) Key(check string, inputs ...[]byte) string {
	if c == nil {
		return ""
	}
	h := sha256.New()
	write := func(b []byte) {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(b)))
		h.Write(n[:])
		h.Write(b)
	}
	write(c.idSum[:])
	write([]byte(check))
	for _, in := range inputs {
		write(in)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Passed reports whether the check passed on these inputs before, and the
// payload it recorded then. A hit is kept for the next build.
func (c *Cache) Passed(key string) ([]byte, bool) {
	if c == nil || key == "" {
		return nil, false
	}
	<-c.ready
	payload, ok := c.known[key]
	c.mu.Lock()
	if ok {
		c.used[key] = payload
	} else {
		c.misses++
	}
	c.mu.Unlock()
	return payload, ok
}

// Pass records that the check passed on the key's inputs.
func (c *Cache) Pass(key string, payload []byte) {
	if c == nil || key == "" {
		return
	}
	c.mu.Lock()
	c.used[key] = payload
	c.mu.Unlock()
}

// Check runs check unless it passed on the key's inputs before, and
// records a pass. It is the whole lookup for a check that records no
// payload; with a nil *Cache or a "" key check always runs.
func (c *Cache) Check(key string, check func() (passed bool)) {
	c.CheckPayload(key, nil, func() ([]byte, bool) { return nil, check() })
}

// CheckPayload is Check for a check that records a payload with its pass.
// On a hit use, when not nil, gets the recorded payload; if it returns
// false (a payload it cannot read) check runs as on a miss.
func (c *Cache) CheckPayload(key string, use func(payload []byte) bool, check func() (payload []byte, passed bool)) {
	if payload, ok := c.Passed(key); ok && (use == nil || use(payload)) {
		return
	}
	if payload, passed := check(); passed {
		c.Pass(key, payload)
	}
}

// Save writes the entries this build used or recorded to path, atomically
// (a temporary file renamed over it), so a concurrent build reads either
// the old file or the new one.
func (c *Cache) Save(path string) error {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	data, err := json.Marshal(file{Identity: c.identity, Entries: c.used})
	c.mu.Unlock()
	if err != nil {
		return fmt.Errorf("verification cache: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("verification cache: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".verified-*")
	if err != nil {
		return fmt.Errorf("verification cache: %w", err)
	}
	_, werr := tmp.Write(data)
	cerr := tmp.Close()
	if werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(tmp.Name(), path)
	}
	if werr != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("verification cache: %w", werr)
	}
	return nil
}

// Misses counts the lookups that found no verdict, so the checks ran.
func (c *Cache) Misses() int {
	if c == nil {
		return 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.misses
}
