//go:build unix

package procserver

import (
	"os/exec"
	"syscall"
)

// newProcessGroup makes cmd lead a new process group, which terminate and
// kill signal as a whole.
func newProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

// ownProcessGroup makes cmd (created with exec.CommandContext) lead a new
// process group and makes cancelling its context kill the whole group, so
// that a timed-out install script does not leave its `go build` running.
func ownProcessGroup(cmd *exec.Cmd) {
	newProcessGroup(cmd)
	cmd.Cancel = func() error {
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}

// signalGroup sends sig to the process group cmd leads (see
// newProcessGroup), falling back to the process alone.
func signalGroup(cmd *exec.Cmd, sig syscall.Signal) {
	if err := syscall.Kill(-cmd.Process.Pid, sig); err != nil {
		_ = cmd.Process.Signal(sig)
	}
}

func terminate(cmd *exec.Cmd) { signalGroup(cmd, syscall.SIGTERM) }
func kill(cmd *exec.Cmd)      { signalGroup(cmd, syscall.SIGKILL) }
