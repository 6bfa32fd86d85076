package lint

import (
	"fmt"
	"strings"

	"github.com/prometheus/prometheus/promql/parser"

	"github.com/mongen-dev/mongen/internal/finding"
	mmodel "github.com/mongen-dev/mongen/internal/model"
)

// isCounterName follows the naming conventions: counters end in _total,
// histograms and summaries add _count, _sum and _bucket. Names with a colon
// are recording rules (level:metric:operations), whose results are not raw
// counters.
func isCounterName(name string) bool {
	if strings.Contains(name, ":") {
		return false
	}
	for _, s := range []string{"_total", "_count", "_sum", "_bucket"} {
		if strings.HasSuffix(name, s) {
			return true
		}
	}
	return false
}

// metricTypes collects the declared TYPE of metrics: every exporter's
// metricTypes (sorted by exporter, the first declaration wins), then the
// environment's vet.metricTypes, then extra (which win).
func metricTypes(env *mmodel.Environment, extra map[string]string) map[string]string {
	out := map[string]string{}
	for _, ex := range sortedKeys(env.Exporters) {
		for name, t := range env.Exporters[ex].MetricTypes {
			if _, ok := out[name]; !ok {
				out[name] = t
			}
		}
	}
	for name, t := range env.Vet.MetricTypes {
		out[name] = t
	}
	for name, t := range extra {
		out[name] = t
	}
	return out
}

// metricKind says what a series name is for promql/counter: a counter or
// not, and whether that is known from a declared TYPE (known) or guessed
// from the name.
type metricKind struct {
	counter, gauge, known bool
}

func (p *pass) kindOf(name string) metricKind {
	if p.recorded[name] {
		return metricKind{known: true} // a recording rule's result
	}
	switch p.types[name] {
	case mmodel.MetricCounter:
		return metricKind{counter: true, known: true}
	case mmodel.MetricGauge:
		return metricKind{gauge: true, known: true}
	case mmodel.MetricHistogram, mmodel.MetricSummary:
		return metricKind{known: true} // the native series itself
	}
	for _, s := range []string{"_bucket", "_count", "_sum"} {
		base, ok := strings.CutSuffix(name, s)
		if !ok {
			continue
		}
		switch p.types[base] {
		case mmodel.MetricHistogram, mmodel.MetricSummary:
			return metricKind{counter: true, known: true}
		}
	}
	return metricKind{counter: isCounterName(name)}
}

// counterRates are functions that turn a counter into something that
// means something now; counterBlind read only whether samples exist, not
// their values; gaugeDeltas ignore resets, so a restart reads as a huge
// drop; overTime aggregate the raw values in a range.
var (
	counterRates = map[string]bool{"rate": true, "irate": true, "increase": true, "resets": true, "changes": true}
	counterBlind = map[string]bool{
		"absent": true, "absent_over_time": true, "present_over_time": true, "count_over_time": true, "timestamp": true,
	}
	gaugeDeltas = map[string]bool{"delta": true, "idelta": true, "deriv": true, "predict_linear": true}
	overTime    = map[string]bool{
		"avg_over_time": true, "sum_over_time": true, "min_over_time": true, "max_over_time": true,
		"quantile_over_time": true, "stddev_over_time": true, "stdvar_over_time": true,
		"last_over_time": true, "mad_over_time": true,
	}
	// counterOnly are the functions meant for counters: on a gauge they
	// read every decrease as a reset.
	counterOnly = map[string]bool{"rate": true, "irate": true, "increase": true}
)

// misuse is how a counter's raw value is misused.
type misuse int

const (
	fine misuse = iota
	compares
	aggregates
	deltaOf
	overTimeOf
)

// checkCounter reports counters whose raw value is read where only its
// change means something (compared, aggregated, delta()'d, averaged over
// time), and rate()/irate()/increase() of a gauge. With a declared TYPE
// (an exporter's metricTypes, vet.metricTypes) a finding is an error; on
// the naming conventions alone it is a warning.
func checkCounter(p *pass) {
	for _, r := range p.todo {
		if r.expr == nil {
			continue
		}
		seen := map[string]bool{}
		parser.Inspect(r.expr, func(n parser.Node, path []parser.Node) error {
			vs, ok := n.(*parser.VectorSelector)
			if !ok {
				return nil
			}
			name := selectorName(vs)
			if name == "" {
				return nil
			}
			kind := p.kindOf(name)
			if kind.gauge {
				p.gaugeRated(r, name, path, seen)
				return nil
			}
			if !kind.counter {
				return nil
			}
			bad, how := counterMisuse(vs, path)
			if how == fine {
				return nil
			}
			key := fmt.Sprintf("%d/%s", bad.PositionRange().Start, name)
			if seen[key] {
				return nil
			}
			seen[key] = true
			sev, why, guess := finding.Error, "the counter "+name, ""
			if !kind.known {
				sev, why, guess = finding.Warning, name, fmt.Sprintf(" (judged by the name: the TYPE of %s is not declared)", name)
			}
			at, text := r.at(bad.PositionRange().Start), snippet(r.Expr, bad)
			switch how {
			case compares:
				p.report("promql/counter", sev, r.exprOrigin(), r, "%s: `%s` compares the raw value of %s without rate(), increase() or irate(): a counter only grows from its process's start, so the comparison holds or fails by the total so far, not by what happens now%s", at, text, why, guess)
			case aggregates:
				p.report("promql/counter", sev, r.exprOrigin(), r, "%s: `%s` aggregates the raw value of %s without rate(), increase() or irate(): the result is a total since each process started, and drops whenever one restarts%s", at, text, why, guess)
			case deltaOf:
				fn := bad.(*parser.Call).Func.Name
				instead := "increase()"
				if fn == "deriv" || fn == "predict_linear" || fn == "idelta" {
					instead = "rate() (or irate())"
				}
				p.report("promql/counter", sev, r.exprOrigin(), r, "%s: `%s` applies %s() to %s: %s() is for gauges and does not know counter resets, so a restart reads as a huge drop; use %s%s", at, text, fn, why, fn, instead, guess)
			case overTimeOf:
				fn := bad.(*parser.Call).Func.Name
				p.report("promql/counter", sev, r.exprOrigin(), r, "%s: `%s` applies %s() to the raw value of %s: that value is a total since the process started, so %s() of it says nothing about the range; use rate() or increase() over the range%s", at, text, fn, why, fn, guess)
			}
			return nil
		})
	}
}

// gaugeRated reports rate(), irate() or increase() of a series whose
// declared TYPE is gauge: they read every decrease as a counter reset.
func (p *pass) gaugeRated(r *rule, name string, path []parser.Node, seen map[string]bool) {
	for i := len(path) - 1; i >= 0; i-- {
		switch a := path[i].(type) {
		case *parser.MatrixSelector, *parser.ParenExpr:
			continue
		case *parser.Call:
			if !counterOnly[a.Func.Name] {
				return
			}
			key := fmt.Sprintf("%d/%s", a.PositionRange().Start, name)
			if seen[key] {
				return
			}
			seen[key] = true
			instead := "deriv() for a per-second change, delta() for the change over the range"
			p.report("promql/counter", finding.Error, r.exprOrigin(), r, "%s: `%s` applies %s() to %s, a gauge by its declared TYPE: %s() takes every decrease for a counter reset and adds the whole value back; use %s", r.at(a.PositionRange().Start), snippet(r.Expr, a), a.Func.Name, name, a.Func.Name, instead)
		}
		return
	}
}

// counterMisuse walks up from a counter selector (vs, with its ancestors
// in path) and returns the node that misuses its raw value and how, or
// fine:
//
//   - a rate-like function before anything else makes it safe, and so
//     does `x - x offset 10m` (an increase written by hand);
//   - delta(), idelta(), deriv(), predict_linear() and the *_over_time
//     functions that read values misuse it;
//   - a comparison reads the value: misuse, unless it tests for any
//     count at all (`x_count > 0`, `!= 0`, `>= 1`) as a direct operand of
//     `and` (or the right-hand side of `unless`), where it is a guard
//     ("has it ever counted") and the other operand decides when the alert
//     fires;
//   - an aggregation that reads values (sum, max, ...) is a misuse unless
//     something above reads only whether series exist (count, group,
//     absent, ...): count(sum by (cpu) (cpu_seconds_total)) counts CPUs;
//   - the right-hand side of `and` and `unless` is a filter whose values
//     are never read.
func counterMisuse(vs *parser.VectorSelector, path []parser.Node) (parser.Node, misuse) {
	var bad parser.Node
	how := fine
	child := parser.Node(vs)
	for i := len(path) - 1; i >= 0; i-- {
		switch a := path[i].(type) {
		case *parser.Call:
			switch name := a.Func.Name; {
			case counterBlind[name]:
				return nil, fine
			case counterRates[name]:
				return bad, how // fine, or the rate of an aggregated counter
			case bad != nil:
			case gaugeDeltas[name]:
				return a, deltaOf
			case overTime[name]:
				return a, overTimeOf
			}
		case *parser.AggregateExpr:
			switch {
			case a.Op == parser.COUNT || a.Op == parser.GROUP:
				return nil, fine
			case a.Param == child:
			case bad == nil:
				bad, how = a, aggregates
			}
		case *parser.BinaryExpr:
			switch a.Op {
			case parser.LAND, parser.LUNLESS:
				if a.RHS == child {
					return nil, fine // a filter: its values are never read
				}
			case parser.LOR:
			case parser.SUB:
				if bad == nil && handIncrease(a, vs) {
					return nil, fine
				}
			default:
				if a.Op.IsComparisonOperator() {
					if bad == nil && presenceTest(a, child) && guard(a, path[:i]) {
						return nil, fine
					}
					if bad == nil {
						bad, how = a, compares
					}
					return bad, how
				}
			}
		}
		child = path[i]
	}
	return bad, how
}

// handIncrease reports whether sub is `x - x offset d` (either way round)
// for the counter selector vs: the change over d, an increase() written
// by hand.
func handIncrease(sub *parser.BinaryExpr, vs *parser.VectorSelector) bool {
	l, lok := unparen(sub.LHS).(*parser.VectorSelector)
	r, rok := unparen(sub.RHS).(*parser.VectorSelector)
	if !lok || !rok || (l != vs && r != vs) {
		return false
	}
	return selectorName(l) == selectorName(r) && l.OriginalOffset != r.OriginalOffset
}

// presenceTest reports whether the comparison cmp, one of whose operands
// holds child, asks only whether the counter has counted anything: `> 0`,
// `!= 0` or `>= 1` against the counter itself.
func presenceTest(cmp *parser.BinaryExpr, child parser.Node) bool {
	side, other := cmp.LHS, cmp.RHS
	if parser.Node(cmp.RHS) == child {
		side, other = cmp.RHS, cmp.LHS
	}
	if _, ok := unparen(side).(*parser.VectorSelector); !ok {
		return false
	}
	num, ok := unparen(other).(*parser.NumberLiteral)
	if !ok {
		return false
	}
	op := cmp.Op
	if parser.Node(cmp.RHS) == child { // 0 < x reads as x > 0
		switch op {
		case parser.LSS:
			op = parser.GTR
		case parser.LTE:
			op = parser.GTE
		}
	}
	switch op {
	case parser.GTR, parser.NEQ:
		return num.Val == 0
	case parser.GTE:
		return num.Val == 1
	}
	return false
}

// guard reports whether the comparison cmp (whose ancestors are path) is
// a direct operand of `and`, or the right-hand side of `unless`.
func guard(cmp parser.Node, path []parser.Node) bool {
	child := cmp
	for i := len(path) - 1; i >= 0; i-- {
		switch a := path[i].(type) {
		case *parser.ParenExpr:
			child = a
			continue
		case *parser.BinaryExpr:
			return a.Op == parser.LAND || (a.Op == parser.LUNLESS && a.RHS == child)
		}
		return false
	}
	return false
}
