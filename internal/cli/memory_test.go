package cli

import (
	"io"
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
	"time"
)

// mongen's soft memory limit applies unless GOMEMLIMIT is set.
func TestMemoryLimit(t *testing.T) {
	before := debug.SetMemoryLimit(math.MaxInt64)
	t.Cleanup(func() { debug.SetMemoryLimit(before) })

	t.Setenv("GOMEMLIMIT", "")
	os.Unsetenv("GOMEMLIMIT")
	Main([]string{"version"}, io.Discard, io.Discard)
	if got := debug.SetMemoryLimit(-1); got != defaultMemoryLimit {
		t.Errorf("limit without GOMEMLIMIT = %d, want %d", got, defaultMemoryLimit)
	}

	debug.SetMemoryLimit(math.MaxInt64)
	t.Setenv("GOMEMLIMIT", "2GiB")
	Main([]string{"version"}, io.Discard, io.Discard)
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Errorf("limit with GOMEMLIMIT set = %d, want the runtime's own (unchanged)", got)
	}
}

// The collector is relaxed once, after the last of the environments'
// loads, and never when GOGC is set.
func TestRelaxCollectorAfterLoads(t *testing.T) {
	relaxed := 0
	loaded := afterLoads(3, func() { relaxed++ })
	for i := range 3 {
		if relaxed != 0 {
			t.Fatalf("relaxed after %d of 3 loads", i)
		}
		loaded()
	}
	if relaxed != 1 {
		t.Fatalf("relaxed %d times after 3 loads, want once", relaxed)
	}

	before := debug.SetGCPercent(100)
	t.Cleanup(func() { debug.SetGCPercent(before) })
	t.Setenv("GOGC", "")
	os.Unsetenv("GOGC")
	relaxCollector()
	if got := debug.SetGCPercent(100); got != loadedGCPercent {
		t.Errorf("GOGC without the variable = %d, want %d", got, loadedGCPercent)
	}
	t.Setenv("GOGC", "100")
	relaxCollector()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("GOGC with the variable set = %d, want the runtime's own 100", got)
	}

	// It starts a collection, unless GOGC is off. The earlier calls'
	// collections are over once runtime.GC returns.
	runtime.GC()
	var stats runtime.MemStats
	runtime.ReadMemStats(&stats)
	collections := stats.NumGC
	relaxCollector()
	for deadline := time.Now().Add(10 * time.Second); ; {
		var now runtime.MemStats
		runtime.ReadMemStats(&now)
		if now.NumGC > collections {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no collection ran after the loads")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// A build relaxes the collector once its environment is loaded, and a
// build the input cache serves (not loaded) does too.
func TestBuildRelaxesCollector(t *testing.T) {
	before := debug.SetGCPercent(100)
	t.Cleanup(func() { debug.SetGCPercent(before) })
	t.Setenv("GOGC", "")
	os.Unsetenv("GOGC")
	dir := t.TempDir()
	if code := Main([]string{"init", dir, "--mongen-version", "v0.0.0"}, io.Discard, io.Discard); code != ExitOK {
		t.Fatalf("init: exit %d", code)
	}
	t.Chdir(dir)
	t.Setenv("MONGEN_CACHE_DIR", t.TempDir())
	for _, run := range []string{"evaluated", "from the input cache"} {
		debug.SetGCPercent(100)
		var stderr strings.Builder
		if code := Main([]string{"build", "--all"}, io.Discard, &stderr); code != ExitOK {
			t.Fatalf("build (%s): exit %d\n%s", run, code, stderr.String())
		}
		if got := debug.SetGCPercent(100); got != loadedGCPercent {
			t.Errorf("GOGC after a build %s = %d, want %d", run, got, loadedGCPercent)
		}
	}
}
