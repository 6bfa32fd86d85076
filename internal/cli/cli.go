// Package cli implements mongen's commands. It parses flags and calls the
// pipeline; main only forwards the exit code.
package cli

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
)

// Exit codes, documented in docs/cli.md.
const (
	ExitOK      = 0
	ExitFailed  = 1 // check failed, invalid input, build error
	ExitUsage   = 2 // bad flags or arguments
	exitUnknown = ExitFailed
)

// usageError marks an error as the caller's wrong invocation.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// failure carries an exit code for errors whose message was already printed.
type failure struct{ code int }

func (f failure) Error() string { return fmt.Sprintf("exit %d", f.code) }

// Main runs mongen with args and returns the process exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	// Every message leaves through the credential redaction (redact.go).
	stdout, stderr = redacting(stdout), redacting(stderr)
	cwd, err := os.Getwd()
	if err != nil {
		fmt.Fprintf(stderr, "mongen: %v\n", err)
		return ExitFailed
	}
	root := newRoot(&app{stdout: stdout, stderr: stderr, cwd: cwd})
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err = root.Execute()
	if err == nil {
		return ExitOK
	}
	var f failure
	if errors.As(err, &f) {
		return f.code
	}
	var u usageError
	if errors.As(err, &u) {
		fmt.Fprintf(stderr, "mongen: %v\nRun 'mongen --help' for usage.\n", err)
		return ExitUsage
	}
	fmt.Fprintf(stderr, "mongen: %v\n", err)
	return exitUnknown
}

// app is what every command shares: where to print and where it runs.
type app struct {
	stdout, stderr io.Writer
	cwd            string
}

func newRoot(a *app) *cobra.Command {
	root := &cobra.Command{
		Use:           "mongen",
		Short:         "Compile CUE monitoring definitions into validated Prometheus and Kubernetes configuration",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(newBuildCmd(a), newCheckCmd(a), newVersionCmd(a), newRoutesCmd(a))
	root.AddCommand(newTestCmd(a))
	root.AddCommand(newVetCmd(a))
	root.AddCommand(newDiffCmd(a), newInitCmd(a))
	root.AddCommand(newImportCmd(a))
	return root
}
