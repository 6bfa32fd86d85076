package write

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

func benchFiles(n int) map[string]string {
	files := make(map[string]string, n)
	for i := range n {
		files[fmt.Sprintf("prometheus/rules/group-%04d.yaml", i)] = strings.Repeat("x", 2000+i)
	}
	return files
}

// BenchmarkApplyNoop is the write stage of a no-op rebuild: 1,000 files,
// nothing differs.
func BenchmarkApplyNoop(b *testing.B) {
	tree := mkTree(b, benchFiles(1000))
	dir := filepath.Join(b.TempDir(), "prod")
	if _, err := Apply(dir, tree); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if d, err := Apply(dir, tree); err != nil || !d.Empty() {
			b.Fatal(d, err)
		}
	}
}

// BenchmarkApplyChanged rewrites 1,000 files (every Apply changes one).
func BenchmarkApplyChanged(b *testing.B) {
	files := benchFiles(1000)
	dir := filepath.Join(b.TempDir(), "prod")
	i := 0
	for b.Loop() {
		i++
		files["kustomization.yaml"] = fmt.Sprint(i)
		if _, err := Apply(dir, mkTree(b, files)); err != nil {
			b.Fatal(err)
		}
	}
}
