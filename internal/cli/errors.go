package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/mongen-dev/mongen/internal/diag"
)

// formatError is every error as mongen prints it, the one place that
// renders one: its diagnostics (diag.As) one per line, position first
// (file:line:col relative to the repository), in the order the stage gave
// them; context a caller wrapped around them (fmt.Errorf("ctx: %w")) leads
// each message, as diag.Wrap would have put it. An error that carries no
// diagnostics is its message as it is. Either way it passes through the
// credential redaction (redact.go), so no message quotes a credential,
// whatever a stage or an upstream parser put in it.
func formatError(err error) string {
	if err == nil {
		return ""
	}
	text := strings.TrimRight(err.Error(), "\n")
	if l, ok := diag.As(err); ok && len(l) > 0 {
		if ctx, ok := strings.CutSuffix(text, l.Error()); ok {
			if ctx = strings.TrimSuffix(ctx, ": "); ctx != "" {
				text = diag.Wrap(l, ctx).Error()
			}
		}
		// Otherwise the wrapping put words after the diagnostics: the
		// message as it is says all of it.
	}
	return redactMessage(text)
}

// printError writes err under prefix (an environment's name, or "mongen"):
// "prefix: " before the first line, the lines after it indented, so a
// report of several problems reads as one block.
func printError(w io.Writer, prefix string, err error) {
	fmt.Fprintf(w, "%s: %s\n", prefix, indentAfterFirst(formatError(err)))
}

// indentAfterFirst keeps multi-line error reports readable under a prefix.
func indentAfterFirst(s string) string {
	return strings.ReplaceAll(s, "\n", "\n    ")
}
