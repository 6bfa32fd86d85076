package verifycache

import (
	"path/filepath"
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
