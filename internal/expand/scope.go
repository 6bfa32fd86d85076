package expand

import "github.com/mongen-dev/mongen/internal/model"

// Global reports whether the group is evaluated by the environment's
// global view rather than a cluster's Prometheus: its rules say scope
// "global" (internal/scale rejects groups that mix scopes).
func (g Group) Global() bool {
	for _, r := range g.Rules {
		if r.Scope == model.ScopeGlobal {
			return true
		}
	}
	return false
}

// ClusterGroups are the groups a cluster's Prometheus evaluates.
func (p *Plan) ClusterGroups() []Group {
	var out []Group
	for _, g := range p.Groups {
		if !g.Global() {
			out = append(out, g)
		}
	}
	return out
}

// GlobalGroups are the groups of the global evaluator.
func (p *Plan) GlobalGroups() []Group {
	var out []Group
	for _, g := range p.Groups {
		if g.Global() {
			out = append(out, g)
		}
	}
	return out
}
