package lint

import (
	"github.com/mongen-dev/mongen/internal/finding"
	"github.com/mongen-dev/mongen/internal/slo"
)

// checkSLOSelectors is promql/selector for SLO indicators: each selector
// the user wrote is checked once, at its own CUE position, instead of once
// per generated window rule at a position inside generated text.
func checkSLOSelectors(p *pass) {
	if p.plan.Env == nil {
		return
	}
	for _, s := range p.plan.Env.SLOList() {
		ind := s.Indicator
		for _, f := range []struct{ field, text string }{
			{"errors", ind.Errors}, {"total", ind.Total}, {"bucket", ind.Bucket}, {"probe", ind.Probe},
		} {
			if f.text == "" {
				continue
			}
			vs, err := slo.ParseSelector(f.text)
			if err != nil {
				continue // expand has reported it
			}
			if msg := p.selectorProblem(vs); msg != "" {
				p.out = append(p.out, finding.Finding{
					Check:    "promql/selector",
					Severity: p.info["promql/selector"].Severity,
					Position: p.plan.Env.Source("slos", s.Service, s.Name, "indicator", f.field),
					Subject:  "slo " + s.ID(),
					Message:  "indicator." + f.field + " `" + f.text + "` " + msg,
				})
			}
		}
	}
}
