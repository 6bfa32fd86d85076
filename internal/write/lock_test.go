package write

import (
	"bufio"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestLockAcrossProcesses holds the lock in another process (the test
// binary re-run as TestHelperHoldLock) and checks that Apply here times out
// with the lock message, then succeeds once that process lets go.
func TestLockAcrossProcesses(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "prod")
	lock := filepath.Join(parent, ".prod.lock")

	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperHoldLock$")
	cmd.Env = append(os.Environ(), "MONGEN_WRITE_HOLD_LOCK="+lock)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close()
		cmd.Wait()
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || strings.TrimSpace(line) != "locked" {
		t.Fatalf("helper said %q, %v", line, err)
	}

	_, err = ApplyWith(dir, mkTree(t, sample), Options{LockTimeout: 200 * time.Millisecond})
	if !errors.Is(err, ErrLocked) || !strings.HasPrefix(err.Error(), "another mongen build is writing "+dir+" (lock "+lock+")") {
		t.Fatalf("Apply while another process holds the lock: %v", err)
	}
	assertSnapshot(t, dir, map[string]string{"": "missing"})

	// Let the helper go while this Apply waits: it must get the lock.
	go func() {
		time.Sleep(100 * time.Millisecond)
		stdin.Close()
	}()
	if _, err := ApplyWith(dir, mkTree(t, sample), Options{LockTimeout: 10 * time.Second}); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Errorf("helper: %v", err)
	}
	assertSnapshot(t, dir, treeSnapshot(sample))
	assertOnly(t, parent, "prod")
}

// A lock file left by a build that was killed is not held by anyone (the
// kernel drops flock locks with the process), so it does not block.
func TestStaleLockFileDoesNotBlock(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "prod")
	if err := os.WriteFile(filepath.Join(parent, ".prod.lock"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ApplyWith(dir, mkTree(t, sample), Options{LockTimeout: 100 * time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	assertOnly(t, parent, "prod")
}
