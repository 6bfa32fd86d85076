package lint

import (
	"github.com/prometheus/prometheus/promql/parser"
)

// A rebuild after a one-rule edit checks that rule again, not the other
// thousands: the per-rule checks' verdict on a rule is remembered in
// cfg.Verified when they find nothing, keyed by the rule's content and by
// a digest of the plan-wide state they read. A rule with a finding is
// always checked again, so its findings carry the current positions
// (verifycache records passes only). The checks that read all the rules
// together (rule/name's pairs, the SLO selectors) always run.

// ruleVerdict names the per-rule checks' verdict in the cache.
const ruleVerdict = "lint/rule"

// recall looks up each rule's verdict under the checks that run; the
// rules without one are parsed and become p.todo, the rules the per-rule
// checks look at.
func (p *pass) recall(run []check) {
	vc := p.cfg.Verified
	var digest []byte
	var content KeyWriter
	if vc != nil {
		digest = p.digest(run)
	}
	for _, r := range p.rules {
		if vc != nil {
			content.Reset()
			r.writeContent(&content)
			r.key = vc.Key(ruleVerdict, digest, content.Bytes())
			// A payload that does not read is a miss: knownMetrics
			// needs it whole.
			if payload, ok := vc.Passed(r.key); ok && walkStrs(payload, nil) {
				r.cached, r.selectors = true, payload
				continue
			}
		}
		p.exprOf(r)
		p.todo = append(p.todo, r)
	}
}

// remember records the verdict of every rule checked in this run that
// has no finding, with the metric names its selectors select
// (knownMetrics reads them on a hit).
func (p *pass) remember() {
	for _, r := range p.todo {
		if r.key == "" || r.reported {
			continue
		}
		p.cfg.Verified.Pass(r.key, encodeNames(ruleSelectorNames(r)))
	}
}

// pairsVerdict names rule/name's verdict on the alerts sharing a name.
const pairsVerdict = "lint/rule-name-pairs"

// pairsKey names rule/name's verdict on alerts that share a name, by
// their keys in plan order (each covers the name, labels and expression
// the verdict reads); "" without a cache.
func (p *pass) pairsKey(rs []*rule) string {
	if p.cfg.Verified == nil {
		return ""
	}
	keys := make([][]byte, len(rs))
	for i, r := range rs {
		keys[i] = []byte(r.key)
	}
	return p.cfg.Verified.Key(pairsVerdict, keys...)
}

// exprOf parses the rule's expression the first time it is needed.
func (p *pass) exprOf(r *rule) parser.Expr {
	if !r.parsed {
		r.parsed = true
		r.expr, r.err = p.parse.ParseExpr(r.Expr)
		if r.err != nil {
			r.expr = nil
		}
	}
	return r.expr
}

// writeContent writes every field of the rule a per-rule check reads.
// Positions are left out: they only place findings, and a rule with
// findings is never served from the cache.
func (r *rule) writeContent(w *KeyWriter) {
	w.Str(r.Kind)
	w.Str(r.Name)
	w.Str(r.Expr)
	w.Str(r.SLO)
	w.Str(r.Tier)
	w.Str(r.For)
	w.Bool(r.Threshold != nil)
	if r.Threshold != nil {
		w.Float(*r.Threshold)
	}
	w.Map(r.Labels)
	w.Map(r.Annotations)
}

// digest hashes the plan-wide state the per-rule checks read: which
// checks run, the intervals, the recorded series, the declared metric
// types, the jobs and the tier policy.
func (p *pass) digest(run []check) []byte {
	var w KeyWriter
	w.Count(len(run))
	for _, c := range run {
		w.Str(c.ID)
	}
	w.Int(int64(p.scrape))
	w.Int(int64(p.eval))
	w.Map(p.types)
	p.writeCatalog(&w)
	// The jobs' intervals, in the order writeCatalog wrote the jobs: the
	// catalog does not read them, promql/rate-range does.
	for _, j := range p.jobs {
		w.Int(int64(j.interval))
	}
	tiers := sortedKeys(p.cfg.Policy.Tiers)
	w.Count(len(tiers))
	for _, name := range tiers {
		t := p.cfg.Policy.Tiers[name]
		w.Str(name)
		w.Str(t.Severity)
		w.List(t.RequiredAnnotations)
		w.Int(int64(t.MinFor))
		w.Int(int64(t.MaxFor))
	}
	return w.Sum()
}

// writeCatalog writes what a Catalog answers from (selectorProblem): the
// recorded series and every field of every job but its interval.
// TestCatalogDigestCoversWhatItReads holds each field of pass and job to
// be written here or listed as read by no Catalog method.
func (p *pass) writeCatalog(w *KeyWriter) {
	w.List(sortedKeys(p.recorded))
	w.Count(len(p.jobs))
	for _, j := range p.jobs {
		w.Str(j.name)
		w.List(j.jobs)
		// nil metrics are unknown, an empty list exposes nothing.
		w.List(j.metrics)
		w.Str(j.exporter)
		w.Count(len(j.federate))
		for _, sel := range j.federate {
			w.Count(len(sel))
			for _, m := range sel {
				w.Count(int(m.Type))
				w.Str(m.Name)
				w.Str(m.Value)
			}
		}
		w.Bool(j.anyJob)
		w.List(j.relabelled)
		w.Bool(j.relabelledAny)
	}
}

// encodeNames is the payload of a rule's verdict, read back with
// walkStrs.
func encodeNames(names []string) []byte {
	if len(names) == 0 {
		return nil
	}
	var w KeyWriter
	for _, n := range names {
		w.Str(n)
	}
	return w.Bytes()
}
