// Package vet runs mongen's lint checks and Alertmanager proofs on the
// YAML read read (`mongen vet FILE...`): the rule files become a plan
// the lint checks take, each alertmanager.yml is proven against the
// alerts of the rule files given in the same run, and findings carry the
// YAML file, line and column.
package vet

import (
	"sort"

	"go.yaml.in/yaml/v3"

	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/finding"
	"github.com/mongen-dev/mongen/internal/importer/read"
	"github.com/mongen-dev/mongen/internal/importer/tiers"
	"github.com/mongen-dev/mongen/internal/lint"
	"github.com/mongen-dev/mongen/internal/model"
)

// Options tune `mongen vet FILE...`.
type Options struct {
	Tiering tiers.Map
	// ScrapeInterval is the global scrape interval when no prometheus.yml
	// is given (mongen's default, 30s, when empty).
	ScrapeInterval string
}

// Run runs mongen's lint checks on the rules read from YAML, and the
// routing proofs on each alertmanager.yml against those rules. Findings
// carry the YAML file, line and column.
//
// An alert's tier comes from its severity label through opt.Tiering, so
// the tier policy's checks (annotations, `for` bounds) apply to it. The
// promql/selector check needs to know every job, so it runs only when a
// prometheus.yml is given.
func Run(in *read.Input, opt Options) (lint.Result, error) {
	if opt.Tiering == nil {
		opt.Tiering = tiers.Default()
	}
	plan := Plan(in, opt.Tiering)
	if opt.ScrapeInterval != "" {
		plan.Env.Prometheus.ScrapeInterval = opt.ScrapeInterval
	}
	var external []finding.Finding
	for _, f := range in.Alertmanager {
		fs, err := proveAlertmanager(f, plan, in)
		if err != nil {
			return lint.Result{}, err
		}
		external = append(external, fs...)
	}
	cfg := lint.Config{Policy: lint.DefaultPolicy(), External: external}
	if len(in.Prometheus) == 0 {
		for _, c := range lint.Checks() {
			if c.ID != "promql/selector" && c.ID != lint.VetConfigCheck {
				cfg.Only = append(cfg.Only, c.ID)
			}
		}
	}
	res := lint.Vet(plan, cfg)
	finding.Sort(res.Findings)
	return res, nil
}

// Plan is the input as mongen's lint checks see it: rule groups (with
// tiers from severities) and the jobs of any prometheus.yml.
func Plan(in *read.Input, t tiers.Map) *expand.Plan {
	env := &model.Environment{Prometheus: model.Prometheus{ScrapeInterval: "30s", EvaluationInterval: "30s"}}
	plan := &expand.Plan{Env: env}
	for _, g := range in.Groups {
		eg := expand.Group{Name: g.Name, Origin: g.Pos}
		for _, r := range g.Rules {
			eg.Rules = append(eg.Rules, planRule(r, t))
		}
		plan.Groups = append(plan.Groups, eg)
	}
	for _, f := range in.Prometheus {
		readJobs(f.Doc, plan)
	}
	sort.SliceStable(plan.Jobs, func(i, j int) bool { return plan.Jobs[i].Name < plan.Jobs[j].Name })
	return plan
}

func planRule(r read.Rule, t tiers.Map) expand.Rule {
	kind := model.RuleAlert
	if r.Kind == read.Record {
		kind = model.RuleRecord
	}
	out := expand.Rule{
		Rule: model.Rule{
			Kind: kind, Name: r.Name, Expr: r.Expr, For: r.For, KeepFiringFor: r.KeepFiringFor,
			Labels: r.Labels, Annotations: r.Annotations, Enabled: true,
		},
		Key: r.Name, Origin: r.Pos, ExprOrigin: r.ExprPos,
		LabelOrigins: r.LabelPos, AnnotationOrigins: r.AnnotationPos,
	}
	if out.Labels == nil {
		out.Labels = map[string]string{}
	}
	if kind == model.RuleAlert {
		sev, has := r.Labels["severity"]
		out.Tier, _ = t.TierOf(sev, has)
		if want := tiers.Severity(out.Tier); want != "" && sev != want {
			// --severity-map said what this severity means: the import
			// gives it the tier's severity, so vet checks it that way.
			labels := map[string]string{}
			for k, v := range out.Labels {
				labels[k] = v
			}
			labels["severity"] = want
			out.Labels = labels
		}
	}
	return out
}

// readJobs adds a prometheus.yml's scrape jobs to plan: their names and
// intervals, and federation jobs' match[] selectors.
func readJobs(d read.Doc, plan *expand.Plan) {
	root := read.ResolveAlias(d.Root)
	if g := read.Get(root, "global"); g != nil {
		if v, _ := d.Scalar(read.Get(g, "scrape_interval"), "scrape_interval"); v != "" {
			plan.Env.Prometheus.ScrapeInterval = v
		}
		if v, _ := d.Scalar(read.Get(g, "evaluation_interval"), "evaluation_interval"); v != "" {
			plan.Env.Prometheus.EvaluationInterval = v
		}
	}
	sc := read.ResolveAlias(read.Get(root, "scrape_configs"))
	if sc == nil || sc.Kind != yaml.SequenceNode {
		return
	}
	for _, j := range sc.Content {
		name, _ := d.Scalar(read.Get(j, "job_name"), "job_name")
		if name == "" {
			continue
		}
		interval, _ := d.Scalar(read.Get(j, "scrape_interval"), "scrape_interval")
		path, _ := d.Scalar(read.Get(j, "metrics_path"), "metrics_path")
		honor, _ := d.Scalar(read.Get(j, "honor_labels"), "honor_labels")
		if path == "/federate" {
			fed := model.Federation{Interval: interval}
			if m := read.ResolveAlias(read.Get(read.Get(j, "params"), "match[]")); m != nil && m.Kind == yaml.SequenceNode {
				for _, s := range m.Content {
					fed.Match = append(fed.Match, s.Value)
				}
			}
			plan.Federation = append(plan.Federation, expand.FederationJob{Name: name, Federation: fed, Origin: d.Pos(j)})
			continue
		}
		plan.Jobs = append(plan.Jobs, expand.Job{Name: name, Origin: d.Pos(j),
			Target: model.Target{Interval: interval, HonorLabels: honor == "true", Relabel: jobRelabels(d, j)}})
	}
}

// jobRelabels are a scrape config's relabel_configs that write the job
// label (target_label: job): promql/selector then knows the job values
// they give.
func jobRelabels(d read.Doc, j *yaml.Node) []model.Relabel {
	rcs := read.ResolveAlias(read.Get(j, "relabel_configs"))
	if rcs == nil || rcs.Kind != yaml.SequenceNode {
		return nil
	}
	var out []model.Relabel
	for _, rc := range rcs.Content {
		target, _ := d.Scalar(read.Get(rc, "target_label"), "target_label")
		if target != "job" {
			continue
		}
		action, _ := d.Scalar(read.Get(rc, "action"), "action")
		r := model.Relabel{Action: action, TargetLabel: target}
		if n := read.Get(rc, "replacement"); n != nil {
			v, _ := d.Scalar(n, "replacement")
			r.Replacement = &v
		}
		out = append(out, r)
	}
	return out
}
