package procserver

import (
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// installTimeout bounds a cold build of both binaries.
const installTimeout = 20 * time.Minute

// Install describes a server binary and its command-line tool, built from one
// Go module by an install script into .cache/bin/ at the repository root.
// Use it through a pointer: it remembers the binaries once found.
type Install struct {
	// Prefix starts the messages, e.g. "promserver".
	Prefix string
	// Product names the software in the log, e.g. "Prometheus".
	Product string
	// Server and Tool are the binaries' names, e.g. "prometheus" and
	// "promtool". The install script stores them as Server-VERSION and
	// Tool-VERSION.
	Server, Tool string
	// BinDirEnv names the environment variable that, when set, points at a
	// directory holding prebuilt Server and Tool binaries to use instead.
	BinDirEnv string
	// Module is the Go module the binaries are built from, and GoMod the
	// go.mod file, relative to the repository root, that pins its version.
	Module, GoMod string
	// Script is the install script, relative to the repository root. It
	// prints the paths of the server and the tool, in that order, as the
	// last two lines of its standard output.
	Script string
	// ColdBuild is how long a build takes when cold, for the log, e.g. "a
	// few minutes".
	ColdBuild string

	// mu serialises builds within one test binary; the install script takes
	// a file lock against other processes.
	mu    sync.Mutex
	paths [2]string
}

// Binaries returns the paths of the server and tool binaries: those in
// $BinDirEnv if set, else the ones of the pinned version in .cache/bin/,
// built with the install script if they are missing.
func (in *Install) Binaries(t testing.TB) (server, tool string) {
	t.Helper()

	if dir := os.Getenv(in.BinDirEnv); dir != "" {
		server = filepath.Join(dir, in.Server)
		tool = filepath.Join(dir, in.Tool)
		for _, p := range []string{server, tool} {
			if err := CheckExecutable(p); err != nil {
				t.Fatalf("%s: %s=%s: %v", in.Prefix, in.BinDirEnv, dir, err)
			}
		}
		return server, tool
	}

	in.mu.Lock()
	defer in.mu.Unlock()
	if in.paths[0] != "" {
		return in.paths[0], in.paths[1]
	}

	root, err := RepoRoot()
	if err != nil {
		t.Fatalf("%s: %v", in.Prefix, err)
	}
	version, err := PinnedVersion(filepath.Join(root, in.GoMod), in.Module)
	if err != nil {
		t.Fatalf("%s: %v", in.Prefix, err)
	}
	binDir := filepath.Join(root, ".cache", "bin")
	server = filepath.Join(binDir, in.Server+"-"+version)
	tool = filepath.Join(binDir, in.Tool+"-"+version)
	if CheckExecutable(server) != nil || CheckExecutable(tool) != nil {
		t.Logf("%s: building %s %s with %s (%s when cold; set %s to use prebuilt binaries)",
			in.Prefix, in.Product, version, in.Script, in.ColdBuild, in.BinDirEnv)
		start := time.Now()
		server, tool, err = in.run(root, installDeadline(t))
		if err != nil {
			t.Fatalf("%s: %v", in.Prefix, err)
		}
		t.Logf("%s: built %s in %s", in.Prefix, in.Product, time.Since(start).Round(time.Second))
	}
	in.paths = [2]string{server, tool}
	return server, tool
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

// run runs the install script and returns the two paths it prints.
func (in *Install) run(root string, deadline time.Time) (server, tool string, err error) {
	return runScript(root, deadline, in.Script)
}
