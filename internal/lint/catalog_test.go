package lint

import (
	"bytes"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/model"
)

// catalogPlan has one job, node-exporter, whose exporter lists node_
// metrics; cases add what they edit.
func catalogPlan() *expand.Plan {
	return &expand.Plan{
		Env: &model.Environment{
			Prometheus: model.Prometheus{ScrapeInterval: "30s", EvaluationInterval: "30s"},
			Exporters: map[string]model.Exporter{
				"node": {Job: "node-exporter", Metrics: []string{"node_"}},
			},
		},
		Jobs: []expand.Job{{Name: "node-exporter", Exporter: "node", Origin: "env.cue:1:1"}},
	}
}

func planJob(p *expand.Plan, name string) *expand.Job {
	for i := range p.Jobs {
		if p.Jobs[i].Name == name {
			return &p.Jobs[i]
		}
	}
	panic("no job " + name)
}

func strPtr(s string) *string { return &s }

// TestCatalogDigestFollowsThePlan breaks the catalog through each input
// of the plan it reads: the edit changes the answer for a selector, and
// the digest. Edits of what it does not read (intervals, metric types,
// alerts, positions) leave the digest alone, so they cost no dashboard
// a check.
func TestCatalogDigestFollowsThePlan(t *testing.T) {
	record := func(name string) func(p *expand.Plan) {
		return func(p *expand.Plan) {
			p.Groups = append(p.Groups, expand.Group{Name: "rec", Rules: []expand.Rule{{Rule: model.Rule{Kind: model.RuleRecord, Name: name, Expr: "sum(node_load1)"}}}})
		}
	}
	lastRule := func(p *expand.Plan) *expand.Rule { return &p.Groups[len(p.Groups)-1].Rules[0] }
	relabel := func(p *expand.Plan) {
		planJob(p, "node-exporter").Target.Relabel = []model.Relabel{{TargetLabel: "job", Replacement: strPtr("renamed")}}
	}
	withExporter := func(name string, metrics []string) func(p *expand.Plan) {
		return func(p *expand.Plan) {
			p.Env.Exporters[name] = model.Exporter{Job: name, Metrics: metrics}
			p.Jobs = append(p.Jobs, expand.Job{Name: name, Exporter: name})
		}
	}
	const rawText = "job_name: raw\nrelabel_configs:\n- target_label: job\n  replacement: rawjob\n"
	raw := func(p *expand.Plan) { p.Env.RawScrapeConfigs = map[string]string{"raw": rawText} }
	fed := func(p *expand.Plan) {
		p.Federation = []expand.FederationJob{{Name: "fed", Federation: model.Federation{Match: []string{`{__name__=~"fed_.*"}`}, Interval: "1m"}}}
	}
	for _, c := range []struct {
		name          string
		selector      string // whose answer the edit changes; "" when it must not change the digest
		setup, mutate func(p *expand.Plan)
	}{
		{"recording rule renamed", `job:rec:sum{job="node-exporter"}`, record("job:rec:sum"),
			func(p *expand.Plan) { lastRule(p).Name = "job:rec:max" }},
		{"recording rule made an alert", `job:rec:sum{job="node-exporter"}`, record("job:rec:sum"),
			func(p *expand.Plan) { lastRule(p).Kind = model.RuleAlert }},
		{"job renamed", `node_load1{job="node-exporter"}`, nil,
			func(p *expand.Plan) { planJob(p, "node-exporter").Name = "node2" }},
		{"job removed", `node_load1{job="node-exporter"}`, nil,
			func(p *expand.Plan) { p.Jobs = nil }},
		{"job's exporter", `node_load1{job="node-exporter"}`, withExporter("other", []string{"other_"}),
			func(p *expand.Plan) { planJob(p, "node-exporter").Exporter = "other" }},
		{"exporter's metrics list", `node_load1{job="node-exporter"}`, nil,
			func(p *expand.Plan) {
				p.Env.Exporters["node"] = model.Exporter{Job: "node-exporter", Metrics: []string{"node_cpu_"}}
			}},
		{"metrics list unknown, then empty", `anything{job="x"}`, withExporter("x", nil),
			func(p *expand.Plan) { p.Env.Exporters["x"] = model.Exporter{Job: "x", Metrics: []string{}} }},
		{"honorLabels", `pushed{job="batch"}`,
			func(p *expand.Plan) {
				p.Jobs = append(p.Jobs, expand.Job{Name: "push", Target: model.Target{HonorLabels: true}})
			},
			func(p *expand.Plan) { planJob(p, "push").Target.HonorLabels = false }},
		{"relabelled job value", `node_load1{job="renamed"}`, relabel,
			func(p *expand.Plan) { planJob(p, "node-exporter").Target.Relabel[0].Replacement = strPtr("other") }},
		{"relabelled from a target's labels", `node_load1{job="any"}`, relabel,
			func(p *expand.Plan) { planJob(p, "node-exporter").Target.Relabel[0].Replacement = strPtr("$1") }},
		{"relabel action", `node_load1{job="renamed"}`, relabel,
			func(p *expand.Plan) { planJob(p, "node-exporter").Target.Relabel[0].Action = "labeldrop" }},
		{"relabel target label", `node_load1{job="renamed"}`, relabel,
			func(p *expand.Plan) { planJob(p, "node-exporter").Target.Relabel[0].TargetLabel = "service" }},
		{"raw scrape config renamed", `anything{job="raw"}`, raw,
			func(p *expand.Plan) { p.Env.RawScrapeConfigs = map[string]string{"raw2": rawText} }},
		{"raw scrape config's relabelling", `anything{job="rawjob"}`, raw,
			func(p *expand.Plan) {
				p.Env.RawScrapeConfigs["raw"] = rawText[:len(rawText)-len("rawjob\n")] + "other\n"
			}},
		{"federation match", `fed_metric{job="node-exporter"}`, fed,
			func(p *expand.Plan) { p.Federation[0].Federation.Match = []string{`{__name__=~"other_.*"}`} }},
		{"federation matcher's type", `fed_metric{job="node-exporter"}`, fed,
			func(p *expand.Plan) { p.Federation[0].Federation.Match = []string{`{__name__!~"fed_.*"}`} }},
		{"federation matcher's label", `other_metric{job="node-exporter"}`, fed,
			func(p *expand.Plan) { p.Federation[0].Federation.Match = []string{`{job=~"fed_.*"}`} }},
		{"federation job renamed", `anything{job="fed"}`, fed,
			func(p *expand.Plan) { p.Federation[0].Name = "fed2" }},

		{"intervals", "", fed, func(p *expand.Plan) {
			p.Env.Prometheus.ScrapeInterval, p.Env.Prometheus.EvaluationInterval = "15s", "15s"
			planJob(p, "node-exporter").Target.Interval = "10s"
			p.Federation[0].Federation.Interval = "5m"
		}},
		{"raw scrape config's interval", "", raw,
			func(p *expand.Plan) { p.Env.RawScrapeConfigs["raw"] = "scrape_interval: 10s\n" + rawText }},
		{"metric types", "", nil, func(p *expand.Plan) {
			p.Env.Exporters["node"] = model.Exporter{Job: "node-exporter", Metrics: []string{"node_"}, MetricTypes: map[string]string{"node_load1": model.MetricGauge}}
			p.Env.Vet.MetricTypes = map[string]string{"x_total": model.MetricCounter}
		}},
		{"alerts and recording rules' expressions", "", record("job:rec:sum"), func(p *expand.Plan) {
			lastRule(p).Expr = "avg(node_load1)"
			p.Groups = append(p.Groups, expand.Group{Name: "alerts", Rules: []expand.Rule{{Rule: model.Rule{Kind: model.RuleAlert, Name: "High", Expr: "node_load1 > 4"}}}})
		}},
		{"positions", "", nil, func(p *expand.Plan) { planJob(p, "node-exporter").Origin = "elsewhere.cue:9:9" }},
	} {
		t.Run(c.name, func(t *testing.T) {
			build := func(mutated bool) *Catalog {
				p := catalogPlan()
				if c.setup != nil {
					c.setup(p)
				}
				if mutated {
					c.mutate(p)
				}
				return NewCatalog(p)
			}
			base, edited := build(false), build(true)
			if !bytes.Equal(base.Digest(), build(false).Digest()) {
				t.Fatal("the same plan has two digests")
			}
			changed := !bytes.Equal(base.Digest(), edited.Digest())
			if c.selector == "" {
				if changed {
					t.Error("an edit the catalog does not read changed its digest")
				}
				return
			}
			vs, err := parser.NewParser(parser.Options{}).ParseExpr(c.selector)
			if err != nil {
				t.Fatal(err)
			}
			before, after := base.SelectorProblem(vs.(*parser.VectorSelector)), edited.SelectorProblem(vs.(*parser.VectorSelector))
			if before == after {
				t.Fatalf("the edit leaves the answer for %s as it was (%q), so it proves nothing", c.selector, before)
			}
			if !changed {
				t.Errorf("the edit changes the answer for %s (%q, then %q), not the digest", c.selector, before, after)
			}
		})
	}
}

// catalogUnread are the fields of pass and job that no Catalog method
// reads (selectorProblem, and the pass's digest for the per-rule checks
// adds what they read besides), so writeCatalog leaves them out.
var catalogUnread = map[string]string{
	"pass.plan":         "the catalog's answers come from the index, not the plan",
	"pass.cfg":          "configuration of the per-rule checks",
	"pass.rules":        "a Catalog indexes no rules (withRules false)",
	"pass.todo":         "per-rule checks only",
	"pass.parse":        "a parser, no data",
	"pass.types":        "metric types: promql/counter",
	"pass.scrape":       "intervals: promql/rate-range",
	"pass.eval":         "intervals: promql/rate-range",
	"pass.out":          "findings of the checks",
	"pass.info":         "the checks' descriptions",
	"pass.templates":    "a cache of the template checks",
	"pass.nearSeverity": "a cache of rule/tier",
	"pass.known":        "the SLO check's metric names, from the rules",
	"pass.knownDone":    "the SLO check's metric names, from the rules",
	"job.interval":      "intervals: promql/rate-range",
}

// TestCatalogDigestCoversWhatItReads: every field of pass and of job
// either changes the catalog's digest when set, or is listed in
// catalogUnread. A field added to either fails here until it is written
// by writeCatalog or said to be read by no Catalog method, so the
// dashboard verdicts keyed by the digest cannot miss it.
func TestCatalogDigestCoversWhatItReads(t *testing.T) {
	digest := func(p *pass) []byte { return (&Catalog{p: p}).Digest() }
	empty := digest(&pass{jobs: []job{{}}})
	seen := map[string]bool{}
	for _, at := range []struct {
		name string
		get  func(p *pass) reflect.Value
	}{
		{"pass", func(p *pass) reflect.Value { return reflect.ValueOf(p).Elem() }},
		{"job", func(p *pass) reflect.Value { return reflect.ValueOf(&p.jobs[0]).Elem() }},
	} {
		typ := at.get(&pass{jobs: []job{{}}}).Type()
		for i := range typ.NumField() {
			name := at.name + "." + typ.Field(i).Name
			seen[name] = true
			p := &pass{jobs: []job{{}}}
			f := at.get(p).Field(i)
			setAny(t, name, reflect.NewAt(f.Type(), f.Addr().UnsafePointer()).Elem())
			changed := !bytes.Equal(digest(p), empty)
			_, unread := catalogUnread[name]
			if changed == unread {
				t.Errorf("%s: the digest changed %v, but it is listed as unread %v", name, changed, unread)
			}
		}
	}
	for name := range catalogUnread {
		if !seen[name] {
			t.Errorf("catalogUnread lists %s, which does not exist", name)
		}
	}
}

// setAny sets v, of any type pass or job has, to a value that is not its
// zero value.
func setAny(t *testing.T, name string, v reflect.Value) {
	t.Helper()
	switch x := v.Addr().Interface().(type) {
	case *[]job:
		*x = append(*x, job{name: "another"})
	case *[][]*labels.Matcher:
		*x = [][]*labels.Matcher{{labels.MustNewMatcher(labels.MatchEqual, "__name__", "up")}}
	case *time.Duration:
		*x = time.Second
	case *Config:
		x.Only = []string{"x"}
	case *parser.Parser:
		*x = parser.NewParser(parser.Options{})
	case *map[string]parsedTemplate:
		*x = map[string]parsedTemplate{"x": {}}
	case *[]*rule:
		*x = []*rule{{}}
	default:
		switch v.Kind() {
		case reflect.String:
			v.SetString("x")
		case reflect.Bool:
			v.SetBool(true)
		case reflect.Pointer:
			v.Set(reflect.New(v.Type().Elem()))
		case reflect.Slice:
			v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		case reflect.Map:
			m := reflect.MakeMap(v.Type())
			m.SetMapIndex(reflect.ValueOf("x"), reflect.New(v.Type().Elem()).Elem())
			v.Set(m)
		default:
			t.Fatalf("%s: no test value for a %s", name, v.Type())
		}
	}
	if v.IsZero() {
		t.Fatalf("%s: the test value is the zero value", name)
	}
}

// TestCatalogDigestIsTheRuleDigestsPart: the per-rule checks' digest is
// written from the same catalog, so an edit the catalog reads is in both.
func TestCatalogDigestIsTheRuleDigestsPart(t *testing.T) {
	base := catalogPlan()
	edited := catalogPlan()
	edited.Env.Exporters["node"] = model.Exporter{Job: "node-exporter", Metrics: []string{"node_cpu_"}}
	ruleDigest := func(p *expand.Plan) []byte { return indexPlan(p, Config{}, false).digest(slices.Clone(checks)) }
	if bytes.Equal(ruleDigest(base), ruleDigest(edited)) {
		t.Error("an edit of the catalog leaves the per-rule digest as it was")
	}
}
