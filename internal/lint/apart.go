package lint

import (
	"slices"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"
)

// constraints are label matchers every series of an expression's result
// satisfies, by label: `kube_deployment_status_replicas{namespace="a"} > 0`
// returns only series with namespace="a". A label without an entry may
// hold anything.
type constraints map[string][]*labels.Matcher

// resultConstraints infers what the series of n's result must satisfy.
// It errs on the side of knowing less: a nil result knows nothing.
func resultConstraints(n parser.Node) constraints {
	switch e := n.(type) {
	case *parser.ParenExpr:
		return resultConstraints(e.Expr)
	case *parser.StepInvariantExpr:
		return resultConstraints(e.Expr)
	case *parser.UnaryExpr:
		return resultConstraints(e.Expr)
	case *parser.MatrixSelector:
		return resultConstraints(e.VectorSelector)
	case *parser.SubqueryExpr:
		return resultConstraints(e.Expr)
	case *parser.VectorSelector:
		out := constraints{}
		for _, m := range e.LabelMatchers {
			if m.Name != "__name__" {
				out[m.Name] = append(out[m.Name], m)
			}
		}
		return out
	case *parser.AggregateExpr:
		inner := resultConstraints(e.Expr)
		switch e.Op {
		case parser.TOPK, parser.BOTTOMK, parser.LIMITK, parser.LIMIT_RATIO:
			return inner
		case parser.COUNT_VALUES:
			return nil
		}
		out := constraints{}
		for l, ms := range inner {
			if slices.Contains(e.Grouping, l) != e.Without {
				out[l] = ms
			}
		}
		return out
	case *parser.Call:
		switch e.Func.Name {
		case "label_replace", "label_join":
			inner := resultConstraints(e.Args[0])
			if dst, ok := e.Args[1].(*parser.StringLiteral); ok && inner != nil {
				delete(inner, dst.Val)
				return inner
			}
			return nil
		case "absent", "absent_over_time", "vector", "scalar", "time", "count_values", "sort_by_label", "sort_by_label_desc", "info":
			return nil
		}
		for _, a := range e.Args {
			if t := a.Type(); t == parser.ValueTypeVector || t == parser.ValueTypeMatrix {
				return resultConstraints(a)
			}
		}
		return nil
	case *parser.BinaryExpr:
		lt, rt := e.LHS.Type(), e.RHS.Type()
		switch {
		case lt != parser.ValueTypeVector && rt != parser.ValueTypeVector:
			return nil
		case rt != parser.ValueTypeVector:
			return resultConstraints(e.LHS)
		case lt != parser.ValueTypeVector:
			return resultConstraints(e.RHS)
		case e.Op == parser.LOR:
			return nil
		}
		if m := e.VectorMatching; m != nil && m.Card == parser.CardOneToMany {
			return resultConstraints(e.RHS)
		}
		return resultConstraints(e.LHS)
	}
	return nil
}

// alertConstraints are what the alerts of rule r satisfy: its static
// labels replace whatever the expression's series carry.
func (p *pass) alertConstraints(r *rule) constraints {
	out := constraints{}
	if expr := p.exprOf(r); expr != nil {
		for l, ms := range resultConstraints(expr) {
			out[l] = ms
		}
	}
	for k, v := range r.Labels {
		out[k] = []*labels.Matcher{labels.MustNewMatcher(labels.MatchEqual, k, v)}
	}
	return out
}

// apart reports whether no alert of a can have the labels of an alert of
// b: some label has a fixed value on one side that the other side's
// matchers refuse (namespace="a" against namespace="b", or
// owner_kind="StatefulSet" against owner_kind=~"Deployment|ReplicaSet").
func apart(a, b constraints) bool {
	for l, ams := range a {
		bms, ok := b[l]
		if !ok {
			continue
		}
		if refuses(ams, bms) || refuses(bms, ams) {
			return true
		}
	}
	return false
}

// refuses reports whether an equality in fixed names a value that one of
// others does not match.
func refuses(fixed, others []*labels.Matcher) bool {
	for _, f := range fixed {
		if f.Type != labels.MatchEqual {
			continue
		}
		for _, o := range others {
			if !o.Matches(f.Value) {
				return true
			}
		}
	}
	return false
}
