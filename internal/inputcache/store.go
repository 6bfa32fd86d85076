package inputcache

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/mongen-dev/mongen/internal/finding"
)

// Record is what a successful build of one environment left behind: the
// inputs hash it was computed from, the output it wrote, and what it
// printed, so that a cache hit prints the same.
type Record struct {
	Version string `json:"version"`
	Env     string `json:"env"`
	Inputs  string `json:"inputs"`
	// Files are out/<env>/'s files with their SHA-256, sorted by path.
	Files []OutFile `json:"files"`
	// Findings are the build's warnings.
	Findings []finding.Finding `json:"findings,omitempty"`
	// Accepted are the hardening findings the environment accepts, with
	// their reasons, which the build prints (docs/output.md).
	Accepted []finding.Suppressed `json:"accepted,omitempty"`
	// TestsPassed says mongen check ran the rule tests at this hash and
	// all of them (Tests) passed; when false, check runs them.
	TestsPassed bool   `json:"testsPassed,omitempty"`
	Tests       []Test `json:"tests,omitempty"`
}

// Test is one rule test that passed.
type Test struct {
	ID     string `json:"id"`
	Origin string `json:"origin"`
}

// Store keeps one record per repository, output directory and environment
// in a directory of small JSON files; a new build replaces its record, so
// the store does not grow with the number of builds.
type Store struct {
	Dir string
}

// DirEnv overrides where records are kept.
const DirEnv = "MONGEN_CACHE_DIR"

// ErrOff says $MONGEN_CACHE_DIR is "off".
var ErrOff = errors.New(DirEnv + "=off")

// DefaultStore keeps records in $MONGEN_CACHE_DIR ("off" turns caching
// off), else in mongen/builds/ under the user's cache directory
// (os.UserCacheDir: $XDG_CACHE_HOME or ~/.cache on Linux).
func DefaultStore() (*Store, error) {
	if dir := os.Getenv(DirEnv); dir == "off" {
		return nil, ErrOff
	} else if dir != "" {
		return &Store{Dir: dir}, nil
	}
	dir, err := os.UserCacheDir()
	if err != nil {
		return nil, err
	}
	return &Store{Dir: filepath.Join(dir, "mongen", "builds")}, nil
}

// Key names the record of env built from the repository at root into
// outDir (both absolute).
func Key(root, outDir, env string) string {
	sum := sha256.Sum256([]byte(root + "\x00" + outDir + "\x00" + env))
	return hex.EncodeToString(sum[:])
}

func (s *Store) path(key string) string { return filepath.Join(s.Dir, key+".json") }

// Load returns the record under key, or nil when there is none (or it
// cannot be read: a miss, never an error).
func (s *Store) Load(key string) *Record {
	data, err := os.ReadFile(s.path(key))
	if err != nil {
		return nil
	}
	var r Record
	if json.Unmarshal(data, &r) != nil || r.Version != version {
		return nil
	}
	return &r
}

// Save replaces the record under key atomically (a temporary file renamed
// into place), so a concurrent build reads the old or the new record.
func (s *Store) Save(key string, r *Record) error {
	r.Version = version
	data, err := json.Marshal(r)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(s.Dir, 0o700); err != nil {
		return fmt.Errorf("input cache: %w", err)
	}
	tmp, err := os.CreateTemp(s.Dir, ".tmp-*")
	if err != nil {
		return fmt.Errorf("input cache: %w", err)
	}
	_, werr := tmp.Write(data)
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("input cache: %w", err)
	}
	if err := os.Rename(tmp.Name(), s.path(key)); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("input cache: %w", err)
	}
	return nil
}
