package scale

import (
	"slices"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/mongen-dev/mongen/internal/expand"
)

// FederationMatch is the match[] of the federation engine: every selector
// the global rules use, without cluster matchers (inside each cluster's
// Prometheus the label does not exist yet; /federate adds it from the
// external labels), and without the series the global rules record
// themselves. Sorted and unique.
func FederationMatch(groups []expand.Group) []string {
	recorded := map[string]bool{}
	for _, g := range groups {
		for _, r := range g.Rules {
			if r.Kind == "record" {
				recorded[r.Name] = true
			}
		}
	}
	var out []string
	for _, g := range groups {
		for _, r := range g.Rules {
			expr, err := promql.ParseExpr(r.Expr)
			if err != nil {
				continue // verify reports it
			}
			parser.Inspect(expr, func(n parser.Node, _ []parser.Node) error {
				vs, ok := n.(*parser.VectorSelector)
				if !ok || recorded[vs.Name] {
					return nil
				}
				var ms []*labels.Matcher
				named := false
				for _, m := range vs.LabelMatchers {
					if m.Name == ClusterLabel {
						continue
					}
					if m.Name == model.MetricNameLabel {
						named = true
					}
					ms = append(ms, m)
				}
				if !named && len(ms) == 0 {
					return nil
				}
				sel := &parser.VectorSelector{Name: vs.Name, LabelMatchers: ms}
				out = append(out, sel.String())
				return nil
			})
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}
