package cli

import (
	"os"
	"runtime"
	"runtime/debug"
	"sync/atomic"
)

// defaultMemoryLimit is the soft limit mongen keeps its heap under unless
// GOMEMLIMIT says otherwise: near it the garbage collector runs more often
// instead of letting the heap double. For the 10,000-rule environment of
// docs/performance.md it took mongen diff's peak from 930–970 MB to
// 865 MB, and the cold build's from 780 to 730 MB, without costing time;
// an environment whose live data is larger still builds, with more
// collections.
const defaultMemoryLimit = 850 << 20

// limitMemory sets defaultMemoryLimit, leaving a GOMEMLIMIT the user set
// (read by the Go runtime at start) alone.
func limitMemory() {
	if _, set := os.LookupEnv("GOMEMLIMIT"); set {
		return
	}
	debug.SetMemoryLimit(defaultMemoryLimit)
}

// loadedGCPercent is the collector's GOGC once every environment of a run
// is loaded. Evaluating CUE builds a large graph that lives to the end of
// the load, and collecting it at the default 100 costs what it costs
// `cue export` too. What comes after (render, verify) allocates many times
// its live data, which is small; at 100 the collector ran every 100–150 ms
// of a build and marked on both cores. At 200 a cold build of the large
// environment takes about 5% less wall time and 9% less CPU, at a peak
// about 60 MB higher (docs/performance.md); the heap stays under the soft
// limit above either way.
const loadedGCPercent = 200

// relaxCollector sets loadedGCPercent, leaving a GOGC the user set alone,
// and, unless GOGC is off, starts a collection on another goroutine: the evaluation's graph
// (hundreds of MB in a large environment) is garbage now, and collected
// at once its memory serves render and verify, where waiting for the
// heap's goal grew the heap into new pages. It took the large
// environment's cold-build peak from 897–920 to 855–859 MB, at the same
// wall time (docs/performance.md).
func relaxCollector() {
	switch gogc, set := os.LookupEnv("GOGC"); {
	case gogc == "off":
		return // the user switched the collector off
	case !set:
		debug.SetGCPercent(loadedGCPercent)
	}
	go runtime.GC()
}

// afterLoads returns what each of n environments calls once its load is
// over (or was not needed); the last of the n calls runs relax. Loads run
// concurrently, so the collector is relaxed only when none is evaluating.
func afterLoads(n int, relax func()) func() {
	var left atomic.Int64
	left.Store(int64(n))
	return func() {
		if left.Add(-1) == 0 {
			relax()
		}
	}
}
