package lint

import (
	"testing"

	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/model"
)

func threshold(v float64) ruleOpt { return func(r *expand.Rule) { r.Threshold = &v } }

func TestThresholdSign(t *testing.T) {
	runCases(t, "rule/threshold-sign", []checkCase{
		{"positive threshold", []expand.Rule{alert("A", `node_load1 > 95`, threshold(95))}, nil},
		{"a negative literal that is no threshold is meant", []expand.Rule{alert("A", `node_timex_offset_seconds < -0.05`)}, nil},
		{"negative with >", []expand.Rule{alert("A", `(1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes) * 100 > -95`, threshold(-95))},
			[]string{"env.cue:11:9: warning [rule/threshold-sign] rule A: expr 1:1: `(1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes) * 100 > -95` compares with -95: for a quantity that is never negative (a count, ratio, percentage, duration or size) the alert fires for every series; if you meant 95, drop the sign"}},
		{"negative with <", []expand.Rule{alert("A", `node_filesystem_avail_bytes < -5`, threshold(-5))},
			[]string{"never fires; if you meant 5, drop the sign"}},
		{"literal on the left is mirrored", []expand.Rule{alert("A", `-5 > node_filesystem_avail_bytes`, threshold(-5))},
			[]string{"never fires"}},
		{"bool comparison is a value, not a filter", []expand.Rule{alert("A", `(node_load1 > bool -1) == 1`, threshold(-1))}, nil},
		{"recording rules are not alerts", []expand.Rule{record("r", `node_load1 > -1`, threshold(-1))}, nil},
	})
}

func TestTemplateExecution(t *testing.T) {
	runCases(t, "template/syntax", []checkCase{
		{"undefined template", []expand.Rule{alert("A", "up == 0", annotation("description", `{{ template "nope" . }}`))},
			[]string{`env.cue:13:16: error [template/syntax] rule A: annotation "description": line 1: template "nope" is not defined`}},
		{"own define", []expand.Rule{alert("A", "up == 0", annotation("description", `{{ define "x" }}hi{{ end }}{{ template "x" . }}`))}, nil},
		{"a function given the wrong type fails on a sample alert", []expand.Rule{alert("A", "up == 0", annotation("summary", `{{ "abc" | humanizeDuration }}`))},
			[]string{`rule A: annotation "summary": fails on a sample alert:`}},
		{"labels read are set", []expand.Rule{alert("A", "up == 0", annotation("summary", `{{ $labels.instance | toUpper }} {{ $value | humanize }}`))}, nil},
	})
}

func TestSLOSelectorNearMiss(t *testing.T) {
	env := testEnv()
	app := env.Targets["app"]
	app.Signals = &model.Signals{Requests: "http_requests_total", Errors: `http_requests_total{code=~"5.."}`}
	env.Targets["app"] = app
	env.SLOs = map[string]map[string]model.SLO{"app": {
		"avail": {Service: "app", Name: "avail", Objective: "99.5", Period: "30d", Indicator: model.Indicator{Kind: "ratio", Errors: `http_request_total{job="app",code=~"5.."}`, Total: `http_requests_total{job="app"}`}},
	}}
	env.Sources = map[string]string{model.SourcePath("slos", "app", "avail", "indicator", "errors"): "env.cue:30:11"}
	plan, err := expand.Expand(env)
	if err != nil {
		t.Fatal(err)
	}
	got := Run(plan, Config{Only: []string{"promql/selector"}})
	if len(got) != 1 {
		t.Fatalf("want one finding, got %v", got)
	}
	want := "env.cue:30:11: error [promql/selector] slo app-avail: indicator.errors `http_request_total{job=\"app\",code=~\"5..\"}` selects http_request_total, which the environment's targets, signals and rules never name (did you mean http_requests_total?)"
	if s := got[0].String(); len(s) < len(want) || s[:len(want)] != want {
		t.Errorf("got  %s\nwant %s...", s, want)
	}
}
