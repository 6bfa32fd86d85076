package sloimport

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"regexp/syntax"
	"slices"
	"strconv"
	"strings"
	"time"

	commonmodel "github.com/prometheus/common/model"
	"github.com/prometheus/common/promslog"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql"
	"github.com/prometheus/prometheus/promql/parser"
	"github.com/prometheus/prometheus/promql/promqltest"
	"github.com/prometheus/prometheus/rules"
	"go.yaml.in/yaml/v3"

	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/render/plain"
	"github.com/mongen-dev/mongen/internal/slo"
)

// The simulation: History minutes of healthy traffic, then Outage minutes
// of failure, one sample a minute and one rule evaluation a minute.
const (
	History = 24 * time.Hour
	Outage  = 12 * time.Hour
	step    = time.Minute
)

// checkLabel tells the two copies of each synthetic series apart: one
// stays healthy, the other fails (a partial outage is their mix).
const checkLabel = "mongen_check"

// Subject is one SLO to compare: its id (slo_id and sloth_id are both
// <service>-<name>), its error budget, and both tools' rules for it.
type Subject struct {
	ID     string
	Budget float64
	Mongen *rulefmt.RuleGroups
	Source *rulefmt.RuleGroups
	// SourceName names the source tool in reports ("Sloth").
	SourceName string
}

// Firing is when one alert of one SLO first fires in one scenario,
// counted from the start of the outage; Never when it does not fire
// within Outage.
type Firing struct {
	ID, Burn, Scenario string
	Mongen, Source     time.Duration
	// SourceName names the source tool ("Sloth").
	SourceName string
	// ErrorRatio is the share of failing events in the scenario.
	ErrorRatio float64
}

// Never is a Firing time for an alert that did not fire.
const Never = time.Duration(-1)

// Same reports whether both tools' alerts first fire in the same minute.
func (f Firing) Same() bool { return f.Mongen == f.Source }

func minutes(d time.Duration) string {
	if d == Never {
		return "never"
	}
	return fmt.Sprintf("minute %d", int(d/time.Minute))
}

func (f Firing) String() string {
	verdict := "same minute"
	if !f.Same() {
		verdict = "different"
	}
	src := f.SourceName
	if src == "" {
		src = "source"
	}
	return fmt.Sprintf("slo %s %s, %s (%.4g%% errors): mongen %s, %s %s: %s", f.ID, f.Burn, f.Scenario, f.ErrorRatio*100, minutes(f.Mongen), src, minutes(f.Source), verdict)
}

// MongenRules renders the plan's rules of one SLO as a rule file.
func MongenRules(plan *expand.Plan, id string) (*rulefmt.RuleGroups, error) {
	for _, g := range plan.Groups {
		var rs []expand.Rule
		for _, r := range g.Rules {
			if r.SLO == id {
				rs = append(rs, r)
			}
		}
		if len(rs) == 0 {
			continue
		}
		data, err := plain.RuleFile(g.Name, rs)
		if err != nil {
			return nil, err
		}
		groups, errs := rulefmt.Parse(data, false, commonmodel.UTF8Validation, ruleParser, promslog.NewNopLogger())
		if len(errs) > 0 {
			return nil, fmt.Errorf("slo %s: the rendered rules do not load: %w", id, errors.Join(errs...))
		}
		return groups, nil
	}
	return nil, fmt.Errorf("slo %s: no rules in the built environment", id)
}

var ruleParser = parser.NewParser(parser.Options{})

// SourceRules reads the rules Sloth generated, by SLO id (its groups are
// sloth-slo-{sli-recordings,meta-recordings,alerts}-<id>).
func SourceRules(docs []Doc) (map[string]*rulefmt.RuleGroups, error) {
	out := map[string]*rulefmt.RuleGroups{}
	for _, d := range docs {
		n := d.Node
		if get(n, "kind") != nil {
			n = get(n, "spec")
		}
		data, err := yaml.Marshal(map[string]*yaml.Node{"groups": get(n, "groups")})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", d.File, err)
		}
		groups, errs := rulefmt.Parse(data, false, commonmodel.UTF8Validation, ruleParser, promslog.NewNopLogger())
		if len(errs) > 0 {
			return nil, fmt.Errorf("%s: Sloth's rules do not load: %w", d.File, errors.Join(errs...))
		}
		for _, g := range groups.Groups {
			rest, ok := strings.CutPrefix(g.Name, "sloth-slo-")
			if !ok {
				continue
			}
			for _, kind := range []string{"sli-recordings-", "meta-recordings-", "alerts-"} {
				if id, ok := strings.CutPrefix(rest, kind); ok {
					if out[id] == nil {
						out[id] = &rulefmt.RuleGroups{}
					}
					out[id].Groups = append(out[id].Groups, g)
				}
			}
		}
	}
	return out, nil
}

// Check evaluates both tools' rules of each subject over the same
// synthetic series, a full outage and a partial one (twenty times the
// budget's rate of errors, at most half the events; for indicators that
// read gauges, half the series fail), with Prometheus's
// own rule evaluation, and reports when each page and ticket alert first
// fires. Subjects whose queries no synthetic series can make healthy and
// failing are noted and skipped.
func Check(ctx context.Context, subjects []Subject) ([]Firing, []string, error) {
	var out []Firing
	var notes []string
	for _, s := range subjects {
		sim, err := newSimulation(ctx, s)
		if err != nil {
			notes = append(notes, fmt.Sprintf("slo %s: %v", s.ID, err))
			continue
		}
		p := min(20*s.Budget, 0.5)
		for _, sc := range []struct {
			name string
			p    float64
		}{{"full outage", 1}, {"partial outage", p}} {
			// One storage for the measure and mongen's rules (see
			// measureAhead); the source's rules get their own, as both
			// tools record series of the same names. Errors are reported
			// in the order of the stages: mongen's, the source's, the
			// measure's.
			data := sim.load(sc.p)
			loader, ratio, merr := sim.measureAhead(ctx, data)
			m, err := sim.run(ctx, loader, data, s.Mongen)
			if err != nil {
				return nil, nil, fmt.Errorf("slo %s: mongen's rules, %s: %w", s.ID, sc.name, err)
			}
			src, err := sim.run(ctx, nil, data, s.Source)
			if err != nil {
				return nil, nil, fmt.Errorf("slo %s: %s's rules, %s: %w", s.ID, s.SourceName, sc.name, err)
			}
			if merr != nil {
				return nil, nil, fmt.Errorf("slo %s: %s: %w", s.ID, sc.name, merr)
			}
			for _, burn := range []string{slo.BurnPage, slo.BurnTicket} {
				out = append(out, Firing{ID: s.ID, Burn: burn, Scenario: sc.name, ErrorRatio: ratio, Mongen: m[burn], Source: src[burn], SourceName: s.SourceName})
			}
		}
	}
	return out, notes, nil
}

// series is one synthetic input series: its labels but the copy's.
type series struct {
	labels labels.Labels
	key    string
}

// state is what a series does in one phase: a counter that increases
// with the traffic, a counter that holds, or a gauge at 1.
type state int

const (
	hold state = iota
	inc
	one
)

type simulation struct {
	series           []series
	healthy, failing []state
	ratio            string // mongen's 5m error ratio expression
	maxMinutes       int
	historyMinutes   int
}

// newSimulation finds the series both tools' indicators read and a
// healthy and a failing state of each: the healthy states give an error
// ratio of 0 over 5m in both tools' recording rules, the failing ones 1.
func newSimulation(ctx context.Context, s Subject) (*simulation, error) {
	sim := &simulation{historyMinutes: int(History / step), maxMinutes: int((History + Outage) / step)}
	recorded, ratioExprs, err := ratioExpressions(s)
	if err != nil {
		return nil, err
	}
	if sim.series, err = inputSeries(s, recorded); err != nil {
		return nil, err
	}
	sim.ratio = ratioExprs[0]
	if n := len(sim.series); n == 0 || n > 6 {
		return nil, fmt.Errorf("the indicators read %d series: the check synthesises outages for 1 to 6", n)
	}
	return sim.pickStates(ctx, ratioExprs)
}

// ratioExpressions returns every series either rule set records and each
// set's 5m error ratio expression (mongen's first): the search judges a
// state by both.
func ratioExpressions(s Subject) (map[string]bool, []string, error) {
	recorded := map[string]bool{}
	var ratioExprs []string
	for _, rg := range []*rulefmt.RuleGroups{s.Mongen, s.Source} {
		if rg == nil {
			return nil, nil, errors.New("no rules to compare")
		}
		found := ""
		for _, g := range rg.Groups {
			for _, r := range g.Rules {
				if r.Record != "" {
					recorded[r.Record] = true
				}
				if r.Record == slo.ErrorRatio("5m") {
					found = r.Expr
				}
			}
		}
		if found == "" {
			return nil, nil, errors.New("a rule set records no slo:sli_error:ratio_rate5m")
		}
		ratioExprs = append(ratioExprs, found)
	}
	return recorded, ratioExprs, nil
}

// inputSeries synthesises one series for each distinct selector the rules
// read that no rule records, sorted by labels so the search is stable.
func inputSeries(s Subject, recorded map[string]bool) ([]series, error) {
	var out []series
	keys := map[string]bool{}
	for _, rg := range []*rulefmt.RuleGroups{s.Mongen, s.Source} {
		for _, g := range rg.Groups {
			for _, r := range g.Rules {
				expr, err := ruleParser.ParseExpr(r.Expr)
				if err != nil {
					return nil, err
				}
				var ierr error
				parser.Inspect(expr, func(n parser.Node, _ []parser.Node) error {
					vs, ok := n.(*parser.VectorSelector)
					if !ok || recorded[slo.MetricName(vs)] || ierr != nil {
						return nil
					}
					ls, err := synthesize(vs)
					if err != nil {
						ierr = fmt.Errorf("%s: %w", vs, err)
						return nil
					}
					if k := ls.String(); !keys[k] {
						keys[k] = true
						out = append(out, series{labels: ls, key: k})
					}
					return nil
				})
				if ierr != nil {
					return nil, ierr
				}
			}
		}
	}
	slices.SortFunc(out, func(a, b series) int { return strings.Compare(a.key, b.key) })
	return out, nil
}

// pickStates searches the healthy and the failing states and keeps the
// first compatible pair that verifies on a short timeline.
func (sim *simulation) pickStates(ctx context.Context, ratioExprs []string) (*simulation, error) {
	healthy, err := sim.search(ctx, ratioExprs, 0)
	if err != nil {
		return nil, err
	}
	failing, err := sim.search(ctx, ratioExprs, 1)
	if err != nil {
		return nil, err
	}
	for _, h := range healthy {
		for _, f := range failing {
			if !compatible(h, f) {
				continue
			}
			ok, err := sim.verify(ctx, ratioExprs, h, f)
			if err != nil {
				return nil, err
			}
			if ok {
				sim.healthy, sim.failing = h, f
				return sim, nil
			}
		}
	}
	return nil, errors.New("no synthetic series turns from healthy to failing in both tools' indicators (a counter that stops is not a gauge at 0)")
}

// verify runs the pair of states as the scenarios do, on a short
// timeline: 15 healthy minutes (error ratio 0 in both tools), then 15 of
// a full outage (1). A counter that holds keeps its value, which a query
// reading the series as a gauge sees, unlike the 0 of the search.
func (sim *simulation) verify(ctx context.Context, exprs []string, h, f []state) (bool, error) {
	short := *sim
	short.healthy, short.failing = h, f
	short.historyMinutes, short.maxMinutes = 15, 30
	loader, err := newLoader(short.load(1))
	if err != nil {
		return false, err
	}
	defer loader.Close()
	ok := true
	for _, c := range []struct {
		at   time.Duration
		want float64
	}{{15 * time.Minute, 0}, {30 * time.Minute, 1}} {
		at := time.Unix(0, 0).Add(c.at)
		loader.WithSamplesTill(at, func(err error) {
			if err != nil {
				ok = false
				return
			}
			for _, e := range exprs {
				if v, err := instant(ctx, loader, e, at); err != nil || v != c.want {
					ok = false
				}
			}
		})
	}
	return ok, nil
}

// newLoader is a test storage with the series of a promqltest load
// command; subqueries without a step take the evaluation interval, as
// in Prometheus.
func newLoader(load string) (*promqltest.LazyLoader, error) {
	l, err := promqltest.NewLazyLoader(load, promqltest.LazyLoaderOpts{Parser: ruleParser})
	if err != nil {
		return nil, err
	}
	l.SubqueryInterval = step
	return l, nil
}

// instant evaluates e at t and returns its one sample's value.
func instant(ctx context.Context, loader *promqltest.LazyLoader, e string, at time.Time) (float64, error) {
	q, err := loader.QueryEngine().NewInstantQuery(ctx, loader.Queryable(), nil, e, at)
	if err != nil {
		return 0, err
	}
	defer q.Close()
	res := q.Exec(ctx)
	if res.Err != nil {
		return 0, res.Err
	}
	v, ok := res.Value.(promql.Vector)
	if !ok || len(v) != 1 {
		return 0, fmt.Errorf("%s: %d samples, want 1", e, len(v))
	}
	return v[0].F, nil
}

// measureAhead measures the scenario whose series are data (sim.load) on
// a new storage and hands that storage on for one run of rules, which
// sees what a storage of its own would show it: the measure only reads,
// before any rule writes, and the engine (no @ modifier, no negative
// offset) reads no sample after its evaluation time, so the samples
// loaded up to the measure's minute change no evaluation before it. On
// an error the storage is closed (a failed load may have left part of
// the samples out) and the loader is nil: run then makes its own.
func (sim *simulation) measureAhead(ctx context.Context, data string) (*promqltest.LazyLoader, float64, error) {
	loader, err := newLoader(data)
	if err != nil {
		return nil, 0, err
	}
	v, err := sim.measure(ctx, loader)
	if err != nil {
		loader.Close()
		return nil, 0, err
	}
	return loader, v, nil
}

// measure is the scenario's error ratio as mongen's 5m error ratio
// reads it 15 minutes into the outage: the share of failing events for
// counters, of failing series for gauges (each copy counts alike).
func (sim *simulation) measure(ctx context.Context, loader *promqltest.LazyLoader) (float64, error) {
	at := time.Unix(0, 0).Add(History + 15*time.Minute)
	var (
		v   float64
		err error
	)
	loader.WithSamplesTill(at, func(lerr error) {
		if err = lerr; err == nil {
			v, err = instant(ctx, loader, sim.ratio, at)
		}
	})
	return v, err
}

// compatible: a series is a gauge (one) in both phases or in neither.
func compatible(h, f []state) bool {
	for i := range h {
		if (h[i] == one) != (f[i] == one) && (h[i] == inc || f[i] == inc) {
			return false
		}
	}
	return true
}

// search lists the state assignments under which every expression's
// value at steady state is want (0 or 1), in enumeration order.
func (sim *simulation) search(ctx context.Context, exprs []string, want float64) ([][]state, error) {
	n := len(sim.series)
	var out [][]state
	total := 1
	for range n {
		total *= 3
	}
	for code := range total {
		st := make([]state, n)
		c := code
		for i := range st {
			st[i] = state(c % 3)
			c /= 3
		}
		ok, err := sim.steady(ctx, st, exprs, want)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, st)
		}
	}
	if len(out) == 0 {
		what := map[float64]string{0: "healthy (error ratio 0)", 1: "failing (error ratio 1)"}[want]
		return nil, fmt.Errorf("no synthetic series makes the indicators %s in both tools", what)
	}
	return out, nil
}

// steady evaluates exprs after 15 minutes of the states.
func (sim *simulation) steady(ctx context.Context, st []state, exprs []string, want float64) (bool, error) {
	var b strings.Builder
	b.WriteString("load 1m\n")
	for i, s := range sim.series {
		b.WriteString("  " + s.key + " ")
		for m := 0; m <= 15; m++ {
			switch st[i] {
			case inc:
				b.WriteString(strconv.Itoa(60*m) + " ")
			case hold:
				b.WriteString("0 ")
			case one:
				b.WriteString("1 ")
			}
		}
		b.WriteString("\n")
	}
	loader, err := newLoader(b.String())
	if err != nil {
		return false, err
	}
	defer loader.Close()
	at := time.Unix(0, 0).Add(15 * time.Minute)
	ok := true
	loader.WithSamplesTill(at, func(err error) {
		if err != nil {
			ok = false
			return
		}
		for _, e := range exprs {
			if v, err := instant(ctx, loader, e, at); err != nil || v != want {
				ok = false
				return
			}
		}
	})
	return ok, nil
}

// load writes the scenario's series: two copies of each, one healthy and
// one failing. History: both healthy, half the traffic each. Outage at
// error share p: the failing copy carries p of the traffic in its failing
// states, the healthy copy the rest (a full outage: both fail).
func (sim *simulation) load(p float64) string {
	var b strings.Builder
	b.WriteString("load 1m\n")
	for i, s := range sim.series {
		for _, cp := range []string{"healthy", "failing"} {
			ls := labels.NewBuilder(s.labels).Set(checkLabel, cp).Labels()
			b.WriteString("  " + ls.String())
			v := 0.0
			for m := 0; m <= sim.maxMinutes; m++ {
				st, rate := sim.healthy[i], 0.5
				if m > sim.historyMinutes {
					switch {
					case p >= 1:
						st = sim.failing[i]
					case cp == "failing":
						st, rate = sim.failing[i], p
					default:
						rate = 1 - p
					}
				}
				switch st {
				case inc:
					if m > 0 {
						v += 60 * rate
					}
					b.WriteString(" " + strconv.FormatFloat(v, 'f', -1, 64))
				case hold:
					b.WriteString(" " + strconv.FormatFloat(v, 'f', -1, 64))
				case one:
					b.WriteString(" 1")
				}
			}
			b.WriteString("\n")
		}
	}
	return b.String()
}

// run evaluates one tool's rule groups over the scenario whose series
// are data (sim.load), each group in order at every minute (the best
// case for rules split over groups, which Prometheus may evaluate an
// interval apart), and returns the first firing of the page and ticket
// alerts after the outage starts. It runs on loader when not nil (from
// measureAhead, with data's series), else on a storage of its own; it
// closes the storage either way.
func (sim *simulation) run(ctx context.Context, loader *promqltest.LazyLoader, data string, groups *rulefmt.RuleGroups) (map[string]time.Duration, error) {
	if loader == nil {
		var err error
		if loader, err = newLoader(data); err != nil {
			return nil, err
		}
	}
	defer loader.Close()
	ordered, err := loadGroups(ctx, loader, groups)
	if err != nil {
		return nil, err
	}
	first := map[string]time.Duration{slo.BurnPage: Never, slo.BurnTicket: Never}
	epoch := time.Unix(0, 0).UTC()
	start := epoch.Add(History)
	// The alerts read the window ratios recorded at the same evaluation,
	// from the raw series: the history needs samples, not evaluations.
	// Stop once both alerts have fired.
	var evalErr error
	for m := sim.historyMinutes; m <= sim.maxMinutes && evalErr == nil && (first[slo.BurnPage] == Never || first[slo.BurnTicket] == Never); m++ {
		ts := epoch.Add(time.Duration(m) * step)
		loader.WithSamplesTill(ts, func(err error) {
			if err != nil {
				evalErr = err
				return
			}
			evalErr = evalMinute(ctx, ordered, ts, start, first)
		})
	}
	return first, evalErr
}

// loadGroups loads the groups into a rule manager on the loader's storage
// and returns them in the file's order, the order they are evaluated in.
func loadGroups(ctx context.Context, loader *promqltest.LazyLoader, groups *rulefmt.RuleGroups) ([]*rules.Group, error) {
	mgr := rules.NewManager(&rules.ManagerOptions{
		QueryFunc:    rules.EngineQueryFunc(loader.QueryEngine(), loader.Storage()),
		AppendableV2: loader.Storage(),
		Context:      ctx,
		NotifyFunc:   func(context.Context, string, ...*rules.Alert) {},
		Logger:       promslog.NewNopLogger(),
		Parser:       ruleParser,
		GroupLoader:  loader2{groups: groups},
	})
	loaded, errs := mgr.LoadGroups(step, labels.EmptyLabels(), "", nil, false, "rules.yaml")
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	// LoadGroups returns a map: evaluate in the file's order.
	var ordered []*rules.Group
	for _, g := range groups.Groups {
		for _, lg := range loaded {
			if lg.Name() == g.Name {
				ordered = append(ordered, lg)
			}
		}
	}
	return ordered, nil
}

// evalMinute evaluates every group at ts and records in first, for the
// page and the ticket burn, the time since start of its first firing.
// A rule's evaluation error is returned (the last one, as before).
func evalMinute(ctx context.Context, ordered []*rules.Group, ts, start time.Time, first map[string]time.Duration) error {
	var evalErr error
	for _, g := range ordered {
		g.Eval(ctx, ts)
		for _, r := range g.Rules() {
			if err := r.LastError(); err != nil {
				evalErr = fmt.Errorf("rule %s: %w", r.Name(), err)
			}
			ar, ok := r.(*rules.AlertingRule)
			if !ok {
				continue
			}
			burn := burnOf(ar.Labels())
			if burn == "" || first[burn] != Never {
				continue
			}
			for _, a := range ar.ActiveAlerts() {
				if a.State == rules.StateFiring {
					first[burn] = ts.Sub(start)
					break
				}
			}
		}
	}
	return evalErr
}

// burnOf says whether an alert rule is a page or a ticket: mongen's
// slo_burn, Sloth's sloth_severity, else a critical severity pages and a
// warning one opens a ticket (Pyrra).
func burnOf(ls labels.Labels) string {
	for _, name := range []string{slo.LabelBurn, "sloth_severity"} {
		if v := ls.Get(name); v == slo.BurnPage || v == slo.BurnTicket {
			return v
		}
	}
	switch ls.Get("severity") {
	case "critical":
		return slo.BurnPage
	case "warning":
		return slo.BurnTicket
	}
	return ""
}

type loader2 struct{ groups *rulefmt.RuleGroups }

func (l loader2) Load(string, bool, commonmodel.ValidationScheme) (*rulefmt.RuleGroups, []error) {
	return l.groups, nil
}

func (loader2) Parse(query string) (parser.Expr, error) { return ruleParser.ParseExpr(query) }

// synthesize makes the labels of a series the selector selects: its
// equality matchers, a string each regular expression matches, and for a
// negative matcher the empty value (no label) or one it accepts.
func synthesize(vs *parser.VectorSelector) (labels.Labels, error) {
	b := labels.NewBuilder(labels.EmptyLabels())
	byName := map[string][]*labels.Matcher{}
	for _, m := range vs.LabelMatchers {
		byName[m.Name] = append(byName[m.Name], m)
	}
	for _, name := range slices.Sorted(maps.Keys(byName)) {
		ms := byName[name]
		var candidates []string
		for _, m := range ms {
			switch m.Type {
			case labels.MatchEqual:
				candidates = append([]string{m.Value}, candidates...)
			case labels.MatchRegexp:
				if s, ok := regexSample(m.Value); ok {
					candidates = append(candidates, s)
				}
			}
		}
		candidates = append(candidates, "", "x", "mongen", "0")
		found := false
		for _, c := range candidates {
			if all(ms, c) {
				if c != "" {
					b.Set(name, c)
				}
				found = true
				break
			}
		}
		if !found {
			return labels.EmptyLabels(), fmt.Errorf("no value of %s satisfies its matchers", name)
		}
	}
	return b.Labels(), nil
}

func all(ms []*labels.Matcher, v string) bool {
	for _, m := range ms {
		if !m.Matches(v) {
			return false
		}
	}
	return true
}

// regexSample is a short string the regular expression matches.
func regexSample(expr string) (string, bool) {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return "", false
	}
	var b strings.Builder
	var walk func(r *syntax.Regexp) bool
	walk = func(r *syntax.Regexp) bool {
		switch r.Op {
		case syntax.OpLiteral:
			b.WriteString(string(r.Rune))
		case syntax.OpCharClass:
			if len(r.Rune) == 0 {
				return false
			}
			b.WriteRune(r.Rune[0])
		case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
			b.WriteByte('x')
		case syntax.OpCapture, syntax.OpPlus:
			return walk(r.Sub[0])
		case syntax.OpRepeat:
			for range r.Min {
				if !walk(r.Sub[0]) {
					return false
				}
			}
		case syntax.OpConcat:
			for _, s := range r.Sub {
				if !walk(s) {
					return false
				}
			}
		case syntax.OpAlternate:
			return walk(r.Sub[0])
		case syntax.OpStar, syntax.OpQuest, syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText, syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		default:
			return false
		}
		return true
	}
	if !walk(re) {
		return "", false
	}
	return b.String(), true
}
