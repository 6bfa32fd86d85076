package verifycache

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "env.json")
	c := Open(path, "build-1")
	a := c.Key("rules", []byte("groups: []\n"))
	if _, ok := c.Passed(a); ok {
		t.Fatal("an empty cache had a hit")
	}
	c.Pass(a, []byte("payload"))
	if err := c.Save(path); err != nil {
		t.Fatal(err)
	}
	again := Open(path, "build-1")
	if got, ok := again.Passed(a); !ok || string(got) != "payload" {
		t.Fatalf("Passed = %q, %v after a save", got, ok)
	}
	// Another binary does not trust the verdicts.
	if _, ok := Open(path, "build-2").Passed(Open(path, "build-2").Key("rules", []byte("groups: []\n"))); ok {
		t.Error("a verdict of another binary was served")
	}
}

// TestKeysSeparateInputs: every input and its boundaries change the key.
func TestKeysSeparateInputs(t *testing.T) {
	c := Open(filepath.Join(t.TempDir(), "x"), "id")
	keys := map[string]string{}
	for name, k := range map[string]string{
		"base":          c.Key("check", []byte("ab"), []byte("c")),
		"moved border":  c.Key("check", []byte("a"), []byte("bc")),
		"other check":   c.Key("check2", []byte("ab"), []byte("c")),
		"one byte more": c.Key("check", []byte("ab"), []byte("c "), nil),
		"extra input":   c.Key("check", []byte("ab"), []byte("c"), nil),
	} {
		if other, dup := keys[k]; dup {
			t.Errorf("%s and %s share a key", name, other)
		}
		keys[k] = name
	}
	if (*Cache)(nil).Key("x") != "" {
		t.Error("a nil cache made a key")
	}
	// The verifier's identity is part of every key, the whole of it.
	dir := t.TempDir()
	long := strings.Repeat("dep v1.0.0\n", 2000)
	same := Open(filepath.Join(dir, "y"), "id").Key("check", []byte("ab"), []byte("c"))
	other := Open(filepath.Join(dir, "y"), "id2").Key("check", []byte("ab"), []byte("c"))
	lastByte := Open(filepath.Join(dir, "y"), long+"a").Key("check", []byte("ab"), []byte("c"))
	lastByte2 := Open(filepath.Join(dir, "y"), long+"b").Key("check", []byte("ab"), []byte("c"))
	if keys[same] != "base" {
		t.Error("the same identity and inputs gave another key")
	}
	if other == same || lastByte == lastByte2 {
		t.Error("identities that differ gave the same key")
	}
}

// TestSaveKeepsOnlyWhatTheBuildUsed: entries no build used are dropped, so
// the file holds one build's artifacts.
func TestSaveKeepsOnlyWhatTheBuildUsed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "env.json")
	c := Open(path, "id")
	old, kept := c.Key("a", []byte("old")), c.Key("a", []byte("kept"))
	c.Pass(old, nil)
	c.Pass(kept, nil)
	if err := c.Save(path); err != nil {
		t.Fatal(err)
	}
	next := Open(path, "id")
	if _, ok := next.Passed(kept); !ok {
		t.Fatal("kept entry missing")
	}
	if err := next.Save(path); err != nil {
		t.Fatal(err)
	}
	last := Open(path, "id")
	if _, ok := last.Passed(old); ok {
		t.Error("an entry the last build did not use survived")
	}
	if _, ok := last.Passed(kept); !ok {
		t.Error("an entry the last build used was dropped")
	}
}

// next saves c and opens the next build's cache.
func next(t *testing.T, c *Cache, path string) *Cache {
	t.Helper()
	if err := c.Save(path); err != nil {
		t.Fatal(err)
	}
	return Open(path, "id")
}

// TestCheck: a pass is recorded and served to the next build, a failure
// is not, and a nil cache runs the check every time.
func TestCheck(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x")
	c := Open(path, "id")
	runs := 0
	check := func(pass bool) func() bool {
		return func() bool { runs++; return pass }
	}
	bad, good := c.Key("c", []byte("bad")), c.Key("c", []byte("good"))
	c.Check(bad, check(false))
	c.Check(good, check(true))
	if runs != 2 {
		t.Fatalf("an empty cache ran %d checks of 2", runs)
	}
	c = next(t, c, path)
	runs = 0
	c.Check(good, check(true))
	if runs != 0 {
		t.Error("a recorded pass ran its check again")
	}
	c.Check(bad, check(false))
	if runs != 1 {
		t.Error("a failure was recorded as a pass")
	}
	if _, ok := next(t, c, path).Passed(good); !ok {
		t.Error("a pass served from the cache was not kept for the next build")
	}
	var none *Cache
	runs = 0
	none.Check(none.Key("c", []byte("good")), check(true))
	none.Check(none.Key("c", []byte("good")), check(true))
	if runs != 2 {
		t.Errorf("a nil cache ran the check %d times in two lookups, want 2", runs)
	}
}

// TestCheckPayload: a hit hands the recorded payload to use, and a payload
// use cannot read runs the check as a miss would.
func TestCheckPayload(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x")
	c := Open(path, "id")
	key := c.Key("c", []byte("a"))
	runs := 0
	run := func() ([]byte, bool) { runs++; return []byte("v1"), true }
	var got []string
	use := func(ok bool) func([]byte) bool {
		return func(p []byte) bool { got = append(got, string(p)); return ok }
	}
	c.CheckPayload(key, use(true), run)
	if runs != 1 || len(got) != 0 {
		t.Fatalf("on a miss: runs = %d, payloads used = %q; want 1 run, none", runs, got)
	}
	c = next(t, c, path)
	c.CheckPayload(key, use(true), run)
	if runs != 1 || len(got) != 1 || got[0] != "v1" {
		t.Fatalf("on a hit: runs = %d, payloads used = %q; want no run, [v1]", runs, got)
	}
	c.CheckPayload(key, use(false), run)
	if runs != 2 {
		t.Errorf("an unreadable payload did not run the check (runs = %d)", runs)
	}
	c.CheckPayload(key, nil, run)
	if runs != 2 {
		t.Errorf("a hit without use ran the check (runs = %d)", runs)
	}
}
