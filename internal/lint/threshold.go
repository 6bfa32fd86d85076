package lint

import (
	"fmt"

	"github.com/prometheus/prometheus/promql/parser"
)

// checkThresholdSign reports an alert whose threshold is negative and
// compared with (threshold: -95 where 95 was meant): counts, ratios,
// percentages, durations and bytes are never negative, so `> -95` fires
// for every series and `< -95` never does. Only a rule's threshold
// parameter is judged: a literal such as a clock offset's `< -0.05` is
// written on purpose.
func checkThresholdSign(p *pass) {
	for _, r := range p.todo {
		if r.expr == nil || !r.alert() || r.Threshold == nil || *r.Threshold >= 0 {
			continue
		}
		parser.Inspect(r.expr, func(n parser.Node, _ []parser.Node) error {
			b, ok := n.(*parser.BinaryExpr)
			if !ok || !b.Op.IsComparisonOperator() || b.ReturnBool {
				return nil
			}
			op := b.Op
			lit, litOK := negative(b.RHS)
			if litOK && lit != *r.Threshold {
				litOK = false
			}
			if !litOK {
				if lit, litOK = negative(b.LHS); !litOK || lit != *r.Threshold {
					return nil
				}
				op = mirror(op)
			} else if _, both := negative(b.LHS); both {
				return nil
			}
			var effect string
			switch op {
			case parser.GTR, parser.GTE, parser.NEQ:
				effect = "fires for every series"
			case parser.LSS, parser.LTE, parser.EQLC:
				effect = "never fires"
			default:
				return nil
			}
			// A library rule's threshold comes from the override that set it.
			pos := r.exprOrigin()
			if env := p.plan.Env; env != nil {
				if ov, ok := env.Overrides[r.Name]; ok && ov.Threshold != nil {
					if at := env.Source("overrides", r.Name); at != "" {
						pos = at
					}
				}
			}
			p.report("rule/threshold-sign", "", pos, r, "%s: `%s` compares with %s: for a quantity that is never negative (a count, ratio, percentage, duration or size) the alert %s; if you meant %s, drop the sign", r.at(b.PositionRange().Start), snippet(r.Expr, b), formatNumber(lit), effect, formatNumber(-lit))
			return nil
		})
	}
}

// negative reports the value of a negative number literal (-95 or -(95)).
func negative(e parser.Expr) (float64, bool) {
	switch x := e.(type) {
	case *parser.NumberLiteral:
		return x.Val, x.Val < 0
	case *parser.ParenExpr:
		return negative(x.Expr)
	case *parser.UnaryExpr:
		if n, ok := x.Expr.(*parser.NumberLiteral); ok && x.Op == parser.SUB {
			return -n.Val, n.Val > 0
		}
	}
	return 0, false
}

// mirror turns `a op b` into `b op' a`.
func mirror(op parser.ItemType) parser.ItemType {
	switch op {
	case parser.GTR:
		return parser.LSS
	case parser.GTE:
		return parser.LTE
	case parser.LSS:
		return parser.GTR
	case parser.LTE:
		return parser.GTE
	}
	return op
}

func formatNumber(f float64) string { return fmt.Sprintf("%g", f) }
