//go:build unix

package promserver

import (
	"os/exec"
	"syscall"
)

// ownProcessGroup makes cmd lead a new process group and makes cancelling
// its context kill the whole group, so that a timed-out install script does
// not leave its `go build` running.
func ownProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}
