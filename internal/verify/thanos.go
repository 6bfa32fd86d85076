package verify

import "maps"

// withoutPartialResponse drops the one field Thanos adds to a rule group
// (partial_response_strategy, checked by the PrometheusRule CRD schema), as
// Thanos Ruler does before Prometheus' rulefmt parses the group.
func withoutPartialResponse(groups []any) []any {
	out := make([]any, len(groups))
	for i, g := range groups {
		m, ok := g.(map[string]any)
		if !ok {
			out[i] = g
			continue
		}
		m = maps.Clone(m)
		delete(m, "partial_response_strategy")
		out[i] = m
	}
	return out
}
