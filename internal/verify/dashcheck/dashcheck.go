// Package dashcheck checks every dashboard before it is written: queries
// parse (after Grafana's variables are substituted), select only metrics the
// environment produces, take rate() of counters only; every panel has a
// title and a unit; variables and links resolve; every datasource reference
// goes through the datasource variable. Problems are reported at the CUE
// position of the dashboard, panel or query.
package dashcheck

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	pmodel "github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/mongen-dev/mongen/internal/artifact"
	"github.com/mongen-dev/mongen/internal/dashgen"
	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/lint"
	"github.com/mongen-dev/mongen/internal/model"
	"github.com/mongen-dev/mongen/internal/render/grafana"
	"github.com/mongen-dev/mongen/internal/textdist"
	"github.com/mongen-dev/mongen/internal/verifycache"
)

var uidRe = regexp.MustCompile(`^[a-zA-Z0-9][-_a-zA-Z0-9]*$`)

// rateFuncs need a counter.
var rateFuncs = map[string]bool{"rate": true, "irate": true, "increase": true}

// Check returns every problem, one line each, starting with a CUE position.
// tree may be nil, to check the plan alone.
func Check(plan *expand.Plan, tree *artifact.Tree) []string {
	return CheckCached(plan, tree, nil)
}

// CheckCached is Check with a verification cache (vc may be nil): a
// rendered dashboard whose exact bytes passed the datasource check before
// is not parsed again, and a dashboard whose model passed the query checks
// before, against the same dashboard uids and a catalog with the same
// digest (planDigest), is not checked again. Only passes are cached, so every problem is reported at
// its current position.
func CheckCached(plan *expand.Plan, tree *artifact.Tree, vc *verifycache.Cache) []string {
	if len(plan.Dashboards) == 0 {
		return nil
	}
	c := &checker{plan: plan, env: plan.Env, parse: parser.NewParser(parser.Options{}), uids: map[string]bool{}}
	for _, d := range plan.Dashboards {
		c.uids[d.UID] = true
	}
	var digest []byte
	if vc != nil {
		digest = planDigest(plan, c.catalog())
	}
	for i := range plan.Dashboards {
		d := &plan.Dashboards[i]
		vc.Check(dashboardKey(vc, digest, d), func() bool {
			before := len(c.problems)
			c.dashboard(d)
			return len(c.problems) == before
		})
		if tree != nil {
			c.rendered(d, tree, vc)
		}
	}
	return c.problems
}

type checker struct {
	plan  *expand.Plan
	env   *model.Environment
	cat   *lint.Catalog // built when first needed: by the cache key, or a check
	parse parser.Parser
	// uids are every dashboard's, for links.
	uids     map[string]bool
	problems []string
}

// catalog is the plan's metric catalog, indexed once, when first needed.
func (c *checker) catalog() *lint.Catalog {
	if c.cat == nil {
		c.cat = lint.NewCatalog(c.plan)
	}
	return c.cat
}

func (c *checker) report(pos string, d *expand.Dashboard, format string, args ...any) {
	c.problems = append(c.problems, fmt.Sprintf("%s: dashboard %s (%s): %s", pos, d.UID, d.Source, fmt.Sprintf(format, args...)))
}

func (c *checker) dashboard(d *expand.Dashboard) {
	if len(d.UID) > dashgen.MaxUID || !uidRe.MatchString(d.UID) {
		c.report(d.Origin, d, "uid %q is not a Grafana uid (at most %d letters, digits, - and _)", d.UID, dashgen.MaxUID)
	}
	if strings.TrimSpace(d.Title) == "" {
		c.report(d.Origin, d, "the dashboard has no title")
	}
	known := map[string]bool{grafana.DatasourceVar: true}
	custom := map[string]string{}
	for i, v := range d.Variables {
		pos := d.At(c.env, "variables", strconv.Itoa(i))
		if known[v.Name] {
			c.report(pos, d, "variable %q is defined twice (the datasource variable is mongen's own)", v.Name)
		}
		known[v.Name] = true
		if v.Type == model.VariableCustom && len(v.Values) > 0 {
			custom[v.Name] = v.Values[0]
		}
	}
	for i, v := range d.Variables {
		c.variable(d, i, v, known, custom)
	}
	for i, l := range d.Links {
		c.link(d, d.At(c.env, "links", strconv.Itoa(i)), l)
	}
	for i, p := range d.Panels {
		c.panel(d, i, p, known, custom)
	}
}

func (c *checker) link(d *expand.Dashboard, pos string, l model.Link) {
	if l.Dashboard != "" && !c.uids[l.Dashboard] {
		c.report(pos, d, "link %q points at dashboard %q, which the environment does not have%s", l.Title, l.Dashboard, c.uidHint(l.Dashboard))
	}
}

func (c *checker) uidHint(uid string) string {
	var all []string
	for _, other := range c.plan.Dashboards {
		all = append(all, other.UID)
	}
	if best := textdist.Closest(uid, all, 3); best != "" {
		return fmt.Sprintf(" (did you mean %q?)", best)
	}
	return ""
}

// labelValues matches label_values(<selector>, <label>).
var labelValues = regexp.MustCompile(`^\s*label_values\((.*),\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)\s*$`)
var queryResult = regexp.MustCompile(`^\s*query_result\((.*)\)\s*$`)

func (c *checker) variable(d *expand.Dashboard, i int, v model.Variable, known map[string]bool, custom map[string]string) {
	q := grafana.VariableQuery(v)
	if q == "" {
		return
	}
	pos := d.At(c.env, "variables", strconv.Itoa(i))
	what := fmt.Sprintf("variable %s", v.Name)
	if m := labelValues.FindStringSubmatch(q); m != nil {
		sub, err := Substitute(m[1], known, custom)
		if err != nil {
			c.report(pos, d, "%s: %v", what, err)
			return
		}
		ms, err := c.parse.ParseMetricSelector(sub.Expr)
		if err != nil {
			c.report(pos, d, "%s: could not parse the selector %s: %v", what, m[1], err)
			return
		}
		vs := &parser.VectorSelector{LabelMatchers: ms}
		for _, l := range ms {
			if l.Name == pmodel.MetricNameLabel && l.Type == labels.MatchEqual {
				vs.Name = l.Value
			}
		}
		if msg := c.catalog().SelectorProblem(withoutVariables(vs)); msg != "" {
			c.report(pos, d, "%s: `%s` %s", what, m[1], msg)
		}
		return
	}
	if m := queryResult.FindStringSubmatch(q); m != nil {
		c.query(d, pos, what, m[1], known, custom, nil)
	}
}

func (c *checker) panel(d *expand.Dashboard, i int, p model.Panel, known map[string]bool, custom map[string]string) {
	pi := strconv.Itoa(i)
	pos := d.At(c.env, "panels", pi)
	name := fmt.Sprintf("panel %d", i+1)
	if p.Title != "" {
		name = fmt.Sprintf("panel %q", p.Title)
	}
	if strings.TrimSpace(p.Title) == "" {
		c.report(pos, d, "%s (%s) has no title: give it one", name, p.Type)
	}
	for j, l := range p.Links {
		c.link(d, d.At(c.env, "panels", pi, "links", strconv.Itoa(j)), l)
	}
	if p.Type == model.PanelRow || p.Type == model.PanelText {
		return
	}
	if p.Unit == "" {
		c.report(pos, d, "%s has no unit: set unit (\"short\", \"percentunit\", \"bytes\", \"s\", \"reqps\", ... or \"none\")", name)
	}
	if len(p.Targets) == 0 {
		c.report(pos, d, "%s has no query: add targets, or make it a text panel", name)
	}
	counters := map[string]bool{}
	for _, n := range d.Counters {
		counters[n] = true
	}
	for j, t := range p.Targets {
		qpos := d.At(c.env, "panels", pi, "targets", strconv.Itoa(j), "expr")
		c.query(d, qpos, fmt.Sprintf("%s, query %c", name, 'A'+j), t.Expr, known, custom, counters)
	}
}

// query checks one PromQL query. counters is nil for variable queries.
func (c *checker) query(d *expand.Dashboard, pos, what, expr string, known map[string]bool, custom map[string]string, counters map[string]bool) {
	sub, err := Substitute(expr, known, custom)
	if err != nil {
		c.report(pos, d, "%s: %v", what, err)
		return
	}
	at := func(off int) string {
		line, col := lint.LineCol(expr, sub.Orig(off))
		return fmt.Sprintf("expr %d:%d", line, col)
	}
	e, err := c.parse.ParseExpr(sub.Expr)
	if err != nil {
		var perrs parser.ParseErrors
		if errors.As(err, &perrs) && len(perrs) > 0 {
			c.report(pos, d, "%s: %s: could not parse: %v", what, at(int(perrs[0].PositionRange.Start)), perrs[0].Err)
		} else {
			c.report(pos, d, "%s: could not parse: %v", what, err)
		}
		return
	}
	seen := map[string]bool{}
	parser.Inspect(e, func(n parser.Node, _ []parser.Node) error {
		switch n := n.(type) {
		case *parser.VectorSelector:
			if msg := c.catalog().SelectorProblem(withoutVariables(n)); msg != "" && !seen[msg] {
				seen[msg] = true
				c.report(pos, d, "%s: %s: `%s` %s", what, at(int(n.PositionRange().Start)), snippet(expr, sub, n), msg)
			}
		case *parser.Call:
			if !rateFuncs[n.Func.Name] || len(n.Args) == 0 || counters == nil {
				return nil
			}
			ms, ok := n.Args[0].(*parser.MatrixSelector)
			if !ok {
				return nil
			}
			vs, ok := ms.VectorSelector.(*parser.VectorSelector)
			if !ok {
				return nil
			}
			name := lint.SelectorName(vs)
			if name == "" || lint.IsCounterName(name) || counters[name] {
				return nil
			}
			c.report(pos, d, "%s: %s: %s() of %s, which is not a counter by its name (counters end in _total, _count, _sum or _bucket): show a gauge as it is, or use deriv(); if it is a counter, list it in the dashboard's counters", what, at(int(n.PositionRange().Start)), n.Func.Name, name)
		}
		return nil
	})
}

// withoutVariables drops the matchers whose value came from a variable:
// a variable can hold any value, so only the rest constrains the selector.
func withoutVariables(vs *parser.VectorSelector) *parser.VectorSelector {
	out := *vs
	out.LabelMatchers = nil
	for _, m := range vs.LabelMatchers {
		if !strings.Contains(m.Value, Sentinel) {
			out.LabelMatchers = append(out.LabelMatchers, m)
		}
	}
	return &out
}

// rendered checks the dashboard's JSON as written: every datasource
// reference goes through the datasource variable, so one dashboard serves
// any Prometheus the viewer picks.
func (c *checker) rendered(d *expand.Dashboard, tree *artifact.Tree, vc *verifycache.Cache) {
	f, ok := tree.Get(grafana.Path(d.UID))
	if !ok {
		c.report(d.Origin, d, "%s was not rendered", grafana.Path(d.UID))
		return
	}
	vc.Check(vc.Key("dashboard-datasource", f.Data), func() bool {
		before := len(c.problems)
		c.datasources(d, f)
		return len(c.problems) == before
	})
}

// datasources reports every datasource reference of f that is not the
// datasource variable.
func (c *checker) datasources(d *expand.Dashboard, f artifact.File) {
	bad, err := refs(f.Data)
	if err != nil {
		c.report(d.Origin, d, "%s is not JSON: %v", f.Path, err)
		return
	}
	for _, r := range bad {
		c.report(d.Origin, d, "%s: %s.datasource is %v, not the datasource variable %s", f.Path, r.path, r.uid, grafana.DatasourceRef)
	}
}

// snippet is the written text of node, shortened.
func snippet(expr string, sub Substituted, n parser.Node) string {
	pr := n.PositionRange()
	start, end := sub.Orig(int(pr.Start)), sub.Orig(int(pr.End))
	s := n.String()
	if start >= 0 && end <= len(expr) && start < end {
		s = expr[start:end]
	}
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 80 {
		s = string(r[:77]) + "..."
	}
	return s
}
