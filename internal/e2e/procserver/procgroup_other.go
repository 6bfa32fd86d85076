//go:build !unix

package procserver

import (
	"os"
	"os/exec"
)

func newProcessGroup(cmd *exec.Cmd) {}
func ownProcessGroup(cmd *exec.Cmd) {}

func terminate(cmd *exec.Cmd) { _ = cmd.Process.Signal(os.Interrupt) }
func kill(cmd *exec.Cmd)      { _ = cmd.Process.Kill() }
