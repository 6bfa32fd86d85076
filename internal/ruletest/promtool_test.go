package ruletest

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/mongen-dev/mongen/internal/e2e/promserver"
	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/model"
)

// agreementFixtures are tests that pass and tests that fail on purpose, one
// per way a check can go wrong, for TestPromtoolAgrees.
func agreementFixtures() *expand.Plan {
	a := labelsOnly("job", "app", "instance", "a:80")
	aDown := withAnnotations(labelsOnly("job", "app", "instance", "a:80"), "summary", "a:80 is down")
	down := alertRule("AppDown", `up{job="app"} == 0`, "5m", downAnnotations,
		test("pass: fires", downSeries, []model.AlertCheck{fires("6m"), fires("8m", aDown)}),
		test("pass: labels only", downSeries, []model.AlertCheck{fires("8m", a)}),
		test("fail: wrong labels", downSeries, []model.AlertCheck{fires("8m", labelsOnly("job", "app", "instance", "b:80"))}),
		test("fail: wrong severity", downSeries, []model.AlertCheck{fires("8m", labelsOnly("job", "app", "instance", "a:80", "severity", "critical"))}),
		test("fail: wrong annotations", downSeries, []model.AlertCheck{fires("8m", withAnnotations(a, "summary", "a is down"))}),
		test("fail: pending, not firing", downSeries, []model.AlertCheck{fires("6m", a)}),
		test("fail: fires but must not", downSeries, []model.AlertCheck{fires("10m")}),
		test("fail: one of two checks", downSeries, []model.AlertCheck{fires("3m"), fires("10m")}),
		model.RuleTest{Name: "pass: 30s steps", Interval: "30s", EvaluationInterval: "30s",
			Series: []model.TestSeries{series(`up{job="app",instance="a:80"}`, "1x3 0x20")}, Alerts: []model.AlertCheck{fires("6m30s"), fires("7m", a)}},
		test("pass: stale", []model.TestSeries{series(`up{job="app",instance="a:80"}`, "0 0 _ stale 0x10")}, []model.AlertCheck{fires("8m")}),
	)
	record := recordRule("job:http_errors:ratio", `sum by (job) (rate(http_requests_total{code=~"5.."}[5m])) / sum by (job) (rate(http_requests_total[5m]))`)
	errSeries := []model.TestSeries{
		series(`http_requests_total{job="app",code="500"}`, "0+30x20"),
		series(`http_requests_total{job="app",code="200"}`, "0+90x20"),
	}
	errors := alertRule("AppErrors", `job:http_errors:ratio > 0.1`, "2m", nil,
		test("pass: reads the recording rule", errSeries, []model.AlertCheck{fires("10m", labelsOnly("job", "app"))},
			model.ExprCheck{Expr: "job:http_errors:ratio", EvalTime: "10m", Expect: []model.ExpectedSample{{Labels: `job:http_errors:ratio{job="app"}`, Value: 0.25}}}),
		test("fail: expression value", errSeries, nil,
			model.ExprCheck{Expr: "job:http_errors:ratio", EvalTime: "10m", Expect: []model.ExpectedSample{{Labels: `job:http_errors:ratio{job="app"}`, Value: 0.3}}}),
		test("fail: expression labels", errSeries, nil,
			model.ExprCheck{Expr: "job:http_errors:ratio", EvalTime: "10m", Expect: []model.ExpectedSample{{Labels: `job:http_errors:ratio{job="web"}`, Value: 0.25}}}),
		test("pass: scalar", errSeries, nil,
			model.ExprCheck{Expr: `scalar(sum(http_requests_total))`, EvalTime: "10m", Expect: []model.ExpectedSample{{Labels: `{}`, Value: 1200}}}),
	)
	dup := alertRule("Dup", `{job="dup"} > 0`, "", nil,
		test("fail: evaluation error", []model.TestSeries{series(`a{job="dup"}`, "1x5"), series(`b{job="dup"}`, "1x5")}, []model.AlertCheck{fires("2m")}))

	// A library rule whose summary the environment overrides.
	node := alertRule("NodeDown", `up{job="node"} == 0`, "", map[string]string{"summary": "custom", "runbook_url": "https://r/{{ $labels.instance }}"},
		test("pass: overridden annotation", []model.TestSeries{series(`up{job="node",instance="n1"}`, "0x3")}, []model.AlertCheck{
			fires("2m", withAnnotations(labelsOnly("job", "node", "instance", "n1"), "summary", "library text", "runbook_url", "https://r/n1")),
		}),
		test("fail: other annotation", []model.TestSeries{series(`up{job="node",instance="n1"}`, "0x3")}, []model.AlertCheck{
			fires("2m", withAnnotations(labelsOnly("job", "node", "instance", "n1"), "summary", "library text", "runbook_url", "https://r/n2")),
			fires("3m", labelsOnly("job", "node", "instance", "n1")),
		}),
	)
	for i := range node.TestOrigins {
		node.TestOrigins[i].Test = "library/exporter/node.cue:40:3"
	}
	lib := group("node-exporter", node)
	lib.Exporter = "node"

	p := testPlan(group("app", record, down, errors), group("dup", dup), lib)
	p.Env.Overrides["NodeDown"] = model.Override{Reason: "r", Annotations: map[string]string{"summary": "custom"}}
	p.Env.Prometheus.ExternalURL = "https://prometheus.example.com"
	return p
}

// promtoolJUnit is the JUnit XML promtool test rules writes.
type promtoolJUnit struct {
	Suites []struct {
		Name  string `xml:"name,attr"`
		Cases []struct {
			Name     string   `xml:"name,attr"`
			Failures []string `xml:"failure"`
			Error    string   `xml:"error"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

// TestPromtoolAgrees writes tests as promtool files and runs the real
// promtool on them: for every test, promtool's verdict must be mongen's.
// The fixtures pass and fail on purpose; the shipped environments and the
// library's tests all pass.
func TestPromtoolAgrees(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the real promtool")
	}
	_, promtool := promserver.Binaries(t)
	plans := map[string]func(t *testing.T) *expand.Plan{
		"fixtures": func(*testing.T) *expand.Plan { return agreementFixtures() },
		"dev":      func(t *testing.T) *expand.Plan { return loadPlan(t, repoRoot(t), "dev") },
		"prod":     func(t *testing.T) *expand.Plan { return loadPlan(t, repoRoot(t), "prod") },
		"library":  func(t *testing.T) *expand.Plan { return loadPlan(t, libraryRoot, "lib") },
	}
	for name, build := range plans {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			plan := build(t)
			res, err := Run(plan, Options{})
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			written, skipped, err := Emit(plan, dir, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(skipped) > 0 {
				t.Errorf("not exported: %q", skipped)
			}
			var files []string
			for _, w := range written {
				if strings.HasSuffix(w, ".test.yaml") {
					files = append(files, filepath.Join(dir, w))
				}
			}
			junit := filepath.Join(dir, "junit.xml")
			out, code := promserver.RunPromtool(t, promtool, append([]string{"test", "rules", "--junit=" + junit}, files...)...)
			data, err := os.ReadFile(junit)
			if err != nil {
				t.Fatalf("promtool wrote no JUnit (exit %d): %v\n%s", code, err, out)
			}
			var doc promtoolJUnit
			if err := xml.Unmarshal(data, &doc); err != nil {
				t.Fatal(err)
			}
			promFailed := map[string]bool{}
			for _, s := range doc.Suites {
				for _, c := range s.Cases {
					promFailed[c.Name] = promFailed[c.Name] || len(c.Failures) > 0 || c.Error != ""
				}
			}
			passed, failed := 0, 0
			var disagree []string
			for _, tr := range res.Tests {
				pf, ran := promFailed[tr.ID]
				switch {
				case !ran:
					disagree = append(disagree, tr.ID+": promtool did not run it")
				case pf == tr.OK():
					disagree = append(disagree, tr.ID+": mongen "+verdict(!tr.OK())+", promtool "+verdict(pf)+"\n"+failureText(tr))
				case pf:
					failed++
				default:
					passed++
				}
				delete(promFailed, tr.ID)
			}
			for id := range promFailed {
				disagree = append(disagree, id+": promtool ran a test mongen does not know")
			}
			sort.Strings(disagree)
			if len(disagree) > 0 {
				t.Errorf("promtool disagrees on %d tests:\n%s\npromtool (exit %d):\n%s", len(disagree), strings.Join(disagree, "\n"), code, out)
			}
			if wantCode := 0; failed > 0 {
				wantCode = 1
				if code != wantCode {
					t.Errorf("promtool exit %d, want %d", code, wantCode)
				}
			} else if code != 0 {
				t.Errorf("promtool exit %d, want 0:\n%s", code, out)
			}
			if name == "fixtures" && (passed == 0 || failed == 0) {
				t.Errorf("fixtures: %d passed, %d failed: want both", passed, failed)
			}
			t.Logf("%s: mongen and promtool agree on %d passing and %d failing tests (%d promtool files)", name, passed, failed, len(files))
		})
	}
}

func verdict(failed bool) string {
	if failed {
		return "fails"
	}
	return "passes"
}
