package dashcheck_test

import (
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mongen-dev/mongen/internal/artifact"
	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/load"
	"github.com/mongen-dev/mongen/internal/model"
	"github.com/mongen-dev/mongen/internal/pipeline"
	"github.com/mongen-dev/mongen/internal/verify/dashcheck"
	"github.com/mongen-dev/mongen/internal/verifycache"
)

type cluster struct {
	name string
	plan *expand.Plan
	tree *artifact.Tree
}

// shipped compiles the shipped environments without verifying them, as
// verify's cache tests do, and returns every cluster's plan and tree.
func shipped(t *testing.T) []cluster {
	t.Helper()
	root, err := load.FindRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	var out []cluster
	for _, name := range []string{"dev", "prod"} {
		res, err := pipeline.Unverified(root, load.Ref{Name: name, Dir: "environments/" + name}, load.Options{})
		if err != nil {
			t.Fatal(err)
		}
		for i, c := range res.Clusters {
			out = append(out, cluster{fmt.Sprintf("%s/%d", name, i), c.Plan, c.Tree})
		}
	}
	return out
}

// warmed checks plan into a fresh cache, saves it, and returns how to
// reopen it as the next build does. The cold result must come out of
// the first, cold, cached run too.
func warmed(t *testing.T, plan *expand.Plan, tree *artifact.Tree) func() *verifycache.Cache {
	t.Helper()
	path := filepath.Join(t.TempDir(), "verified.json")
	vc := verifycache.Open(path, "test-binary")
	if got, want := dashcheck.CheckCached(plan, tree, vc), dashcheck.Check(plan, tree); !slices.Equal(got, want) {
		t.Fatalf("with an empty cache:\n%s\nwithout a cache:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if err := vc.Save(path); err != nil {
		t.Fatal(err)
	}
	return func() *verifycache.Cache { return verifycache.Open(path, "test-binary") }
}

// withDashboards is plan with its own copy of the dashboards, so an edit
// leaves plan (and the environment it shares slices with) alone.
func withDashboards(plan *expand.Plan) *expand.Plan {
	out := *plan
	out.Dashboards = slices.Clone(plan.Dashboards)
	return &out
}

// editQuery replaces the first query of dashboard uid that contains old.
func editQuery(t *testing.T, plan *expand.Plan, uid, old, new string) *expand.Plan {
	t.Helper()
	out := withDashboards(plan)
	for i := range out.Dashboards {
		d := &out.Dashboards[i]
		if d.UID != uid {
			continue
		}
		d.Panels = slices.Clone(d.Panels)
		for j := range d.Panels {
			p := &d.Panels[j]
			for k, q := range p.Targets {
				if strings.Contains(q.Expr, old) {
					p.Targets = slices.Clone(p.Targets)
					p.Targets[k].Expr = strings.Replace(q.Expr, old, new, 1)
					return out
				}
			}
		}
	}
	t.Fatalf("dashboard %s has no query with %q", uid, old)
	return nil
}

// editRules is plan with edit applied to a copy of every rule.
func editRules(plan *expand.Plan, edit func(r *expand.Rule) (keep bool)) *expand.Plan {
	out := *plan
	out.Groups = nil
	for _, g := range plan.Groups {
		var kept []expand.Rule
		for _, r := range g.Rules {
			if edit(&r) {
				kept = append(kept, r)
			}
		}
		g.Rules = kept
		out.Groups = append(out.Groups, g)
	}
	return &out
}

// TestWarmEqualsCold: on every shipped cluster, and on one whose
// dashboards have problems, a build with the cache of the build before
// reports exactly what a build without a cache reports; only the
// dashboards with problems are checked again.
func TestWarmEqualsCold(t *testing.T) {
	clusters := shipped(t)
	prod := clusters[len(clusters)-1]
	broken := editQuery(t, prod.plan, "mysql", "mysql_up", "mysqlx_up")
	broken = editQuery(t, broken, "node-exporter", `node_`, `nodes_`)
	clusters = append(clusters, cluster{"prod with problems", broken, prod.tree})
	for _, c := range clusters {
		t.Run(c.name, func(t *testing.T) {
			cold := dashcheck.Check(c.plan, c.tree)
			vc := warmed(t, c.plan, c.tree)()
			warm := dashcheck.CheckCached(c.plan, c.tree, vc)
			if !slices.Equal(warm, cold) {
				t.Fatalf("warm:\n%s\ncold:\n%s", strings.Join(warm, "\n"), strings.Join(cold, "\n"))
			}
			// A dashboard with problems is never cached: it runs again.
			failing := map[string]bool{}
			for _, d := range c.plan.Dashboards {
				for _, line := range cold {
					if strings.Contains(line, fmt.Sprintf(": dashboard %s (", d.UID)) {
						failing[d.UID] = true
					}
				}
			}
			if n := vc.Misses(); n != len(failing) {
				t.Errorf("%d checks ran again, want %d (the dashboards with problems: %v)", n, len(failing), failing)
			}
			if c.plan == broken && len(failing) != 2 {
				t.Errorf("the broken plan has problems on %v, want mysql and node-exporter:\n%s", failing, strings.Join(cold, "\n"))
			}
		})
	}
}

// listed is plan with the metrics of job openclaw, the environment's own
// target, listed as an exporter's are: with them unknown, any name
// without a job matcher (the SLO dashboards' recorded series) may come
// from it, and no catalog change could be reported.
func listed(t *testing.T, plan *expand.Plan) *expand.Plan {
	t.Helper()
	out := *plan
	env := *plan.Env
	env.Exporters = maps.Clone(plan.Env.Exporters)
	env.Exporters["openclaw-listed"] = model.Exporter{Job: "openclaw", Metrics: []string{"http_"}}
	out.Env = &env
	out.Jobs = slices.Clone(plan.Jobs)
	for i := range out.Jobs {
		if out.Jobs[i].Name == "openclaw" {
			if out.Jobs[i].Exporter != "" {
				t.Fatalf("job openclaw has exporter %s", out.Jobs[i].Exporter)
			}
			out.Jobs[i].Exporter = "openclaw-listed"
			return &out
		}
	}
	t.Fatal("no job openclaw")
	return nil
}

// TestCacheInvalidation: with the cache of the unedited prod cluster,
// each kind of edit is reported as a build without a cache reports it,
// and checks again exactly the dashboards whose inputs changed.
func TestCacheInvalidation(t *testing.T) {
	var prod cluster
	for _, c := range shipped(t) {
		if c.name == "prod/0" {
			prod = c
		}
	}
	plan, tree := listed(t, prod.plan), prod.tree
	if problems := dashcheck.Check(plan, tree); len(problems) > 0 {
		t.Fatalf("prod with openclaw's metrics listed has problems:\n%s", strings.Join(problems, "\n"))
	}
	reopen := warmed(t, plan, tree)
	all := len(plan.Dashboards)

	withoutJob := func(name string) *expand.Plan {
		out := *plan
		out.Jobs = slices.DeleteFunc(slices.Clone(plan.Jobs), func(j expand.Job) bool { return j.Name == name })
		if len(out.Jobs) == len(plan.Jobs) {
			t.Fatalf("no job %s", name)
		}
		return &out
	}
	withoutExporter := func(name string) *expand.Plan {
		out := *plan
		env := *plan.Env
		env.Exporters = maps.Clone(plan.Env.Exporters)
		delete(env.Exporters, name)
		out.Env = &env
		out.Jobs = slices.DeleteFunc(slices.Clone(plan.Jobs), func(j expand.Job) bool { return j.Exporter == name })
		return &out
	}
	renamed, thresholds := 0, 0
	for _, c := range []struct {
		name   string
		plan   *expand.Plan
		want   string // in the problems; "" for none
		misses int
	}{
		{"query selects a metric nobody exposes", editQuery(t, plan, "node-exporter", "node_", "nodes_"),
			"selects nodes_", 1},
		{"recording rule renamed", editRules(plan, func(r *expand.Rule) bool {
			if r.Name == "slo:objective:ratio" && r.Kind == model.RuleRecord {
				r.Name = "slo:objective:ratio_renamed"
				renamed++
			}
			return true
		}), "selects slo:objective:ratio,", all},
		{"recording rule removed", editRules(plan, func(r *expand.Rule) bool {
			return r.Name != "slo:current_burn_rate:ratio"
		}), "selects slo:current_burn_rate:ratio,", all},
		{"scrape job removed", withoutJob("node-exporter"), `job="node-exporter"`, all},
		{"exporter removed", withoutExporter("mysqld"), `job="mysqld-exporter"`, all},
		{"unrelated alert's threshold edited", editRules(plan, func(r *expand.Rule) bool {
			if r.Kind == model.RuleAlert && strings.Contains(r.Expr, " > ") {
				r.Expr = strings.Replace(r.Expr, " > ", " > 1 + ", 1)
				r.Threshold = new(float64(7))
				thresholds++
			}
			return true
		}), "", 0},
		{"rule groups reordered", func() *expand.Plan {
			out := *plan
			out.Groups = slices.Clone(plan.Groups)
			slices.Reverse(out.Groups)
			return &out
		}(), "", 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			vc := reopen()
			got := dashcheck.CheckCached(c.plan, tree, vc)
			cold := dashcheck.Check(c.plan, tree)
			if !slices.Equal(got, cold) {
				t.Fatalf("warm:\n%s\ncold:\n%s", strings.Join(got, "\n"), strings.Join(cold, "\n"))
			}
			joined := strings.Join(got, "\n")
			if c.want == "" && len(got) > 0 {
				t.Errorf("problems after an edit the dashboards do not read:\n%s", joined)
			}
			if c.want != "" && !strings.Contains(joined, c.want) {
				t.Errorf("problems do not name %q:\n%s", c.want, joined)
			}
			if n := vc.Misses(); n != c.misses {
				t.Errorf("%d checks ran again, want %d", n, c.misses)
			}
		})
	}
	if renamed == 0 || thresholds == 0 {
		t.Errorf("%d recording rules slo:objective:ratio renamed, %d alerts' thresholds edited; want some of each", renamed, thresholds)
	}
}

// synthEnv has one exporter with a metrics list (node), one without
// (x), and two dashboards: d with query and a link to e.
func synthEnv(query string) *model.Environment {
	return &model.Environment{
		Name: "t", Flavour: model.FlavourOperator,
		Exporters: map[string]model.Exporter{
			"node": {Job: "node", Metrics: []string{"node_"}, Targets: map[string]model.Target{"node": {Kind: model.KindService}}},
			"x":    {Job: "x", Targets: map[string]model.Target{"x": {Kind: model.KindService}}},
		},
		Dashboards: map[string]model.Dashboard{
			"d": {UID: "d", Title: "D", Links: []model.Link{{Title: "e", Dashboard: "e"}},
				Panels: []model.Panel{{Type: model.PanelStat, Title: "q", Unit: "short", Targets: []model.Query{{Expr: query}}}}},
			"e": {UID: "e", Title: "E", Panels: []model.Panel{{Type: model.PanelText, Title: "notes", Content: "x"}}},
		},
	}
}

func job(p *expand.Plan, name string) *expand.Job {
	for i := range p.Jobs {
		if p.Jobs[i].Name == name {
			return &p.Jobs[i]
		}
	}
	panic("no job " + name)
}

func ptr(s string) *string { return &s }

// TestDigestCoversEveryInput: for each plan-wide input the query checks
// read, a plan that passes warms the cache, and an edit of that input
// alone, which breaks dashboard d, is reported with the warm cache as
// without one. Leaving any input out of the digest fails its case.
// Edits of what the checks do not read run no check again.
func TestDigestCoversEveryInput(t *testing.T) {
	recordRule := func(name string) func(p *expand.Plan) {
		return func(p *expand.Plan) {
			p.Groups = append(p.Groups, expand.Group{Name: "rec", Rules: []expand.Rule{{Rule: model.Rule{Kind: model.RuleRecord, Name: name, Expr: "sum(node_load1)"}}}})
		}
	}
	rawJob := "job_name: raw\nrelabel_configs:\n- target_label: job\n  replacement: rawjob\n"
	for _, c := range []struct {
		name          string
		query         string
		setup, mutate func(p *expand.Plan)
		recheck       bool // false: the edit must not run the checks again
	}{
		{name: "recording rule renamed", query: `job:node_load:avg{job="node"}`, setup: recordRule("job:node_load:avg"),
			mutate: func(p *expand.Plan) { p.Groups[len(p.Groups)-1].Rules[0].Name = "job:node_load:max" }, recheck: true},
		{name: "recording rule made an alert", query: `job:node_load:avg{job="node"}`, setup: recordRule("job:node_load:avg"),
			mutate: func(p *expand.Plan) { p.Groups[len(p.Groups)-1].Rules[0].Kind = model.RuleAlert }, recheck: true},
		{name: "job removed", query: `node_load1{job="node"}`,
			mutate: func(p *expand.Plan) {
				p.Jobs = slices.DeleteFunc(p.Jobs, func(j expand.Job) bool { return j.Name == "node" })
			}, recheck: true},
		{name: "job renamed", query: `node_load1{job="node"}`,
			mutate: func(p *expand.Plan) { job(p, "node").Name = "node2" }, recheck: true},
		{name: "exporter's metrics list", query: `node_load1{job="node"}`,
			mutate: func(p *expand.Plan) {
				ex := p.Env.Exporters["node"]
				ex.Metrics = []string{"node_cpu_"}
				p.Env.Exporters["node"] = ex
			}, recheck: true},
		{name: "metrics list unknown, then empty", query: `anything_total{job="x"}`,
			mutate: func(p *expand.Plan) {
				ex := p.Env.Exporters["x"]
				ex.Metrics = []string{}
				p.Env.Exporters["x"] = ex
			}, recheck: true},
		{name: "job's exporter", query: `anything_total{job="x"}`,
			mutate: func(p *expand.Plan) { job(p, "x").Exporter = "node" }, recheck: true},
		{name: "honorLabels", query: `pushed{job="batch"}`,
			setup: func(p *expand.Plan) {
				p.Jobs = append(p.Jobs, expand.Job{Name: "push", Target: model.Target{HonorLabels: true}})
			},
			mutate: func(p *expand.Plan) { job(p, "push").Target.HonorLabels = false }, recheck: true},
		{name: "relabelled job value", query: `node_load1{job="renamed"}`,
			setup: func(p *expand.Plan) {
				job(p, "node").Target.Relabel = []model.Relabel{{TargetLabel: "job", Replacement: ptr("renamed")}}
			},
			mutate: func(p *expand.Plan) { job(p, "node").Target.Relabel[0].Replacement = ptr("other") }, recheck: true},
		{name: "relabelled from a target's labels", query: `node_load1{job="any"}`,
			setup: func(p *expand.Plan) {
				job(p, "node").Target.Relabel = []model.Relabel{{TargetLabel: "job", Replacement: ptr("$1")}}
			},
			mutate: func(p *expand.Plan) { job(p, "node").Target.Relabel[0].Replacement = ptr("renamed") }, recheck: true},
		{name: "relabel action", query: `node_load1{job="renamed"}`,
			setup: func(p *expand.Plan) {
				job(p, "node").Target.Relabel = []model.Relabel{{TargetLabel: "job", Replacement: ptr("renamed")}}
			},
			mutate: func(p *expand.Plan) { job(p, "node").Target.Relabel[0].Action = "labeldrop" }, recheck: true},
		{name: "relabel target label", query: `node_load1{job="renamed"}`,
			setup: func(p *expand.Plan) {
				job(p, "node").Target.Relabel = []model.Relabel{{TargetLabel: "job", Replacement: ptr("renamed")}}
			},
			mutate: func(p *expand.Plan) { job(p, "node").Target.Relabel[0].TargetLabel = "service" }, recheck: true},
		{name: "raw scrape config removed", query: `anything{job="raw"}`,
			setup:  func(p *expand.Plan) { p.Env.RawScrapeConfigs = map[string]string{"raw": rawJob} },
			mutate: func(p *expand.Plan) { p.Env.RawScrapeConfigs = map[string]string{"raw2": rawJob} }, recheck: true},
		{name: "raw scrape config's relabelling", query: `anything{job="rawjob"}`,
			setup:  func(p *expand.Plan) { p.Env.RawScrapeConfigs = map[string]string{"raw": rawJob} },
			mutate: func(p *expand.Plan) { p.Env.RawScrapeConfigs["raw"] = strings.Replace(rawJob, "rawjob", "other", 1) }, recheck: true},
		{name: "federation match", query: `fed_metric{job="elsewhere"}`,
			setup: func(p *expand.Plan) {
				p.Federation = []expand.FederationJob{{Name: "fed", Federation: model.Federation{Match: []string{`{__name__=~"fed_.*"}`}}}}
			},
			mutate: func(p *expand.Plan) { p.Federation[0].Federation.Match = []string{`{__name__=~"other_.*"}`} }, recheck: true},
		{name: "federation job renamed", query: `anything{job="fed"}`,
			setup: func(p *expand.Plan) {
				p.Federation = []expand.FederationJob{{Name: "fed", Federation: model.Federation{Match: []string{`{__name__=~"fed_.*"}`}}}}
			},
			mutate: func(p *expand.Plan) { p.Federation[0].Name = "fed2" }, recheck: true},
		{name: "linked dashboard's uid", query: `node_load1`,
			mutate: func(p *expand.Plan) { p.Dashboards[1].UID = "f" }, recheck: true},

		{name: "rule expression and threshold", query: `job:node_load:avg{job="node"}`, setup: recordRule("job:node_load:avg"),
			mutate: func(p *expand.Plan) {
				p.Groups = append(p.Groups, expand.Group{Name: "alerts", Rules: []expand.Rule{{Rule: model.Rule{Kind: model.RuleAlert, Name: "High", Expr: "node_load1 > 6"}}}})
				p.Groups[len(p.Groups)-2].Rules[0].Expr = "avg(node_load1)"
			}},
		{name: "scrape interval", query: `node_load1{job="node"}`,
			mutate: func(p *expand.Plan) { job(p, "node").Target.Interval = "10s"; p.Env.Prometheus.ScrapeInterval = "15s" }},
		{name: "raw scrape config's interval", query: `anything{job="rawjob"}`,
			setup:  func(p *expand.Plan) { p.Env.RawScrapeConfigs = map[string]string{"raw": rawJob} },
			mutate: func(p *expand.Plan) { p.Env.RawScrapeConfigs["raw"] = "scrape_interval: 10s\n" + rawJob }},
		{name: "metric types", query: `node_load1{job="node"}`,
			mutate: func(p *expand.Plan) {
				ex := p.Env.Exporters["node"]
				ex.MetricTypes = map[string]string{"node_load1": model.MetricGauge}
				p.Env.Exporters["node"] = ex
				p.Env.Vet.MetricTypes = map[string]string{"x_total": model.MetricCounter}
			}},
		{name: "positions", query: `node_load1{job="node"}`,
			mutate: func(p *expand.Plan) { p.Dashboards[0].Origin = "elsewhere.cue:1:1"; p.Dashboards[0].Source = "moved" }},
	} {
		t.Run(c.name, func(t *testing.T) {
			build := func(mutated bool) *expand.Plan {
				p, err := expand.Expand(synthEnv(c.query))
				if err != nil {
					t.Fatal(err)
				}
				if c.setup != nil {
					c.setup(p)
				}
				if mutated {
					c.mutate(p)
				}
				return p
			}
			base, edited := build(false), build(true)
			if problems := dashcheck.Check(base, nil); len(problems) > 0 {
				t.Fatalf("the plan before the edit has problems:\n%s", strings.Join(problems, "\n"))
			}
			vc := warmed(t, base, nil)()
			got, cold := dashcheck.CheckCached(edited, nil, vc), dashcheck.Check(edited, nil)
			if !slices.Equal(got, cold) {
				t.Fatalf("warm:\n%s\ncold:\n%s", strings.Join(got, "\n"), strings.Join(cold, "\n"))
			}
			if c.recheck && !slices.ContainsFunc(cold, func(s string) bool { return strings.Contains(s, "dashboard d (") }) {
				t.Fatalf("the edit does not break dashboard d, so it proves nothing:\n%s", strings.Join(cold, "\n"))
			}
			if !c.recheck {
				if len(cold) > 0 {
					t.Fatalf("the edit breaks a dashboard:\n%s", strings.Join(cold, "\n"))
				}
				if n := vc.Misses(); n != 0 {
					t.Errorf("an edit the checks do not read ran %d checks again, want 0", n)
				}
			}
		})
	}
}
