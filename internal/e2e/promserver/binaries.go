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
	"strings"
	"testing"
	"time"

	"github.com/mongen-dev/mongen/internal/e2e/procserver"
)

// BinDirEnv names the environment variable that, when set, points at a
// directory holding prebuilt `prometheus` and `promtool` binaries.
const BinDirEnv = "MONGEN_PROMETHEUS_BIN_DIR"

// promtoolTimeout bounds one promtool run.
const promtoolTimeout = 2 * time.Minute

var install = &procserver.Install{
	Prefix:    "promserver",
	Product:   "Prometheus",
	Server:    "prometheus",
	Tool:      "promtool",
	BinDirEnv: BinDirEnv,
	Module:    "github.com/prometheus/prometheus",
	GoMod:     "tools/prometheus/go.mod",
	Script:    "scripts/install-prometheus.sh",
	ColdBuild: "a few minutes",
}

// Binaries returns the paths of the prometheus and promtool binaries,
// building them with scripts/install-prometheus.sh if they are missing.
func Binaries(t testing.TB) (prometheus, promtool string) {
	t.Helper()
	return install.Binaries(t)
}

// RepoRoot returns the root of the mongen repository: the nearest directory,
// from the working directory upwards, whose go.mod declares module
// github.com/mongen-dev/mongen.
func RepoRoot() (string, error) { return procserver.RepoRoot() }

// RunPromtool runs promtool with args and returns its combined output and
// exit code. It fails the test only if promtool could not be run or timed
// out; a non-zero exit is returned for the caller to judge.
func RunPromtool(t testing.TB, promtool string, args ...string) (output string, exitCode int) {
	t.Helper()
	return procserver.Tool{Name: "promserver: promtool", Timeout: promtoolTimeout}.Run(t, promtool, args...)
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
