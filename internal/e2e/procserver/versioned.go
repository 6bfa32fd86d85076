package procserver

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// VersionedScript is the install script that provides a server and its tool
// at a version the caller chooses, relative to the repository root. It takes
// the product and the version as arguments ("alertmanager v0.34.0") and
// prints the server's and the tool's path as its last two lines.
const VersionedScript = "scripts/install-servers.sh"

// releaseVersion matches a release version as platforms state it: vX.Y.Z.
var releaseVersion = regexp.MustCompile(`^v(\d+)\.(\d+)\.(\d+)$`)

// Versioned finds, or installs with VersionedScript, a server and its tool at
// one version: .cache/bin/SERVER-VERSION and .cache/bin/TOOL-VERSION at the
// repository root.
type Versioned struct {
	// Prefix starts the messages, e.g. "amserver".
	Prefix string
	// Product is the script's product argument, e.g. "alertmanager".
	Product string
	// Server and Tool are the binaries' names, e.g. "alertmanager" and
	// "amtool".
	Server, Tool string
}

// Binaries returns the paths of the server and the tool at version (vX.Y.Z),
// running VersionedScript if either is missing. It keeps no state: a second
// call finds the files.
func (v Versioned) Binaries(t testing.TB, version string) (server, tool string) {
	t.Helper()
	if !releaseVersion.MatchString(version) {
		t.Fatalf("%s: %s version %q is not vX.Y.Z", v.Prefix, v.Product, version)
	}
	root, err := RepoRoot()
	if err != nil {
		t.Fatalf("%s: %v", v.Prefix, err)
	}
	binDir := filepath.Join(root, ".cache", "bin")
	server = filepath.Join(binDir, v.Server+"-"+version)
	tool = filepath.Join(binDir, v.Tool+"-"+version)
	if CheckExecutable(server) == nil && CheckExecutable(tool) == nil {
		return server, tool
	}
	t.Logf("%s: installing %s %s with %s (a few minutes when it builds)", v.Prefix, v.Product, version, VersionedScript)
	start := time.Now()
	server, tool, err = runScript(root, installDeadline(t), VersionedScript, v.Product, version)
	if err != nil {
		t.Fatalf("%s: %v", v.Prefix, err)
	}
	t.Logf("%s: installed %s %s in %s", v.Prefix, v.Product, version, time.Since(start).Round(time.Second))
	return server, tool
}

// runScript runs script (relative to root) with args and returns the last two
// paths it prints, both checked to be executable.
func runScript(root string, deadline time.Time, script string, args ...string) (server, tool string, err error) {
	ctx, cancel := context.WithDeadline(context.Background(), deadline)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", append([]string{filepath.Join(root, script)}, args...)...)
	cmd.Dir = root
	cmd.WaitDelay = 10 * time.Second
	ownProcessGroup(cmd)
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			err = fmt.Errorf("timed out at %s; run %s %s once beforehand or raise go test -timeout",
				deadline.Format(time.TimeOnly), script, strings.Join(args, " "))
		}
		return "", "", fmt.Errorf("%s %s: %v\n%s%s", script, strings.Join(args, " "), err, stderr.String(), stdout.String())
	}
	var paths []string
	sc := bufio.NewScanner(&stdout)
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" {
			paths = append(paths, line)
		}
	}
	if len(paths) < 2 {
		return "", "", fmt.Errorf("%s printed %q, want two paths", script, stdout.String())
	}
	server, tool = paths[len(paths)-2], paths[len(paths)-1]
	for _, p := range []string{server, tool} {
		if err := CheckExecutable(p); err != nil {
			return "", "", fmt.Errorf("%s: %v", script, err)
		}
	}
	return server, tool, nil
}

// CompareVersions compares two vX.Y.Z versions numerically: -1, 0 or +1. It
// returns an error if either is not vX.Y.Z.
func CompareVersions(a, b string) (int, error) {
	pa, err := parseVersion(a)
	if err != nil {
		return 0, err
	}
	pb, err := parseVersion(b)
	if err != nil {
		return 0, err
	}
	for i := range pa {
		switch {
		case pa[i] < pb[i]:
			return -1, nil
		case pa[i] > pb[i]:
			return 1, nil
		}
	}
	return 0, nil
}

func parseVersion(v string) ([3]int, error) {
	m := releaseVersion.FindStringSubmatch(v)
	if m == nil {
		return [3]int{}, fmt.Errorf("version %q is not vX.Y.Z", v)
	}
	var out [3]int
	for i := range out {
		n, err := strconv.Atoi(m[i+1])
		if err != nil {
			return [3]int{}, fmt.Errorf("version %q: %v", v, err)
		}
		out[i] = n
	}
	return out, nil
}
