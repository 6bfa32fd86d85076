package lint

import (
	"fmt"
	"sort"
	"strings"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"
)

// labelSet is what the lint knows about the labels of an expression's
// result series: either exactly which labels they can have, or that they
// have unknown labels except some that were certainly removed.
type labelSet struct {
	exact bool
	// names: with exact, every label the series can have.
	names map[string]bool
	// why explains an exact set, for messages.
	why reason
	// gone: without exact, labels certainly absent, each with the reason.
	gone map[string]reason
}

// reason explains a label set; it is formatted only when a finding needs
// it.
type reason func() string

func because(format string, args ...any) reason {
	return func() string { return fmt.Sprintf(format, args...) }
}

func openSet() labelSet { return labelSet{gone: map[string]reason{}} }

func exactSet(why reason, names ...string) labelSet {
	s := labelSet{exact: true, names: map[string]bool{}, why: why}
	for _, n := range names {
		s.names[n] = true
	}
	return s
}

// lacks reports whether the series certainly have no label l, and why.
func (s labelSet) lacks(l string) (bool, reason) {
	if s.exact {
		if s.names[l] {
			return false, nil
		}
		return true, s.why
	}
	why, ok := s.gone[l]
	return ok, why
}

// without removes labels for the given reason.
func (s labelSet) without(why reason, ls ...string) labelSet {
	out := s.clone()
	for _, l := range ls {
		if out.exact {
			delete(out.names, l)
		} else if _, ok := out.gone[l]; !ok {
			out.gone[l] = why
		}
	}
	if out.exact && len(ls) > 0 {
		out.why = why
	}
	return out
}

// with adds labels that are certainly (or possibly) present.
func (s labelSet) with(ls ...string) labelSet {
	out := s.clone()
	for _, l := range ls {
		if out.exact {
			out.names[l] = true
		} else {
			delete(out.gone, l)
		}
	}
	return out
}

// keep restricts an exact or open set to ls.
func (s labelSet) keep(why reason, ls ...string) labelSet {
	out := exactSet(why)
	for _, l := range ls {
		if lacking, _ := s.lacks(l); !lacking {
			out.names[l] = true
		}
	}
	return out
}

func (s labelSet) clone() labelSet {
	out := labelSet{exact: s.exact, why: s.why}
	if s.names != nil {
		out.names = make(map[string]bool, len(s.names))
		for k, v := range s.names {
			out.names[k] = v
		}
	}
	out.gone = make(map[string]reason, len(s.gone))
	for k, v := range s.gone {
		out.gone[k] = v
	}
	return out
}

// union is the labels of `a or b`.
func union(a, b labelSet) labelSet {
	if a.exact && b.exact {
		out := a.clone()
		for k := range b.names {
			out.names[k] = true
		}
		names := out.names
		out.why = func() string { return "both sides of `or` together have " + nameList(names) }
		return out
	}
	out := openSet()
	add := func(l string) {
		la, wa := a.lacks(l)
		lb, _ := b.lacks(l)
		if la && lb {
			out.gone[l] = wa
		}
	}
	for _, s := range []labelSet{a, b} {
		for l := range s.gone {
			add(l)
		}
	}
	return out
}

func nameList(names map[string]bool) string {
	if len(names) == 0 {
		return "no labels"
	}
	ls := make([]string, 0, len(names))
	for n := range names {
		ls = append(ls, n)
	}
	sort.Strings(ls)
	return "only " + strings.Join(ls, ", ")
}

// outLabels infers the labels of expr's result series, following the
// PromQL engine: aggregations keep their grouping labels, one-to-one
// vector matching with on() keeps the matching labels, absent() keeps its
// selector's equality matchers, and so on.
func outLabels(expr string, n parser.Node) labelSet {
	where := func(node parser.Node) string {
		line, col := LineCol(expr, int(node.PositionRange().Start))
		return fmt.Sprintf("`%s` (expr %d:%d)", snippet(expr, node), line, col)
	}
	at := func(node parser.Node, format string) reason {
		return func() string { return fmt.Sprintf(format, where(node)) }
	}
	switch e := n.(type) {
	case *parser.ParenExpr:
		return outLabels(expr, e.Expr)
	case *parser.UnaryExpr:
		return outLabels(expr, e.Expr)
	case *parser.StepInvariantExpr:
		return outLabels(expr, e.Expr)
	case *parser.NumberLiteral, *parser.StringLiteral, *parser.DurationExpr:
		return exactSet(because("the expression is a number, which has no labels"))
	case *parser.VectorSelector:
		return openSet()
	case *parser.MatrixSelector:
		return outLabels(expr, e.VectorSelector)
	case *parser.SubqueryExpr:
		return outLabels(expr, e.Expr)
	case *parser.AggregateExpr:
		inner := outLabels(expr, e.Expr)
		switch e.Op {
		case parser.TOPK, parser.BOTTOMK, parser.LIMITK, parser.LIMIT_RATIO:
			// These select series; they keep every label.
			return inner
		}
		grouping := e.Grouping
		if e.Op == parser.COUNT_VALUES {
			if s, ok := e.Param.(*parser.StringLiteral); ok {
				if e.Without {
					return inner.without(at(e, "%s aggregates it away"), grouping...).with(s.Val)
				}
				keep := append(append([]string{}, grouping...), s.Val)
				return inner.keep(at(e, "%s keeps only "+strings.Join(keep, ", ")), keep...)
			}
		}
		if e.Without {
			return inner.without(at(e, "%s aggregates it away"), grouping...)
		}
		if len(grouping) == 0 {
			return exactSet(at(e, "%s aggregates every label away (add by (...) to keep some)"))
		}
		return inner.keep(at(e, "%s keeps only "+strings.Join(grouping, ", ")), grouping...)
	case *parser.Call:
		return callLabels(e, at, func(e parser.Expr) labelSet { return outLabels(expr, e) })
	case *parser.BinaryExpr:
		lt, rt := e.LHS.Type(), e.RHS.Type()
		lhsVec := lt == parser.ValueTypeVector || lt == parser.ValueTypeMatrix
		rhsVec := rt == parser.ValueTypeVector || rt == parser.ValueTypeMatrix
		switch {
		case !lhsVec && !rhsVec:
			return exactSet(because("the expression is a number, which has no labels"))
		case !rhsVec:
			return outLabels(expr, e.LHS)
		case !lhsVec:
			return outLabels(expr, e.RHS)
		}
		l, r := outLabels(expr, e.LHS), outLabels(expr, e.RHS)
		switch e.Op {
		case parser.LAND, parser.LUNLESS:
			return l
		case parser.LOR:
			return union(l, r)
		}
		m := e.VectorMatching
		if m == nil {
			return l
		}
		switch m.Card {
		case parser.CardOneToOne:
			if m.On {
				return l.keep(at(e, "the one-to-one match on ("+strings.Join(m.MatchingLabels, ", ")+") at %s keeps only those labels"), m.MatchingLabels...)
			}
			return l.without(at(e, "ignoring ("+strings.Join(m.MatchingLabels, ", ")+") in %s removes it"), m.MatchingLabels...)
		case parser.CardManyToOne:
			return l.with(m.Include...)
		case parser.CardOneToMany:
			return r.with(m.Include...)
		}
		return l
	}
	return openSet()
}

func callLabels(e *parser.Call, at func(parser.Node, string) reason, sub func(parser.Expr) labelSet) labelSet {
	name := e.Func.Name
	vecArg := func() (labelSet, bool) {
		for _, a := range e.Args {
			if t := a.Type(); t == parser.ValueTypeVector || t == parser.ValueTypeMatrix {
				return sub(a), true
			}
		}
		return labelSet{}, false
	}
	switch name {
	case "absent", "absent_over_time":
		var keep []string
		if len(e.Args) == 1 {
			var vs *parser.VectorSelector
			switch a := unparen(e.Args[0]).(type) {
			case *parser.VectorSelector:
				vs = a
			case *parser.MatrixSelector:
				vs, _ = a.VectorSelector.(*parser.VectorSelector)
			}
			if vs != nil {
				for _, m := range vs.LabelMatchers {
					if m.Type == labels.MatchEqual && m.Name != model.MetricNameLabel {
						keep = append(keep, m.Name)
					}
				}
			}
		}
		what := "no labels"
		if len(keep) > 0 {
			what = "only " + strings.Join(keep, ", ")
		}
		return exactSet(at(e, "%s returns a series with "+what+" (the equality matchers of a plain selector)"), keep...)
	case "vector", "scalar", "time", "pi":
		return exactSet(at(e, "%s has no labels"))
	case "label_replace", "label_join":
		s, ok := vecArg()
		if !ok {
			return openSet()
		}
		if len(e.Args) > 1 {
			if dst, ok := e.Args[1].(*parser.StringLiteral); ok {
				return s.with(dst.Val)
			}
		}
		return s
	case "histogram_quantile", "histogram_fraction":
		s, ok := vecArg()
		if !ok {
			return openSet()
		}
		return s.without(at(e, "%s removes it"), "le")
	case "info":
		// info() adds the labels of info metrics: unknown.
		s, ok := vecArg()
		if !ok {
			return openSet()
		}
		s = s.clone()
		s.exact, s.names, s.gone = false, nil, map[string]reason{}
		return s
	}
	if e.Func.ReturnType == parser.ValueTypeScalar {
		return exactSet(at(e, "%s returns a number, which has no labels"))
	}
	s, ok := vecArg()
	if !ok {
		return exactSet(at(e, "%s has no labels"))
	}
	return s
}

func unparen(e parser.Expr) parser.Expr {
	for {
		p, ok := e.(*parser.ParenExpr)
		if !ok {
			return e
		}
		e = p.Expr
	}
}
