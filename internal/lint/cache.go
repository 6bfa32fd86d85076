package lint

import (
	"crypto/sha256"
	"encoding/binary"
	"math"
	"slices"

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
	var digest, content []byte
	var scratch []string
	if vc != nil {
		digest = p.digest(run)
	}
	for _, r := range p.rules {
		if vc != nil {
			content = r.appendContent(content[:0], &scratch)
			r.key = vc.Key(ruleVerdict, digest, content)
			// A payload that does not read is a miss: knownMetrics
			// needs it whole.
			if payload, ok := vc.Passed(r.key); ok && walkNames(payload, nil) {
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

// appendContent appends every field of the rule a per-rule check reads,
// each length-prefixed. Positions are left out: they only place findings,
// and a rule with findings is never served from the cache.
func (r *rule) appendContent(b []byte, scratch *[]string) []byte {
	b = appendString(b, r.Kind)
	b = appendString(b, r.Name)
	b = appendString(b, r.Expr)
	b = appendString(b, r.SLO)
	b = appendString(b, r.Tier)
	b = appendString(b, r.For)
	if r.Threshold == nil {
		b = append(b, 0)
	} else {
		b = append(b, 1)
		b = binary.BigEndian.AppendUint64(b, math.Float64bits(*r.Threshold))
	}
	b = appendMap(b, r.Labels, scratch)
	b = appendMap(b, r.Annotations, scratch)
	return b
}

// digest hashes the plan-wide state the per-rule checks read: which
// checks run, the intervals, the recorded series, the declared metric
// types, the jobs and the tier policy.
func (p *pass) digest(run []check) []byte {
	var b []byte
	b = binary.AppendUvarint(b, uint64(len(run)))
	for _, c := range run {
		b = appendString(b, c.ID)
	}
	b = binary.AppendVarint(b, int64(p.scrape))
	b = binary.AppendVarint(b, int64(p.eval))
	b = appendStrings(b, sortedKeys(p.recorded))
	b = appendMap(b, p.types, new([]string))
	b = binary.AppendUvarint(b, uint64(len(p.jobs)))
	for _, j := range p.jobs {
		b = appendString(b, j.name)
		b = binary.AppendVarint(b, int64(j.interval))
		// nil metrics are unknown, an empty list exposes nothing.
		b = appendBool(b, j.metrics == nil)
		b = appendStrings(b, j.metrics)
		b = appendString(b, j.exporter)
		b = binary.AppendUvarint(b, uint64(len(j.federate)))
		for _, sel := range j.federate {
			b = binary.AppendUvarint(b, uint64(len(sel)))
			for _, m := range sel {
				b = binary.AppendUvarint(b, uint64(m.Type))
				b = appendString(b, m.Name)
				b = appendString(b, m.Value)
			}
		}
		b = appendBool(b, j.anyJob)
		b = appendStrings(b, j.relabelled)
		b = appendBool(b, j.relabelledAny)
	}
	tiers := sortedKeys(p.cfg.Policy.Tiers)
	b = binary.AppendUvarint(b, uint64(len(tiers)))
	for _, name := range tiers {
		t := p.cfg.Policy.Tiers[name]
		b = appendString(b, name)
		b = appendString(b, t.Severity)
		b = appendStrings(b, t.RequiredAnnotations)
		b = binary.AppendVarint(b, int64(t.MinFor))
		b = binary.AppendVarint(b, int64(t.MaxFor))
	}
	sum := sha256.Sum256(b)
	return sum[:]
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendStrings(b []byte, ss []string) []byte {
	b = binary.AppendUvarint(b, uint64(len(ss)))
	for _, s := range ss {
		b = appendString(b, s)
	}
	return b
}

func appendBool(b []byte, v bool) []byte {
	if v {
		return append(b, 1)
	}
	return append(b, 0)
}

// appendMap appends m's entries sorted by key; scratch holds the keys
// (rules are many, their maps small).
func appendMap(b []byte, m map[string]string, scratch *[]string) []byte {
	keys := (*scratch)[:0]
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	*scratch = keys
	b = binary.AppendUvarint(b, uint64(len(keys)))
	for _, k := range keys {
		b = appendString(b, k)
		b = appendString(b, m[k])
	}
	return b
}

// encodeNames and walkNames are the payload of a rule's verdict.
func encodeNames(names []string) []byte {
	if len(names) == 0 {
		return nil
	}
	var b []byte
	for _, n := range names {
		b = appendString(b, n)
	}
	return b
}

// walkNames calls fn (when not nil) with each name of encodeNames' output
// and reports whether all of b reads as names.
func walkNames(b []byte, fn func(string)) bool {
	for len(b) > 0 {
		n, w := binary.Uvarint(b)
		if w <= 0 || uint64(len(b)-w) < n {
			return false
		}
		if fn != nil {
			fn(string(b[w : w+int(n)]))
		}
		b = b[w+int(n):]
	}
	return true
}
