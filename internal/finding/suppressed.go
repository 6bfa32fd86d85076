package finding

// Suppressed is a finding that the environment's configuration hides, with
// the reason it gives. Suppressed findings never fail a build; they are
// printed so a reviewer sees what is switched off, and why.
type Suppressed struct {
	Finding
	// Reason is the configured reason, printed with the finding.
	Reason string `json:"reason"`
	// By is the position of the suppression in the CUE ("file:line:col").
	By string `json:"suppressedBy,omitempty"`
}
