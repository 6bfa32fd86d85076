package slo

import (
	"strings"
	"testing"

	"github.com/mongen-dev/mongen/internal/model"
)

func TestErrorRatioExpr(t *testing.T) {
	for _, tc := range []struct {
		name string
		ind  model.Indicator
		want string
	}{
		{"ratio", model.Indicator{Kind: "ratio", Errors: `http_requests_total{job="app",code=~"5.."}`, Total: `http_requests_total{job="app"}`},
			`(sum(rate(http_requests_total{job="app",code=~"5.."}[1h])) or 0 * sum(rate(http_requests_total{job="app"}[1h]))) / (sum(rate(http_requests_total{job="app"}[1h])) > 0)`},
		{"ratio by route", model.Indicator{Kind: "ratio", Errors: `errors_total`, Total: `requests_total`, GroupBy: []string{"route", "method"}},
			`(sum by (route, method) (rate(errors_total[1h])) or 0 * sum by (route, method) (rate(requests_total[1h]))) / (sum by (route, method) (rate(requests_total[1h])) > 0)`},
		{"latency", model.Indicator{Kind: "latency", Bucket: `http_request_duration_seconds_bucket{job="app"}`, Threshold: "0.3"},
			`1 - (sum(rate(http_request_duration_seconds_bucket{job="app",le="0.3"}[1h])) / (sum(rate(http_request_duration_seconds_bucket{job="app",le="+Inf"}[1h])) > 0))`},
		{"availability", model.Indicator{Kind: "availability", Probe: `probe_success{job="probe-web"}`, GroupBy: []string{"instance"}},
			`1 - avg by (instance) (avg_over_time(probe_success{job="probe-web"}[1h]))`},
	} {
		got, err := ErrorRatioExpr(tc.ind, "1h")
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.name, got, tc.want)
		}
		if _, err := promql.ParseExpr(got); err != nil {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
}

func TestErrorRatioExprRejectsAnLEMatcher(t *testing.T) {
	_, err := ErrorRatioExpr(model.Indicator{Kind: "latency", Bucket: `x_bucket{le="1"}`, Threshold: "0.5"}, "5m")
	if err == nil || !strings.Contains(err.Error(), "already matches le") {
		t.Errorf("err = %v", err)
	}
}

func TestParseSelector(t *testing.T) {
	for _, ok := range []string{`up`, `http_requests_total{job="a"}`, `{__name__="x_total",job="a"}`} {
		if _, err := ParseSelector(ok); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for bad, msg := range map[string]string{
		`rate(x_total[5m])`:     "not a plain vector selector",
		`x_total[5m]`:           "not a plain vector selector",
		`x_total offset 5m`:     "offset",
		`{job="a"}`:             "no metric name",
		`{__name__=~"x.*"}`:     "no metric name",
		`x_total{job="a"`:       "unexpected end of input",
		`sum(x_total) by (job)`: "not a plain vector selector",
	} {
		_, err := ParseSelector(bad)
		if err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("ParseSelector(%s) = %v, want an error with %q", bad, err, msg)
		}
	}
}
