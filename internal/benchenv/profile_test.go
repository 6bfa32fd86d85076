package benchenv_test

import (
	"testing"

	"github.com/mongen-dev/mongen/internal/benchenv"
	"github.com/mongen-dev/mongen/internal/load"
	"github.com/mongen-dev/mongen/internal/pipeline"
)

// BenchmarkLargeCompileInProcess is the build without the write, in this
// process, for profiling: go test -bench LargeCompileInProcess
// -benchtime 1x -cpuprofile cpu.out.
func BenchmarkLargeCompileInProcess(b *testing.B) {
	src, err := load.FindRoot(".")
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	if err := benchenv.Write(dir, src, benchenv.Large); err != nil {
		b.Fatal(err)
	}
	ref := load.Ref{Name: benchenv.Name, Dir: "environments/" + benchenv.Name}
	for b.Loop() {
		if _, err := pipeline.Compile(dir, ref, load.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
