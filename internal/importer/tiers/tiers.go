package tiers

import (
	"fmt"
	"sort"
	"strings"
)

// OtherSeverity is the --severity-map key for every severity value (or
// none) that no other entry maps.
const OtherSeverity = "other"

// Map maps an alert's severity label to a mongen tier.
type Map map[string]string

// Default is mongen's own correspondence (schemas/tier.cue):
// critical is P0, warning P1, info P2.
func Default() Map {
	return Map{"critical": "P0", "warning": "P1", "info": "P2"}
}

// ParseSeverityMap adds --severity-map entries ("none=P2",
// "other=P2") to the default tiering.
func ParseSeverityMap(entries []string) (Map, error) {
	t := Default()
	for _, e := range entries {
		for _, part := range strings.Split(e, ",") {
			sev, tier, ok := strings.Cut(strings.TrimSpace(part), "=")
			if !ok || sev == "" {
				return nil, fmt.Errorf("--severity-map %q: want SEVERITY=TIER, e.g. none=P2 or other=P2", part)
			}
			switch tier {
			case "P0", "P1", "P2":
			default:
				return nil, fmt.Errorf("--severity-map %q: tier %q is not one of P0, P1, P2", part, tier)
			}
			t[sev] = tier
		}
	}
	return t, nil
}

// TierOf returns the tier of an alert with the given severity label
// (has: whether it has one) and whether the mapping was explicit for the
// value.
func (t Map) TierOf(sev string, has bool) (string, bool) {
	if has {
		if tier, ok := t[sev]; ok {
			return tier, true
		}
	}
	tier, ok := t[OtherSeverity]
	return tier, ok
}

// Severity is the severity label value mongen stamps on a tier's alerts.
func Severity(tier string) string {
	switch tier {
	case "P0":
		return "critical"
	case "P1":
		return "warning"
	case "P2":
		return "info"
	}
	return ""
}

// String lists the mapping, for messages.
func (t Map) String() string {
	keys := make([]string, 0, len(t))
	for k := range t {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + t[k]
	}
	return strings.Join(parts, ",")
}
