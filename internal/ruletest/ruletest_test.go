package ruletest

import (
	"bytes"
	"encoding/xml"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/model"
)

// The fixtures build plans directly: one group per call, rules as the
// expand stage leaves them (severity and team already resolved).

func testPlan(groups ...expand.Group) *expand.Plan {
	return &expand.Plan{
		Env: &model.Environment{
			Name:           "test",
			ExternalLabels: map[string]string{"cluster": "c1"},
			Overrides:      map[string]model.Override{},
		},
		Groups: groups,
	}
}

func group(name string, rules ...expand.Rule) expand.Group {
	return expand.Group{Name: name, Origin: "environments/test/test.cue:1:1", Rules: rules}
}

func alertRule(name, expr, forDur string, annotations map[string]string, tests ...model.RuleTest) expand.Rule {
	r := expand.Rule{
		Rule: model.Rule{
			Kind: model.RuleAlert, Name: name, Expr: expr, For: forDur, Enabled: true,
			Tier: "P1", Team: "core", Labels: map[string]string{"severity": "warning"},
			Annotations: annotations, Tests: tests,
		},
		Key:    name,
		Origin: "environments/test/test.cue:10:3",
	}
	for i, t := range tests {
		o := expand.TestOrigin{Test: pos(20 + 10*i)}
		for j := range t.Series {
			o.Series = append(o.Series, pos(21+10*i+j))
		}
		for j := range t.Alerts {
			o.Alerts = append(o.Alerts, pos(25+10*i+j))
		}
		for j := range t.Exprs {
			o.Exprs = append(o.Exprs, pos(28+10*i+j))
		}
		r.TestOrigins = append(r.TestOrigins, o)
	}
	return r
}

func recordRule(name, expr string, tests ...model.RuleTest) expand.Rule {
	r := alertRule(name, expr, "", nil, tests...)
	r.Kind = model.RuleRecord
	r.Tier, r.Team, r.Labels = "", "", nil
	return r
}

func pos(line int) string { return "environments/test/test.cue:" + strconv.Itoa(line) + ":5" }

func series(s, v string) model.TestSeries { return model.TestSeries{Series: s, Values: v} }

func fires(at string, alerts ...model.ExpectedAlert) model.AlertCheck {
	if alerts == nil {
		alerts = []model.ExpectedAlert{}
	}
	return model.AlertCheck{EvalTime: at, Expect: alerts}
}

func labelsOnly(kv ...string) model.ExpectedAlert {
	m := map[string]string{}
	for i := 0; i < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return model.ExpectedAlert{Labels: m}
}

func withAnnotations(a model.ExpectedAlert, kv ...string) model.ExpectedAlert {
	a.Annotations = map[string]string{}
	for i := 0; i < len(kv); i += 2 {
		a.Annotations[kv[i]] = kv[i+1]
	}
	return a
}

func test(name string, s []model.TestSeries, alerts []model.AlertCheck, exprs ...model.ExprCheck) model.RuleTest {
	return model.RuleTest{Name: name, Interval: "1m", EvaluationInterval: "1m", Series: s, Alerts: alerts, Exprs: exprs}
}

var downAnnotations = map[string]string{"summary": "{{ $labels.instance }} is down"}

func run(t *testing.T, p *expand.Plan) *Result {
	t.Helper()
	res, err := Run(p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// only returns the single test's result.
func only(t *testing.T, res *Result) TestResult {
	t.Helper()
	if len(res.Tests) != 1 {
		t.Fatalf("got %d results, want 1: %+v", len(res.Tests), res.Tests)
	}
	return res.Tests[0]
}

func failureText(r TestResult) string {
	var b strings.Builder
	for _, f := range r.Failures {
		b.WriteString(f.String())
		b.WriteString("\n")
	}
	return b.String()
}

func wantPass(t *testing.T, r TestResult) {
	t.Helper()
	if !r.OK() {
		t.Fatalf("%s failed:\n%s", r.ID, failureText(r))
	}
}

func wantFail(t *testing.T, r TestResult, substrings ...string) string {
	t.Helper()
	if r.OK() {
		t.Fatalf("%s passed, want a failure", r.ID)
	}
	text := failureText(r)
	for _, s := range substrings {
		if !strings.Contains(text, s) {
			t.Errorf("failure of %s lacks %q:\n%s", r.ID, s, text)
		}
	}
	return text
}

var downSeries = []model.TestSeries{
	series(`up{job="app",instance="a:80"}`, "1 1 0x10"),
	series(`up{job="app",instance="b:80"}`, "1x12"),
}

func TestFiring(t *testing.T) {
	rule := alertRule("AppDown", `up{job="app"} == 0`, "5m", downAnnotations,
		test("fires", downSeries, []model.AlertCheck{
			fires("8m", withAnnotations(labelsOnly("job", "app", "instance", "a:80"), "summary", "a:80 is down")),
		}))
	wantPass(t, only(t, run(t, testPlan(group("app", rule)))))
}

func TestNotFiring(t *testing.T) {
	quiet := alertRule("AppDown", `up{job="app"} == 0`, "5m", downAnnotations,
		test("stays quiet", []model.TestSeries{series(`up{job="app",instance="a:80"}`, "1x12")},
			[]model.AlertCheck{fires("10m")}))
	wantPass(t, only(t, run(t, testPlan(group("app", quiet)))))

	loud := alertRule("AppDown", `up{job="app"} == 0`, "5m", downAnnotations,
		test("stays quiet", downSeries, []model.AlertCheck{fires("10m")}))
	wantFail(t, only(t, run(t, testPlan(group("app", loud)))),
		"environments/test/test.cue:25:5: alert AppDown at 10m: must not fire, but 1 alert is firing",
		`(not expected)`, `"a:80"`)
}

func TestWrongLabels(t *testing.T) {
	rule := alertRule("AppDown", `up{job="app"} == 0`, "5m", downAnnotations,
		test("fires", downSeries, []model.AlertCheck{
			fires("8m", labelsOnly("job", "app", "instance", "b:80")),
		}))
	text := wantFail(t, only(t, run(t, testPlan(group("app", rule)))),
		"alert AppDown at 8m: expected 1 firing alert, 1 firing; 1 not as expected (annotations not compared)")
	if !regexp.MustCompile(`(?m)^ *! instance +"b:80" +"a:80"$`).MatchString(text) {
		t.Errorf("no side-by-side row for instance:\n%s", text)
	}
	// The rule's own labels are part of every expected alert; a test that
	// states one differently fails.
	rule = alertRule("AppDown", `up{job="app"} == 0`, "5m", downAnnotations,
		test("fires", downSeries, []model.AlertCheck{
			fires("8m", labelsOnly("job", "app", "instance", "a:80", "severity", "critical")),
		}))
	text = wantFail(t, only(t, run(t, testPlan(group("app", rule)))))
	if !regexp.MustCompile(`(?m)^ *! severity +"critical" +"warning"$`).MatchString(text) {
		t.Errorf("no side-by-side row for severity:\n%s", text)
	}
}

func TestWrongAnnotations(t *testing.T) {
	rule := alertRule("AppDown", `up{job="app"} == 0`, "5m", downAnnotations,
		test("fires", downSeries, []model.AlertCheck{
			fires("8m", withAnnotations(labelsOnly("job", "app", "instance", "a:80"), "summary", "a is down")),
		}))
	text := wantFail(t, only(t, run(t, testPlan(group("app", rule)))), "annotations:")
	if !regexp.MustCompile(`(?m)^ *! summary +"a is down" +"a:80 is down"$`).MatchString(text) {
		t.Errorf("no side-by-side row for summary:\n%s", text)
	}
	// An annotation the rule does not have is a difference too.
	rule = alertRule("AppDown", `up{job="app"} == 0`, "5m", downAnnotations,
		test("fires", downSeries, []model.AlertCheck{
			fires("8m", withAnnotations(labelsOnly("job", "app", "instance", "a:80"), "summary", "a:80 is down", "runbook_url", "https://x")),
		}))
	text = wantFail(t, only(t, run(t, testPlan(group("app", rule)))))
	if !regexp.MustCompile(`(?m)^ *! runbook_url +"https://x" +-$`).MatchString(text) {
		t.Errorf("no row for the missing annotation:\n%s", text)
	}
}

func TestLabelsOnlyAndMixedAnnotations(t *testing.T) {
	// Without annotations in the check, they are not compared.
	rule := alertRule("AppDown", `up{job="app"} == 0`, "5m", downAnnotations,
		test("fires", downSeries, []model.AlertCheck{fires("8m", labelsOnly("job", "app", "instance", "a:80"))}))
	wantPass(t, only(t, run(t, testPlan(group("app", rule)))))

	mixed := []model.TestSeries{
		series(`up{job="app",instance="a:80"}`, "0x10"),
		series(`up{job="app",instance="b:80"}`, "0x10"),
	}
	rule = alertRule("AppDown", `up{job="app"} == 0`, "5m", downAnnotations,
		test("fires", mixed, []model.AlertCheck{fires("8m",
			labelsOnly("job", "app", "instance", "a:80"),
			withAnnotations(labelsOnly("job", "app", "instance", "b:80"), "summary", "b:80 is down"),
		)}))
	wantFail(t, only(t, run(t, testPlan(group("app", rule)))),
		"environments/test/test.cue:25:5: alerts at 8m: 1 of 2 expected alerts give annotations: give them for every alert of a check or for none")
}

func TestForPendingVersusFiring(t *testing.T) {
	check := func(at string, want ...model.ExpectedAlert) TestResult {
		rule := alertRule("AppDown", `up{job="app"} == 0`, "5m", nil,
			test("for", downSeries, []model.AlertCheck{fires(at, want...)}))
		return only(t, run(t, testPlan(group("app", rule))))
	}
	a := labelsOnly("job", "app", "instance", "a:80")
	// Down from 2m, `for: 5m`: pending from 2m, firing from 7m.
	wantPass(t, check("6m"))
	wantFail(t, check("6m", a), "expected 1 firing alert, none is firing", "(not firing: pending since 2m)")
	wantPass(t, check("7m", a))
	wantFail(t, check("7m"), "must not fire, but 1 alert is firing")
}

func TestStaleAndMissingSamples(t *testing.T) {
	// `_` leaves a gap that the 5m lookback bridges; `stale` ends the
	// series at once.
	s := []model.TestSeries{series(`up{job="app"}`, "1 _x3 stale")}
	rule := alertRule("AppAbsent", `absent(up{job="app"})`, "", nil,
		test("gaps and staleness", s,
			[]model.AlertCheck{
				fires("3m"),
				fires("4m", labelsOnly("job", "app")),
			},
			model.ExprCheck{Expr: `up{job="app"}`, EvalTime: "3m", Expect: []model.ExpectedSample{{Labels: `up{job="app"}`, Value: 1}}},
			model.ExprCheck{Expr: `up{job="app"}`, EvalTime: "4m", Expect: []model.ExpectedSample{}},
			model.ExprCheck{Expr: `count_over_time(up{job="app"}[10m])`, EvalTime: "5m", Expect: []model.ExpectedSample{{Labels: `{job="app"}`, Value: 1}}},
		))
	wantPass(t, only(t, run(t, testPlan(group("app", rule)))))
}

func TestExpressions(t *testing.T) {
	s := []model.TestSeries{
		series(`http_requests_total{job="app",code="200"}`, "0+60x10"),
		series(`http_requests_total{job="app",code="500"}`, "0+6x10"),
	}
	rule := recordRule("job:http_errors:ratio_rate5m", `sum by (job) (rate(http_requests_total{code=~"5.."}[5m])) / sum by (job) (rate(http_requests_total[5m]))`,
		test("ratio", s, nil,
			model.ExprCheck{Expr: `sum by (code) (rate(http_requests_total[5m]))`, EvalTime: "10m", Expect: []model.ExpectedSample{
				{Labels: `{code="200"}`, Value: 1}, {Labels: `{code="500"}`, Value: 0.1},
			}},
			model.ExprCheck{Expr: `scalar(sum(http_requests_total))`, EvalTime: "10m", Expect: []model.ExpectedSample{{Labels: `{}`, Value: 660}}},
			model.ExprCheck{Expr: `http_requests_total{code="404"}`, EvalTime: "10m", Expect: []model.ExpectedSample{}},
		))
	wantPass(t, only(t, run(t, testPlan(group("app", rule)))))

	rule = recordRule("x", `sum(http_requests_total)`,
		test("wrong", s, nil,
			model.ExprCheck{Expr: `sum by (code) (rate(http_requests_total[5m]))`, EvalTime: "10m", Expect: []model.ExpectedSample{
				{Labels: `{code="200"}`, Value: 2}, {Labels: `{code="404"}`, Value: 0.1},
			}},
			model.ExprCheck{Expr: `vector(1)`, EvalTime: "1m", Expect: []model.ExpectedSample{}},
		))
	text := wantFail(t, only(t, run(t, testPlan(group("app", rule)))),
		`environments/test/test.cue:28:5: expr "sum by (code) (rate(http_requests_total[5m]))" at 10m: expected 2 samples, got 2; they differ`,
		`environments/test/test.cue:29:5: expr "vector(1)" at 1m: expected an empty result, got 1 sample`)
	for _, re := range []string{
		`(?m)^ *! \{code="200"\} +2 +1$`,
		`(?m)^ *! \{code="404"\} +0\.1 +-$`,
		`(?m)^ *! \{code="500"\} +- +0\.1$`,
	} {
		if !regexp.MustCompile(re).MatchString(text) {
			t.Errorf("no row matching %s:\n%s", re, text)
		}
	}
}

func TestRecordingRuleInTheSameGroup(t *testing.T) {
	s := []model.TestSeries{
		series(`http_requests_total{job="app",pod="p0",code="500"}`, "0+30x20"),
		series(`http_requests_total{job="app",pod="p1",code="200"}`, "0+30x20"),
	}
	alert := alertRule("AppErrors", `job:http_errors:ratio > 0.1`, "2m", nil,
		test("fires from the recorded ratio", s, []model.AlertCheck{
			fires("10m", labelsOnly("job", "app")),
		}))
	record := recordRule("job:http_errors:ratio", `sum by (job) (rate(http_requests_total{code=~"5.."}[5m])) / sum by (job) (rate(http_requests_total[5m]))`)
	wantPass(t, only(t, run(t, testPlan(group("app", record, alert)))))

	// Alone in its group, the alert sees no recorded series.
	alone := alertRule("AppErrors", `job:http_errors:ratio > 0.1`, "2m", nil,
		test("fires from the recorded ratio", s, []model.AlertCheck{fires("10m", labelsOnly("job", "app"))}))
	wantFail(t, only(t, run(t, testPlan(group("app", alone)))), "none is firing")
}

func TestEvaluationError(t *testing.T) {
	s := []model.TestSeries{series(`a{job="app"}`, "1x5"), series(`b{job="app"}`, "1x5")}
	rule := alertRule("Dup", `{job="app"} > 0`, "", nil, test("dup", s, []model.AlertCheck{fires("2m")}))
	wantFail(t, only(t, run(t, testPlan(group("app", rule)))), "evaluation failed: rule Dup at 0s:", "same labelset")
}

func TestInvalidTests(t *testing.T) {
	bad := []model.TestSeries{series(`up{job="app"}`, "1x5"), series(`up{job=app}`, "1x5")}
	for _, tc := range []struct {
		name string
		test model.RuleTest
		want string
	}{
		{"bad series", test("x", bad, []model.AlertCheck{fires("1m")}), `environments/test/test.cue:22:5: series 2: "up{job=app} 1x5": `},
		{"bad values", test("x", []model.TestSeries{series(`up`, "1+x")}, []model.AlertCheck{fires("1m")}), "environments/test/test.cue:21:5: series 1:"},
		{"comment", test("x", []model.TestSeries{series(`# up`, "1")}, []model.AlertCheck{fires("1m")}), "series 1: a series cannot start with #"},
		{"nothing checked", test("x", bad[:1], nil), "environments/test/test.cue:20:5: the test checks nothing"},
		{"bad evalTime", test("x", bad[:1], []model.AlertCheck{fires("soon")}), `environments/test/test.cue:25:5: evalTime "soon"`},
		{"bad expr", test("x", bad[:1], nil, model.ExprCheck{Expr: "sum(", EvalTime: "1m"}), `environments/test/test.cue:28:5: expr "sum(":`},
		{"bad sample labels", test("x", bad[:1], nil, model.ExprCheck{Expr: "up", EvalTime: "1m", Expect: []model.ExpectedSample{{Labels: "up{", Value: 1}}}), `expected sample labels "up{"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rule := alertRule("AppDown", `up == 0`, "", nil, tc.test)
			wantFail(t, only(t, run(t, testPlan(group("app", rule)))), tc.want)
		})
	}
	rule := recordRule("r", "up", test("alerts on a record", bad[:1], []model.AlertCheck{fires("1m")}))
	wantFail(t, only(t, run(t, testPlan(group("app", rule)))), "alert checks on a recording rule")
}

func TestDuplicateNames(t *testing.T) {
	s := []model.TestSeries{series(`up{job="app"}`, "1x5")}
	rule := alertRule("AppDown", `up == 0`, "", nil,
		test("same", s, []model.AlertCheck{fires("1m")}),
		test("same", s, []model.AlertCheck{fires("1m")}))
	res := run(t, testPlan(group("app", rule)))
	if len(res.Tests) != 2 || res.Failed() != 1 {
		t.Fatalf("got %+v, want one pass and one failure", res.Tests)
	}
	wantFail(t, res.Tests[1], `environments/test/test.cue:30:5: duplicate test name "same" (test 1 of the rule, at environments/test/test.cue:20:5, has it too)`)
}

func TestOverriddenLibraryAnnotations(t *testing.T) {
	// A library rule whose summary the environment overrides: the library's
	// test cannot know the new text, so summary is not compared.
	rule := alertRule("NodeDown", `up{job="node"} == 0`, "", map[string]string{"summary": "custom text", "runbook_url": "https://r/{{ $labels.instance }}"},
		test("fires", []model.TestSeries{series(`up{job="node",instance="n1"}`, "0x3")}, []model.AlertCheck{
			fires("2m", withAnnotations(labelsOnly("job", "node", "instance", "n1"), "summary", "Node n1 is down", "runbook_url", "https://r/n1")),
		}))
	rule.TestOrigins[0].Test = "library/exporter/node.cue:40:3"
	g := group("node-exporter", rule)
	g.Exporter = "node"
	p := testPlan(g)
	p.Env.Overrides["NodeDown"] = model.Override{Reason: "r", Annotations: map[string]string{"summary": "custom text"}}
	wantPass(t, only(t, run(t, p)))

	// runbook_url is still compared.
	p.Groups[0].Rules[0].Tests[0].Alerts[0].Expect[0].Annotations["runbook_url"] = "https://r/n2"
	wantFail(t, only(t, run(t, p)), "(annotations summary not compared: the environment overrides them)", `! runbook_url`)

	// A test the environment wrote compares everything.
	p.Groups[0].Rules[0].Tests[0].Alerts[0].Expect[0].Annotations["runbook_url"] = "https://r/n1"
	p.Groups[0].Rules[0].TestOrigins[0].Test = "environments/test/test.cue:40:3"
	wantFail(t, only(t, run(t, p)), `! summary`)
}

func TestRunFilterCoverageAndSummary(t *testing.T) {
	s := []model.TestSeries{series(`up{job="app"}`, "1x5")}
	a := alertRule("A", `up == 0`, "", nil, test("one", s, []model.AlertCheck{fires("1m")}), test("two", s, []model.AlertCheck{fires("1m")}))
	b := alertRule("B", `up == 0`, "", nil)
	c := alertRule("C", `up == 0`, "", nil)
	rec := recordRule("r", "up")
	p := testPlan(group("g", a, b, c, rec))
	p.Env.Rules = map[string]model.RuleGroup{"g": {"D": {Kind: model.RuleAlert, Enabled: false, Tests: []model.RuleTest{{Name: "x"}}}}}
	res := run(t, p)
	if got, want := res.Summary(), "test: 2 passed, 0 failed, 1 skipped (rule disabled); 2 alerting rules without tests: g/B, g/C"; got != want {
		t.Errorf("summary:\n got %s\nwant %s", got, want)
	}
	res, err := Run(p, Options{Run: regexp.MustCompile(`A/tw`)})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Tests) != 1 || res.Tests[0].ID != "g/A/two" || res.Skipped != 0 {
		t.Errorf("--run A/tw selected %+v (skipped %d)", res.Tests, res.Skipped)
	}
	if got, want := (&Result{Env: "e", Tests: res.Tests}).Summary(), "e: 1 passed, 0 failed; every alerting rule has a test"; got != want {
		t.Errorf("summary:\n got %s\nwant %s", got, want)
	}
}

func TestJUnit(t *testing.T) {
	s := []model.TestSeries{series(`up{job="app"}`, "0x5")}
	a := alertRule("A", `up == 0`, "", nil,
		test("ok", s, []model.AlertCheck{fires("1m", labelsOnly("job", "app"))}),
		test("bad", s, []model.AlertCheck{fires("1m")}))
	res := run(t, testPlan(group("g", a, alertRule("B", "up == 0", "", nil))))
	var buf bytes.Buffer
	if err := WriteJUnit(&buf, []*Result{res}); err != nil {
		t.Fatal(err)
	}
	var doc junitSuites
	if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("%v\n%s", err, buf.String())
	}
	if doc.Tests != 2 || doc.Failures != 1 || len(doc.Suites) != 1 {
		t.Fatalf("counts: %+v", doc)
	}
	s0 := doc.Suites[0]
	if s0.Name != "test" || len(s0.Cases) != 2 || s0.Cases[0].Name != "g/A/bad" || s0.Cases[0].File != "environments/test/test.cue" {
		t.Errorf("suite: %+v", s0)
	}
	if len(s0.Cases[0].Failures) != 1 || !strings.Contains(s0.Cases[0].Failures[0].Message, "must not fire") || len(s0.Cases[1].Failures) != 0 {
		t.Errorf("failures: %+v", s0.Cases)
	}
	if !strings.Contains(s0.SystemOut, "1 alerting rule without tests: g/B") {
		t.Errorf("system-out: %q", s0.SystemOut)
	}
}

func TestEmit(t *testing.T) {
	s := []model.TestSeries{series(`up{job="app",instance="a"}`, "0x5")}
	a := alertRule("A", `up == 0`, "", downAnnotations,
		test("with annotations", s, []model.AlertCheck{fires("1m", withAnnotations(labelsOnly("job", "app", "instance", "a"), "summary", "a is down"))}),
		test("labels only", s, []model.AlertCheck{
			fires("1m", labelsOnly("job", "app", "instance", "a")),
			fires("2m", withAnnotations(labelsOnly("job", "app", "instance", "a"), "summary", "a is down")),
		}),
		model.RuleTest{Name: "every 30s", Interval: "30s", EvaluationInterval: "30s", Series: s, Alerts: []model.AlertCheck{fires("1m")}},
		test("invalid", s, nil))
	dir := t.TempDir()
	// A stale file from an earlier export goes; a file of the user's stays.
	if err := os.WriteFile(filepath.Join(dir, "old.test.yaml"), []byte(emitHeader), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "mine.yaml"), []byte("groups: []\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	written, skipped, err := Emit(testPlan(group("g", a)), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"g.A.no-annotations.rules.yaml", "g.A.no-annotations.test.yaml", "g.every-30s.test.yaml", "g.rules.yaml", "g.test.yaml"}
	if strings.Join(written, " ") != strings.Join(want, " ") {
		t.Errorf("written %v, want %v", written, want)
	}
	if len(skipped) != 1 || !strings.HasPrefix(skipped[0], "g/A/invalid: environments/test/test.cue:50:5: the test checks nothing") {
		t.Errorf("skipped %q", skipped)
	}
	if _, err := os.Stat(filepath.Join(dir, "old.test.yaml")); !os.IsNotExist(err) {
		t.Errorf("stale file kept: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "mine.yaml")); err != nil {
		t.Errorf("the user's file: %v", err)
	}
	read := func(name string) string {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	if got := read("g.A.no-annotations.rules.yaml"); strings.Contains(got, "annotations") || !strings.Contains(got, "alert: A") {
		t.Errorf("variant rule file:\n%s", got)
	}
	main := read("g.test.yaml")
	for _, want := range []string{
		"rule_files:\n  - g.rules.yaml\n",
		"evaluation_interval: 1m\n",
		"  - name: g/A/labels only\n",
		"  - name: g/A/with annotations\n",
		"external_labels:\n      cluster: c1\n",
		"exp_labels:\n              instance: a\n              job: app\n              severity: warning\n              team: core\n            exp_annotations:\n              summary: a is down\n",
	} {
		if !strings.Contains(main, want) {
			t.Errorf("g.test.yaml lacks %q:\n%s", want, main)
		}
	}
	if v := read("g.A.no-annotations.test.yaml"); !strings.Contains(v, "  - g.A.no-annotations.rules.yaml\n") || !strings.Contains(v, "name: g/A/labels only") || strings.Contains(v, "exp_annotations") {
		t.Errorf("labels-only test file:\n%s", v)
	}
	if v := read("g.every-30s.test.yaml"); !strings.Contains(v, "evaluation_interval: 30s") || !strings.Contains(v, "interval: 30s") {
		t.Errorf("30s test file:\n%s", v)
	}
}
