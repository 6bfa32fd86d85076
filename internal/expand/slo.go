package expand

import (
	"fmt"
	"maps"
	"slices"
	"sort"

	"github.com/mongen-dev/mongen/internal/diag"
	"github.com/mongen-dev/mongen/internal/par"

	"github.com/mongen-dev/mongen/internal/model"
	"github.com/mongen-dev/mongen/internal/slo"
)

// SLOGroupPrefix names the rule group of a service's SLOs: slo-<service>.
// Its global SLOs (scope "global") go to slo-global-<service>: a group is
// evaluated in one place, a cluster's Prometheus or the global view.
const (
	SLOGroupPrefix       = "slo-"
	SLOGlobalGroupPrefix = "slo-global-"
)

// SLOInhibit is the generated inhibition rule: a firing page alert of an
// SLO silences its ticket alert. An environment replaces or drops it by
// declaring alerting.inhibit under this name.
const SLOInhibit = "slo-page-silences-ticket"

// sloGroups turns the environment's SLOs into rule groups per service
// (slo-<service> for its cluster-scoped SLOs, slo-global-<service> for its
// global ones), in the order Prometheus must evaluate them (slo.Generate),
// and reports invalid SLOs and colliding ids at their CUE positions.
func sloGroups(env *model.Environment) ([]Group, diag.List) {
	var groups []Group
	var problems diag.List
	idOrigin := map[string]string{}
	generated := generateSLOs(env)
	for _, svc := range sortedKeys(env.SLOs) {
		g := Group{Name: SLOGroupPrefix + svc, Origin: env.Source("slos", svc)}
		global := Group{Name: SLOGlobalGroupPrefix + svc, Origin: env.Source("slos", svc)}
		for _, name := range sortedKeys(env.SLOs[svc]) {
			s := env.SLOs[svc][name]
			base := []string{"slos", svc, name}
			at := func(field ...string) string { return env.Source(append(append([]string{}, base...), field...)...) }
			origin := at()
			if prev, dup := idOrigin[s.ID()]; dup {
				problems.Add(diag.Origin(origin), "slos.%s.%s: SLO id %q is also the id of the SLO at %s (ids join service and name with -): rename one", svc, name, s.ID(), prev)
				continue
			}
			idOrigin[s.ID()] = origin
			if s.Global() && env.Global == nil {
				where := at("scope")
				if where == "" {
					where = origin
				}
				problems.Add(diag.Origin(where), "slos.%s.%s.scope: \"global\" evaluates the SLO in the environment's global view, but the environment has none: set env.global (docs/scale-out.md), or drop scope to evaluate it in each cluster's Prometheus", svc, name)
				continue
			}
			into := &g
			if s.Global() {
				into = &global
			}
			out := generated[svc+"\x00"+name]
			if ps := out.problems; len(ps) > 0 {
				for _, p := range ps {
					problems.Add(diag.Origin(at(p.Field...)), "slos.%s.%s.%s", svc, name, p)
				}
				continue
			}
			rules, err := out.rules, out.err
			if err != nil {
				problems.Add(diag.Origin(origin), "slos.%s.%s: %v", svc, name, err)
				continue
			}
			for _, r := range rules {
				rp := append(append([]string{}, base...), r.Field...)
				rule := Rule{
					Rule:              r.Rule,
					Key:               r.Key,
					SLO:               s.ID(),
					Origin:            env.Source(rp...),
					ExprOrigin:        env.Source(rp...),
					AnnotationOrigins: map[string]string{},
					LabelOrigins:      map[string]string{},
					TestOrigins:       testOrigins(env, rp, r.Tests),
				}
				if s.Global() {
					rule.Scope = model.ScopeGlobal
				}
				for k := range r.Annotations {
					rule.AnnotationOrigins[k] = rule.Origin
				}
				for k := range r.Labels {
					rule.LabelOrigins[k] = rule.Origin
				}
				into.Rules = append(into.Rules, rule)
			}
		}
		groups = append(groups, g, global)
	}
	return groups, problems
}

// sloOutput is one SLO's validation, and its rules when it is valid.
type sloOutput struct {
	problems []slo.Problem
	rules    []slo.Rule
	err      error
}

// generateSLOs validates and generates every SLO on every core (each is a
// function of the SLO alone; 1,000 SLOs took a tenth of a second on one),
// by service and name joined with a NUL.
func generateSLOs(env *model.Environment) map[string]sloOutput {
	type job struct {
		key string
		s   model.SLO
	}
	var jobs []job
	for svc, slos := range env.SLOs {
		for name, s := range slos {
			jobs = append(jobs, job{svc + "\x00" + name, s})
		}
	}
	outs := make([]sloOutput, len(jobs))
	par.Each(len(jobs), func(i int) {
		o := &outs[i]
		if o.problems = slo.Validate(jobs[i].s); len(o.problems) == 0 {
			o.rules, o.err = slo.Generate(jobs[i].s)
		}
	})
	byKey := make(map[string]sloOutput, len(jobs))
	for i, j := range jobs {
		byKey[j.key] = outs[i]
	}
	return byKey
}

// sloInhibit is the generated page-silences-ticket rule, or false when no
// SLO has both alerts or the environment declares its own under the name.
// equal holds slo_id, cluster, and every groupBy label of any SLO: an
// alert lacking a label matches another lacking it, so one rule serves
// SLOs with and without groupBy.
func sloInhibit(env *model.Environment) (NamedInhibit, bool) {
	if env.Alerting == nil {
		return NamedInhibit{}, false
	}
	if _, own := env.Alerting.Inhibit[SLOInhibit]; own {
		return NamedInhibit{}, false
	}
	equal := map[string]bool{slo.LabelID: true, "cluster": true}
	both := false
	for _, s := range env.SLOList() {
		if !s.Alerting.Page.Enabled || !s.Alerting.Ticket.Enabled {
			continue
		}
		both = true
		for _, l := range s.Indicator.GroupBy {
			equal[l] = true
		}
	}
	if !both {
		return NamedInhibit{}, false
	}
	return NamedInhibit{
		Name: SLOInhibit,
		Inhibit: model.Inhibit{
			Enabled: true,
			Source:  []string{fmt.Sprintf("%s=%q", slo.LabelBurn, slo.BurnPage)},
			Target:  []string{fmt.Sprintf("%s=%q", slo.LabelBurn, slo.BurnTicket)},
			Equal:   slices.Sorted(maps.Keys(equal)),
		},
		Origin: env.Source("slos"),
	}, true
}

// addSLOInhibit adds the generated inhibition to the routing plan, keeping
// Inhibits sorted by name.
func addSLOInhibit(p *Plan) {
	if p.Alerting == nil {
		return
	}
	if in, ok := sloInhibit(p.Env); ok {
		p.Alerting.Inhibits = append(p.Alerting.Inhibits, in)
		sort.Slice(p.Alerting.Inhibits, func(i, j int) bool { return p.Alerting.Inhibits[i].Name < p.Alerting.Inhibits[j].Name })
	}
}
