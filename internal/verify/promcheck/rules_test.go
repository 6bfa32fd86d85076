package promcheck

import (
	"errors"
	"fmt"
	"github.com/mongen-dev/mongen/internal/diag"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql/parser"
)

const validRules = `groups:
  - name: node
    interval: 1m
    rules:
      - record: instance:node_cpu_utilisation:rate5m
        expr: |-
          1 - avg without (cpu) (
            sum without (mode) (rate(node_cpu_seconds_total{job="node", mode=~"idle|iowait|steal"}[5m]))
          )
      - alert: NodeDown
        expr: up{job="node"} == 0
        for: 5m
        keep_firing_for: 1m
        labels:
          severity: page
          tier: P0
        annotations:
          summary: "Node {{ $labels.instance }} is down"
          description: |
            {{ $labels.instance }} of job {{ $labels.job }} has been down for 5 minutes.
            Value: {{ $value | humanize }}; external URL {{ $externalURL }}.
          runbook_url: https://runbooks.example.com/node/NodeDown
  - name: slo
    rules:
      - record: "slo:sli_error:ratio_rate5m"
        expr: sum(rate(http_requests_total{code=~"5.."}[5m])) / sum(rate(http_requests_total[5m]))
        labels:
          slo: api-availability
`

func TestRulesValid(t *testing.T) {
	groups, err := ParseRules("rules/node.yaml", []byte(validRules))
	if err != nil {
		t.Fatalf("ParseRules: %v", err)
	}
	var got []string
	for _, g := range groups.Groups {
		for _, r := range g.Rules {
			got = append(got, g.Name+"/"+r.Alert+r.Record)
		}
	}
	want := "node/instance:node_cpu_utilisation:rate5m node/NodeDown slo/slo:sli_error:ratio_rate5m"
	if strings.Join(got, " ") != want {
		t.Errorf("rules = %q, want %q", got, want)
	}
	if err := Rules("rules/node.yaml", nil); err != nil {
		t.Errorf("empty file: %v", err)
	}
}

// TestRulesInvalid pins whole messages: the file name, rulefmt's own
// position and message, and the exact file position of PromQL errors.
func TestRulesInvalid(t *testing.T) {
	for _, tc := range []struct {
		name, yaml string
		want       []string // the error's lines, in order
	}{
		{
			name: "bad promql plain",
			yaml: `groups:
  - name: g
    rules:
      - alert: A
        expr: sum(rate(x[5m]) > 1
`,
			want: []string{
				`r.yaml:5:15: group "g", rule 1, "A": could not parse expression: 1:20: parse error: unclosed left parenthesis (at r.yaml:5:34)`,
			},
		},
		{
			name: "bad promql double quoted",
			yaml: `groups:
  - name: g
    rules:
      - record: a:b
        expr: "rate(x[5m] offset)"
`,
			want: []string{
				`r.yaml:5:15: group "g", rule 1, "a:b": could not parse expression: 1:18: parse error: unexpected ")" in offset, expected number, duration, step(), or range() (at r.yaml:5:33)`,
			},
		},
		{
			name: "bad promql literal block",
			yaml: `groups:
  - name: g
    rules:
      - alert: A
        expr: |
          sum by (job) (
            rate(x[5m]) +
          )
`,
			want: []string{
				`r.yaml:5:15: group "g", rule 1, "A": could not parse expression: 3:1: parse error: unexpected ")" in aggregation (at r.yaml:8:11)`,
			},
		},
		{
			name: "bad promql after multibyte characters",
			yaml: `groups:
  - name: g
    rules:
      - alert: Ä
        expr: up{a="é€"} + on
`,
			want: []string{
				`r.yaml:5:15: group "g", rule 1, "Ä": could not parse expression: 1:19: parse error: unexpected end of input in grouping opts, expected "(" (at r.yaml:5:30)`,
			},
		},
		{
			// The source text differs from the value ('' is one quote), so
			// the position in the file is not guessed.
			name: "bad promql single quoted with escape",
			yaml: `groups:
  - name: g
    rules:
      - alert: A
        expr: 'up{a=''x''} +'
`,
			want: []string{
				`r.yaml:5:15: group "g", rule 1, "A": could not parse expression: 1:12: parse error: unexpected end of input`,
			},
		},
		{
			name: "bad promql with anchor, tag and alias",
			yaml: `groups:
  - name: g
    rules:
      - record: a
        expr: &bad !!str "sum(up"
      - record: b
        expr: *bad
`,
			want: []string{
				`r.yaml:5:15: group "g", rule 1, "a": could not parse expression: 1:7: parse error: unclosed left parenthesis (at r.yaml:5:33)`,
				`r.yaml:7:15: group "g", rule 2, "b": could not parse expression: 1:7: parse error: unclosed left parenthesis (at r.yaml:5:33)`,
			},
		},
		{
			name: "broken annotation template",
			yaml: `groups:
  - name: g
    rules:
      - alert: A
        expr: up == 0
        annotations:
          summary: "{{ $labels.instance }"
`,
			want: []string{
				`r.yaml:7:20: group "g", rule 1, "A": annotation "summary": template: __alert_A:1: unexpected "}" in operand`,
			},
		},
		{
			name: "broken label template",
			yaml: `groups:
  - name: g
    rules:
      - alert: A
        expr: up == 0
        labels:
          team: "{{ .Labels.team"
`,
			want: []string{
				`r.yaml:7:17: group "g", rule 1, "A": label "team": template: __alert_A:1: unclosed action`,
			},
		},
		{
			name: "for on recording rule",
			yaml: `groups:
  - name: g
    rules:
      - record: a:b
        expr: up
        for: 5m
`,
			want: []string{`r.yaml:4:17: group "g", rule 1, "a:b": invalid field 'for' in recording rule`},
		},
		{
			name: "duplicate group",
			yaml: `groups:
  - name: g
    rules: []
  - name: g
    rules: []
`,
			want: []string{`r.yaml:4:5: groupname: "g" is repeated in the same file`},
		},
		{
			name: "repeated and empty group names",
			yaml: `groups:
  - name: g
    rules: []
  - name: ""
    rules: []
  - name: g
    rules: []
  - rules: []
  - name: g
    rules: []
`,
			want: []string{
				`r.yaml:4:5: Groupname must not be empty`,
				`r.yaml:6:5: groupname: "g" is repeated in the same file`,
				`r.yaml:8:5: Groupname must not be empty`,
				`r.yaml:8:5: groupname: "" is repeated in the same file`,
				`r.yaml:9:5: groupname: "g" is repeated in the same file`,
			},
		},
		{
			name: "unknown field",
			yaml: `groups:
  - name: g
    rules:
      - alert: A
        expr: up == 0
        severity: page
`,
			want: []string{`r.yaml:6: field severity not found in type rulefmt.Rule`},
		},
		{
			name: "missing alert and expr",
			yaml: `groups:
  - name: g
    rules:
      - labels: {a: b}
`,
			want: []string{
				`r.yaml:4:9: group "g", rule 1, "": field 'expr' must be set in rule`,
				`r.yaml:4:9: group "g", rule 1, "": one of 'record' or 'alert' must be set`,
			},
		},
		{
			name: "second document",
			yaml: "groups: []\n---\ngroups: []\n",
			want: []string{`r.yaml: rulefmt: Multiple document yaml rules files are not supported, only the first document is processed`},
		},
		{
			name: "sorted numerically",
			yaml: `groups:
  - name: g
    rules:
      - alert: A
        expr: up ==
      - alert: B
        expr: up
        annotations:
          x: "{{"
      - record: c
        expr: up
        for: 1m
      - record: d
        expr: up
        for: 1m
`,
			want: []string{
				`r.yaml:5:15: group "g", rule 1, "A": could not parse expression: 1:6: parse error: unexpected end of input (at r.yaml:5:20)`,
				`r.yaml:9:14: group "g", rule 2, "B": annotation "x": template: __alert_B:1: unclosed action`,
				`r.yaml:10:17: group "g", rule 3, "c": invalid field 'for' in recording rule`,
				`r.yaml:13:17: group "g", rule 4, "d": invalid field 'for' in recording rule`,
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Rules("r.yaml", []byte(tc.yaml))
			if err == nil {
				t.Fatal("Rules succeeded, want an error")
			}
			if got, want := err.Error(), strings.Join(tc.want, "\n"); got != want {
				t.Errorf("error:\n%s\nwant:\n%s", got, want)
			}
			l, ok := diag.As(err)
			if !ok || len(l) != len(tc.want) {
				t.Fatalf("diag.As = %v, %+v", ok, l)
			}
			for _, d := range l {
				if d.Pos.File != "r.yaml" {
					t.Errorf("%q is not in r.yaml", d.Error())
				}
			}
		})
	}
}

func TestRulesUnwrapsRulefmt(t *testing.T) {
	err := Rules("r.yaml", []byte("groups:\n  - name: g\n    rules:\n      - record: a\n        expr: up\n        for: 1m\n"))
	var re *rulefmt.Error
	if !errors.As(err, &re) || re.Group != "g" || re.RuleName != "a" {
		t.Fatalf("errors.As(*rulefmt.Error) on %v: %+v", err, re)
	}
}

func TestRulesYAMLSyntax(t *testing.T) {
	err := Rules("r.yaml", []byte("groups:\n  - name: g\n   rules: [\n"))
	if err == nil || err.Error() != "r.yaml:1: yaml: did not find expected '-' indicator" {
		t.Fatalf("error = %v, want a YAML syntax error with a line", err)
	}
}

func FuzzRules(f *testing.F) {
	f.Add([]byte(validRules))
	f.Add([]byte("groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: |\n          sum(\n        annotations: {x: '{{'}\n"))
	f.Add([]byte("groups: [{name: g, rules: [{record: a, expr: \"up{\", for: 1m}]}]\n---\nx: 1\n"))
	f.Add([]byte("a: &x {expr: 'up ==', alert: A}\ngroups: [{name: g, rules: [*x, *x]}]\n"))
	f.Add([]byte("groups:\n- name: g\n  rules:\n  - alert: \"\\u00e9\"\n    expr: \"\\u00e9 +\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		groups, err := ParseRules("f.yaml", data)
		if err == nil && groups == nil {
			t.Fatal("nil groups without an error")
		}
		if err != nil && !strings.HasPrefix(err.Error(), "f.yaml") {
			t.Fatalf("error without file name: %v", err)
		}
	})
}

// BenchmarkRules measures a rule file of realistic shape: 200 rules, half
// alerting (with templated annotations), half recording. The rulefmt
// sub-benchmark is the reference: bare rulefmt.Parse, as promtool runs it.
func BenchmarkRules(b *testing.B) {
	data := syntheticRules(20, 10)
	b.Run("promcheck", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			if err := Rules("bench.yaml", data); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("rulefmt", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		logger := slog.New(slog.DiscardHandler)
		for b.Loop() {
			p := parser.NewParser(parser.Options{})
			if _, errs := rulefmt.Parse(data, false, model.UTF8Validation, p, logger); len(errs) > 0 {
				b.Fatal(errs)
			}
		}
	})
}

func syntheticRules(groups, pairs int) []byte {
	var s strings.Builder
	s.WriteString("groups:\n")
	for g := range groups {
		fmt.Fprintf(&s, "  - name: service-%d\n    interval: 30s\n    rules:\n", g)
		for r := range pairs {
			fmt.Fprintf(&s, `      - record: job:http_requests_errors:ratio_rate5m_%[1]d
        expr: |-
          sum by (job, namespace) (rate(http_requests_total{job="svc-%[2]d", code=~"5.."}[5m]))
          /
          sum by (job, namespace) (rate(http_requests_total{job="svc-%[2]d"}[5m]))
      - alert: Svc%[2]dErrorBudgetBurn%[1]d
        expr: |-
          (
            job:http_requests_errors:ratio_rate5m_%[1]d{job="svc-%[2]d"} > (14.4 * 0.001)
          and
            job:http_requests_errors:ratio_rate1h_%[1]d{job="svc-%[2]d"} > (14.4 * 0.001)
          )
        for: 2m
        labels:
          severity: page
          tier: P0
        annotations:
          summary: "Service {{ $labels.job }} burns its error budget"
          description: "{{ $labels.namespace }}/{{ $labels.job }}: error ratio {{ $value | humanizePercentage }}."
          runbook_url: https://runbooks.example.com/slo/{{ $labels.job }}
`, r, g)
		}
	}
	return []byte(s.String())
}

// TestRulesConcurrent runs Rules and Config from several goroutines; run it
// with -race.
func TestRulesConcurrent(t *testing.T) {
	bad := []byte("groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up ==\n")
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if err := Rules("ok.yaml", []byte(validRules)); err != nil {
				t.Error(err)
			}
			if err := Rules("bad.yaml", bad); err == nil {
				t.Error("bad.yaml: no error")
			}
			if _, err := Config([]byte(validConfig)); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
}
