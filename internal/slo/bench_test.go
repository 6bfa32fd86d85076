package slo_test

import (
	"fmt"
	"testing"

	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/model"
	"github.com/mongen-dev/mongen/internal/render/plain"
	"github.com/mongen-dev/mongen/internal/slo"
	"github.com/mongen-dev/mongen/internal/verify/promcheck"
)

// thousandSLOs are 1,000 SLOs over every indicator kind and the 30d, 28d
// and 7d periods, each with both alerts: the size of Sloth's benchmark.
func thousandSLOs() []model.SLO {
	periods := []string{"30d", "28d", "7d"}
	out := make([]model.SLO, 1000)
	for i := range out {
		s := model.SLO{
			Service: fmt.Sprintf("svc%03d", i/10), Name: fmt.Sprintf("slo%d", i%10),
			Objective: model.Decimal([]string{"99.9", "99.95", "99", "99.5"}[i%4]), Period: periods[i%3], Team: "team",
			Labels: map[string]string{"owner": "team"},
			Alerting: model.SLOAlerting{
				Annotations: map[string]string{"runbook_url": "https://runbooks.example.com/x"},
				Page:        model.BurnAlert{Enabled: true, Tier: "P0", Severity: "critical", For: "2m"},
				Ticket:      model.BurnAlert{Enabled: true, Tier: "P1", Severity: "warning", For: "15m"},
			},
		}
		job := fmt.Sprintf("job%d", i)
		switch i % 3 {
		case 0:
			s.Indicator = model.Indicator{Kind: "ratio", Errors: `http_requests_total{job="` + job + `",code=~"5.."}`, Total: `http_requests_total{job="` + job + `"}`}
		case 1:
			s.Indicator = model.Indicator{Kind: "latency", Bucket: `http_request_duration_seconds_bucket{job="` + job + `"}`, Threshold: "0.3"}
		default:
			s.Indicator = model.Indicator{Kind: "availability", Probe: `probe_success{job="` + job + `"}`, GroupBy: []string{"instance"}}
		}
		out[i] = s
	}
	return out
}

// BenchmarkGenerate1000 validates 1,000 SLOs (every selector and every
// generated error ratio through the PromQL parser) and generates their
// rules: what mongen adds to a build per 1,000 SLOs.
func BenchmarkGenerate1000(b *testing.B) {
	slos := thousandSLOs()
	rules := 0
	for b.Loop() {
		rules = 0
		for _, s := range slos {
			if ps := slo.Validate(s); len(ps) > 0 {
				b.Fatal(ps)
			}
			rs, err := slo.Generate(s)
			if err != nil {
				b.Fatal(err)
			}
			rules += len(rs)
		}
	}
	b.ReportMetric(float64(rules), "rules/op")
	b.ReportMetric(float64(rules)*float64(b.N)/b.Elapsed().Seconds(), "rules/s")
}

// BenchmarkRulefmtParse1000 is the reference, measured in the same run:
// Prometheus's own rulefmt.Parse (with the PromQL parser on every
// expression and template) reading the rule files of the same 1,000 SLOs,
// which every Prometheus does when it loads them.
func BenchmarkRulefmtParse1000(b *testing.B) {
	var files [][]byte
	for _, s := range thousandSLOs() {
		rs, err := slo.Generate(s)
		if err != nil {
			b.Fatal(err)
		}
		var er []expand.Rule
		for _, r := range rs {
			er = append(er, expand.Rule{Rule: r.Rule, Key: r.Key})
		}
		data, err := plain.RuleFile(s.ID(), er)
		if err != nil {
			b.Fatal(err)
		}
		files = append(files, data)
	}
	for b.Loop() {
		for _, f := range files {
			if _, err := promcheck.ParseRules("rules.yaml", f); err != nil {
				b.Fatal(err)
			}
		}
	}
}
