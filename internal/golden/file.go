package golden

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/diff"
)

// CompareFile compares got with the file at path, or rewrites the file when
// UPDATE_GOLDEN is set; a mismatch is shown as a unified diff.
func CompareFile(t testing.TB, path, got string) {
	t.Helper()
	if Update() {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (%s=1 creates it)", err, UpdateEnv)
	}
	if string(want) != got {
		t.Errorf("%s differs (%s=1 rewrites it):\n%s", path, UpdateEnv, diff.Diff("want", want, "got", []byte(got)))
	}
}

// WriteFiles writes files (slash paths relative to root) under root, for
// tests that build a repository.
func WriteFiles(t testing.TB, root string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
