package corpus

import (
	"os"
	"path/filepath"
	"testing"
)

// KubePrometheusStackChart finds the unpacked kube-prometheus-stack chart
// (shared/corpus/kube-prometheus-stack/chart) where Dir finds the rule
// corpus; the test is skipped when it is not there.
func KubePrometheusStackChart(t testing.TB) string {
	t.Helper()
	return find(t, filepath.Join("kube-prometheus-stack", "chart"))
}

// KubePrometheusStack finds shared/corpus/kube-prometheus-stack (the chart
// with its renders and FACTS.md); the test is skipped when it is not there.
func KubePrometheusStack(t testing.TB) string {
	t.Helper()
	return find(t, "kube-prometheus-stack")
}

// KubePrometheusManifests finds the generated kube-prometheus manifests
// (shared/corpus/kube-prometheus-manifests); the test is skipped when they
// are not there.
func KubePrometheusManifests(t testing.TB) string {
	t.Helper()
	return find(t, "kube-prometheus-manifests")
}

// find locates name under the corpus directory: MONGEN_CORPUS, else
// shared/corpus beside the repository or beside its parent.
func find(t testing.TB, name string) string {
	t.Helper()
	if dir := os.Getenv("MONGEN_CORPUS"); dir != "" {
		p := filepath.Join(dir, name)
		if _, err := os.Stat(p); err != nil {
			t.Skipf("%s not in MONGEN_CORPUS: %v", name, err)
		}
		return p
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
		p := filepath.Join(dir, up, "shared", "corpus", name)
		if _, err := os.Stat(p); err == nil {
			return p
		}
		tried = append(tried, p)
	}
	t.Skipf("%s not found at %v (set MONGEN_CORPUS to the corpus directory)", name, tried)
	return ""
}
