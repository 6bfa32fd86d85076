package convert

import (
	"math"
	"slices"
	"sort"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"
)

// thresholdSentinel is the value a library rule's threshold is set to
// when its expression is compared with an input rule's: the number in the
// input at the place of this one is the input's threshold.
const thresholdSentinel = 987654.321

// matchLibraryExpr reports whether input is the library's expression lib
// as PromQL (parentheses, label matcher order and grouping label order
// aside). Where lib has the sentinel number, input may have any number,
// the same at every such place; it is returned as the threshold.
func MatchLibraryExpr(lib, input string) (bool, *float64) {
	p := parser.NewParser(parser.Options{})
	le, err := p.ParseExpr(lib)
	if err != nil {
		return false, nil
	}
	ie, err := p.ParseExpr(input)
	if err != nil {
		return false, nil
	}
	var m exprMatch
	if !m.same(le, ie) {
		return false, nil
	}
	return true, m.threshold
}

type exprMatch struct{ threshold *float64 }

func unparen(e parser.Expr) parser.Expr {
	for {
		switch p := e.(type) {
		case *parser.ParenExpr:
			e = p.Expr
		case *parser.StepInvariantExpr:
			e = p.Expr
		default:
			return e
		}
	}
}

// same compares two expression trees node by node. Parentheses are
// dropped because the tree already holds the precedence they expressed.
// Node kinds with more than one field to compare have a step each.
func (m *exprMatch) same(a, b parser.Expr) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	a, b = unparen(a), unparen(b)
	switch a := a.(type) {
	case *parser.NumberLiteral:
		b, ok := b.(*parser.NumberLiteral)
		return ok && m.sameNumber(a, b)
	case *parser.StringLiteral:
		b, ok := b.(*parser.StringLiteral)
		return ok && a.Val == b.Val
	case *parser.VectorSelector:
		b, ok := b.(*parser.VectorSelector)
		return ok && selectorString(a) == selectorString(b)
	case *parser.MatrixSelector:
		b, ok := b.(*parser.MatrixSelector)
		return ok && sameMatrix(a, b)
	case *parser.SubqueryExpr:
		b, ok := b.(*parser.SubqueryExpr)
		return ok && m.sameSubquery(a, b)
	case *parser.UnaryExpr:
		b, ok := b.(*parser.UnaryExpr)
		return ok && a.Op == b.Op && m.same(a.Expr, b.Expr)
	case *parser.Call:
		b, ok := b.(*parser.Call)
		return ok && m.sameCall(a, b)
	case *parser.AggregateExpr:
		b, ok := b.(*parser.AggregateExpr)
		if !ok || a.Op != b.Op || a.Without != b.Without || !sameSet(a.Grouping, b.Grouping) {
			return false
		}
		return m.same(a.Param, b.Param) && m.same(a.Expr, b.Expr)
	case *parser.BinaryExpr:
		b, ok := b.(*parser.BinaryExpr)
		if !ok || a.Op != b.Op || a.ReturnBool != b.ReturnBool || !sameMatching(a.VectorMatching, b.VectorMatching) {
			return false
		}
		return m.same(a.LHS, b.LHS) && m.same(a.RHS, b.RHS)
	default:
		return a.String() == b.String()
	}
}

// sameNumber compares two numbers. At the library's sentinel the input
// may have any number, but the same one at every sentinel: the first one
// seen becomes the threshold.
func (m *exprMatch) sameNumber(a, b *parser.NumberLiteral) bool {
	if a.Val == thresholdSentinel {
		if m.threshold != nil {
			return *m.threshold == b.Val
		}
		v := b.Val
		m.threshold = &v
		return true
	}
	return a.Val == b.Val || (math.IsNaN(a.Val) && math.IsNaN(b.Val))
}

// sameMatrix compares two range selectors: selector (matcher order
// aside) and range.
func sameMatrix(a, b *parser.MatrixSelector) bool {
	av, aok := a.VectorSelector.(*parser.VectorSelector)
	bv, bok := b.VectorSelector.(*parser.VectorSelector)
	if !aok || !bok || selectorString(av) != selectorString(bv) {
		return false
	}
	return a.Range == b.Range && durationString(a.RangeExpr) == durationString(b.RangeExpr)
}

// sameSubquery compares two subqueries: range, step, offset and @ first,
// then the inner expressions.
func (m *exprMatch) sameSubquery(a, b *parser.SubqueryExpr) bool {
	if a.Range != b.Range || a.Step != b.Step || a.OriginalOffset != b.OriginalOffset ||
		!sameTimestamp(a.Timestamp, b.Timestamp) || a.StartOrEnd != b.StartOrEnd ||
		durationString(a.RangeExpr) != durationString(b.RangeExpr) || durationString(a.StepExpr) != durationString(b.StepExpr) ||
		durationString(a.OriginalOffsetExpr) != durationString(b.OriginalOffsetExpr) {
		return false
	}
	return m.same(a.Expr, b.Expr)
}

// sameCall compares two function calls: name, then each argument in order.
func (m *exprMatch) sameCall(a, b *parser.Call) bool {
	if a.Func.Name != b.Func.Name || len(a.Args) != len(b.Args) {
		return false
	}
	for i := range a.Args {
		if !m.same(a.Args[i], b.Args[i]) {
			return false
		}
	}
	return true
}

// selectorString prints a selector with its matchers sorted.
func selectorString(v *parser.VectorSelector) string {
	c := *v
	c.LabelMatchers = slices.Clone(v.LabelMatchers)
	sort.Slice(c.LabelMatchers, func(i, j int) bool { return c.LabelMatchers[i].String() < c.LabelMatchers[j].String() })
	return c.String()
}

func durationString(d *parser.DurationExpr) string {
	if d == nil {
		return ""
	}
	return d.String()
}

func sameTimestamp(a, b *int64) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

func sameSet(a, b []string) bool {
	return slices.Equal(slices.Sorted(slices.Values(a)), slices.Sorted(slices.Values(b)))
}

func sameMatching(a, b *parser.VectorMatching) bool {
	if a == nil || b == nil {
		// The parser sets matching on every vector-vector operation; a
		// missing one equals the default.
		var zero parser.VectorMatching
		if a == nil {
			a = &zero
		}
		if b == nil {
			b = &zero
		}
	}
	return a.Card == b.Card && a.On == b.On && sameSet(a.MatchingLabels, b.MatchingLabels) &&
		sameSet(a.Include, b.Include) && sameFill(a.FillValues.LHS, b.FillValues.LHS) && sameFill(a.FillValues.RHS, b.FillValues.RHS)
}

func sameFill(a, b *float64) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

// jobsOf lists the values of the equality job matchers in expr, sorted:
// the jobs the expression selects by name.
func jobsOf(expr string) []string {
	e, err := parser.NewParser(parser.Options{}).ParseExpr(expr)
	if err != nil {
		return nil
	}
	var jobs []string
	parser.Inspect(e, func(n parser.Node, _ []parser.Node) error {
		if vs, ok := n.(*parser.VectorSelector); ok {
			for _, lm := range vs.LabelMatchers {
				if lm.Name == "job" && lm.Type == labels.MatchEqual && lm.Value != "" {
					jobs = append(jobs, lm.Value)
				}
			}
		}
		return nil
	})
	return slices.Compact(slices.Sorted(slices.Values(jobs)))
}
