// Package corpus is test support for tests that run on the kube-prometheus
// rule corpus kept outside the repository, in shared/corpus.
package corpus

import (
	"path/filepath"
	"testing"
)

// Dir finds shared/corpus/kube-prometheus beside the repository (../shared)
// or beside the directory holding it (../../shared, for a git worktree under
// a sibling directory); MONGEN_CORPUS names the corpus directory explicitly.
// The test is skipped when the corpus is not there.
func Dir(t testing.TB) string {
	t.Helper()
	return find(t, "kube-prometheus")
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
