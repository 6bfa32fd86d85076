package lint

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/prometheus/prometheus/promql/parser"

	"github.com/mongen-dev/mongen/internal/finding"
	"github.com/mongen-dev/mongen/internal/slo"
	"github.com/mongen-dev/mongen/internal/textdist"
)

// checkSLOSelectors is promql/selector for SLO indicators: each selector
// the user wrote is checked once, at its own CUE position, instead of once
// per generated window rule at a position inside generated text.
func checkSLOSelectors(p *pass) {
	if p.plan.Env == nil {
		return
	}
	known := p.knownMetrics()
	for _, s := range p.plan.Env.SLOList() {
		// Selectors that do not parse are left out: expand reports them.
		// A custom indicator's are every selector of its queries.
		for _, f := range slo.Selectors(s.Indicator) {
			vs := f.Selector
			msg := p.selectorProblem(vs)
			if msg == "" {
				msg = p.nearMiss(vs, known)
			}
			if msg != "" {
				p.out = append(p.out, finding.Finding{
					Check:    "promql/selector",
					Severity: p.info["promql/selector"].Severity,
					Position: p.plan.Env.Source("slos", s.Service, s.Name, "indicator", f.Field),
					Subject:  "slo " + s.ID(),
					Message:  "indicator." + f.Field + " `" + f.Text + "` " + msg,
				})
			}
		}
	}
}

// knownMetrics lists the metric names the environment names anywhere else:
// its exporters' metrics lists, its targets' golden signals and the
// selectors of its rules (SLO rules aside).
func (p *pass) knownMetrics() []string {
	set := map[string]bool{}
	for _, j := range p.jobs {
		for _, m := range j.metrics {
			if !strings.HasSuffix(m, "_") {
				set[m] = true
			}
		}
	}
	for _, j := range p.plan.Jobs {
		if sig := j.Target.Signals; sig != nil {
			for _, m := range []string{sig.Requests, sig.Errors} {
				set[m] = true
			}
			if sig.Latency != "" {
				set[sig.Latency+"_bucket"] = true
			}
		}
	}
	for _, r := range p.rules {
		if r.expr == nil || r.SLO != "" {
			continue
		}
		parser.Inspect(r.expr, func(n parser.Node, _ []parser.Node) error {
			if vs, ok := n.(*parser.VectorSelector); ok {
				set[selectorName(vs)] = true
			}
			return nil
		})
	}
	delete(set, "")
	return slices.Sorted(maps.Keys(set))
}

// nearMiss reports an SLO selector's metric that the environment names
// nowhere while a name one or two letters away is known: the SLO's error
// ratio would be 0 (or absent) for ever.
func (p *pass) nearMiss(vs *parser.VectorSelector, known []string) string {
	name := selectorName(vs)
	if name == "" || slices.Contains(known, name) || p.recorded[name] || scrapeSeries[name] {
		return ""
	}
	if s := textdist.Closest(name, known, 2); s != "" {
		return fmt.Sprintf("selects %s, which the environment's targets, signals and rules never name (did you mean %s?): no series would match, and the SLO would never burn", name, s)
	}
	return ""
}
