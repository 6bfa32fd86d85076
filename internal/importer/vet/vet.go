package importer

import (
	"sort"

	"go.yaml.in/yaml/v3"

	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/finding"
	"github.com/mongen-dev/mongen/internal/lint"
	"github.com/mongen-dev/mongen/internal/model"
)

// VetOptions tune `mongen vet FILE...`.
type VetOptions struct {
	Tiering Tiering
	// ScrapeInterval is the global scrape interval when no prometheus.yml
	// is given (mongen's default, 30s, when empty).
	ScrapeInterval string
}

// Vet runs mongen's lint checks on the rules read from YAML, and the
// routing proofs on each alertmanager.yml against those rules. Findings
// carry the YAML file, line and column.
//
// An alert's tier comes from its severity label through opt.Tiering, so
// the tier policy's checks (annotations, `for` bounds) apply to it. The
// promql/selector check needs to know every job, so it runs only when a
// prometheus.yml is given.
func Vet(in *Input, opt VetOptions) (lint.Result, error) {
	if opt.Tiering == nil {
		opt.Tiering = DefaultTiering()
	}
	plan := in.Plan(opt.Tiering)
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
func (in *Input) Plan(t Tiering) *expand.Plan {
	env := &model.Environment{Prometheus: model.Prometheus{ScrapeInterval: "30s", EvaluationInterval: "30s"}}
	plan := &expand.Plan{Env: env}
	for _, g := range in.Groups {
		eg := expand.Group{Name: g.Name, Origin: g.Pos}
		for _, r := range g.Rules {
			eg.Rules = append(eg.Rules, r.planRule(t))
		}
		plan.Groups = append(plan.Groups, eg)
	}
	for _, f := range in.Prometheus {
		readJobs(f.doc, plan)
	}
	sort.SliceStable(plan.Jobs, func(i, j int) bool { return plan.Jobs[i].Name < plan.Jobs[j].Name })
	return plan
}

func (r Rule) planRule(t Tiering) expand.Rule {
	kind := model.RuleAlert
	if r.Kind == Record {
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
		if want := Severity(out.Tier); want != "" && sev != want {
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
func readJobs(d doc, plan *expand.Plan) {
	root := resolveAlias(d.root)
	if g := get(root, "global"); g != nil {
		if v, _ := d.scalar(get(g, "scrape_interval"), "scrape_interval"); v != "" {
			plan.Env.Prometheus.ScrapeInterval = v
		}
		if v, _ := d.scalar(get(g, "evaluation_interval"), "evaluation_interval"); v != "" {
			plan.Env.Prometheus.EvaluationInterval = v
		}
	}
	sc := resolveAlias(get(root, "scrape_configs"))
	if sc == nil || sc.Kind != yaml.SequenceNode {
		return
	}
	for _, j := range sc.Content {
		name, _ := d.scalar(get(j, "job_name"), "job_name")
		if name == "" {
			continue
		}
		interval, _ := d.scalar(get(j, "scrape_interval"), "scrape_interval")
		path, _ := d.scalar(get(j, "metrics_path"), "metrics_path")
		honor, _ := d.scalar(get(j, "honor_labels"), "honor_labels")
		if path == "/federate" {
			fed := model.Federation{Interval: interval}
			if m := resolveAlias(get(get(j, "params"), "match[]")); m != nil && m.Kind == yaml.SequenceNode {
				for _, s := range m.Content {
					fed.Match = append(fed.Match, s.Value)
				}
			}
			plan.Federation = append(plan.Federation, expand.FederationJob{Name: name, Federation: fed, Origin: d.pos(j)})
			continue
		}
		plan.Jobs = append(plan.Jobs, expand.Job{Name: name, Origin: d.pos(j),
			Target: model.Target{Interval: interval, HonorLabels: honor == "true"}})
	}
}
