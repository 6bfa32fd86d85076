package model

// Vet configures mongen vet for one environment (schemas/vet.cue).
type Vet struct {
	// Disable maps a check id ("promql/counter") to its suppression.
	Disable map[string]VetDisable `json:"disable"`
}

// VetDisable switches one check off, for every rule or for the rules
// named, with the reason printed beside each finding it hides.
type VetDisable struct {
	Reason string `json:"reason"`
	// Rules are alerting or recording rule names; empty means every rule
	// (and the check's findings that are about no rule).
	Rules []string `json:"rules,omitempty"`
}
