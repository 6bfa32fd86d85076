package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/mongen-dev/mongen/internal/finding"
)

// acceptedHardening keeps the hardening findings among a build's
// suppressed ones: what hardening.accept, or a target's tls.insecureReason,
// accepts (internal/verify/hardening).
func acceptedHardening(ss []finding.Suppressed) []finding.Suppressed {
	var out []finding.Suppressed
	for _, s := range ss {
		if strings.HasPrefix(s.Check, "hardening/") {
			out = append(out, s)
		}
	}
	return out
}

// printAccepted prints each accepted hardening finding as mongen vet
// prints a suppressed one, so a reviewer of a build sees what is accepted:
// the finding, then the reason and where it is accepted.
func printAccepted(w io.Writer, env string, ss []finding.Suppressed) {
	for _, s := range ss {
		line := ""
		if s.Position != "" {
			line = s.Position + ": "
		}
		line += fmt.Sprintf("accepted %s [%s]", s.Severity, s.Check)
		if s.Subject != "" {
			line += " " + s.Subject
		}
		line += ": " + strings.ReplaceAll(s.Message, "\n", "\n    ")
		reason := "    reason: " + s.Reason
		if s.By != "" {
			reason += " (" + s.By + ")"
		}
		fmt.Fprintf(w, "%s: %s\n%s\n", env, line, reason)
	}
}
