package write

import (
	"os"
	"path/filepath"
	"testing"
)

// TestUnchangedFilesAreLinked: a build that changes one file links the
// others from the tree before instead of writing them again; a file whose
// mode or bytes differ on disk is written anew.
func TestUnchangedFilesAreLinked(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "dev")
	files := map[string]string{"a.yaml": "a\n", "sub/b.yaml": "b\n", "c.yaml": "c\n", "d.yaml": "d\n"}
	if _, err := Apply(dir, mkTree(t, files)); err != nil {
		t.Fatal(err)
	}
	// A hand-made change the diff cannot see: the mode.
	if err := os.Chmod(filepath.Join(dir, "d.yaml"), 0o600); err != nil {
		t.Fatal(err)
	}
	before := stats(t, dir)
	files["a.yaml"] = "a changed\n"
	if _, err := Apply(dir, mkTree(t, files)); err != nil {
		t.Fatal(err)
	}
	after := stats(t, dir)
	for p, want := range map[string]bool{"sub/b.yaml": true, "c.yaml": true, "a.yaml": false, "d.yaml": false} {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if got := os.SameFile(before[full], after[full]); got != want {
			t.Errorf("%s: the same file as before is %v, want %v", p, got, want)
		}
		if mode := after[full].Mode().Perm(); mode != FileMode {
			t.Errorf("%s: mode %v, want %v", p, mode, FileMode)
		}
	}
	assertSnapshot(t, dir, treeSnapshot(files))
	// The old tree is gone, so every file has one name again.
	assertOnly(t, filepath.Dir(dir), "dev")
}
