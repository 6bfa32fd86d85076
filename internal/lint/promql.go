package lint

import (
	"errors"
	"fmt"
	"regexp/syntax"
	"strings"
	"time"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/mongen-dev/mongen/internal/finding"
	"github.com/mongen-dev/mongen/internal/textdist"
)

// checkSyntax reports expressions that do not parse. The build's verify
// stage reports them too; mongen vet, which does not render, needs its own.
func checkSyntax(p *pass) {
	for _, r := range p.todo {
		if r.err == nil {
			continue
		}
		msg := r.err.Error()
		var perrs parser.ParseErrors
		if errors.As(r.err, &perrs) && len(perrs) > 0 {
			pe := perrs[0]
			msg = fmt.Sprintf("%s: %s", r.at(pe.PositionRange.Start), pe.Err)
		}
		p.report("promql/syntax", "", r.exprOrigin(), r, "%s", msg)
	}
}

// selectorName is the metric name a selector selects, or "" when it
// selects by a regular expression or not by name.
func selectorName(vs *parser.VectorSelector) string {
	if vs.Name != "" {
		return vs.Name
	}
	for _, m := range vs.LabelMatchers {
		if m.Name == model.MetricNameLabel && m.Type == labels.MatchEqual {
			return m.Value
		}
	}
	return ""
}

// rateFuncs compute a per-second or total change from the samples in their
// range: with fewer than two samples they return nothing.
var rateFuncs = map[string]bool{
	"rate": true, "irate": true, "increase": true, "delta": true, "idelta": true, "deriv": true, "predict_linear": true,
}

// checkRateRange reports rate() and friends whose range is shorter than
// four scrape intervals of the job they read: one missed scrape then
// leaves a single sample and the rule sees no data. Ranges under two
// intervals are errors: even without a missed scrape they often hold one
// sample.
func checkRateRange(p *pass) {
	for _, r := range p.todo {
		if r.expr == nil {
			continue
		}
		parser.Inspect(r.expr, func(n parser.Node, _ []parser.Node) error {
			call, ok := n.(*parser.Call)
			if !ok || !rateFuncs[call.Func.Name] || len(call.Args) == 0 {
				return nil
			}
			ms, ok := unparen(call.Args[0]).(*parser.MatrixSelector)
			if !ok || ms.RangeExpr != nil || ms.Range <= 0 {
				return nil
			}
			vs, ok := ms.VectorSelector.(*parser.VectorSelector)
			if !ok {
				return nil
			}
			interval, source := p.intervalOf(vs)
			if ms.Range >= 4*interval {
				return nil
			}
			sev := finding.Warning
			if ms.Range < 2*interval {
				sev = finding.Error
			}
			p.report("promql/rate-range", sev, r.exprOrigin(), r, "%s: `%s` has a %s range, shorter than 4× %s (%s): use at least [%s]", r.at(call.PositionRange().Start), snippet(r.Expr, call), fmtDuration(ms.Range), source, fmtDuration(interval), fmtDuration(4*interval))
			return nil
		})
	}
}

// intervalOf returns the interval at which the selector's series get new
// samples and what it is: the longest scrape interval of the jobs it can
// read, the evaluation interval for a recorded series, else the global
// scrape interval.
func (p *pass) intervalOf(vs *parser.VectorSelector) (time.Duration, string) {
	name := selectorName(vs)
	if name != "" && p.recorded[name] {
		return p.eval, "the evaluation interval of the rule that records " + name
	}
	jobs, byJob := p.jobsFor(vs)
	if name != "" {
		var exposing []job
		for _, j := range jobs {
			if j.metrics != nil && exposes(j.metrics, name) {
				exposing = append(exposing, j)
			}
		}
		if len(exposing) > 0 && (!byJob || len(exposing) < len(jobs)) {
			jobs, byJob = exposing, true
		}
	}
	if !byJob || len(jobs) == 0 {
		return p.scrape, "the global scrape interval"
	}
	longest := jobs[0]
	for _, j := range jobs[1:] {
		if j.interval > longest.interval {
			longest = j
		}
	}
	if len(jobs) == 1 {
		return longest.interval, "the scrape interval of job " + longest.name
	}
	return longest.interval, fmt.Sprintf("the scrape interval of job %s (the longest of the %d jobs it reads)", longest.name, len(jobs))
}

// jobsFor returns the jobs whose names satisfy the selector's job
// matchers, and whether it has any; without job matchers, every job.
func (p *pass) jobsFor(vs *parser.VectorSelector) ([]job, bool) {
	var ms []*labels.Matcher
	for _, m := range vs.LabelMatchers {
		if m.Name == "job" {
			ms = append(ms, m)
		}
	}
	if len(ms) == 0 {
		return p.jobs, false
	}
	var out []job
	for _, j := range p.jobs {
		if j.matches(ms) {
			out = append(out, j)
		}
	}
	return out, true
}

// exposes reports whether a metrics list (names and "_"-terminated
// prefixes) covers name. A name covers its histogram and summary series.
func exposes(list []string, name string) bool {
	for _, m := range list {
		if strings.HasSuffix(m, "_") {
			if strings.HasPrefix(name, m) {
				return true
			}
			continue
		}
		if name == m {
			return true
		}
		for _, s := range []string{"_bucket", "_count", "_sum", "_created"} {
			if name == m+s {
				return true
			}
		}
	}
	return false
}

// scrapeSeries are written by Prometheus for every target, and ruleSeries
// by the rule manager.
var scrapeSeries = map[string]bool{
	"up": true, "scrape_duration_seconds": true, "scrape_samples_scraped": true,
	"scrape_samples_post_metric_relabeling": true, "scrape_series_added": true,
	"scrape_timeout_seconds": true, "scrape_sample_limit": true, "scrape_body_size_bytes": true,
}

var ruleSeries = map[string]bool{"ALERTS": true, "ALERTS_FOR_STATE": true}

// checkSelector reports selectors that can never match: a job no target
// has, or a metric that none of the jobs it can read exposes.
func checkSelector(p *pass) {
	checkSLOSelectors(p)
	for _, r := range p.todo {
		// SLO rules repeat their indicator's selectors once per window:
		// checkSLOSelectors reports those at the indicator.
		if r.expr == nil || r.SLO != "" {
			continue
		}
		seen := map[string]bool{}
		parser.Inspect(r.expr, func(n parser.Node, _ []parser.Node) error {
			vs, ok := n.(*parser.VectorSelector)
			if !ok {
				return nil
			}
			if msg := p.selectorProblem(vs); msg != "" && !seen[msg] {
				seen[msg] = true
				p.report("promql/selector", "", r.exprOrigin(), r, "%s: `%s` %s", r.at(vs.PositionRange().Start), snippet(r.Expr, vs), msg)
			}
			return nil
		})
	}
}

func (p *pass) selectorProblem(vs *parser.VectorSelector) string {
	name := selectorName(vs)
	if name != "" && (p.recorded[name] || ruleSeries[name]) {
		return ""
	}
	// Federated series carry any job label: a federation job whose match[]
	// selects the name may supply it.
	for _, j := range p.jobs {
		for _, sel := range j.federate {
			if name == "" || matchesName(sel, name) {
				return ""
			}
		}
	}
	jobs, byJob := p.jobsFor(vs)
	if byJob && len(jobs) == 0 {
		for _, j := range p.jobs {
			if j.anyJob {
				return "" // its series keep their own job labels
			}
		}
		var jm []string
		for _, m := range vs.LabelMatchers {
			if m.Name == "job" {
				jm = append(jm, m.String())
			}
		}
		return fmt.Sprintf("selects %s, but no job of the environment has that name%s", strings.Join(jm, ", "), p.jobHint(vs))
	}
	if name == "" || scrapeSeries[name] {
		return ""
	}
	var listed []string
	for _, j := range jobs {
		if j.metrics == nil || exposes(j.metrics, name) {
			return ""
		}
		listed = append(listed, fmt.Sprintf("%s (exporter %s)", j.name, j.exporter))
	}
	if len(listed) == 0 {
		return fmt.Sprintf("selects %s, but the environment has no targets", name)
	}
	if byJob {
		return fmt.Sprintf("selects %s, which job %s does not expose by its exporter's metrics list: no series can match", name, strings.Join(listed, ", "))
	}
	return fmt.Sprintf("selects %s, which no target of the environment exposes (by their exporters' metrics lists): no series can match", name)
}

// jobHint suggests the closest job name to an equality matcher's value.
func (p *pass) jobHint(vs *parser.VectorSelector) string {
	for _, m := range vs.LabelMatchers {
		if m.Name != "job" || m.Type != labels.MatchEqual {
			continue
		}
		best, bestD := "", 4
		for _, j := range p.jobs {
			for _, name := range j.values() {
				if d := textdist.Distance(m.Value, name); d < bestD {
					best, bestD = name, d
				}
			}
		}
		if best != "" {
			return fmt.Sprintf(" (did you mean %q?)", best)
		}
	}
	return ""
}

func matchesName(sel []*labels.Matcher, name string) bool {
	for _, m := range sel {
		if m.Name == model.MetricNameLabel && !m.Matches(name) {
			return false
		}
	}
	return true
}

// checkRegexp reports equality matchers whose value is a regular
// expression (it is matched literally), regular expressions that are
// plain strings, and anchors that Prometheus adds itself.
func checkRegexp(p *pass) {
	for _, r := range p.todo {
		if r.expr == nil {
			continue
		}
		parser.Inspect(r.expr, func(n parser.Node, _ []parser.Node) error {
			vs, ok := n.(*parser.VectorSelector)
			if !ok {
				return nil
			}
			for _, m := range vs.LabelMatchers {
				if vs.Name != "" && m.Name == model.MetricNameLabel {
					continue // the name written before the braces
				}
				if msg := matcherProblem(m); msg != "" {
					p.report("promql/regexp", "", r.exprOrigin(), r, "%s: matcher %s in `%s` %s", r.at(vs.PositionRange().Start), m, snippet(r.Expr, vs), msg)
				}
			}
			return nil
		})
	}
}

func matcherProblem(m *labels.Matcher) string {
	switch m.Type {
	case labels.MatchEqual, labels.MatchNotEqual:
		if looksLikeRegexp(m.Value) {
			op := "=~"
			if m.Type == labels.MatchNotEqual {
				op = "!~"
			}
			return fmt.Sprintf("compares with a string that looks like a regular expression, which %s matches literally: write %s%s%q", m.Type, m.Name, op, m.Value)
		}
	case labels.MatchRegexp, labels.MatchNotRegexp:
		v := m.Value
		if strings.HasPrefix(v, "^") || (strings.HasSuffix(v, "$") && !strings.HasSuffix(v, `\$`)) {
			return "has ^ or $ anchors, which are redundant: Prometheus anchors every regular expression at both ends"
		}
		if lit, ok := literalRegexp(v); ok {
			op := "="
			if m.Type == labels.MatchNotRegexp {
				op = "!="
			}
			return fmt.Sprintf("is a regular expression without special characters: write %s%s%q", m.Name, op, lit)
		}
	}
	return ""
}

// literalRegexp reports whether re matches exactly one string, and which.
func literalRegexp(re string) (string, bool) {
	parsed, err := syntax.Parse(re, syntax.Perl)
	if err != nil {
		return "", false
	}
	parsed = parsed.Simplify()
	switch {
	case parsed.Op == syntax.OpEmptyMatch:
		return "", true
	case parsed.Op == syntax.OpLiteral && parsed.Flags&syntax.FoldCase == 0:
		return string(parsed.Rune), true
	}
	return "", false
}

// looksLikeRegexp reports whether an equality matcher's value was meant as
// a regular expression: an alternation (warning|critical), a repeated
// wildcard or class (.*, [0-9]+) or an HTTP status class (5..). A dot alone
// is common in values (10.0.0.1, app.kubernetes.io) and is not enough.
func looksLikeRegexp(v string) bool {
	if len(v) == 3 && v[0] >= '1' && v[0] <= '5' && v[1:] == ".." {
		return true
	}
	re, err := syntax.Parse(v, syntax.Perl)
	if err != nil {
		return false
	}
	if strings.Contains(v, "|") {
		// The parser may turn a|b into the class [ab].
		return true
	}
	var walk func(*syntax.Regexp) bool
	walk = func(re *syntax.Regexp) bool {
		switch re.Op {
		case syntax.OpAlternate:
			return len(re.Sub) > 1
		case syntax.OpStar, syntax.OpPlus, syntax.OpRepeat:
			switch re.Sub[0].Op {
			case syntax.OpAnyChar, syntax.OpAnyCharNotNL, syntax.OpCharClass:
				return true
			}
		}
		for _, s := range re.Sub {
			if walk(s) {
				return true
			}
		}
		return false
	}
	return walk(re)
}
