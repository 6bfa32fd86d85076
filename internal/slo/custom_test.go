package slo

import (
	"strings"
	"testing"

	"github.com/mongen-dev/mongen/internal/model"
)

func customSLO(ind model.Indicator) model.SLO {
	s := validSLO()
	ind.Kind = model.IndicatorCustom
	s.Indicator = ind
	return s
}

func TestCustomErrorRatioExpr(t *testing.T) {
	for _, tc := range []struct {
		name string
		ind  model.Indicator
		want string
	}{
		{"errors and total", model.Indicator{Kind: "custom",
			Errors: `sum(rate(http_request_duration_seconds_count{job="myservice",code=~"(5..|429)"}[{{.window}}]))`,
			Total:  `sum(rate(http_request_duration_seconds_count{job="myservice"}[{{ .window }}]))`},
			`((sum(rate(http_request_duration_seconds_count{job="myservice",code=~"(5..|429)"}[1h]))) or 0 * (sum(rate(http_request_duration_seconds_count{job="myservice"}[1h])))) / ((sum(rate(http_request_duration_seconds_count{job="myservice"}[1h]))) > 0)`},
		{"error ratio", model.Indicator{Kind: "custom",
			ErrorRatio: "  1 - avg_over_time(up{job=\"wifi\"}[{{.window}}])\n"},
			`1 - avg_over_time(up{job="wifi"}[1h])`},
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

func TestValidateCustom(t *testing.T) {
	good := model.Indicator{
		Errors: `sum(rate(http_requests_total{job="app",code=~"5.."}[{{.window}}]))`,
		Total:  `sum(rate(http_requests_total{job="app"}[{{.window}}]))`,
	}
	if ps := Validate(customSLO(good)); len(ps) > 0 {
		t.Fatalf("valid custom SLO: %v", ps)
	}
	if ps := Validate(customSLO(model.Indicator{ErrorRatio: `1 - avg_over_time(up{job="app"}[{{.window}}:1m])`})); len(ps) > 0 {
		t.Fatalf("valid custom SLO with a subquery: %v", ps)
	}
	for _, tc := range []struct {
		name string
		ind  model.Indicator
		want string
	}{
		{"no placeholder", model.Indicator{Errors: `sum(rate(x_errors_total[5m]))`, Total: good.Total},
			"indicator.errors: errors has no {{.window}}"},
		{"parse error at the column written", model.Indicator{Errors: good.Errors, Total: `sum(rate(http_requests_total{job="app"}[{{.window}}])`},
			"indicator.total: total with {{.window}} as 5m does not parse: 1:54: parse error: unclosed left parenthesis"},
		{"a range vector", model.Indicator{Errors: `x_errors_total[{{.window}}]`, Total: good.Total},
			"indicator.errors: errors is a range vector, not an instant vector"},
		{"placeholder in a label", model.Indicator{Errors: `sum(rate(x_errors_total{w="{{.window}}"}[5m]))`, Total: good.Total},
			"indicator.errors: errors takes {{.window}} outside a range"},
		{"same query", model.Indicator{Errors: good.Total, Total: `sum(rate(http_requests_total{job = "app"}[{{.window}}]))`},
			"indicator.errors: errors and total are the same query"},
		{"total missing", model.Indicator{Errors: good.Errors},
			"indicator: a custom indicator needs errors and total"},
		{"both forms", model.Indicator{Errors: good.Errors, Total: good.Total, ErrorRatio: `1 - avg_over_time(up[{{.window}}])`},
			"indicator.errorRatio: give errors and total, or errorRatio, not both"},
		{"column after the placeholder", model.Indicator{Errors: `sum(rate(x_errors_total[{{.window}}])) ** 2`, Total: good.Total},
			`indicator.errors: errors with {{.window}} as 5m does not parse: 1:41: parse error: unexpected`},
		{"unknown function", model.Indicator{Errors: `sum(rates(x_errors_total[{{.window}}]))`, Total: good.Total},
			`indicator.errors: errors with {{.window}} as 5m does not parse: 1:5: parse error: unknown function with name "rates"`},
	} {
		ps := Validate(customSLO(tc.ind))
		if len(ps) != 1 || !strings.HasPrefix(ps[0].String(), tc.want) {
			t.Errorf("%s: got %v\nwant one problem starting %q", tc.name, ps, tc.want)
		}
	}
}

func TestCustomSelectors(t *testing.T) {
	ind := model.Indicator{Kind: "custom",
		Errors: `sum(rate(http_requests_total{job="app",code=~"5.."}[{{.window}}])) + sum(rate(grpc_server_handled_total{job="app",grpc_code!="OK"}[{{.window}}] offset 1m))`,
		Total:  `sum(rate(http_requests_total{job="app"}[{{.window}}])) + sum(rate(grpc_server_handled_total{job="app"}[{{.window}}]))`,
	}
	var got []string
	for _, s := range Selectors(ind) {
		got = append(got, s.Field+" "+s.Text+" "+MetricName(s.Selector))
	}
	want := []string{
		`errors http_requests_total{code=~"5..",job="app"} http_requests_total`,
		`errors grpc_server_handled_total{grpc_code!="OK",job="app"} grpc_server_handled_total`,
		`total http_requests_total{job="app"} http_requests_total`,
		`total grpc_server_handled_total{job="app"} grpc_server_handled_total`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// Every window is written in, and every generated ratio parses.
func TestCustomGenerate(t *testing.T) {
	s := customSLO(model.Indicator{
		Errors: `sum by (route) (rate(http_requests_total{job="app",code=~"5.."}[{{.window}}]))`,
		Total:  `sum by (route) (rate(http_requests_total{job="app"}[{{.window}}]))`,
	})
	rules, err := Generate(s)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range rules {
		w, ok := strings.CutPrefix(r.Name, ErrorRatioPrefix)
		if !ok || w == "30d" {
			continue
		}
		n++
		if strings.Contains(r.Expr, "{{") || !strings.Contains(r.Expr, "["+w+"]") {
			t.Errorf("%s: %s", r.Name, r.Expr)
		}
		if _, err := promql.ParseExpr(r.Expr); err != nil {
			t.Errorf("%s: %v", r.Name, err)
		}
	}
	if n != len(Windows()) {
		t.Errorf("%d window ratios, want %d", n, len(Windows()))
	}
}
