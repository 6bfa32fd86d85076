package ruletest

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
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
	"github.com/prometheus/prometheus/storage"

	"github.com/mongen-dev/mongen/internal/model"
	"github.com/mongen-dev/mongen/internal/render/plain"
)

// ruleParser parses rules and expected sample labels as promtool does
// without feature flags; seriesParser parses input series as promqltest's
// load command does.
var (
	ruleParser   = parser.NewParser(parser.Options{})
	seriesParser = parser.NewParser(promqltest.TestParserOpts)
)

// epoch is time 0 of every test, as in promtool without start_timestamp.
var epoch = time.Unix(0, 0).UTC()

// groupLoader serves one parsed rule file to the rule manager, so tests load
// exactly the groups mongen renders without touching the disk.
type groupLoader struct {
	name   string
	groups *rulefmt.RuleGroups
}

func (l groupLoader) Load(identifier string, _ bool, _ commonmodel.ValidationScheme) (*rulefmt.RuleGroups, []error) {
	if identifier != l.name {
		return nil, []error{fmt.Errorf("no rule file %q", identifier)}
	}
	return l.groups, nil
}

func (groupLoader) Parse(query string) (parser.Expr, error) { return ruleParser.ParseExpr(query) }

// alertCheck is a model.AlertCheck with its parsed time and position.
type alertCheck struct {
	model.AlertCheck
	at     time.Duration
	origin string
}

// LoadCommand builds promqltest's load command for the input series, and
// reports the first series it cannot parse (its index, and the parser's
// error), checked with the same parser the load command uses.
func LoadCommand(interval string, series []model.TestSeries) (string, int, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "load %s\n", interval)
	for i, s := range series {
		line := strings.TrimSpace(s.Series + " " + s.Values)
		switch {
		case strings.ContainsAny(line, "\r\n"):
			return "", i, errors.New("a series and its values must be on one line")
		case strings.HasPrefix(line, "#"):
			return "", i, errors.New("a series cannot start with #")
		case strings.TrimSpace(s.Series) == "":
			return "", i, errors.New("empty series")
		}
		if _, _, err := seriesParser.ParseSeriesDesc(line); err != nil {
			return "", i, fmt.Errorf("%q: %w", line, err)
		}
		fmt.Fprintf(&b, "  %s\n", line)
	}
	return b.String(), -1, nil
}

func parseDuration(what, s string) (time.Duration, error) {
	d, err := commonmodel.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%s %q: %w", what, s, err)
	}
	return time.Duration(d), nil
}

// prepared is a test checked and parsed, ready to run or to export.
type prepared struct {
	interval, evalInterval time.Duration
	load                   string
	checks                 []alertCheck // sorted by time
	exprAt                 []time.Duration
	maxEval                time.Duration
}

// prepare checks everything the test says before anything runs, and
// returns the problems as failures at their CUE positions.
func (tc *testCase) prepare() (*prepared, []Failure) {
	var fails []Failure
	fail := func(origin, msg string) {
		if origin == "" {
			origin = tc.origin.Test
		}
		fails = append(fails, Failure{Origin: origin, Message: msg})
	}
	t := tc.test
	p := &prepared{}
	var err error
	p.interval, err = parseDuration("interval", t.Interval)
	if err == nil && p.interval <= 0 {
		err = fmt.Errorf("interval %q must be positive", t.Interval)
	}
	if err != nil {
		fail("", err.Error())
	}
	p.evalInterval, err = parseDuration("evaluationInterval", t.EvaluationInterval)
	if err == nil && p.evalInterval <= 0 {
		err = fmt.Errorf("evaluationInterval %q must be positive", t.EvaluationInterval)
	}
	if err != nil {
		fail("", err.Error())
	}
	if len(t.Alerts) == 0 && len(t.Exprs) == 0 {
		fail("", "the test checks nothing: give it alerts or exprs")
	}
	if len(t.Alerts) > 0 && tc.rule.Kind != model.RuleAlert {
		fail("", "alert checks on a recording rule: check its series with exprs")
	}
	var bad int
	p.load, bad, err = LoadCommand(t.Interval, t.Series)
	if err != nil {
		fail(at(tc.origin.Series, bad), fmt.Sprintf("series %d: %v", bad+1, err))
	}
	for i, a := range t.Alerts {
		d, err := parseDuration("evalTime", a.EvalTime)
		if err == nil && d < 0 {
			err = fmt.Errorf("evalTime %q is negative", a.EvalTime)
		}
		if err != nil {
			fail(at(tc.origin.Alerts, i), err.Error())
			continue
		}
		with := 0
		for _, e := range a.Expect {
			if e.Annotations != nil {
				with++
			}
		}
		if with != 0 && with != len(a.Expect) {
			fail(at(tc.origin.Alerts, i), fmt.Sprintf("alerts at %s: %d of %d expected alerts give annotations: give them for every alert of a check or for none", a.EvalTime, with, len(a.Expect)))
			continue
		}
		p.checks = append(p.checks, alertCheck{AlertCheck: a, at: d, origin: at(tc.origin.Alerts, i)})
		p.maxEval = max(p.maxEval, d)
	}
	p.exprAt = make([]time.Duration, len(t.Exprs))
	for i, e := range t.Exprs {
		d, err := parseDuration("evalTime", e.EvalTime)
		if err == nil && d < 0 {
			err = fmt.Errorf("evalTime %q is negative", e.EvalTime)
		}
		if err != nil {
			fail(at(tc.origin.Exprs, i), err.Error())
			continue
		}
		if _, err := ruleParser.ParseExpr(e.Expr); err != nil {
			fail(at(tc.origin.Exprs, i), fmt.Sprintf("expr %q: %v", e.Expr, err))
			continue
		}
		for _, s := range e.Expect {
			if _, err := ruleParser.ParseMetric(s.Labels); err != nil {
				fail(at(tc.origin.Exprs, i), fmt.Sprintf("expected sample labels %q: %v", s.Labels, err))
			}
		}
		p.exprAt[i] = d
		p.maxEval = max(p.maxEval, d)
	}
	slices.SortStableFunc(p.checks, func(a, b alertCheck) int { return cmp.Compare(a.at, b.at) })
	return p, fails
}

// run runs one test. It never returns an error: every problem is a failure
// of the test, at the CUE position that caused it.
func (tc *testCase) run() (res TestResult) {
	start := time.Now()
	res = TestResult{ID: tc.id, Group: tc.group.Name, Rule: tc.rule.Key, Name: tc.test.Name, Origin: tc.origin.Test}
	defer func() { res.Duration = time.Since(start) }()
	fail := func(origin, msg, detail string) {
		if origin == "" {
			origin = tc.origin.Test
		}
		res.Failures = append(res.Failures, Failure{Origin: origin, Message: msg, Detail: detail})
	}
	p, fails := tc.prepare()
	if len(fails) > 0 {
		res.Failures = fails
		return res
	}
	suite, err := promqltest.NewLazyLoader(p.load, promqltest.LazyLoaderOpts{
		EnableAtModifier:     true,
		EnableNegativeOffset: true,
		Parser:               ruleParser,
	})
	if err != nil {
		fail("", fmt.Sprintf("input series: %v", err), "")
		return res
	}
	defer func() {
		if err := suite.Close(); err != nil {
			fail("", fmt.Sprintf("closing the test storage: %v", err), "")
		}
	}()
	suite.SubqueryInterval = p.evalInterval

	mgr := rules.NewManager(&rules.ManagerOptions{
		QueryFunc:    rules.EngineQueryFunc(suite.QueryEngine(), suite.Storage()),
		AppendableV2: suite.Storage(),
		Context:      context.Background(),
		NotifyFunc:   func(context.Context, string, ...*rules.Alert) {},
		Logger:       promslog.NewNopLogger(),
		Parser:       ruleParser,
		GroupLoader:  groupLoader{name: ruleFileName(tc.group.Name), groups: tc.parsed},
	})
	groups, errs := mgr.LoadGroups(p.interval, labels.FromMap(tc.env.ExternalLabels), tc.env.Prometheus.ExternalURL, nil, false, ruleFileName(tc.group.Name))
	if len(errs) > 0 {
		fail(tc.rule.Origin, fmt.Sprintf("loading rule group %q: %v", tc.group.Name, errors.Join(errs...)), "")
		return res
	}
	var group *rules.Group
	for _, g := range groups {
		group = g
	}
	if group == nil {
		fail(tc.rule.Origin, fmt.Sprintf("rule group %q is empty", tc.group.Name), "")
		return res
	}
	var tested []*rules.AlertingRule
	for _, r := range group.Rules() {
		if ar, ok := r.(*rules.AlertingRule); ok {
			// As after a restart with restored state: ALERTS and
			// ALERTS_FOR_STATE series are written from the first evaluation.
			ar.SetRestored(true)
			if ar.Name() == tc.rule.Name {
				tested = append(tested, ar)
			}
		}
	}

	// Step through time as promtool does: evaluate at 0, evalInterval, ...
	// up to the last evalTime; a check at evalTime sees the evaluation at
	// the step ts with ts <= evalTime < ts+evalInterval.
	ruleLabels := plain.RuleLabels(*tc.rule)
	maxt := epoch.Add(p.maxEval)
	next := 0
	for ts := epoch; !ts.After(maxt); ts = ts.Add(p.evalInterval) {
		var evalErr error
		suite.WithSamplesTill(ts, func(err error) {
			if err != nil {
				evalErr = fmt.Errorf("loading input samples: %w", err)
				return
			}
			group.Eval(suite.Context(), ts)
			for _, r := range group.Rules() {
				if err := r.LastError(); err != nil {
					evalErr = errors.Join(evalErr, fmt.Errorf("rule %s at %s: %w", r.Name(), fmtDuration(ts.Sub(epoch)), err))
				}
			}
		})
		if evalErr != nil {
			fail("", fmt.Sprintf("evaluation failed: %v", evalErr), "")
			return res
		}
		for next < len(p.checks) && ts.Sub(epoch) <= p.checks[next].at && p.checks[next].at < ts.Add(p.evalInterval).Sub(epoch) {
			c := p.checks[next]
			next++
			var active []*rules.Alert
			for _, ar := range tested {
				active = append(active, ar.ActiveAlerts()...)
			}
			if msg, detail := compareAlerts(tc.rule.Name, ruleLabels, tc.dropAnnotations, c.Expect, active); msg != "" {
				fail(c.origin, fmt.Sprintf("alert %s at %s: %s", tc.rule.Name, c.EvalTime, msg), detail)
			}
		}
	}

	for i, e := range tc.test.Exprs {
		got, err := query(suite.Context(), e.Expr, epoch.Add(p.exprAt[i]), suite.QueryEngine(), suite.Queryable())
		if err != nil {
			fail(at(tc.origin.Exprs, i), fmt.Sprintf("expr %q at %s: %v", e.Expr, e.EvalTime, err), "")
			continue
		}
		if msg, detail := compareSamples(e.Expect, got); msg != "" {
			fail(at(tc.origin.Exprs, i), fmt.Sprintf("expr %q at %s: %s", e.Expr, e.EvalTime, msg), detail)
		}
	}
	return res
}

// at returns origins[i], or "" when there is none.
func at(origins []string, i int) string {
	if i >= 0 && i < len(origins) {
		return origins[i]
	}
	return ""
}

// query runs an instant query and returns its result as a vector; a scalar
// becomes one sample without labels, as in promtool.
func query(ctx context.Context, qs string, t time.Time, engine *promql.Engine, q storage.Queryable) (promql.Vector, error) {
	qry, err := engine.NewInstantQuery(ctx, q, nil, qs, t)
	if err != nil {
		return nil, err
	}
	res := qry.Exec(ctx)
	if res.Err != nil {
		return nil, res.Err
	}
	switch v := res.Value.(type) {
	case promql.Vector:
		return v, nil
	case promql.Scalar:
		return promql.Vector{promql.Sample{T: v.T, F: v.V, Metric: labels.EmptyLabels()}}, nil
	default:
		return nil, fmt.Errorf("the result is a %s, not a vector or scalar", res.Value.Type())
	}
}

// fmtDuration prints d as Prometheus does (1h5m, 30s).
func fmtDuration(d time.Duration) string { return commonmodel.Duration(d).String() }
