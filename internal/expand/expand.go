// Package expand turns a decoded environment into a plan: the flat, sorted
// list of jobs, rule groups and supporting objects that renderers emit. It
// holds the semantics that do not belong in CUE (merging exporters with the
// environment's own targets, ownership defaults, secret mounts) and reports
// conflicts with the CUE positions of both sides.
package expand

import (
	"fmt"
	"github.com/mongen-dev/mongen/internal/diag"
	"maps"
	"slices"
	"sort"

	"github.com/mongen-dev/mongen/internal/model"
)

// SecretsDir is where Prometheus finds mounted Secrets: the operator mounts
// spec.secrets there, and plain deployments are documented to do the same.
const SecretsDir = "/etc/prometheus/secrets"

// Plan is everything one environment renders.
type Plan struct {
	Env *model.Environment
	// Jobs are all scrape jobs, sorted by name.
	Jobs []Job
	// Federation jobs, sorted by name.
	Federation []FederationJob
	// Groups are the enabled rule groups, sorted by name.
	Groups []Group
	// Secrets are the Secret names Prometheus must mount, sorted.
	Secrets []string
	// Alerting is the routing plan; nil when the environment has none.
	Alerting *AlertingPlan
	// Dashboards are every Grafana dashboard, sorted by uid (dashboards.go).
	Dashboards []Dashboard
}

// Job is one scrape job and where it came from.
type Job struct {
	Name     string
	Target   model.Target
	Exporter string // library exporter key, empty for the environment's own
	Origin   string // CUE position
}

// FederationJob scrapes another Prometheus.
type FederationJob struct {
	Name       string
	Federation model.Federation
	Origin     string
}

// Group is one rule group.
type Group struct {
	Name     string
	Exporter string
	Origin   string
	// Rules are in evaluation order (order.go).
	Rules []Rule
	// Interval, Limit and QueryOffset are the group's settings
	// (env.ruleGroups); empty and 0 leave them to Prometheus.
	Interval    string
	Limit       int
	QueryOffset string
}

// Rule is one enabled rule with its resolved owner.
type Rule struct {
	model.Rule
	Key    string // the key in its group
	Origin string // CUE position of the rule
	// ExprOrigin points at the expression, for query errors.
	ExprOrigin string
	// AnnotationOrigins and LabelOrigins point at each template, by key.
	AnnotationOrigins map[string]string
	LabelOrigins      map[string]string
	// TestOrigins point at each of Rule.Tests, by index.
	TestOrigins []TestOrigin
	// SLO is the id of the SLO the rule is generated from, "" for others.
	SLO string
}

// Expand builds the plan. It never mutates env.
func Expand(env *model.Environment) (*Plan, error) {
	p := &Plan{Env: env}
	var problems diag.List
	jobOrigin := map[string]string{}
	addJob := func(j Job) {
		where := j.Origin
		if j.Exporter != "" {
			// Name where the user brought the exporter in, not only the
			// library file they never wrote.
			where = fmt.Sprintf("%s (exporter %q, from %s)", env.Source("exporters", j.Exporter), j.Exporter, j.Origin)
		}
		if prev, dup := jobOrigin[j.Name]; dup {
			problems.Add(diag.Origin(prev), "duplicate job name %q, also defined at %s: every job needs its own name, because rules select it by job=%q", j.Name, where, j.Name)
			return
		}
		jobOrigin[j.Name] = where
		p.Jobs = append(p.Jobs, j)
	}
	groupOrigin := map[string]string{}
	defined := map[string]bool{}
	addGroup := func(g Group) {
		defined[g.Name] = true
		if len(g.Rules) == 0 {
			return
		}
		if prev, dup := groupOrigin[g.Name]; dup {
			problems.Add(diag.Origin(g.Origin), "duplicate rule group %q (also defined at %s): rename one group", g.Name, prev)
			return
		}
		groupOrigin[g.Name] = g.Origin
		p.Groups = append(p.Groups, g)
	}

	for _, name := range sortedKeys(env.Targets) {
		addJob(Job{Name: name, Target: env.Targets[name], Origin: env.Source("targets", name)})
	}
	for _, ex := range sortedKeys(env.Exporters) {
		e := env.Exporters[ex]
		for _, name := range sortedKeys(e.Targets) {
			t := e.Targets[name]
			if t.Team == "" {
				t.Team = e.Team
			}
			addJob(Job{Name: name, Target: t, Exporter: ex, Origin: env.Source("exporters", ex, "targets", name)})
		}
		for _, gname := range sortedKeys(e.Rules) {
			g, cycle := group(env, gname, e.Rules[gname], e.Team, ex, "exporters", ex, "rules", gname)
			problems = append(problems, cycle...)
			addGroup(g)
		}
	}
	for _, name := range sortedKeys(env.Federation) {
		origin := env.Source("federation", name)
		if prev, dup := jobOrigin[name]; dup {
			problems.Add(diag.Origin(origin), "federation job %q has the name of a scrape job defined at %s", name, prev)
			continue
		}
		jobOrigin[name] = origin
		p.Federation = append(p.Federation, FederationJob{Name: name, Federation: env.Federation[name], Origin: origin})
	}
	for _, gname := range sortedKeys(env.Rules) {
		g, cycle := group(env, gname, env.Rules[gname], "", "", "rules", gname)
		problems = append(problems, cycle...)
		addGroup(g)
	}
	sloGs, sloProblems := sloGroups(env)
	problems = append(problems, sloProblems...)
	for _, g := range sloGs {
		addGroup(g)
	}
	sort.Slice(p.Jobs, func(i, j int) bool { return p.Jobs[i].Name < p.Jobs[j].Name })
	sort.Slice(p.Groups, func(i, j int) bool { return p.Groups[i].Name < p.Groups[j].Name })
	problems = append(problems, groupSettings(env, p.Groups, defined)...)
	p.Secrets = secrets(p)
	var dashProblems diag.List
	p.Dashboards, dashProblems = dashboards(env, p.Jobs)
	problems = append(problems, dashProblems...)
	if env.Alerting != nil {
		applyDefaultFor(env.Alerting, p.Groups)
		problems = append(problems, expandAlerting(env, p)...)
		addSLOInhibit(p)
	}
	if len(problems) > 0 {
		return nil, problems.Err()
	}
	return p, nil
}

// group builds one rule group, its rules in evaluation order (order.go);
// the problems are dependency cycles.
func group(env *model.Environment, name string, g model.RuleGroup, team, exporter string, path ...string) (Group, diag.List) {
	out := Group{Name: name, Exporter: exporter, Origin: env.Source(path...)}
	for _, key := range sortedKeys(g) {
		r := g[key]
		if !r.Enabled {
			continue
		}
		if r.Kind == model.RuleAlert && r.Team == "" {
			r.Team = team
		}
		rp := append(append([]string{}, path...), key)
		rule := Rule{
			Rule:              r,
			Key:               key,
			Origin:            env.Source(rp...),
			ExprOrigin:        env.Source(append(rp, "expr")...),
			AnnotationOrigins: map[string]string{},
			LabelOrigins:      map[string]string{},
			TestOrigins:       testOrigins(env, rp, r.Tests),
		}
		for k := range r.Annotations {
			rule.AnnotationOrigins[k] = env.Source(append(rp, "annotations", k)...)
		}
		for k := range r.Labels {
			rule.LabelOrigins[k] = env.Source(append(rp, "labels", k)...)
		}
		out.Rules = append(out.Rules, rule)
	}
	var cycle diag.List
	out.Rules, cycle = orderRules(name, out.Rules)
	return out, cycle
}

func secrets(p *Plan) []string {
	set := map[string]bool{}
	addTLS := func(t *model.TLS) {
		if t != nil && t.Secret != "" {
			set[t.Secret] = true
		}
	}
	addBasic := func(b *model.BasicAuth) {
		if b != nil {
			set[b.Username.Secret] = true
			set[b.Password.Secret] = true
		}
	}
	addRef := func(r *model.SecretRef) {
		if r != nil {
			set[r.Secret] = true
		}
	}
	for _, j := range p.Jobs {
		addTLS(j.Target.TLS)
		addBasic(j.Target.BasicAuth)
		addRef(j.Target.BearerToken)
	}
	for _, f := range p.Federation {
		addTLS(f.Federation.TLS)
		addBasic(f.Federation.BasicAuth)
	}
	for _, rw := range p.Env.RemoteWrite {
		addTLS(rw.TLS)
		addBasic(rw.BasicAuth)
		addRef(rw.BearerToken)
	}
	return sortedKeys(set)
}

// SecretPath is where a mounted Secret key is read from inside Prometheus.
func SecretPath(secret, key string) string {
	return SecretsDir + "/" + secret + "/" + key
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
