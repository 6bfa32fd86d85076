package lint

import (
	"strings"
	"testing"

	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/finding"
	"github.com/mongen-dev/mongen/internal/model"
)

// testEnv has an own target "app" (metrics unknown, default interval), the
// node exporter (metrics listed, 15s), a slow job "batch" (5m) and a
// federation job that brings in job:* series.
func testEnv() *model.Environment {
	return &model.Environment{
		Name:       "test",
		Prometheus: model.Prometheus{ScrapeInterval: "30s", EvaluationInterval: "30s"},
		Targets: map[string]model.Target{
			"app":   {Kind: model.KindStatic},
			"batch": {Kind: model.KindStatic, Interval: "5m"},
		},
		Exporters: map[string]model.Exporter{
			"node": {Job: "node-exporter", Metrics: []string{"node_", "go_", "process_", "http_request_duration_seconds"},
				MetricTypes: map[string]string{
					"node_cpu_seconds_total": model.MetricCounter, "node_load1": model.MetricGauge,
					"http_request_duration_seconds": model.MetricHistogram, "node_network_receive_bytes_total": model.MetricCounter,
				},
				Targets: map[string]model.Target{"node-exporter": {Kind: model.KindService, Interval: "15s"}}},
		},
		Vet: model.Vet{MetricTypes: map[string]string{"queue_items_total": model.MetricGauge, "orders_failed_total": model.MetricCounter}},
		Federation: map[string]model.Federation{
			"federate-eu": {Match: []string{`{__name__=~"job:.*"}`}},
		},
	}
}

// testPlan expands testEnv with the given rules in group "g".
func testPlan(t *testing.T, rules ...expand.Rule) *expand.Plan {
	t.Helper()
	plan, err := expand.Expand(testEnv())
	if err != nil {
		t.Fatal(err)
	}
	plan.Groups = []expand.Group{{Name: "g", Origin: "env.cue:1:1", Rules: rules}}
	return plan
}

type ruleOpt func(*expand.Rule)

// alert is a well-formed P1 alert; options change it.
func alert(name, expr string, opts ...ruleOpt) expand.Rule {
	r := expand.Rule{
		Rule: model.Rule{
			Kind: model.RuleAlert, Name: name, Expr: expr, Enabled: true, Tier: "P1", For: "10m",
			Labels:      map[string]string{"severity": "warning"},
			Annotations: map[string]string{"summary": "s", "description": "d"},
		},
		Key: name, Origin: "env.cue:10:3", ExprOrigin: "env.cue:11:9",
		AnnotationOrigins: map[string]string{"summary": "env.cue:12:12", "description": "env.cue:13:16"},
		LabelOrigins:      map[string]string{"severity": "env.cue:14:12"},
	}
	for _, o := range opts {
		o(&r)
	}
	return r
}

func record(name, expr string, opts ...ruleOpt) expand.Rule {
	r := expand.Rule{
		Rule:   model.Rule{Kind: model.RuleRecord, Name: name, Expr: expr, Enabled: true},
		Key:    name,
		Origin: "env.cue:20:3", ExprOrigin: "env.cue:21:9",
	}
	for _, o := range opts {
		o(&r)
	}
	return r
}

func tier(t, sev string) ruleOpt {
	return func(r *expand.Rule) {
		r.Tier = t
		if sev == "" {
			delete(r.Labels, "severity")
		} else {
			r.Labels["severity"] = sev
		}
	}
}

func forDur(d string) ruleOpt { return func(r *expand.Rule) { r.For = d } }

func label(k, v string) ruleOpt { return func(r *expand.Rule) { r.Labels[k] = v } }

func annotation(k, v string) ruleOpt {
	return func(r *expand.Rule) {
		if v == "" {
			delete(r.Annotations, k)
			return
		}
		r.Annotations[k] = v
	}
}

type checkCase struct {
	name  string
	rules []expand.Rule
	// want are substrings of the findings' String(), one per finding, in
	// order; empty means the rules pass.
	want []string
}

func runCases(t *testing.T, check string, cases []checkCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := Run(testPlan(t, tc.rules...), Config{Only: []string{check}})
			var lines []string
			for _, f := range got {
				if f.Check != check {
					t.Errorf("finding of check %s while running only %s: %s", f.Check, check, f)
				}
				lines = append(lines, f.String())
			}
			if len(lines) != len(tc.want) {
				t.Fatalf("got %d findings, want %d:\n%s", len(lines), len(tc.want), strings.Join(lines, "\n"))
			}
			for i, w := range tc.want {
				if !strings.Contains(lines[i], w) {
					t.Errorf("finding %d:\n got  %s\n want it to contain %q", i, lines[i], w)
				}
			}
		})
	}
}

func TestRuleTier(t *testing.T) {
	runCases(t, "rule/tier", []checkCase{
		{"severity none needs no tier", []expand.Rule{alert("Watchdog", "vector(1)", tier("", "none"))}, nil},
		{"tier and severity agree", []expand.Rule{alert("A", "up == 0")}, nil},
		{"each tier", []expand.Rule{
			alert("A", "up == 0", tier("P0", "critical")),
			alert("B", "up == 0", tier("P2", "info")),
		}, nil},
		{"no tier", []expand.Rule{alert("A", "up == 0", tier("", "critical"))},
			[]string{`env.cue:10:3: error [rule/tier] rule A: alert has no tier (its severity "critical" is tier P0's): set tier to one of P0, P1, P2`}},
		{"unknown tier", []expand.Rule{alert("A", "up == 0", tier("P3", "warning"))},
			[]string{`unknown tier "P3": use one of P0, P1, P2`}},
		{"severity contradicts tier", []expand.Rule{alert("A", "up == 0", tier("P1", "critical"))},
			[]string{`env.cue:14:12: error [rule/tier] rule A: severity="critical" contradicts tier P1, whose alerts carry severity="warning"`}},
		{"no severity", []expand.Rule{alert("A", "up == 0", tier("P1", ""))},
			[]string{`alert of tier P1 has no severity label; it needs severity="warning"`}},
		{"label close to severity", []expand.Rule{
			alert("A", "up == 0", label("gseverity", "critical")),
			alert("B", "up == 0", label("Severity", "critical")),
			alert("C", "up == 0", label("sevreity", "critical")),
		}, []string{
			`warning [rule/tier] rule A: label "gseverity" looks like a misspelt "severity"`,
			`rule B: label "Severity" looks like`,
			`rule C: label "sevreity" looks like`,
		}},
		{"labels that are not severity", []expand.Rule{alert("A", "up == 0", label("security", "high"), label("server", "x"))}, nil},
		{"recording rules have no tier", []expand.Rule{record("job:up:sum", "sum by (job) (up)")}, nil},
	})
}

func TestRuleName(t *testing.T) {
	runCases(t, "rule/name", []checkCase{
		{"identifiers", []expand.Rule{alert("NodeDown", "up == 0"), alert("node_down_2", "up == 0"), record("job:up:sum", "sum(up)")}, nil},
		{"space and punctuation", []expand.Rule{alert("Disk usage (>80%)", "up == 0")},
			[]string{`error [rule/name] rule Disk usage (>80%): alert name "Disk usage (>80%)" is not an identifier: it has a space (use letters, digits and _, such as DiskUsage80)`}},
		{"CJK", []expand.Rule{alert("节点宕机", "up == 0")},
			[]string{`it has the non-ASCII character '节'`}},
		{"leading digit", []expand.Rule{alert("5xxHigh", "up == 0")},
			[]string{`it has a leading digit`}},
		{"colon in an alert name", []expand.Rule{alert("job:Down", "up == 0")},
			[]string{`it has ':'`}},
		{"bad recording name", []expand.Rule{record("job up", "up")},
			[]string{`recording rule name "job up" is not a metric name`}},
		{"duplicate alert", []expand.Rule{alert("A", "up == 0"), alert("A", "up == 1")},
			[]string{`rule A: alert name A is also used in group g (env.cue:10:3)`}},
		{"duplicates with disjoint labels", []expand.Rule{
			alert("Burn", "up == 0", label("window", "1h")),
			alert("Burn", "up == 0", label("window", "6h")),
		}, nil},
		{"duplicates at two tiers", []expand.Rule{
			alert("Burn", "up == 0", tier("P0", "critical")),
			alert("Burn", "up == 0"),
		}, nil},
		{"recording rules may repeat", []expand.Rule{record("job:up:sum", "sum(up)"), record("job:up:sum", "sum(up)")}, nil},
		{"matchers on one label tell them apart", []expand.Rule{
			alert("WorkloadNotReady", `kube_pod_owner{owner_kind="StatefulSet"} * on (pod) (kube_pod_status_ready{condition="false"} == 1)`),
			alert("WorkloadNotReady", `(kube_pod_owner{owner_kind=~"Deployment|ReplicaSet"}) * on (pod) (kube_pod_status_ready{condition="false"} == 1)`),
			alert("Down", `sum by (namespace) (up{namespace="a"}) == 0`),
			alert("Down", `up{namespace!="a"} == 0`),
		}, nil},
		{"a static label against a matcher", []expand.Rule{
			alert("Lag", `lag{team="db"} > 5`),
			alert("Lag", `lag > 5`, label("team", "web")),
		}, nil},
		{"matchers that overlap", []expand.Rule{
			alert("Down", `up{namespace=~"a|b"} == 0`),
			alert("Down", `up{namespace="b"} == 0`),
			alert("Gone", `sum(up{namespace="a"}) == 0`),
			alert("Gone", `sum(up{namespace="b"}) == 0`),
		}, []string{"rule Down: alert name Down is also used", "rule Gone: alert name Gone is also used"}},
	})
}

func TestRuleAnnotations(t *testing.T) {
	runbook := annotation("runbook_url", "https://runbooks.example.com/A")
	runCases(t, "rule/annotations", []checkCase{
		{"P1 complete", []expand.Rule{alert("A", "up == 0")}, nil},
		{"P0 complete", []expand.Rule{alert("A", "up == 0", tier("P0", "critical"), runbook)}, nil},
		{"P2 needs only summary", []expand.Rule{alert("A", "up == 0", tier("P2", "info"), annotation("description", ""))}, nil},
		{"P0 without runbook", []expand.Rule{alert("A", "up == 0", tier("P0", "critical"))},
			[]string{`env.cue:10:3: error [rule/annotations] rule A: tier P0 requires the annotation runbook_url`}},
		{"P1 without both", []expand.Rule{alert("A", "up == 0", annotation("summary", ""), annotation("description", ""))},
			[]string{`tier P1 requires the annotations description, summary`}},
		{"blank counts as missing", []expand.Rule{alert("A", "up == 0", annotation("summary", "  "))},
			[]string{`tier P1 requires the annotation summary`}},
		{"runbook not a URL", []expand.Rule{alert("A", "up == 0", annotation("runbook_url", "see the wiki"))},
			[]string{`rule A: runbook_url "see the wiki" is not an absolute http(s) URL`}},
		{"runbook without host", []expand.Rule{alert("A", "up == 0", annotation("runbook_url", "https:///x"))},
			[]string{`has no host`}},
		{"templated runbook", []expand.Rule{alert("A", "up == 0", annotation("runbook_url", "https://runbooks.example.com/{{ $labels.job }}"))}, nil},
		{"recording rules have no annotations", []expand.Rule{record("r", "up")}, nil},
	})
}

func TestRuleFor(t *testing.T) {
	runCases(t, "rule/for", []checkCase{
		{"within bounds", []expand.Rule{alert("A", "up == 0"), alert("B", "up == 0", tier("P0", "critical"), forDur("1m")), alert("C", "up == 0", tier("P2", "info"), forDur("1d"))}, nil},
		{"too short", []expand.Rule{alert("A", "up == 0", forDur("1m"))},
			[]string{`env.cue:10:3: warning [rule/for] rule A: for is 1m, shorter than tier P1's minimum 5m`}},
		{"missing", []expand.Rule{alert("A", "up == 0", tier("P0", "critical"), forDur(""))},
			[]string{`for is not set (0s), shorter than tier P0's minimum 1m`}},
		{"too long", []expand.Rule{alert("A", "up == 0", tier("P0", "critical"), forDur("1h"))},
			[]string{`for is 1h, longer than tier P0's maximum 30m`}},
		{"on a recording rule", []expand.Rule{record("r", "up", forDur("5m"))},
			[]string{`env.cue:20:3: error [rule/for] rule r: a recording rule cannot have`}},
	})
}

func TestRuleForPolicyFromEnvironment(t *testing.T) {
	plan := testPlan(t, alert("A", "up == 0", forDur("1h")))
	plan.Env.Alerting = &model.Alerting{Tiers: map[string]model.TierPolicy{
		"P0": {Severity: "critical"}, "P1": {Severity: "warning", MaxFor: "30m", RequiredAnnotations: []string{"summary", "owner"}}, "P2": {Severity: "info"},
	}}
	got := Run(plan, ConfigFor(plan.Env))
	want := []string{
		"rule A: tier P1 requires the annotation owner",
		"rule A: for is 1h, longer than tier P1's maximum 30m",
	}
	if len(got) != len(want) {
		t.Fatalf("got %v", got)
	}
	for i, w := range want {
		if !strings.Contains(got[i].String(), w) {
			t.Errorf("got %s, want %q", got[i], w)
		}
	}
}

func TestTemplateSyntax(t *testing.T) {
	runCases(t, "template/syntax", []checkCase{
		{"valid", []expand.Rule{alert("A", "up == 0",
			annotation("summary", `{{ $labels.instance }} is {{ $value | humanizePercentage }} {{ with query "up" }}{{ . | first | value }}{{ end }}`),
			label("team", "{{ $labels.job }}"))}, nil},
		{"unclosed action", []expand.Rule{alert("A", "up == 0", annotation("summary", "{{ $labels.instance } down"))},
			[]string{`env.cue:12:12: error [template/syntax] rule A: annotation "summary": line 1: unexpected "}" in operand`}},
		{"unknown function", []expand.Rule{alert("A", "up == 0", annotation("description", "{{ $value | humanise }}"))},
			[]string{`env.cue:13:16: error [template/syntax] rule A: annotation "description": line 1: function "humanise" not defined`}},
		{"label template", []expand.Rule{alert("A", "up == 0", label("team", "{{ end }}"))},
			[]string{`rule A: label "team": line 1: unexpected {{end}}`}},
		{"recording rule labels are not templates", []expand.Rule{record("r", "up", func(r *expand.Rule) { r.Labels = map[string]string{"x": "{{"} })}, nil},
	})
}

func TestTemplateLabels(t *testing.T) {
	uses := func(text string) ruleOpt { return annotation("summary", text) }
	runCases(t, "template/labels", []checkCase{
		{"plain selector keeps labels", []expand.Rule{alert("A", `up{job="app"} == 0`, uses("{{ $labels.instance }} {{ .Labels.pod }}"))}, nil},
		{"sum by keeps its labels", []expand.Rule{alert("A", `sum by (job, instance) (up) == 0`, uses("{{ $labels.instance }}"))}, nil},
		{"sum without by", []expand.Rule{alert("A", `sum(rate(http_requests_total[5m])) > 1`, uses("{{ $labels.instance }} of {{ $labels.instance }}"))},
			[]string{"env.cue:12:12: error [template/labels] rule A: annotation \"summary\" (1:11) reads label instance, which the alert's series never have: `sum(rate(http_requests_total[5m]))` (expr 1:1) aggregates every label away"}},
		{"sum by other labels", []expand.Rule{alert("A", `sum by (job) (up) == 0`, uses("{{ $labels.pod }}"))},
			[]string{"reads label pod, which the alert's series never have: `sum by (job) (up)` (expr 1:1) keeps only job"}},
		{"sum without the label", []expand.Rule{alert("A", `sum without (instance) (up) == 0`, uses("{{ $labels.instance }}{{ $labels.job }}"))},
			[]string{"reads label instance, which the alert's series never have: `sum without (instance) (up)` (expr 1:1) aggregates it away"}},
		{"index form", []expand.Rule{alert("A", `max(up) == 0`, uses(`{{ index $labels "job" }}`))},
			[]string{`(1:18) reads label job`}},
		{"histogram_quantile drops le", []expand.Rule{alert("A", `histogram_quantile(0.9, sum by (le, job) (rate(x_bucket[5m]))) > 1`, uses("{{ $labels.job }} {{ $labels.le }}"))},
			[]string{"reads label le"}},
		{"one-to-one on() keeps the matching labels", []expand.Rule{alert("A", `up * on (job) group_left () up == 0`, uses("{{ $labels.instance }}")), alert("B", `up / on (job) up > 0`, uses("{{ $labels.instance }}"))},
			[]string{"rule B: annotation \"summary\" (1:11) reads label instance, which the alert's series never have: the one-to-one match on (job)"}},
		{"group_left adds labels", []expand.Rule{alert("A", `sum by (job) (up) * on (job) group_left (owner) sum by (job, owner) (x) > 0`, uses("{{ $labels.owner }}"))}, nil},
		{"absent keeps equality matchers", []expand.Rule{alert("A", `absent(up{job="app",instance=~"a.*"})`, uses("{{ $labels.job }}{{ $labels.instance }}"))},
			[]string{"reads label instance, which the alert's series never have: `absent(up{job=\"app\",instance=~\"a.*\"})` (expr 1:1) returns a series with only job"}},
		{"and keeps the left side", []expand.Rule{alert("A", `sum by (job) (up) > 0 and on (job) up`, uses("{{ $labels.instance }}"))},
			[]string{"reads label instance"}},
		{"or joins both sides", []expand.Rule{alert("A", `sum by (job) (up) > 0 or sum by (instance) (up) > 0`, uses("{{ $labels.instance }}{{ $labels.job }}{{ $labels.pod }}"))},
			[]string{"reads label pod, which the alert's series never have: both sides of `or` together have only instance, job"}},
		{"label_replace adds a label", []expand.Rule{alert("A", `label_replace(sum by (job) (up), "svc", "$1", "job", "(.*)") == 0`, uses("{{ $labels.svc }}"))}, nil},
		{"count_values adds its label", []expand.Rule{alert("A", `count_values by (job) ("version", build_info) > 1`, uses("{{ $labels.version }}{{ $labels.job }}"))}, nil},
		{"topk keeps labels", []expand.Rule{alert("A", `topk(3, up) > 0`, uses("{{ $labels.pod }}"))}, nil},
		{"vector has no labels", []expand.Rule{alert("A", `vector(1)`, uses("{{ $labels.job }}"))},
			[]string{"`vector(1)` (expr 1:1) has no labels"}},
		{"range and with change the dot", []expand.Rule{alert("A", `sum(up) > 0`, uses(`{{ range query "up" }}{{ .Labels.instance }}{{ end }}`))}, nil},
		{"label templates too", []expand.Rule{alert("A", `sum(up) > 0`, label("instance", "{{ $labels.instance }}"))},
			[]string{`env.cue:10:3: error [template/labels] rule A: label "instance" (1:11) reads label instance`}},
		{"expression that does not parse", []expand.Rule{alert("A", `sum(up`, uses("{{ $labels.instance }}"))}, nil},
	})
}

func TestPromQLSyntax(t *testing.T) {
	runCases(t, "promql/syntax", []checkCase{
		{"parses", []expand.Rule{alert("A", "up == 0")}, nil},
		{"unclosed", []expand.Rule{alert("A", `sum(rate(x[5m]) > 1`)},
			[]string{`env.cue:11:9: error [promql/syntax] rule A: expr 1:20: unclosed left parenthesis`}},
		{"second line", []expand.Rule{record("r", "sum(\n  rate(x[5m])) by")},
			[]string{`expr 2:`}},
	})
}

func TestPromQLCounter(t *testing.T) {
	runCases(t, "promql/counter", []checkCase{
		{"rate", []expand.Rule{alert("A", `rate(http_requests_total[5m]) > 1`), alert("B", `sum(increase(restarts_total[1h])) > 3`)}, nil},
		{"histogram with rate", []expand.Rule{alert("A", `histogram_quantile(0.9, sum by (le) (rate(x_seconds_bucket[5m]))) > 1`)}, nil},
		{"declared counter compared: error", []expand.Rule{alert("A", `orders_failed_total > 0`)},
			[]string{"env.cue:11:9: error [promql/counter] rule A: expr 1:1: `orders_failed_total > 0` compares the raw value of the counter orders_failed_total without rate(), increase() or irate()"}},
		{"counter by name only: warning", []expand.Rule{alert("A", `kube_pod_container_status_restarts_total > 0`)},
			[]string{"env.cue:11:9: warning [promql/counter] rule A: expr 1:1: `kube_pod_container_status_restarts_total > 0` compares the raw value of kube_pod_container_status_restarts_total without rate(), increase() or irate(): a counter only grows from its process's start, so the comparison holds or fails by the total so far, not by what happens now (judged by the name: the TYPE of kube_pod_container_status_restarts_total is not declared)"}},
		{"declared gauge named like a counter", []expand.Rule{alert("A", `queue_items_total > 100`), alert("B", `sum(queue_items_total) > 100`)}, nil},
		{"histogram series of a declared histogram: error", []expand.Rule{alert("A", `histogram_quantile(0.9, sum by (le) (http_request_duration_seconds_bucket)) > 1`)},
			[]string{"error [promql/counter] rule A: expr 1:25: `sum by (le) (http_request_duration_seconds_bucket)` aggregates the raw value of the counter http_request_duration_seconds_bucket"}},
		{"aggregated", []expand.Rule{record("r", `sum by (job) (http_requests_total)`)},
			[]string{"expr 1:1: `sum by (job) (http_requests_total)` aggregates the raw value of http_requests_total"}},
		{"ratio of lifetime totals", []expand.Rule{alert("A", `errors_total / requests_total > 0.1`)},
			[]string{"compares the raw value of errors_total", "compares the raw value of requests_total"}},
		{"rate of a sum", []expand.Rule{alert("A", `rate(sum(x_total)[5m:]) > 1`)},
			[]string{"`sum(x_total)` aggregates the raw value of x_total"}},
		{"delta of a counter", []expand.Rule{alert("A", `delta(node_cpu_seconds_total[5m]) > 1`), alert("B", `deriv(x_total[10m]) > 0`)},
			[]string{
				"error [promql/counter] rule A: expr 1:1: `delta(node_cpu_seconds_total[5m])` applies delta() to the counter node_cpu_seconds_total: delta() is for gauges and does not know counter resets, so a restart reads as a huge drop; use increase()",
				"warning [promql/counter] rule B: expr 1:1: `deriv(x_total[10m])` applies deriv() to x_total: deriv() is for gauges and does not know counter resets, so a restart reads as a huge drop; use rate() (or irate()) (judged by the name: the TYPE of x_total is not declared)",
			}},
		{"average over time of a counter", []expand.Rule{alert("A", `avg_over_time(node_network_receive_bytes_total[5m]) > 1e6`)},
			[]string{"error [promql/counter] rule A: expr 1:1: `avg_over_time(node_network_receive_bytes_total[5m])` applies avg_over_time() to the raw value of the counter node_network_receive_bytes_total: that value is a total since the process started, so avg_over_time() of it says nothing about the range; use rate() or increase() over the range"}},
		{"rate of a declared gauge", []expand.Rule{alert("A", `rate(node_load1[5m]) > 0`), alert("B", `deriv(node_load1[5m]) > 0`)},
			[]string{"error [promql/counter] rule A: expr 1:1: `rate(node_load1[5m])` applies rate() to node_load1, a gauge by its declared TYPE: rate() takes every decrease for a counter reset and adds the whole value back; use deriv() for a per-second change, delta() for the change over the range"}},
		{"rate of a gauge by name is not judged", []expand.Rule{alert("A", `rate(some_gauge[5m]) > 0`)}, nil},
		{"increase written by hand", []expand.Rule{alert("A", `(restarts_total - restarts_total offset 10m >= 1) and ignoring (reason) last_reason == 1`)}, nil},
		{"count ignores values", []expand.Rule{record("r", `count(sum by (instance, cpu) (node_cpu_seconds_total)) by (instance)`), alert("A", `absent(x_total)`)}, nil},
		{"presence test as a guard", []expand.Rule{alert("A", `histogram_quantile(0.01, sum by (job, le) (rate(x_seconds_bucket[5m]))) < 86400 and on (job) x_seconds_count > 0`)}, nil},
		{"guard on the left", []expand.Rule{alert("A", `x_seconds_count > 0 and on (job) rate(y_total[5m]) > 1`)}, nil},
		{"a threshold beside and is no guard", []expand.Rule{alert("A", `orders_failed_total > 100 and on (job) up == 1`)},
			[]string{"error [promql/counter] rule A: expr 1:1: `orders_failed_total > 100` compares the raw value of the counter orders_failed_total"}},
		{"presence test alone is no guard", []expand.Rule{alert("A", `orders_failed_total > 0`)},
			[]string{"compares the raw value of the counter orders_failed_total"}},
		{"filter side of unless", []expand.Rule{alert("A", `up == 0 unless on (job) restarts_total`)}, nil},
		{"gauges and recorded series", []expand.Rule{
			alert("A", `kube_deployment_status_replicas < 1`),
			alert("B", `job:http_requests_total:rate5m > 1`),
			record("requests_total", `sum(rate(x_total[5m]))`),
			alert("C", `requests_total > 1`),
		}, nil},
		{"by __name__", []expand.Rule{alert("A", `{__name__="restarts_total"} > 0`)},
			[]string{"compares the raw value of restarts_total"}},
	})
}

func TestPromQLRateRange(t *testing.T) {
	runCases(t, "promql/rate-range", []checkCase{
		{"4× the global interval", []expand.Rule{alert("A", `rate(x_total{job="app"}[2m]) > 0`)}, nil},
		{"node-exporter scrapes every 15s", []expand.Rule{alert("A", `rate(node_cpu_seconds_total{job="node-exporter"}[1m]) > 0`), alert("B", `rate(node_cpu_seconds_total[1m]) > 0`)}, nil},
		{"just under 4×", []expand.Rule{alert("A", `rate(x_total{job="app"}[1m]) > 0`)},
			[]string{"env.cue:11:9: warning [promql/rate-range] rule A: expr 1:1: `rate(x_total{job=\"app\"}[1m])` has a 1m range, shorter than 4× the scrape interval of job app (30s): use at least [2m]"}},
		{"under 2× is an error", []expand.Rule{alert("A", `increase(x_total{job="batch"}[5m]) > 0`)},
			[]string{"error [promql/rate-range] rule A: expr 1:1: `increase(x_total{job=\"batch\"}[5m])` has a 5m range, shorter than 4× the scrape interval of job batch (5m): use at least [20m]"}},
		{"several jobs: the longest interval", []expand.Rule{alert("A", `sum(rate(x_total{job=~"app|batch"}[10m])) > 0`)},
			[]string{"the scrape interval of job batch (the longest of the 2 jobs it reads) (5m)"}},
		{"no job: global interval", []expand.Rule{alert("A", `deriv(x[1m]) > 0`)},
			[]string{"shorter than 4× the global scrape interval (30s)"}},
		{"recorded series: evaluation interval", []expand.Rule{record("job:x:sum", "sum(x)"), alert("A", `rate(job:x:sum[1m]) > 0`)},
			[]string{"the evaluation interval of the rule that records job:x:sum (30s)"}},
		{"over_time functions are not rates", []expand.Rule{alert("A", `max_over_time(x{job="batch"}[1m]) > 0`)}, nil},
		{"second line position", []expand.Rule{alert("A", "sum(\n  irate(x_total[30s])) > 0")},
			[]string{"error [promql/rate-range] rule A: expr 2:3: `irate(x_total[30s])`"}},
	})
}

func TestPromQLSelector(t *testing.T) {
	runCases(t, "promql/selector", []checkCase{
		{"known jobs and metrics", []expand.Rule{
			alert("A", `up{job="app"} == 0`),
			alert("B", `node_load1{job="node-exporter"} > 4`),
			alert("C", `anything_at_all{job="app"} > 0`),
			alert("D", `scrape_duration_seconds{job="node-exporter"} > 10`),
			alert("E", `histogram_quantile(0.9, rate(http_request_duration_seconds_bucket{job="node-exporter"}[5m])) > 1`),
			alert("F", `up{job=~"app|node-exporter"} == 0`),
			alert("G", `ALERTS{alertstate="firing"} > 0`),
			alert("H", `some_metric > 0`),
		}, nil},
		{"unknown job", []expand.Rule{alert("A", `up{job="ap"} == 0`)},
			[]string{"env.cue:11:9: error [promql/selector] rule A: expr 1:1: `up{job=\"ap\"}` selects job=\"ap\", but no job of the environment has that name (did you mean \"app\"?)"}},
		{"regexp matching no job", []expand.Rule{alert("A", `up{job=~"kube-.*"} == 0`)},
			[]string{"selects job=~\"kube-.*\", but no job of the environment has that name"}},
		{"metric the job does not expose", []expand.Rule{alert("A", `mysql_up{job="node-exporter"} == 0`)},
			[]string{"`mysql_up{job=\"node-exporter\"}` selects mysql_up, which job node-exporter (exporter node) does not expose by its exporter's metrics list: no series can match"}},
		{"federated series", []expand.Rule{alert("A", `job:requests:rate5m{job="elsewhere"} > 1`)}, nil},
		{"recorded series", []expand.Rule{record("instance:x:sum", "sum(up)"), alert("A", `instance:x:sum{job="nowhere"} > 1`)}, nil},
		{"absent of a job that does not exist", []expand.Rule{alert("A", `absent(up{job="etcd"})`)},
			[]string{"selects job=\"etcd\", but no job of the environment has that name"}},
		{"reported once per selector text", []expand.Rule{alert("A", `up{job="x"} == 0 or up{job="x"} == 2`)},
			[]string{"selects job=\"x\""}},
	})
}

func TestPromQLSelectorHonorLabels(t *testing.T) {
	plan := testPlan(t, alert("A", `push_time_seconds{job="backup"} < time() - 86400`))
	plan.Jobs = append(plan.Jobs, expand.Job{Name: "pushgateway", Target: model.Target{Kind: model.KindService, HonorLabels: true}})
	if got := Run(plan, Config{Only: []string{"promql/selector"}}); len(got) != 0 {
		t.Errorf("a job pushed through a Pushgateway (honorLabels) was reported: %v", got)
	}
}

func TestPromQLSelectorRelabelledJob(t *testing.T) {
	fixed, fromLabel := "mysql", "$1"
	plan := testPlan(t,
		alert("A", `mysql_up{job="mysql"} == 0`),
		alert("B", `up{job="kubernetes-pods"} == 0`),
		alert("C", `up{job="mysqll"} == 0`),
	)
	plan.Jobs = append(plan.Jobs,
		expand.Job{Name: "db", Target: model.Target{Kind: model.KindStatic, Relabel: []model.Relabel{{TargetLabel: "job", Replacement: &fixed}}}},
	)
	got := Run(plan, Config{Only: []string{"promql/selector"}})
	var lines []string
	for _, f := range got {
		lines = append(lines, f.String())
	}
	if len(got) != 2 || !strings.Contains(lines[0], "rule B:") || !strings.Contains(lines[1], `rule C: expr 1:1: `+"`"+`up{job="mysqll"}`+"`"+` selects job="mysqll", but no job of the environment has that name (did you mean "mysql"?)`) {
		t.Errorf("a job value written by relabelling (target_label: job) should be known, others not:\n%s", strings.Join(lines, "\n"))
	}
	plan.Jobs = append(plan.Jobs,
		expand.Job{Name: "pods", Target: model.Target{Kind: model.KindPod, Relabel: []model.Relabel{{Action: "replace", SourceLabels: []string{"__meta_kubernetes_pod_label_app"}, TargetLabel: "job", Replacement: &fromLabel}}}},
	)
	if got := Run(plan, Config{Only: []string{"promql/selector"}}); len(got) != 0 {
		t.Errorf("a job set from a target label may take any value, but got %v", got)
	}
}

func TestPromQLSelectorRawScrapeConfigRelabel(t *testing.T) {
	plan := testPlan(t, alert("A", `up{job="mysql"} == 0`), alert("B", `up{job="raw-db"} == 0`), alert("C", `up{job="redis"} == 0`))
	plan.Env.RawScrapeConfigs = map[string]string{"raw-db": "job_name: raw-db\nscrape_interval: 1m\nrelabel_configs:\n  - target_label: job\n    replacement: mysql\n"}
	got := Run(plan, Config{Only: []string{"promql/selector"}})
	if len(got) != 1 || !strings.Contains(got[0].String(), "rule C:") {
		t.Errorf("a raw scrape config's relabelled job value should be known: %v", got)
	}
}

func TestPromQLSelectorOnlyListedJobs(t *testing.T) {
	plan := testPlan(t, alert("A", `mysql_up > 0`), alert("B", `node_load1 > 0`))
	// Without targets of unknown metrics, a metric no list covers is
	// reported even without a job matcher.
	var jobs []expand.Job
	for _, j := range plan.Jobs {
		if j.Exporter != "" {
			jobs = append(jobs, j)
		}
	}
	plan.Jobs, plan.Federation = jobs, nil
	got := Run(plan, Config{Only: []string{"promql/selector"}})
	if len(got) != 1 || !strings.Contains(got[0].String(), "selects mysql_up, which no target of the environment exposes") {
		t.Errorf("got %v", got)
	}
}

func TestPromQLRegexp(t *testing.T) {
	runCases(t, "promql/regexp", []checkCase{
		{"fine", []expand.Rule{alert("A", `up{job="app",instance="10.0.0.1:80",severity=~"warning|critical",code=~"5..",path!~"/api/.*",le="+Inf"} == 0`)}, nil},
		{"alternation in an equality", []expand.Rule{alert("A", `ALERTS{severity="warning|critical"} > 0`)},
			[]string{"env.cue:11:9: warning [promql/regexp] rule A: expr 1:1: matcher severity=\"warning|critical\" in `ALERTS{severity=\"warning|critical\"}` compares with a string that looks like a regular expression, which = matches literally: write severity=~\"warning|critical\""}},
		{"wildcard in a negative equality", []expand.Rule{alert("A", `up{namespace!="kube-.*"} == 0`)},
			[]string{"write namespace!~\"kube-.*\""}},
		{"status class", []expand.Rule{alert("A", `rate(x_total{code="5.."}[5m]) > 0`)},
			[]string{"write code=~\"5..\""}},
		{"regexp that is a string", []expand.Rule{alert("A", `up{job=~"app"} == 0`)},
			[]string{"matcher job=~\"app\" in `up{job=~\"app\"}` is a regular expression without special characters: write job=\"app\""}},
		{"negative regexp that is a string", []expand.Rule{alert("A", `up{job!~""} == 0`)},
			[]string{"write job!=\"\""}},
		{"anchors", []expand.Rule{alert("A", `up{job=~"^app.*$"} == 0`)},
			[]string{"has ^ or $ anchors, which are redundant"}},
		{"case-insensitive is not a string", []expand.Rule{alert("A", `up{job=~"(?i)app"} == 0`)}, nil},
	})
}

func TestLineCol(t *testing.T) {
	for _, tc := range []struct {
		s         string
		off       int
		line, col int
	}{
		{"abc", 0, 1, 1}, {"abc", 2, 1, 3}, {"a\nbc", 3, 2, 2}, {"é\nb", 3, 2, 1}, {"éa", 2, 1, 2}, {"x", 99, 1, 2}, {"x", -1, 1, 1},
	} {
		if l, c := LineCol(tc.s, tc.off); l != tc.line || c != tc.col {
			t.Errorf("LineCol(%q, %d) = %d:%d, want %d:%d", tc.s, tc.off, l, c, tc.line, tc.col)
		}
	}
}

func TestChecksAreDocumented(t *testing.T) {
	ids := map[string]bool{}
	for _, c := range Checks() {
		if ids[c.ID] {
			t.Errorf("duplicate check %s", c.ID)
		}
		ids[c.ID] = true
		if c.Summary == "" || (c.Severity != finding.Error && c.Severity != finding.Warning) {
			t.Errorf("check %+v lacks a summary or severity", c)
		}
	}
	for _, want := range []string{"rule/tier", "rule/name", "rule/annotations", "template/labels", "template/syntax", "promql/counter", "promql/rate-range", "promql/selector", "promql/regexp", "rule/for"} {
		if !ids[want] {
			t.Errorf("check %s is missing", want)
		}
	}
}

func TestLibraryRuleFindingsAtTheUsersDeclaration(t *testing.T) {
	lib := "mongen.dev/mongen@v0.1.0/library/exporter/node.cue:40:5"
	mk := func() *expand.Plan {
		plan := testPlan(t)
		r := alert("NodeBusy", `node_cpu_seconds_total > 100`)
		r.Origin, r.ExprOrigin = lib, lib
		plan.Groups = []expand.Group{{Name: "node", Exporter: "node", Origin: lib, Rules: []expand.Rule{r}}}
		plan.Env.Sources = map[string]string{model.SourcePath("exporters", "node"): "environments/dev/dev.cue:12:2"}
		return plan
	}
	got := Run(mk(), Config{Only: []string{"promql/counter"}})
	if len(got) != 1 || got[0].Position != "environments/dev/dev.cue:12:2" || !strings.Contains(got[0].Message, "(library rule of exporter node, "+lib+")") {
		t.Fatalf("want the finding at the exporter's declaration, naming the library position: %v", got)
	}
	plan := mk()
	plan.Env.Overrides = map[string]model.Override{"NodeBusy": {Reason: "r"}}
	plan.Env.Sources[model.SourcePath("overrides", "NodeBusy")] = "environments/dev/dev.cue:30:3"
	got = Run(plan, Config{Only: []string{"promql/counter"}})
	if len(got) != 1 || got[0].Position != "environments/dev/dev.cue:30:3" {
		t.Fatalf("want the finding at the rule's override: %v", got)
	}
}
