package promserver_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mongen-dev/mongen/internal/e2e/promserver"
)

const rulesYAML = `groups:
  - name: e2e
    interval: 1s
    rules:
      - record: job:mongen_e2e_up:sum
        expr: sum by (job) (mongen_e2e_up)
      - alert: MongenE2ETargetDown
        expr: mongen_e2e_up == 0
        for: 1m
        labels:
          severity: page
        annotations:
          summary: "{{ $labels.job }} is down"
`

// badRulesYAML has a PromQL syntax error in a recording rule.
const badRulesYAML = `groups:
  - name: broken
    rules:
      - record: job:mongen_e2e_broken:sum
        expr: sum by (job) (mongen_e2e_up
`

func configYAML(ruleFile, target string) string {
	return fmt.Sprintf(`global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
rule_files:
  - %s
scrape_configs:
  - job_name: mongen-e2e
    static_configs:
      - targets: ['%s']
`, ruleFile, target)
}

func writeFile(t *testing.T, path, content string) string {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestServer(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the real Prometheus server; skipped with -short")
	}
	prometheus, promtool := promserver.Binaries(t)

	exporter := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/metrics" {
			http.NotFound(w, r)
			return
		}
		// Prometheus 3 refuses a scrape without a known Content-Type.
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		fmt.Fprint(w, "# HELP mongen_e2e_up Always 1.\n# TYPE mongen_e2e_up gauge\nmongen_e2e_up 1\n")
	}))
	t.Cleanup(exporter.Close)
	target := strings.TrimPrefix(exporter.URL, "http://")

	dir := t.TempDir()
	rules := writeFile(t, filepath.Join(dir, "rules.yml"), rulesYAML)
	config := writeFile(t, filepath.Join(dir, "prometheus.yml"), configYAML("rules.yml", target))

	promserver.CheckRules(t, promtool, rules)
	promserver.CheckConfig(t, promtool, config)

	start := time.Now()
	srv := promserver.Start(t, prometheus, config, promserver.Options{})
	t.Logf("prometheus ready at %s in %s", srv.URL, time.Since(start).Round(time.Millisecond))

	t.Run("rules loaded", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		groups, err := srv.Rules(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(groups) != 1 {
			t.Fatalf("got %d rule groups, want 1: %+v", len(groups), groups)
		}
		g := groups[0]
		if g.Name != "e2e" || filepath.Base(g.File) != "rules.yml" || g.Interval != 1 {
			t.Errorf("group = {name %q, file %q, interval %v}, want {e2e, .../rules.yml, 1}", g.Name, g.File, g.Interval)
		}
		type nt struct{ name, typ string }
		var got []nt
		for _, r := range g.Rules {
			got = append(got, nt{r.Name, r.Type})
		}
		want := []nt{{"job:mongen_e2e_up:sum", "recording"}, {"MongenE2ETargetDown", "alerting"}}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("rules = %v, want %v", got, want)
		}
		alert := g.Rules[1]
		if alert.Labels["severity"] != "page" || alert.Duration != 60 || alert.Query != "mongen_e2e_up == 0" {
			t.Errorf("alerting rule = %+v, want severity=page, duration 60, query %q", alert, "mongen_e2e_up == 0")
		}
		if alert.Annotations["summary"] == "" {
			t.Errorf("alerting rule has no summary annotation: %+v", alert)
		}
	})

	t.Run("target up", func(t *testing.T) {
		tg := srv.WaitTargetUp(t, "mongen-e2e", 30*time.Second)
		if tg.ScrapeURL != exporter.URL+"/metrics" {
			t.Errorf("scrapeUrl = %q, want %q", tg.ScrapeURL, exporter.URL+"/metrics")
		}
		if tg.Labels["instance"] != target {
			t.Errorf("instance label = %q, want %q", tg.Labels["instance"], target)
		}
	})

	t.Run("rules evaluate", func(t *testing.T) {
		// The recording rule produces a series once a scrape has landed; both
		// rules report health ok after their first evaluation. Bounded poll.
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		deadline := time.Now().Add(30 * time.Second)
		for i := 0; ; i++ {
			samples, qerr := srv.Query(ctx, `job:mongen_e2e_up:sum{job="mongen-e2e"}`)
			groups, rerr := srv.Rules(ctx)
			healthy := rerr == nil && len(groups) == 1 && len(groups[0].Rules) == 2
			if healthy {
				for _, r := range groups[0].Rules {
					healthy = healthy && r.Health == "ok" && r.LastError == ""
				}
			}
			if qerr == nil && len(samples) == 1 && samples[0].Value == 1 && healthy {
				if st := groups[0].Rules[1].State; st != "inactive" {
					t.Errorf("alert state = %q, want inactive", st)
				}
				return
			}
			if time.Now().After(deadline) || i >= 300 {
				t.Fatalf("recorded series not seen or rules unhealthy after 30s: samples=%+v queryErr=%v groups=%+v rulesErr=%v",
					samples, qerr, groups, rerr)
			}
			time.Sleep(100 * time.Millisecond)
		}
	})

	t.Run("promtool rejects invalid rule", func(t *testing.T) {
		bad := t.TempDir()
		writeFile(t, filepath.Join(bad, "rules.yml"), badRulesYAML)
		badConfig := writeFile(t, filepath.Join(bad, "prometheus.yml"), configYAML("rules.yml", target))

		out, code := promserver.RunPromtool(t, promtool, "check", "config", badConfig)
		if code != 1 {
			t.Errorf("promtool check config: exit %d, want 1\n%s", code, out)
		}
		for _, want := range []string{"FAILED", "rules.yml", "unclosed left parenthesis"} {
			if !strings.Contains(out, want) {
				t.Errorf("promtool check config output lacks %q:\n%s", want, out)
			}
		}

		out, code = promserver.RunPromtool(t, promtool, "check", "rules", filepath.Join(bad, "rules.yml"))
		if code != 1 {
			t.Errorf("promtool check rules: exit %d, want 1\n%s", code, out)
		}
		if !strings.Contains(out, "unclosed left parenthesis") {
			t.Errorf("promtool check rules output lacks the parse error:\n%s", out)
		}
	})
}
