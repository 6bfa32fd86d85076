// Package procserver holds what the end-to-end helpers promserver and
// amserver share: finding the repository root and a tools module's pinned
// version; finding, or building with an install script, a server binary and
// its command-line tool (Install); running a server on a free loopback port
// in its own process group until /-/ready answers, and stopping it when the
// test ends (Start); and running a command-line tool for its output and exit
// code (Tool).
//
// All traffic is to loopback addresses and every wait is bounded.
package procserver

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

const rootModulePath = "github.com/mongen-dev/mongen"

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

// PinnedVersion returns the version of module that the go.mod file at goMod
// requires, e.g. "v0.28.1".
func PinnedVersion(goMod, module string) (string, error) {
	data, err := os.ReadFile(goMod)
	if err != nil {
		return "", err
	}
	for line := range strings.Lines(string(data)) {
		fields := strings.Fields(line)
		if len(fields) > 0 && fields[0] == "require" {
			fields = fields[1:]
		}
		if len(fields) >= 2 && fields[0] == module && strings.HasPrefix(fields[1], "v") {
			return fields[1], nil
		}
	}
	return "", fmt.Errorf("%s does not require %s", goMod, module)
}

// CheckExecutable returns an error unless path is an executable file.
func CheckExecutable(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	if fi.IsDir() || fi.Mode()&0o111 == 0 {
		return fmt.Errorf("%s is not an executable file", path)
	}
	return nil
}

// PollInterval is the pause between two tries of Poll.
const PollInterval = 100 * time.Millisecond

// Poll calls try every PollInterval until it returns true, and reports
// whether it did before timeout passed. try runs at least once, and once
// more after the deadline if it has not succeeded by then.
func Poll(timeout time.Duration, try func() bool) bool {
	deadline := time.Now().Add(timeout)
	for range int(timeout/PollInterval) + 1 {
		if try() {
			return true
		}
		if time.Now().After(deadline) {
			break
		}
		time.Sleep(PollInterval)
	}
	return false
}
