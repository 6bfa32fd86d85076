// Package promserver is a test helper that runs the real Prometheus 3.x server
// and promtool against files mongen generates.
//
// The binaries are built from source at the version pinned in
// tools/prometheus/go.mod by scripts/install-prometheus.sh into .cache/bin/ at
// the repository root. Binaries builds them on first use, so `go test` works
// from a clean clone (the first run takes a few minutes). Set
// MONGEN_PROMETHEUS_BIN_DIR to a directory holding `prometheus` and `promtool`
// to use other binaries instead.
//
// All traffic is to loopback addresses and every wait is bounded.
package promserver

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
)

// BinDirEnv names the environment variable that, when set, points at a
// directory holding prebuilt `prometheus` and `promtool` binaries.
const BinDirEnv = "MONGEN_PROMETHEUS_BIN_DIR"

const (
	rootModulePath = "github.com/mongen-dev/mongen"
	promModulePath = "github.com/prometheus/prometheus"
	installScript  = "scripts/install-prometheus.sh"
	toolsGoMod     = "tools/prometheus/go.mod"

	// installTimeout bounds a cold build of both binaries.
	installTimeout = 20 * time.Minute
	// promtoolTimeout bounds one promtool run.
	promtoolTimeout = 2 * time.Minute
)

// installMu serialises builds within one test binary; the install script
// takes a file lock against other processes.
var (
	installMu    sync.Mutex
	installedBin [2]string
)

// Binaries returns the paths of the prometheus and promtool binaries,
// building them with scripts/install-prometheus.sh if they are missing.
func Binaries(t testing.TB) (prometheus, promtool string) {
	t.Helper()

	if dir := os.Getenv(BinDirEnv); dir != "" {
		prometheus = filepath.Join(dir, "prometheus")
		promtool = filepath.Join(dir, "promtool")
		for _, p := range []string{prometheus, promtool} {
			if err := checkExecutable(p); err != nil {
				t.Fatalf("promserver: %s=%s: %v", BinDirEnv, dir, err)
			}
		}
		return prometheus, promtool
	}

	installMu.Lock()
	defer installMu.Unlock()
	if installedBin[0] != "" {
		return installedBin[0], installedBin[1]
	}

	root, err := RepoRoot()
	if err != nil {
		t.Fatalf("promserver: %v", err)
	}
	version, err := pinnedVersion(filepath.Join(root, toolsGoMod))
	if err != nil {
		t.Fatalf("promserver: %v", err)
	}
	binDir := filepath.Join(root, ".cache", "bin")
	prometheus = filepath.Join(binDir, "prometheus-"+version)
	promtool = filepath.Join(binDir, "promtool-"+version)
	if checkExecutable(prometheus) != nil || checkExecutable(promtool) != nil {
		t.Logf("promserver: building Prometheus %s with %s (a few minutes when cold; set %s to use prebuilt binaries)",
			version, installScript, BinDirEnv)
		start := time.Now()
		prometheus, promtool, err = runInstall(root, installDeadline(t))
		if err != nil {
			t.Fatalf("promserver: %v", err)
		}
		t.Logf("promserver: built Prometheus in %s", time.Since(start).Round(time.Second))
	}
	installedBin = [2]string{prometheus, promtool}
	return prometheus, promtool
}

// RepoRoot returns the root of the mongen repository: the nearest directory,
// from the working directory upwards, whose go.mod declares module
// github.com/mongen-dev/mongen.
func RepoRoot() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for dir := wd; ; {
		if modulePath(filepath.Join(dir, "go.mod")) == rootModulePath {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod for module %s above %s", rootModulePath, wd)
		}
		dir = parent
	}
}

// modulePath returns the module path declared in the go.mod file at path, or
// "" if there is none.
func modulePath(path string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	for line := range strings.Lines(string(data)) {
		fields := strings.Fields(line)
		if len(fields) >= 2 && fields[0] == "module" {
			return strings.Trim(fields[1], `"`)
		}
	}
	return ""
}

// pinnedVersion returns the version of github.com/prometheus/prometheus that
// the tools module requires.
func pinnedVersion(goMod string) (string, error) {
	data, err := os.ReadFile(goMod)
	if err != nil {
		return "", err
	}
	for line := range strings.Lines(string(data)) {
		fields := strings.Fields(line)
		if len(fields) > 0 && fields[0] == "require" {
			fields = fields[1:]
		}
		if len(fields) >= 2 && fields[0] == promModulePath && strings.HasPrefix(fields[1], "v") {
			return fields[1], nil
		}
	}
	return "", fmt.Errorf("%s does not require %s", goMod, promModulePath)
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
func runInstall(root string, deadline time.Time) (prometheus, promtool string, err error) {
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
	prometheus, promtool = paths[len(paths)-2], paths[len(paths)-1]
	for _, p := range []string{prometheus, promtool} {
		if err := checkExecutable(p); err != nil {
			return "", "", fmt.Errorf("%s: %v", installScript, err)
		}
	}
	return prometheus, promtool, nil
}

// RunPromtool runs promtool with args and returns its combined output and
// exit code. It fails the test only if promtool could not be run or timed
// out; a non-zero exit is returned for the caller to judge.
func RunPromtool(t testing.TB, promtool string, args ...string) (output string, exitCode int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), promtoolTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, promtool, args...)
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("promserver: promtool %s: timed out after %s\n%s", strings.Join(args, " "), promtoolTimeout, out)
	}
	var exitErr *exec.ExitError
	switch {
	case err == nil:
		return string(out), 0
	case errors.As(err, &exitErr):
		return string(out), exitErr.ExitCode()
	default:
		t.Fatalf("promserver: promtool %s: %v\n%s", strings.Join(args, " "), err, out)
		return "", -1
	}
}

// CheckConfig runs `promtool check config` on configPath (which also checks
// the rule files it names) and fails the test with promtool's output if it
// exits non-zero.
func CheckConfig(t testing.TB, promtool, configPath string) {
	t.Helper()
	if out, code := RunPromtool(t, promtool, "check", "config", configPath); code != 0 {
		t.Fatalf("promtool check config %s: exit %d\n%s", configPath, code, out)
	}
}

// CheckRules runs `promtool check rules` on the rule files and fails the test
// with promtool's output if it exits non-zero.
func CheckRules(t testing.TB, promtool string, rulePaths ...string) {
	t.Helper()
	if len(rulePaths) == 0 {
		t.Fatalf("promserver: CheckRules: no rule files")
	}
	args := append([]string{"check", "rules"}, rulePaths...)
	if out, code := RunPromtool(t, promtool, args...); code != 0 {
		t.Fatalf("promtool check rules %s: exit %d\n%s", strings.Join(rulePaths, " "), code, out)
	}
}
