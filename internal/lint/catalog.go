package lint

import (
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/mongen-dev/mongen/internal/expand"
)

// Catalog answers, for one plan, what the promql/selector and
// promql/counter checks know: whether a selector can match any series
// (scraped by a job whose exporter lists the metric, federated, or
// recorded by a rule) and whether a name is a counter. Other checkers,
// such as the dashboard queries', use it instead of a copy of the logic.
type Catalog struct{ p *pass }

// NewCatalog indexes the plan's jobs, federation and recording rules.
// The rules' expressions are not parsed: a selector needs only the series
// they record.
func NewCatalog(plan *expand.Plan) *Catalog { return &Catalog{p: indexPlan(plan, Config{}, false)} }

// Digest hashes what the catalog's answers are computed from, as indexed
// (writeCatalog): two catalogs with the same digest answer alike, so a
// verdict cached under it cannot be stale.
func (c *Catalog) Digest() []byte {
	var w KeyWriter
	c.p.writeCatalog(&w)
	return w.Sum()
}

// SelectorProblem says why no series can match vs, or "" when some can.
func (c *Catalog) SelectorProblem(vs *parser.VectorSelector) string { return c.p.selectorProblem(vs) }

// SelectorName is the metric name a selector selects, or "".
func SelectorName(vs *parser.VectorSelector) string { return selectorName(vs) }

// IsCounterName reports whether name follows the naming of counters and
// histogram or summary series (_total, _count, _sum, _bucket).
func IsCounterName(name string) bool { return isCounterName(name) }
