// Package corpus is test support for tests that run on the kube-prometheus
// rule corpus kept outside the repository, in shared/corpus.
package corpus

import (
	"os"
	"path/filepath"
	"testing"
)

// Dir finds shared/corpus/kube-prometheus beside the repository (../shared)
// or beside the directory holding it (../../shared, for a git worktree under
// a sibling directory); MONGEN_CORPUS names the corpus directory explicitly.
// The test is skipped when the corpus is not there.
func Dir(t testing.TB) string {
	t.Helper()
	if dir := os.Getenv("MONGEN_CORPUS"); dir != "" {
		return filepath.Join(dir, "kube-prometheus")
	}
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("no go.mod above the test: cannot locate the corpus")
		}
		dir = parent
	}
	var tried []string
	for _, up := range []string{"..", filepath.Join("..", "..")} {
		corpus := filepath.Join(dir, up, "shared", "corpus", "kube-prometheus")
		if _, err := os.Stat(corpus); err == nil {
			return corpus
		}
		tried = append(tried, corpus)
	}
	t.Skipf("kube-prometheus corpus not found at %v (set MONGEN_CORPUS to the corpus directory)", tried)
	return ""
}

// Files returns the corpus's PrometheusRule files (*.yaml in Dir), sorted;
// an empty corpus fails the test.
func Files(t testing.TB) []string {
	t.Helper()
	dir := Dir(t)
	names, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil || len(names) == 0 {
		t.Fatalf("no PrometheusRule files in %s: %v", dir, err)
	}
	return names
}
