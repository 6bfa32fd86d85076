package procserver

import (
	"context"
	"errors"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// Tool runs a command-line tool for its output and exit code.
type Tool struct {
	// Name names the tool in failure messages, e.g. "promserver: promtool".
	Name string
	// Timeout bounds one run.
	Timeout time.Duration
	// Env, if not nil, is the tool's whole environment.
	Env []string
}

// Run runs the tool at path with args and returns its combined output and
// exit code. It fails the test only if the tool could not be run or timed
// out; a non-zero exit is returned for the caller to judge.
func (tl Tool) Run(t testing.TB, path string, args ...string) (output string, exitCode int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), tl.Timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.WaitDelay = 5 * time.Second
	cmd.Env = tl.Env
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("%s %s: timed out after %s\n%s", tl.Name, strings.Join(args, " "), tl.Timeout, out)
	}
	var exitErr *exec.ExitError
	switch {
	case err == nil:
		return string(out), 0
	case errors.As(err, &exitErr):
		return string(out), exitErr.ExitCode()
	default:
		t.Fatalf("%s %s: %v\n%s", tl.Name, strings.Join(args, " "), err, out)
		return "", -1
	}
}
