package cli

import (
	"bytes"
	"strings"
	"testing"

	"github.com/mongen-dev/mongen/internal/inputcache"
)

// buildProd runs `mongen build [extra...] --out DIR prod` in-process on the
// shipped prod environment and returns its stdout.
func buildProd(b *testing.B, out string, extra ...string) string {
	b.Helper()
	var stdout, stderr bytes.Buffer
	args := append(append([]string{"build"}, extra...), "--out", out, "prod")
	if code := Main(args, &stdout, &stderr); code != ExitOK {
		b.Fatalf("mongen %s: exit %d\n%s", strings.Join(args, " "), code, stderr.String())
	}
	return stdout.String()
}

// BenchmarkBuildProdFull is the reference: a rebuild of prod that finds
// out/ current but evaluates, renders and verifies everything (--no-cache).
func BenchmarkBuildProdFull(b *testing.B) {
	b.Setenv(inputcache.DirEnv, b.TempDir())
	out := b.TempDir()
	buildProd(b, out)
	for b.Loop() {
		buildProd(b, out, "--no-cache")
	}
}

// BenchmarkBuildProdNoop is a no-op rebuild of prod: hash every input,
// find the record, hash the 132 files under out/prod/ against it.
func BenchmarkBuildProdNoop(b *testing.B) {
	b.Setenv(inputcache.DirEnv, b.TempDir())
	out := b.TempDir()
	buildProd(b, out)
	var last string
	for b.Loop() {
		last = buildProd(b, out)
	}
	if !strings.Contains(last, "inputs unchanged") {
		b.Fatalf("the rebuild was not a cache hit: %s", last)
	}
}
