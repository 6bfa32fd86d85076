package benchenv_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/mongen-dev/mongen/internal/benchenv"
	"github.com/mongen-dev/mongen/internal/load"
	"github.com/mongen-dev/mongen/internal/pipeline"
	"github.com/mongen-dev/mongen/internal/verify"
	"github.com/mongen-dev/mongen/internal/verifycache"
	"github.com/mongen-dev/mongen/internal/write"
)

// BenchmarkLargeCompileInProcess is the build without the write, in this
// process, for profiling: go test -bench LargeCompileInProcess
// -benchtime 1x -cpuprofile cpu.out.
func BenchmarkLargeCompileInProcess(b *testing.B) {
	dir := largeEnvironment(b)
	ref := load.Ref{Name: benchenv.Name, Dir: "environments/" + benchenv.Name}
	for b.Loop() {
		if _, err := pipeline.Compile(dir, ref, load.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLargeRecompileInProcess is the build after a one-rule edit with
// the verification cache and the output tree of the build before, in this
// process, for
// profiling where an incremental build's time goes. Each iteration saves
// the cache it used, as a build does. With MONGEN_PROFILE=FILE only the
// timed recompiles are profiled (-cpuprofile would include the first,
// cold compile).
func BenchmarkLargeRecompileInProcess(b *testing.B) {
	dir := largeEnvironment(b)
	ref := load.Ref{Name: benchenv.Name, Dir: "environments/" + benchenv.Name}
	path := filepath.Join(b.TempDir(), "verified.json")
	outDir := filepath.Join(dir, "out", benchenv.Name)
	vc := verifycache.Open(path, "bench")
	res, err := pipeline.CompileWith(dir, ref, load.Options{}, pipeline.Options{Verify: verify.Options{Verified: vc}, OutDir: outDir})
	if err != nil {
		b.Fatal(err)
	}
	if err := vc.Save(path); err != nil {
		b.Fatal(err)
	}
	if _, err := write.Apply(outDir, res.Tree); err != nil {
		b.Fatal(err)
	}
	if out := os.Getenv("MONGEN_PROFILE"); out != "" {
		stop, err := startProfile(out)
		if err != nil {
			b.Fatal(err)
		}
		defer stop()
	}
	i, misses := 0, 0
	for b.Loop() {
		b.StopTimer()
		editOneRule(b, dir, i)
		i++
		vc := verifycache.Open(path, "bench")
		b.StartTimer()
		res, err := pipeline.CompileWith(dir, ref, load.Options{}, pipeline.Options{Verify: verify.Options{Verified: vc}, OutDir: outDir})
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		misses += vc.Misses()
		if err := vc.Save(path); err != nil {
			b.Fatal(err)
		}
		if _, err := write.Apply(outDir, res.Tree); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(misses)/float64(i), "misses/op")
}
