package amserver

import (
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mongen-dev/mongen/internal/e2e/procserver"
)

// amtoolTimeout bounds one amtool run.
const amtoolTimeout = 2 * time.Minute

// RunAmtool runs amtool with args and returns its combined output and exit
// code. It fails the test only if amtool could not be run or timed out; a
// non-zero exit is returned for the caller to judge.
func RunAmtool(t testing.TB, amtool string, args ...string) (output string, exitCode int) {
	t.Helper()
	return procserver.Tool{
		Name:    "amserver: amtool",
		Timeout: amtoolTimeout,
		// amtool reads defaults (alertmanager.url, output, ...) from
		// $HOME/.config/amtool/config.yml: keep the caller's out.
		Env: append(os.Environ(), "HOME="+t.TempDir()),
	}.Run(t, amtool, args...)
}

// CheckConfig runs `amtool check-config` on configPath (which also parses
// the templates it names) and fails the test with amtool's output if it exits
// non-zero.
//
// amtool does not read *_file secrets (url_file, auth_password_file, ...):
// Alertmanager reads them when it sends a notification, so a missing file
// passes this check and server start-up alike.
func CheckConfig(t testing.TB, amtool, configPath string) {
	t.Helper()
	if out, code := RunAmtool(t, amtool, "check-config", configPath); code != 0 {
		t.Fatalf("amtool check-config %s: exit %d\n%s", configPath, code, out)
	}
}

// RouteReceivers runs `amtool config routes test` on configPath for an alert
// with labels and returns the receivers it routes to, in routing-tree order
// (several when routes have continue: true). It fails the test if amtool
// exits non-zero. Receiver names containing a comma cannot be told apart:
// amtool joins them with commas.
func RouteReceivers(t testing.TB, amtool, configPath string, labels map[string]string) []string {
	t.Helper()
	args := []string{"config", "routes", "test", "--config.file=" + configPath}
	names := make([]string, 0, len(labels))
	for name := range labels {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		args = append(args, name+"="+strconv.Quote(labels[name]))
	}
	out, code := RunAmtool(t, amtool, args...)
	if code != 0 {
		t.Fatalf("amtool %s: exit %d\n%s", strings.Join(args, " "), code, out)
	}
	// The answer is the last line; warnings (e.g. about the matcher parser)
	// come before it.
	lines := strings.Split(strings.TrimSpace(out), "\n")
	return strings.Split(strings.TrimSpace(lines[len(lines)-1]), ",")
}
