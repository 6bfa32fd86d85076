package lint

import (
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/finding"
	"github.com/mongen-dev/mongen/internal/model"
	"github.com/mongen-dev/mongen/internal/verifycache"
)

// TestTemplateVerdictsCached: a warm cache skips templates that passed,
// never one that changed, and never a failure (only passes are kept).
func TestTemplateVerdictsCached(t *testing.T) {
	path := filepath.Join(t.TempDir(), "verified.json")
	good := testPlan(t, alert("A", "up == 0", annotation("summary", "{{ $labels.instance }} is down")))
	vc := verifycache.Open(path, "test")
	if fs := Unsuppressed(good, Config{Only: []string{"template/syntax"}, Verified: vc}); len(fs) != 0 {
		t.Fatalf("the good template has findings: %v", fs)
	}
	if err := vc.Save(path); err != nil {
		t.Fatal(err)
	}

	vc = verifycache.Open(path, "test")
	if fs := Unsuppressed(good, Config{Only: []string{"template/syntax"}, Verified: vc}); len(fs) != 0 || vc.Misses() != 0 {
		t.Fatalf("the same rule again: findings %v, %d misses, want none", fs, vc.Misses())
	}

	bad := testPlan(t, alert("A", "up == 0", annotation("summary", "{{ $labels.instance }} is {{ humanise 1 }}")))
	for range 2 { // the failure is not cached: it is found every time
		vc = verifycache.Open(path, "test")
		fs := Unsuppressed(bad, Config{Only: []string{"template/syntax"}, Verified: vc})
		if len(fs) != 1 || !strings.Contains(fs[0].Message, `function "humanise" not defined`) {
			t.Fatalf("the edited template: findings %v, want the undefined function", fs)
		}
		if err := vc.Save(path); err != nil {
			t.Fatal(err)
		}
	}

	// The verdict is the rule's: the same text under another name (the
	// template's name in Prometheus) is checked again.
	renamed := testPlan(t, alert("B", "up == 0", annotation("summary", "{{ $labels.instance }} is down")))
	vc = verifycache.Open(path, "test")
	Unsuppressed(renamed, Config{Only: []string{"template/syntax"}, Verified: vc})
	if vc.Misses() == 0 {
		t.Error("a renamed rule's templates were served from the cache")
	}
}

// runCached runs Unsuppressed with the cache at path and saves it, as a
// build does.
func runCached(t *testing.T, path string, plan *expand.Plan, cfg Config) []finding.Finding {
	t.Helper()
	cfg.Verified = verifycache.Open(path, "test")
	fs := Unsuppressed(plan, cfg)
	if err := cfg.Verified.Save(path); err != nil {
		t.Fatal(err)
	}
	return fs
}

// sloNearMissPlan has an SLO whose errors selector misspells a metric
// that only a rule's expression names: knownMetrics must read the names a
// cached rule recorded to find the near miss.
func sloNearMissPlan(t *testing.T) *expand.Plan {
	t.Helper()
	env := testEnv()
	env.SLOs = map[string]map[string]model.SLO{"app": {
		"avail": {Service: "app", Name: "avail", Objective: "99.5", Period: "30d", Indicator: model.Indicator{Kind: "ratio", Errors: `http_request_total{job="app",code=~"5.."}`, Total: `http_requests_total{job="app"}`}},
	}}
	plan, err := expand.Expand(env)
	if err != nil {
		t.Fatal(err)
	}
	plan.Groups = append(plan.Groups, expand.Group{Name: "own", Rules: []expand.Rule{
		alert("AppErrors", `sum by (job) (rate(http_requests_total{job="app",code=~"5.."}[5m])) > 1`),
	}})
	return plan
}

// TestRuleVerdictsCachedSameFindings: a run whose rules are served from
// the cache finds exactly what a run without a cache finds, in the same
// order, on plans with findings of every kind; and it does serve every
// rule without a finding from the cache.
func TestRuleVerdictsCachedSameFindings(t *testing.T) {
	corpusRules, _, _ := kubePrometheusPlan(t)
	plans := map[string]*expand.Plan{
		"kube-prometheus": corpusRules,
		"slo near miss":   sloNearMissPlan(t),
		"assorted": testPlan(t,
			alert("Clean", `sum by (instance) (rate(node_cpu_seconds_total[5m])) > 1`),
			alert("Counter", `node_cpu_seconds_total > 5`),
			alert("Template", `sum(up) == 0`, annotation("summary", "{{ $labels.instance }} is down")),
			alert("Dup", `up{job="app"} == 0`),
			alert("Dup", `up{job="app"} == 0`),
			alert("Clean2", `up{job="batch"} == 0`, label("team", "x")),
			record("job:up:sum", `sum by (job) (up)`),
			alert("Recorded", `job:up:sum < 1`),
		),
	}
	for name, plan := range plans {
		t.Run(name, func(t *testing.T) {
			cfg := Config{Policy: DefaultPolicy()}
			want := Unsuppressed(plan, cfg)
			if len(want) == 0 {
				t.Fatal("the plan has no findings: the test would show nothing")
			}
			path := filepath.Join(t.TempDir(), "verified.json")
			for _, run := range []string{"filling the cache", "warm"} {
				if got := runCached(t, path, plan, cfg); !reflect.DeepEqual(got, want) {
					t.Fatalf("%s: findings differ from a run without cache:\ngot  %v\nwant %v", run, got, want)
				}
			}

			// Only the rules with findings were checked again. (A rule
			// whose name is used twice may have rule/name's finding,
			// which is plan-wide and always checked, and be served
			// from the verdict of a clean rule with the same content.)
			cold := runChecks(plan, Config{Policy: DefaultPolicy()})
			cfg.Verified = verifycache.Open(path, "test")
			warm := runChecks(plan, cfg)
			cached, names := 0, map[string]int{}
			for _, r := range warm.rules {
				names[r.Name]++
			}
			for i, r := range warm.rules {
				if r.cached {
					cached++
				}
				if names[r.Name] == 1 && r.cached == cold.rules[i].reported {
					t.Errorf("rule %s: served from the cache %v, has findings %v", r.Name, r.cached, cold.rules[i].reported)
				}
			}
			if cached == 0 {
				t.Error("no rule was served from the cache")
			}
		})
	}
}

// TestRuleVerdictsCatchEdits: with every rule of a clean plan served from
// the cache, an edit to a rule's expression, template or label, or to
// the plan-wide state the checks read, is found as a run without cache
// finds it.
func TestRuleVerdictsCatchEdits(t *testing.T) {
	rules := func() []expand.Rule {
		return []expand.Rule{
			alert("CPU", `sum by (instance) (rate(node_cpu_seconds_total[5m])) > 1`,
				annotation("summary", "{{ $labels.instance }} is busy")),
			alert("AppErrors", `rate(http_requests_total{job="app"}[2m]) > 1`),
			alert("Load", `node_load1 > 4`),
			alert("BatchDown", `rate(batch:up:sum{job="batch"}[2m]) > 0`),
			record("batch:up:sum", `sum by (job) (up)`),
			alert("Dup", `up{job="app"} == 0`, label("env", "a")),
			alert("Dup", `up{job="app"} == 0`, label("env", "b")),
		}
	}
	base := func() *expand.Plan { return testPlan(t, rules()...) }
	edit := func(i int, fn func(*expand.Rule)) *expand.Plan {
		rs := rules()
		fn(&rs[i])
		return testPlan(t, rs...)
	}
	withEnv := func(fn func(*model.Environment)) *expand.Plan {
		env := testEnv()
		fn(env)
		plan, err := expand.Expand(env)
		if err != nil {
			t.Fatal(err)
		}
		plan.Groups = []expand.Group{{Name: "g", Origin: "env.cue:1:1", Rules: rules()}}
		return plan
	}
	strictP1 := DefaultPolicy()
	p1 := strictP1.Tiers["P1"]
	p1.MinFor = 15 * time.Minute
	strictP1.Tiers["P1"] = p1

	renamedSeverity := DefaultPolicy()
	p1 = renamedSeverity.Tiers["P1"]
	p1.Severity = "high"
	renamedSeverity.Tiers["P1"] = p1

	cases := []struct {
		name  string
		plan  *expand.Plan
		cfg   Config
		check string // a check the edit makes report
		fill  Config // the configuration the cache was filled with
	}{
		{"expr", edit(0, func(r *expand.Rule) { r.Expr = `sum(node_cpu_seconds_total) > 1` }), Config{}, "promql/counter", Config{}},
		{"template", edit(0, func(r *expand.Rule) { r.Annotations["summary"] = "{{ $labels.instance }} is {{ humanise 1 }}" }), Config{}, "template/syntax", Config{}},
		{"template label", edit(0, func(r *expand.Rule) { r.Expr = `sum(rate(node_cpu_seconds_total[5m])) > 1` }), Config{}, "template/labels", Config{}},
		{"label", edit(2, func(r *expand.Rule) { r.Labels["severity"] = "critical" }), Config{}, "rule/tier", Config{}},
		{"scrape interval", withEnv(func(env *model.Environment) { env.Prometheus.ScrapeInterval = "1m" }), Config{}, "promql/rate-range", Config{}},
		{"metric type", withEnv(func(env *model.Environment) { env.Vet.MetricTypes["node_load1"] = model.MetricCounter }), Config{}, "promql/counter", Config{}},
		{"config metric type", base(), Config{MetricTypes: map[string]string{"http_requests_total": model.MetricGauge}}, "promql/counter", Config{}},
		{"jobs", withEnv(func(env *model.Environment) { delete(env.Targets, "app") }), Config{}, "promql/selector", Config{}},
		{"recording rules", func() *expand.Plan {
			plan := base()
			plan.Groups[0].Rules = slices.Delete(plan.Groups[0].Rules, 4, 5)
			return plan
		}(), Config{}, "promql/rate-range", Config{}},
		{"tier policy", base(), Config{Policy: strictP1}, "rule/for", Config{}},
		{"alerts sharing a name", edit(6, func(r *expand.Rule) { r.Labels["env"] = "a" }), Config{}, "rule/name", Config{}},
		{"one more alert of the name", func() *expand.Plan {
			plan := base()
			plan.Groups = append(plan.Groups, expand.Group{Name: "h", Rules: []expand.Rule{alert("Dup", `up{job="app"} == 0`, label("env", "b"))}})
			return plan
		}(), Config{}, "rule/name", Config{}},
		{"tier severity", base(), Config{Policy: renamedSeverity}, "rule/tier", Config{}},
		{"checks run", edit(0, func(r *expand.Rule) { r.Expr = `sum(node_cpu_seconds_total) > 1` }), Config{}, "promql/counter",
			Config{Only: []string{"rule/tier", "template/syntax"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "verified.json")
			fill := base()
			if tc.fill.Only != nil {
				fill = tc.plan // clean under the checks that ran
			}
			if fs := runCached(t, path, fill, tc.fill); len(fs) != 0 {
				t.Fatalf("the plan that fills the cache has findings: %v", fs)
			}
			want := Unsuppressed(tc.plan, tc.cfg)
			if !slices.ContainsFunc(want, func(f finding.Finding) bool { return f.Check == tc.check }) {
				t.Fatalf("without cache the edit gives no %s finding: %v", tc.check, want)
			}
			if got := runCached(t, path, tc.plan, tc.cfg); !reflect.DeepEqual(got, want) {
				t.Errorf("with the warm cache:\ngot  %v\nwant %v", got, want)
			}
		})
	}
}
