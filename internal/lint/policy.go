package lint

import (
	"time"

	"github.com/prometheus/common/model"

	mmodel "github.com/mongen-dev/mongen/internal/model"
)

// Policy is what the tiers demand of the rules that carry them.
type Policy struct {
	Tiers map[string]TierPolicy
}

// TierPolicy is one tier's demands.
type TierPolicy struct {
	// Severity is the severity label value the tier's alerts carry.
	Severity string
	// RequiredAnnotations must be present and not blank.
	RequiredAnnotations []string
	// MinFor and MaxFor bound the rule's `for`; zero means unbounded.
	MinFor, MaxFor time.Duration
}

// The default tier policy, used when an environment has no alerting
// section. It is library/policy's #Standard: P0 pages now and needs a
// runbook; P1 goes to chat in working hours; P2 is only recorded.
var (
	DefaultP0 = TierPolicy{Severity: "critical", RequiredAnnotations: []string{"summary", "description", "runbook_url"}, MinFor: time.Minute, MaxFor: 30 * time.Minute}
	DefaultP1 = TierPolicy{Severity: "warning", RequiredAnnotations: []string{"summary", "description"}, MinFor: 5 * time.Minute, MaxFor: 6 * time.Hour}
	DefaultP2 = TierPolicy{Severity: "info", RequiredAnnotations: []string{"summary"}, MinFor: 5 * time.Minute}
)

// DefaultPolicy returns the default tier policy (a fresh copy).
func DefaultPolicy() Policy {
	return Policy{Tiers: map[string]TierPolicy{"P0": DefaultP0, "P1": DefaultP1, "P2": DefaultP2}}
}

// PolicyFrom reads the tier policy of an environment's alerting section.
// Bounds that do not parse are left unbounded (the schema has already
// checked them).
func PolicyFrom(a *mmodel.Alerting) Policy {
	p := Policy{Tiers: map[string]TierPolicy{}}
	for name, t := range a.Tiers {
		p.Tiers[name] = TierPolicy{
			Severity:            t.Severity,
			RequiredAnnotations: t.RequiredAnnotations,
			MinFor:              parseDuration(t.MinFor),
			MaxFor:              parseDuration(t.MaxFor),
		}
	}
	return p
}

func parseDuration(s string) time.Duration {
	if s == "" {
		return 0
	}
	d, err := model.ParseDuration(s)
	if err != nil {
		return 0
	}
	return time.Duration(d)
}

// tierOf returns the tier whose severity is sev.
func (p Policy) tierOf(sev string) (string, bool) {
	for _, name := range sortedKeys(p.Tiers) {
		if p.Tiers[name].Severity == sev {
			return name, true
		}
	}
	return "", false
}
