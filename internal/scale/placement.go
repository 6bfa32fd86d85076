package scale

import (
	"fmt"
	"github.com/mongen-dev/mongen/internal/diag"
	"slices"
	"strings"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/model"
)

// ClusterLabel is the external label every cluster's series carry.
const ClusterLabel = "cluster"

var promql = parser.NewParser(parser.Options{})

// checkPlacement reports cluster-scoped rules that only make sense over
// several clusters' series. Inside a cluster's Prometheus the cluster
// label does not exist (it is added when series leave), so matching on
// another cluster, on a pattern of clusters, or aggregating by or without
// cluster, means the author expected the global view. Only environments
// with several clusters or a global view are checked: a single cluster's
// rules keep today's meaning.
func checkPlacement(p *expand.Plan) diag.List {
	env := p.Env
	if !env.MultiCluster() && env.Global == nil {
		return nil
	}
	var problems diag.List
	sloSeen := map[string]bool{}
	for _, g := range p.Groups {
		for _, r := range g.Rules {
			if r.Scope == model.ScopeGlobal || sloSeen[r.SLO] {
				continue
			}
			expr, err := promql.ParseExpr(r.Expr)
			if err != nil {
				continue // verify reports it, with its position
			}
			why := spansClusters(expr, env.Cluster)
			if why != "" && r.SLO != "" {
				// Every window's ratio says the same of the indicator:
				// once per SLO, at its indicator.
				sloSeen[r.SLO] = true
				problems.Add(diag.Origin(r.ExprOrigin), "SLO %s (group %s) %s, but a cluster-scoped SLO is evaluated by each cluster's Prometheus, which holds only its own series without a cluster label: set scope: \"global\" on the SLO to evaluate it in the global view", r.SLO, g.Name, why)
				continue
			}
			if why != "" {
				problems.Add(diag.Origin(r.ExprOrigin), "rule %s (group %s) %s, but it is evaluated by each cluster's Prometheus, which holds only its own series without a cluster label: mark it scope: \"global\" to evaluate it in the global view", r.Name, g.Name, why)
			}
		}
	}
	return problems
}

// spansClusters says how expr reaches beyond cluster own, or "".
func spansClusters(expr parser.Expr, own string) string {
	var why string
	parser.Inspect(expr, func(n parser.Node, _ []parser.Node) error {
		if why != "" {
			return nil
		}
		switch x := n.(type) {
		case *parser.VectorSelector:
			for _, m := range x.LabelMatchers {
				if m.Name != ClusterLabel {
					continue
				}
				if m.Type == labels.MatchEqual && m.Value == own {
					continue
				}
				why = fmt.Sprintf("selects %s", m.String())
				return nil
			}
		case *parser.AggregateExpr:
			if slices.Contains(x.Grouping, ClusterLabel) {
				how := "by"
				if x.Without {
					how = "without"
				}
				why = fmt.Sprintf("aggregates %s %s (%s)", x.Op, how, strings.Join(x.Grouping, ", "))
			}
		}
		return nil
	})
	return why
}
