package cli

import (
	"io"

	"github.com/mongen-dev/mongen/internal/credgate"
)

// redacting passes everything mongen prints through the credential gate's
// redaction: whatever an error quotes (a CUE message, an upstream parser's,
// a path), a credential's shape in it is replaced before it is printed.
// Main wraps stdout and stderr with it, so no message bypasses it.
func redacting(w io.Writer) io.Writer { return redactWriter{w} }

type redactWriter struct{ w io.Writer }

// redactMessage is the redaction formatError passes every error through
// before it is printed or put in a report.
func redactMessage(s string) string { return credgate.Redact(s) }

// Write redacts p and reports it written whole: callers print one message
// per call (fmt.Fprint*), so a credential is not split across writes.
func (r redactWriter) Write(p []byte) (int, error) {
	s := credgate.Redact(string(p))
	if _, err := io.WriteString(r.w, s); err != nil {
		return 0, err
	}
	return len(p), nil
}
