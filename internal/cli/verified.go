package cli

import (
	"path/filepath"

	"github.com/mongen-dev/mongen/internal/inputcache"
	"github.com/mongen-dev/mongen/internal/load"
	"github.com/mongen-dev/mongen/internal/verifycache"
)

// verified opens the verdicts of ref's previous build
// (internal/verifycache) beside the input cache's records, and says where
// to save them; nil when the input cache is off (--no-cache,
// MONGEN_CACHE_DIR=off), so a cold build verifies everything.
func (c *inputCache) verified(ref load.Ref) (*verifycache.Cache, string) {
	if c == nil {
		return nil, ""
	}
	dir := filepath.Join(c.outBase, ref.Name)
	path := filepath.Join(c.store.Dir, "verified", inputcache.Key(c.root, dir, ref.Name)+".json")
	return verifycache.Open(path, c.binary), path
}
