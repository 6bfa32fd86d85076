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
	for _, s := range p.plan.Env.SLOList() {
		// Selectors that do not parse are left out: expand reports them.
		// A custom indicator's are every selector of its queries.
		for _, f := range slo.Selectors(s.Indicator) {
			vs := f.Selector
			msg := p.selectorProblem(vs)
			if msg == "" {
				msg = p.nearMiss(vs)
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
// selectors of its rules (SLO rules aside). It is computed once, when
// first needed; a rule with a cached verdict gives the names recorded
// with it instead of a parse.
func (p *pass) knownMetrics() []string {
	if p.knownDone {
		return p.known
	}
	p.knownDone = true
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
		if r.cached {
			walkStrs(r.selectors, func(name string) { set[name] = true })
			continue
		}
		for _, name := range ruleSelectorNames(r) {
			set[name] = true
		}
	}
	delete(set, "")
	p.known = slices.Sorted(maps.Keys(set))
	return p.known
}

// ruleSelectorNames are the metric names the selectors of a parsed rule
// select, for knownMetrics: none for an SLO rule or one that does not
// parse.
func ruleSelectorNames(r *rule) []string {
	if r.expr == nil || r.SLO != "" {
		return nil
	}
	var names []string
	parser.Inspect(r.expr, func(n parser.Node, _ []parser.Node) error {
		if vs, ok := n.(*parser.VectorSelector); ok {
			if name := selectorName(vs); name != "" && !slices.Contains(names, name) {
				names = append(names, name)
			}
		}
		return nil
	})
	return names
}

// nearMiss reports an SLO selector's metric that the environment names
// nowhere while a name one or two letters away is known: the SLO's error
// ratio would be 0 (or absent) for ever.
func (p *pass) nearMiss(vs *parser.VectorSelector) string {
	name := selectorName(vs)
	if name == "" || p.recorded[name] || scrapeSeries[name] {
		return ""
	}
	known := p.knownMetrics()
	if slices.Contains(known, name) {
		return ""
	}
	if s := textdist.Closest(name, known, 2); s != "" {
		return fmt.Sprintf("selects %s, which the environment's targets, signals and rules never name (did you mean %s?): no series would match, and the SLO would never burn", name, s)
	}
	return ""
}
