//go:build unix

package write

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
)

// TestHelperKillAt is not a test: TestKillDuringSwap runs the test binary
// with MONGEN_WRITE_KILL_AT set, and this applies changedSample to
// MONGEN_WRITE_DIR and kills its own process with SIGKILL at that stage of
// apply, as a kill -9 or an OOM kill would.
func TestHelperKillAt(t *testing.T) {
	stage, dir := os.Getenv("MONGEN_WRITE_KILL_AT"), os.Getenv("MONGEN_WRITE_DIR")
	if stage == "" {
		t.Skip("helper process only")
	}
	testHook = func(s, _ string) error {
		if s == stage {
			syscall.Kill(os.Getpid(), syscall.SIGKILL)
			select {} // the signal is on its way
		}
		if s == "swap" && os.Getenv("MONGEN_WRITE_NO_EXCHANGE") != "" {
			return errExchangeUnsupported
		}
		return nil
	}
	_, err := Apply(dir, mkTree(t, changedSample))
	fmt.Println("not killed:", err)
	os.Exit(3)
}

func TestKillDuringSwap(t *testing.T) {
	for _, tc := range []struct {
		stage      string
		noExchange bool
		// want is what out/prod holds after the kill: "old", "new" or
		// "missing".
		want string
	}{
		{stage: "swap", want: "old"},
		{stage: "swapped", want: "new"},
		// Where directories cannot be exchanged the gap remains; the
		// next Apply restores the old tree.
		{stage: "gap", noExchange: true, want: "missing"},
		{stage: "swapped", noExchange: true, want: "new"},
	} {
		name := tc.stage
		if tc.noExchange {
			name = "renames/" + name
		}
		t.Run(name, func(t *testing.T) {
			parent, dir, before := existing(t)
			cmd := exec.Command(os.Args[0], "-test.run=^TestHelperKillAt$", "-test.count=1")
			cmd.Env = append(os.Environ(), "MONGEN_WRITE_KILL_AT="+tc.stage, "MONGEN_WRITE_DIR="+dir)
			if tc.noExchange {
				cmd.Env = append(cmd.Env, "MONGEN_WRITE_NO_EXCHANGE=1")
			}
			out, err := cmd.CombinedOutput()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
				t.Fatalf("helper was not killed: %v\n%s", err, out)
			}

			switch tc.want {
			case "old":
				assertSnapshot(t, dir, before)
			case "new":
				assertSnapshot(t, dir, treeSnapshot(changedSample))
			case "missing":
				assertSnapshot(t, dir, map[string]string{"": "missing"})
			}
			if got := siblings(t, parent); len(got) < 2 {
				t.Errorf("a kill at %s left only %q: the temporary tree should still be there", tc.stage, got)
			}
			// Compare (mongen build --check, mongen check) reads only
			// out/prod, never the leftovers.
			if d, err := Compare(dir, mkTree(t, changedSample)); err != nil || (tc.want == "new") != d.Empty() {
				t.Errorf("Compare after the kill = %v, %v", d, err)
			}

			// A build that finds out/prod current (an input cache hit)
			// tidies without applying: the leftovers go, an old tree
			// left aside comes back.
			Tidy(dir)
			if tc.want == "missing" {
				assertSnapshot(t, dir, before)
			}
			assertOnly(t, parent, "prod")

			// The next Apply cleans up. Given the old tree again it
			// finds nothing to change: the old tree was kept or put
			// back whole, hand-made file included.
			if tc.want != "new" {
				oldTree := mkTree(t, sample)
				d, err := Apply(dir, oldTree)
				if err != nil {
					t.Fatal(err)
				}
				if tc.want == "old" || tc.want == "missing" {
					// The hand-made file is stale, nothing else differs.
					if !reflect.DeepEqual(d.Removed, []string{"hand-made/stale.txt"}) || len(d.Added)+len(d.Changed) != 0 {
						t.Errorf("after the kill the old tree was not whole: diff %v", d)
					}
				}
				assertSnapshot(t, dir, treeSnapshot(sample))
			} else if _, err := Apply(dir, mkTree(t, changedSample)); err != nil {
				t.Fatal(err)
			}
			assertOnly(t, parent, "prod")
		})
	}
}

// TestSwapHasNoGap watches out/prod from another goroutine while it is
// swapped many times: it must always exist and always be one whole tree.
func TestSwapHasNoGap(t *testing.T) {
	if runtime.GOOS != "linux" && runtime.GOOS != "darwin" {
		t.Skip("no atomic exchange of directories on " + runtime.GOOS)
	}
	parent := t.TempDir()
	dir := filepath.Join(parent, "prod")
	trees := []map[string]string{
		{"marker": "A", "a/only.yaml": "a\n", "shared.yaml": strings.Repeat("a", 100)},
		{"marker": "B", "b/x/only.yaml": "b\n", "shared.yaml": "b"},
	}
	if _, err := Apply(dir, mkTree(t, trees[0])); err != nil {
		t.Fatal(err)
	}
	var gaps atomic.Int32
	setHook(t, func(stage, _ string) error {
		if stage == "gap" {
			gaps.Add(1)
		}
		return nil
	})

	stop := make(chan struct{})
	var looks, misses atomic.Int64
	var problems sync.Map
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				looks.Add(1)
				if _, err := os.Lstat(dir); err != nil {
					misses.Add(1)
					problems.Store("stat: "+err.Error(), true)
					continue
				}
				marker, err := os.ReadFile(filepath.Join(dir, "marker"))
				if err != nil {
					misses.Add(1)
					problems.Store("marker: "+err.Error(), true)
					continue
				}
				// The marker names the tree; its own file must be there.
				own := map[string]string{"A": "a/only.yaml", "B": "b/x/only.yaml"}[string(marker)]
				if own == "" {
					problems.Store(fmt.Sprintf("marker %q", marker), true)
					continue
				}
				if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(own))); err != nil && !errors.Is(err, os.ErrNotExist) {
					problems.Store("own file: "+err.Error(), true)
				}
			}
		})
	}
	const swaps = 100
	for i := 1; i <= swaps; i++ {
		if _, err := Apply(dir, mkTree(t, trees[i%2])); err != nil {
			close(stop)
			wg.Wait()
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
	problems.Range(func(k, _ any) bool {
		t.Error(k)
		return true
	})
	if n := misses.Load(); n > 0 {
		t.Errorf("out/prod was missing or incomplete %d times in %d looks", n, looks.Load())
	}
	if looks.Load() < swaps {
		t.Errorf("only %d looks during %d swaps", looks.Load(), swaps)
	}
	if n := gaps.Load(); n != 0 {
		t.Errorf("%d swaps went through two renames instead of an exchange", n)
	}
	assertSnapshot(t, dir, treeSnapshot(trees[swaps%2]))
	assertOnly(t, parent, "prod")
}

// TestSwapByRenamesWhenExchangeIsUnsupported runs the fallback path to
// the end: same result, no leftovers.
func TestSwapByRenamesWhenExchangeIsUnsupported(t *testing.T) {
	parent, dir, _ := existing(t)
	var gaps atomic.Int32
	setHook(t, func(stage, _ string) error {
		switch stage {
		case "swap":
			return errExchangeUnsupported
		case "gap":
			gaps.Add(1)
		}
		return nil
	})
	if _, err := Apply(dir, mkTree(t, changedSample)); err != nil {
		t.Fatal(err)
	}
	if gaps.Load() != 1 {
		t.Errorf("fallback not taken")
	}
	assertSnapshot(t, dir, treeSnapshot(changedSample))
	assertOnly(t, parent, "prod")
}
