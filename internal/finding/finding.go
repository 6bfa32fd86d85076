// Package finding is the common currency of mongen's checks: lint checks
// (mongen vet), routing proofs and route tests all report Findings, which
// the CLI prints as text, JSON, GitHub annotations or SARIF.
package finding

import (
	"fmt"
	"sort"
)

// Severity of a finding: errors fail the build, warnings are printed.
type Severity string

// The severities.
const (
	Error   Severity = "error"
	Warning Severity = "warning"
)

// Finding is one problem found by a named check.
type Finding struct {
	// Check is the check's id, e.g. "promql/counter" or "alertmanager/unreachable".
	Check    string   `json:"check"`
	Severity Severity `json:"severity"`
	// Position is the CUE source, "file:line:col" relative to the
	// repository root; empty when there is none.
	Position string `json:"position,omitempty"`
	// Subject names what the finding is about, e.g. "rule NodeDown" or
	// "receiver claw-chat".
	Subject string `json:"subject,omitempty"`
	Message string `json:"message"`
}

func (f Finding) String() string {
	s := ""
	if f.Position != "" {
		s = f.Position + ": "
	}
	s += fmt.Sprintf("%s [%s]", f.Severity, f.Check)
	if f.Subject != "" {
		s += " " + f.Subject
	}
	return s + ": " + f.Message
}

// Sort orders findings by position, check, subject and message, so output
// is stable.
func Sort(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.Position != b.Position {
			return a.Position < b.Position
		}
		if a.Check != b.Check {
			return a.Check < b.Check
		}
		if a.Subject != b.Subject {
			return a.Subject < b.Subject
		}
		return a.Message < b.Message
	})
}

// HasErrors reports whether any finding has error severity.
func HasErrors(fs []Finding) bool {
	for _, f := range fs {
		if f.Severity == Error {
			return true
		}
	}
	return false
}
