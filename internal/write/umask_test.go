//go:build unix

package write

import (
	"path/filepath"
	"syscall"
	"testing"
)

// Modes are 0644 and 0755 whatever the umask.
func TestModesIgnoreUmask(t *testing.T) {
	old := syscall.Umask(0o077)
	defer syscall.Umask(old)
	dir := filepath.Join(t.TempDir(), "prod")
	if _, err := Apply(dir, mkTree(t, sample)); err != nil {
		t.Fatal(err)
	}
	assertSnapshot(t, dir, treeSnapshot(sample))
}
