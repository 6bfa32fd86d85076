//go:build promserver_scratch

package promserver_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mongen-dev/mongen/internal/e2e/promserver"
)

func TestScratchBadServerConfig(t *testing.T) {
	prom, _ := promserver.Binaries(t)
	dir := t.TempDir()
	cfg := writeFile(t, filepath.Join(dir, "p.yml"), "scrape_configs:\n  - job_name: x\n    bogus: 1\n")
	promserver.Start(t, prom, cfg, promserver.Options{ReadyTimeout: 5 * time.Second})
}

func TestScratchTargetDown(t *testing.T) {
	prom, _ := promserver.Binaries(t)
	dir := t.TempDir()
	cfg := writeFile(t, filepath.Join(dir, "p.yml"), "global: {scrape_interval: 1s}\nscrape_configs:\n  - job_name: x\n    static_configs: [{targets: ['127.0.0.1:1']}]\n")
	s := promserver.Start(t, prom, cfg, promserver.Options{})
	s.WaitTargetUp(t, "x", 8*time.Second)
}

func TestScratchFakeRepo(t *testing.T) {
	real := "/work/main/.cache/bin/prometheus-v0.316.0"
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "tools/prometheus"), 0o755)
	os.MkdirAll(filepath.Join(root, "scripts"), 0o755)
	os.MkdirAll(filepath.Join(root, "a/b"), 0o755)
	writeFile(t, filepath.Join(root, "go.mod"), "module github.com/mongen-dev/mongen\n")
	writeFile(t, filepath.Join(root, "a/go.mod"), "module example.com/other\n")
	writeFile(t, filepath.Join(root, "tools/prometheus/go.mod"), "module x\n\nrequire github.com/prometheus/prometheus v0.316.0\n")
	writeFile(t, filepath.Join(root, "scripts/install-prometheus.sh"), "echo building >&2\nmkdir -p .cache/bin\nln -s "+real+" .cache/bin/prometheus-v0.316.0\nln -s "+real+" .cache/bin/promtool-v0.316.0\necho noise\necho $PWD/.cache/bin/prometheus-v0.316.0\necho $PWD/.cache/bin/promtool-v0.316.0\n")
	t.Chdir(filepath.Join(root, "a/b"))
	r, err := promserver.RepoRoot()
	t.Log(r, err)
	p, pt := promserver.Binaries(t)
	t.Log(p, pt)
}

func TestScratchSlowInstall(t *testing.T) {
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "tools/prometheus"), 0o755)
	os.MkdirAll(filepath.Join(root, "scripts"), 0o755)
	writeFile(t, filepath.Join(root, "go.mod"), "module github.com/mongen-dev/mongen\n")
	writeFile(t, filepath.Join(root, "tools/prometheus/go.mod"), "module x\n\nrequire (\n\tgithub.com/prometheus/prometheus v0.316.0 // indirect\n)\n")
	writeFile(t, filepath.Join(root, "scripts/install-prometheus.sh"), "echo building >&2\nsleep 987 &\nwait\n")
	t.Chdir(root)
	promserver.Binaries(t)
}
