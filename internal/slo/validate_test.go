package slo

import (
	"strings"
	"testing"

	"github.com/mongen-dev/mongen/internal/model"
)

func validSLO() model.SLO {
	return model.SLO{
		Service: "app", Name: "availability", Objective: "99.9", Period: "30d",
		Indicator: model.Indicator{Kind: "ratio", Errors: `http_requests_total{job="app",code=~"5.."}`, Total: `http_requests_total{job="app"}`},
		Alerting: model.SLOAlerting{
			Page:   model.BurnAlert{Enabled: true, Tier: "P0", Severity: "critical", For: "2m"},
			Ticket: model.BurnAlert{Enabled: true, Tier: "P1", Severity: "warning", For: "15m"},
		},
	}
}

func TestValidate(t *testing.T) {
	if ps := Validate(validSLO()); len(ps) > 0 {
		t.Fatalf("valid SLO: %v", ps)
	}
	for _, tc := range []struct {
		name   string
		change func(*model.SLO)
		want   []string // Problem.String() prefixes and fragments
	}{
		{"objective 100", func(s *model.SLO) { s.Objective = "100" }, []string{"objective: 100 is not a percentage between 0 and 100"}},
		{"objective 0", func(s *model.SLO) { s.Objective = "0" }, []string{"objective: 0 is not a percentage"}},
		{"objective as a ratio", func(s *model.SLO) { s.Objective = "0.995" }, []string{"objective: 0.995 reads as 0.995%, an error budget of 99.005% of the events, so the burn alerts could never fire: objective is a percentage; write 99.5 for 99.5%"}},
		{"objective 1", func(s *model.SLO) { s.Objective = "1" }, []string{"objective: 1 reads as 1%, an error budget of 99% of the events, so the burn alerts could never fire: objective is a percentage; write the percentage of good events, such as 99.9"}},
		{"objective just under 100", func(s *model.SLO) { s.Objective = "99.99999999999999999999" }, nil},
		{"period of a day", func(s *model.SLO) { s.Period = "1d" }, []string{"period: period \"1d\" is not longer than the longest alert window (3d)"}},
		{"errors equal total", func(s *model.SLO) { s.Indicator.Errors = `http_requests_total{job = "app"}` }, []string{"indicator.errors: errors and total select the same series"}},
		{"errors not a selector", func(s *model.SLO) { s.Indicator.Errors = `rate(x_total[5m])` }, []string{"indicator.errors: \"rate(x_total[5m])\" is not a plain vector selector"}},
		{"total missing", func(s *model.SLO) { s.Indicator.Total = "" }, []string{"indicator: a ratio indicator needs total"}},
		{"latency without _bucket", func(s *model.SLO) {
			s.Indicator = model.Indicator{Kind: "latency", Bucket: `http_request_duration_seconds_count`, Threshold: "0.3"}
		}, []string{"indicator.bucket: \"http_request_duration_seconds_count\" selects http_request_duration_seconds_count, not a _bucket series"}},
		{"latency threshold +Inf", func(s *model.SLO) {
			s.Indicator = model.Indicator{Kind: "latency", Bucket: `x_bucket`, Threshold: "+Inf"}
		}, []string{"indicator.threshold: threshold \"+Inf\" is not a positive finite le bound"}},
		{"latency with le", func(s *model.SLO) {
			s.Indicator = model.Indicator{Kind: "latency", Bucket: `x_bucket{le="1"}`, Threshold: "0.5"}
		}, []string{"indicator: the 5m error ratio does not parse: \"x_bucket{le=\\\"1\\\"}\" already matches le"}},
		{"latency threshold NaN", func(s *model.SLO) {
			s.Indicator = model.Indicator{Kind: "latency", Bucket: `x_bucket`, Threshold: "NaN"}
		}, []string{"indicator.threshold: threshold \"NaN\" is not a positive finite le bound"}},
		{"latency threshold Inf", func(s *model.SLO) {
			s.Indicator = model.Indicator{Kind: "latency", Bucket: `x_bucket`, Threshold: "Inf"}
		}, []string{"indicator.threshold: threshold \"Inf\" is not a positive finite le bound"}},
		{"probe of another metric", func(s *model.SLO) {
			s.Indicator = model.Indicator{Kind: "availability", Probe: `up{job="x"}`}
		}, []string{"indicator.probe: \"up{job=\\\"x\\\"}\" selects up, not a probe_success series"}},
		{"reserved labels", func(s *model.SLO) {
			s.Labels = map[string]string{"slo_id": "x"}
			s.Indicator.GroupBy = []string{"le"}
		}, []string{"labels.slo_id: label \"slo_id\": slo_* labels are set by mongen", "indicator.groupBy: groupBy \"le\""}},
	} {
		s := validSLO()
		tc.change(&s)
		ps := Validate(s)
		if len(ps) != len(tc.want) {
			t.Errorf("%s: %d problems %v, want %d", tc.name, len(ps), ps, len(tc.want))
			continue
		}
		for _, w := range tc.want {
			found := false
			for _, p := range ps {
				found = found || strings.Contains(p.String(), w)
			}
			if !found {
				t.Errorf("%s: no problem %q in %v", tc.name, w, ps)
			}
		}
	}
}

// FuzzValidate: whatever the user writes as selectors, threshold and
// objective, Validate does not panic, and an SLO it accepts generates rules
// whose every expression the PromQL parser accepts.
func FuzzValidate(f *testing.F) {
	f.Add("ratio", `x_errors_total{code=~"5.."}`, `x_total`, "99.9", "0.3")
	f.Add("latency", `h_bucket{job="a"}`, "", "99", "1.0")
	f.Add("availability", `probe_success{instance="https://a"}`, "", "99.5", "")
	f.Add("ratio", `{__name__="a_total"}`, `b_total offset 5m`, "1e2", "x")
	f.Fuzz(func(t *testing.T, kind, a, b, objective, threshold string) {
		s := validSLO()
		s.Objective = model.Decimal(objective)
		s.Indicator = model.Indicator{Kind: kind, Errors: a, Total: b, Bucket: a, Threshold: threshold, Probe: a}
		if len(Validate(s)) > 0 {
			return
		}
		rules, err := Generate(s)
		if err != nil {
			t.Fatalf("valid SLO does not generate: %v", err)
		}
		for _, r := range rules {
			if _, err := promql.ParseExpr(r.Expr); err != nil {
				t.Fatalf("valid SLO generates %s = %q: %v", r.Name, r.Expr, err)
			}
		}
	})
}
