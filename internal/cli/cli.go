// Package cli implements mongen's commands. It parses flags and calls the
// pipeline; main only forwards the exit code.
package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
)

// Exit codes, documented in docs/cli.md.
const (
	ExitOK      = 0
	ExitFailed  = 1 // check failed, invalid input, build error
	ExitUsage   = 2 // bad flags or arguments
	exitUnknown = ExitFailed
)

// usageError marks an error as the caller's wrong invocation: it exits 2
// and points at the help of the command that was run.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// failure carries an exit code for errors whose message was already printed.
type failure struct{ code int }

func (f failure) Error() string { return fmt.Sprintf("exit %d", f.code) }

// Main runs mongen with args and returns the process exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	limitMemory() // memory.go
	// Every message leaves through the credential redaction (redact.go).
	stdout, stderr = redacting(stdout), redacting(stderr)
	cwd, err := os.Getwd()
	if err != nil {
		fmt.Fprintf(stderr, "mongen: %s\n", formatError(err))
		return ExitFailed
	}
	root := newRoot(&app{stdout: stdout, stderr: stderr, cwd: cwd})
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	cmd, err := root.ExecuteC()
	if err == nil {
		return ExitOK
	}
	var f failure
	if errors.As(err, &f) {
		return f.code
	}
	var u usageError
	if errors.As(err, &u) {
		if cmd == nil {
			cmd = root
		}
		fmt.Fprintf(stderr, "mongen: %s\nRun '%s --help' for usage.\n", formatError(err), cmd.CommandPath())
		return ExitUsage
	}
	// Unindented, as a command's own multi-line message lays itself out.
	fmt.Fprintf(stderr, "mongen: %s\n", formatError(err))
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
		Version:       readBuildVersion().String(),
		SilenceUsage:  true,
		SilenceErrors: true,
		// mongen alone prints the help; mongen bild is a usage error with
		// a suggestion (cobra's own check would exit 1).
		Args: unknownCommand,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	root.SetVersionTemplate("{{.Version}}")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(newBuildCmd(a), newCheckCmd(a), newVersionCmd(a), newRoutesCmd(a))
	root.AddCommand(newTestCmd(a))
	root.AddCommand(newVetCmd(a))
	root.AddCommand(newDiffCmd(a), newInitCmd(a))
	root.AddCommand(newImportCmd(a))
	// The help and completion commands exist before the walks below.
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	usageArgs(root)
	registerCompletions(a, root)
	return root
}

// unknownCommand rejects a root argument that names no command, with
// the commands it may have meant.
func unknownCommand(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	msg := fmt.Sprintf("unknown command %q", args[0])
	if cmd.HasParent() {
		msg += fmt.Sprintf(" for %q", cmd.CommandPath())
	}
	if cmd.SuggestionsMinimumDistance <= 0 {
		cmd.SuggestionsMinimumDistance = 2
	}
	if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
		msg += fmt.Sprintf("; did you mean %s?", quoteAll(s))
	}
	return usageError{errors.New(msg)}
}

// quoteAll renders names as "a", "b" or "c".
func quoteAll(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	if len(q) == 1 {
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}

// usageArgs makes every argument check under cmd a usage error (exit 2),
// whichever validator (mongen's or cobra's, such as cobra.NoArgs) raised it.
func usageArgs(cmd *cobra.Command) {
	switch {
	case cmd.Name() == "help":
		// mongen help bild: cobra prints the root's help and exits 0.
		cmd.Args = func(c *cobra.Command, args []string) error {
			if len(args) == 0 {
				return nil
			}
			found, rest, err := c.Root().Find(args)
			if err != nil || len(rest) > 0 || found == c.Root() {
				return unknownCommand(c.Root(), args)
			}
			return nil
		}
	case cmd.HasParent() && cmd.HasSubCommands() && !cmd.Runnable():
		// mongen completion bsh: cobra prints the help and exits 0.
		cmd.Args = unknownCommand
		cmd.RunE = func(c *cobra.Command, _ []string) error { return c.Help() }
	}
	if check := cmd.Args; check != nil {
		cmd.Args = func(c *cobra.Command, args []string) error {
			err := check(c, args)
			var u usageError
			if err != nil && !errors.As(err, &u) {
				return usageError{err}
			}
			return err
		}
	}
	for _, c := range cmd.Commands() {
		usageArgs(c)
	}
}
