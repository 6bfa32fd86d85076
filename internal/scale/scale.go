// Package scale checks what only makes sense across the clusters of one
// environment, and the placement of rules between a cluster's Prometheus
// and the global view: external labels that would collide, rules whose
// selectors span clusters but run in one, global rules without a global
// view, and recording rules that aggregate across shards.
package scale

import (
	"fmt"
	"github.com/mongen-dev/mongen/internal/diag"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/model"
)

// OperatorLabel is the external label the Prometheus Operator adds to
// every Prometheus (namespace/name); it adds prometheus_replica per pod.
const OperatorLabel = "prometheus"

// ReplicaLabel is the external label mongen gives each plain-flavour
// replica of a multi-cluster environment: Prometheus expands the variable
// from its environment when it loads the configuration.
const (
	ReplicaLabel = "replica"
	ReplicaValue = "${HOSTNAME}"
)

// Check runs every cross-cluster check on the plans of one environment
// (one per cluster, in cluster order) and reports all problems together.
func Check(plans []*expand.Plan) error {
	var problems diag.List
	problems = append(problems, checkGlobal(plans)...)
	problems = append(problems, checkAlertingTopology(plans[0].Env)...)
	problems = append(problems, checkExternalLabels(plans)...)
	problems = append(problems, checkThanosStores(plans[0].Env)...)
	for _, p := range plans {
		problems = append(problems, checkSharedAlertmanagerHA(p.Env)...)
	}
	for _, p := range plans {
		// Shared rules are the same in every cluster's view: Err drops
		// the repeats.
		problems = append(problems, checkPlacement(p)...)
	}
	return problems.Err()
}

// checkGlobal validates the global view against the clusters and the
// rules that need it.
func checkGlobal(plans []*expand.Plan) diag.List {
	var problems diag.List
	env := plans[0].Env
	g := env.Global
	if g == nil {
		for _, gr := range plans[0].GlobalGroups() {
			for _, r := range gr.Rules {
				if r.Scope == model.ScopeGlobal {
					problems.Add(diag.Origin(r.Origin), "rule %s (group %s) has scope \"global\" but the environment has no global view: set env.global (docs/scale-out.md), or drop scope to evaluate it in each cluster", r.Name, gr.Name)
				}
			}
		}
		return problems
	}
	where := env.Source("global")
	clusters := env.Clusters
	if !env.MultiCluster() {
		clusters = []string{env.Cluster}
	}
	if !slices.Contains(clusters, g.Cluster) {
		problems.Add(diag.Origin(where), "global.cluster %q is not a cluster of this environment (%s)", g.Cluster, strings.Join(clusters, ", "))
	}
	for _, p := range plans {
		switch g.Engine {
		case model.EngineThanos:
			if p.Env.Flavour != model.FlavourOperator {
				problems.Add(diag.Origin(where), "global engine thanos needs the operator flavour (the sidecar and the ThanosRuler are operator resources), but cluster %s is %q", p.Env.Cluster, p.Env.Flavour)
			}
		case model.EngineFederation:
			if p.Env.Prometheus.Shards > 1 {
				problems.Add(diag.Origin(where), "cluster %s shards its Prometheus, and /federate at one address answers for one shard only: use the thanos engine, or one cluster per shard", p.Env.Cluster)
			}
		case model.EngineMimir:
			if p.Env.Flavour != model.FlavourPlain {
				problems.Add(diag.Origin(where), "global engine mimir reads the tenant (X-Scope-OrgID) from a Secret file, which the Prometheus Operator's remoteWrite cannot (it takes literal headers only), but cluster %s is %q: use the plain flavour, or the thanos engine", p.Env.Cluster, p.Env.Flavour)
			}
		default:
			problems.Add(diag.Origin(where), "global engine %q is not implemented: use \"thanos\", \"federation\" or \"mimir\" (docs/scale-out.md)", g.Engine)
		}
	}
	if f := g.Federation; f != nil {
		for _, c := range clusters {
			if f.Endpoints[c] == "" && c != g.Cluster {
				problems.Add(diag.Origin(where), "global.federation.endpoints has no address for cluster %s: the federating Prometheus in %s must reach its /federate", c, g.Cluster)
			}
		}
		for _, c := range slices.Sorted(maps.Keys(f.Endpoints)) {
			if !slices.Contains(clusters, c) {
				problems.Add(diag.Origin(where), "global.federation.endpoints names %s, which is not a cluster of this environment (%s)", c, strings.Join(clusters, ", "))
			}
		}
	}
	for _, gr := range plans[0].Groups {
		var scopes []string
		for _, r := range gr.Rules {
			if !slices.Contains(scopes, r.Scope) {
				scopes = append(scopes, r.Scope)
			}
		}
		if len(scopes) > 1 {
			sort.Strings(scopes)
			problems.Add(diag.Origin(gr.Origin), "rule group %s mixes scopes %s: a group is evaluated in one place, so put the global rules in a group of their own", gr.Name, strings.Join(scopes, " and "))
		}
	}
	return problems
}

// externalLabels is what distinguishes one cluster's series from another's
// once they leave its Prometheus.
func externalLabels(env *model.Environment) map[string]string {
	l := maps.Clone(env.ExternalLabels)
	if l == nil {
		l = map[string]string{}
	}
	if env.Flavour == model.FlavourOperator {
		l[OperatorLabel] = env.Prometheus.Namespace + "/" + env.Prometheus.Name
	}
	return l
}

// checkExternalLabels fails when two clusters' Prometheus servers (or the
// global evaluator) would label their series identically: their series
// would overwrite each other in the global view.
func checkExternalLabels(plans []*expand.Plan) diag.List {
	type owner struct{ what, where string }
	seen := map[string]owner{}
	var problems diag.List
	add := func(labels map[string]string, o owner) {
		key := labelString(labels)
		if prev, dup := seen[key]; dup {
			problems.Add(diag.Origin(o.where), "%s has the same external labels %s as %s (%s): series would collide in the global view; give each a distinct cluster label", o.what, key, prev.what, prev.where)
			return
		}
		seen[key] = o
	}
	for _, p := range plans {
		env := p.Env
		where := env.Source("clusters", env.Cluster)
		if where == "" {
			where = env.Source("prometheus")
		}
		add(externalLabels(env), owner{"cluster " + env.Cluster, where})
	}
	if g := plans[0].Env.Global; g != nil {
		add(g.ExternalLabels, owner{"the global evaluator", plans[0].Env.Source("global")})
	}
	return problems
}

func labelString(l map[string]string) string {
	parts := make([]string, 0, len(l))
	for _, k := range slices.Sorted(maps.Keys(l)) {
		parts = append(parts, fmt.Sprintf("%s=%q", k, l[k]))
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// checkAlertingTopology validates a shared Alertmanager against the
// environment's clusters.
func checkAlertingTopology(env *model.Environment) diag.List {
	t := env.AlertingTopology
	if t.Mode != model.AlertingShared {
		return nil
	}
	where := env.Source("alertingTopology")
	clusters := env.Clusters
	if !env.MultiCluster() {
		clusters = []string{env.Cluster}
	}
	var problems diag.List
	if !slices.Contains(clusters, t.Cluster) {
		problems.Add(diag.Origin(where), "alertingTopology.cluster %q is not a cluster of this environment (%s)", t.Cluster, strings.Join(clusters, ", "))
	}
	if env.Alerting == nil {
		problems.Add(diag.Origin(where), "a shared Alertmanager needs the environment's alerting section")
	}
	return problems
}
