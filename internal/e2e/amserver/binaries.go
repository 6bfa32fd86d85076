// Package amserver is a test helper that runs the real Alertmanager server
// and amtool against files mongen generates, and records the notifications
// the server sends to webhook receivers.
//
// The binaries are built from source at the version pinned in
// tools/alertmanager/go.mod (v0.28.1) by scripts/install-alertmanager.sh into
// .cache/bin/ at the repository root. Binaries builds them on first use, so
// `go test` works from a clean clone (the first run takes a couple of
// minutes). Set MONGEN_ALERTMANAGER_BIN_DIR to a directory holding
// `alertmanager` and `amtool` to use other binaries instead.
//
// All traffic is to loopback addresses, clustering is disabled, and every
// wait is bounded.
package amserver

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mongen-dev/mongen/internal/e2e/promserver"
)

// BinDirEnv names the environment variable that, when set, points at a
// directory holding prebuilt `alertmanager` and `amtool` binaries.
const BinDirEnv = "MONGEN_ALERTMANAGER_BIN_DIR"

const (
	amModulePath  = "github.com/prometheus/alertmanager"
	installScript = "scripts/install-alertmanager.sh"
	toolsGoMod    = "tools/alertmanager/go.mod"

	// installTimeout bounds a cold build of both binaries.
	installTimeout = 20 * time.Minute
	// amtoolTimeout bounds one amtool run.
	amtoolTimeout = 2 * time.Minute
)

// installMu serialises builds within one test binary; the install script
// takes a file lock against other processes.
var (
	installMu    sync.Mutex
	installedBin [2]string
)

// Binaries returns the paths of the alertmanager and amtool binaries,
// building them with scripts/install-alertmanager.sh if they are missing.
func Binaries(t testing.TB) (alertmanager, amtool string) {
	t.Helper()

	if dir := os.Getenv(BinDirEnv); dir != "" {
		alertmanager = filepath.Join(dir, "alertmanager")
		amtool = filepath.Join(dir, "amtool")
		for _, p := range []string{alertmanager, amtool} {
			if err := checkExecutable(p); err != nil {
				t.Fatalf("amserver: %s=%s: %v", BinDirEnv, dir, err)
			}
		}
		return alertmanager, amtool
	}

	installMu.Lock()
	defer installMu.Unlock()
	if installedBin[0] != "" {
		return installedBin[0], installedBin[1]
	}

	root, err := promserver.RepoRoot()
	if err != nil {
		t.Fatalf("amserver: %v", err)
	}
	version, err := PinnedVersion(filepath.Join(root, toolsGoMod))
	if err != nil {
		t.Fatalf("amserver: %v", err)
	}
	binDir := filepath.Join(root, ".cache", "bin")
	alertmanager = filepath.Join(binDir, "alertmanager-"+version)
	amtool = filepath.Join(binDir, "amtool-"+version)
	if checkExecutable(alertmanager) != nil || checkExecutable(amtool) != nil {
		t.Logf("amserver: building Alertmanager %s with %s (a couple of minutes when cold; set %s to use prebuilt binaries)",
			version, installScript, BinDirEnv)
		start := time.Now()
		alertmanager, amtool, err = runInstall(root, installDeadline(t))
		if err != nil {
			t.Fatalf("amserver: %v", err)
		}
		t.Logf("amserver: built Alertmanager in %s", time.Since(start).Round(time.Second))
	}
	installedBin = [2]string{alertmanager, amtool}
	return alertmanager, amtool
}

// PinnedVersion returns the version of github.com/prometheus/alertmanager
// that the go.mod file at goMod (normally tools/alertmanager/go.mod)
// requires, e.g. "v0.28.1".
func PinnedVersion(goMod string) (string, error) {
	data, err := os.ReadFile(goMod)
	if err != nil {
		return "", err
	}
	for line := range strings.Lines(string(data)) {
		fields := strings.Fields(line)
		if len(fields) > 0 && fields[0] == "require" {
			fields = fields[1:]
		}
		if len(fields) >= 2 && fields[0] == amModulePath && strings.HasPrefix(fields[1], "v") {
			return fields[1], nil
		}
	}
	return "", fmt.Errorf("%s does not require %s", goMod, amModulePath)
}

func checkExecutable(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	if fi.IsDir() || fi.Mode()&0o111 == 0 {
		return fmt.Errorf("%s is not an executable file", path)
	}
	return nil
}

// installDeadline is when a build must have finished: installTimeout from
// now, or shortly before the test binary's own deadline (go test -timeout) so
// that the test fails with a clear message rather than a panic.
func installDeadline(t testing.TB) time.Time {
	deadline := time.Now().Add(installTimeout)
	if d, ok := t.(interface{ Deadline() (time.Time, bool) }); ok {
		if td, ok := d.Deadline(); ok && td.Add(-30*time.Second).Before(deadline) {
			deadline = td.Add(-30 * time.Second)
		}
	}
	return deadline
}

// runInstall runs the install script and returns the two paths it prints.
func runInstall(root string, deadline time.Time) (alertmanager, amtool string, err error) {
	ctx, cancel := context.WithDeadline(context.Background(), deadline)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", filepath.Join(root, installScript))
	cmd.Dir = root
	cmd.WaitDelay = 10 * time.Second
	ownProcessGroup(cmd)
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			err = fmt.Errorf("timed out at %s; run %s once beforehand or raise go test -timeout",
				deadline.Format(time.TimeOnly), installScript)
		}
		return "", "", fmt.Errorf("%s: %v\n%s%s", installScript, err, stderr.String(), stdout.String())
	}
	var paths []string
	sc := bufio.NewScanner(&stdout)
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" {
			paths = append(paths, line)
		}
	}
	if len(paths) < 2 {
		return "", "", fmt.Errorf("%s printed %q, want two paths", installScript, stdout.String())
	}
	alertmanager, amtool = paths[len(paths)-2], paths[len(paths)-1]
	for _, p := range []string{alertmanager, amtool} {
		if err := checkExecutable(p); err != nil {
			return "", "", fmt.Errorf("%s: %v", installScript, err)
		}
	}
	return alertmanager, amtool, nil
}
