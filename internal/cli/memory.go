package cli

import (
	"os"
	"runtime/debug"
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
