package amcheck

import (
	"fmt"
	"slices"
	"sort"

	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/finding"
	"github.com/mongen-dev/mongen/internal/model"
)

// ProveCluster runs the per-alert routing proofs for the alerts of a
// cluster that sends them to a shared Alertmanager in another cluster:
// each of cluster's alerting rules, with cluster's external labels (its
// cluster label among them), must reach what host's policy (the shared
// Alertmanager's) says its tier and team reach, in t, host's routing
// tree. The proofs of the tree itself (shadowed routes, receivers, route
// tests) run once, in host. Global rules are proven in host, where their
// evaluator runs.
func ProveCluster(host, cluster *expand.Plan, t *Tree) []finding.Finding {
	a := host.Alerting
	endpoints := map[string][]string{}
	for _, r := range a.Receivers {
		endpoints[r.Name] = r.Endpoints
	}
	var out []finding.Finding
	name := cluster.Env.Cluster
	for _, g := range cluster.ClusterGroups() {
		for _, r := range g.Rules {
			if r.Kind != model.RuleAlert {
				continue
			}
			matches := t.Match(AlertLabels(cluster.Env, r))
			set := map[string]bool{}
			for _, m := range matches {
				for _, e := range endpoints[m.Receiver] {
					set[e] = true
				}
			}
			got := sortedKeys(set)
			want := expand.Endpoints(a.Policy, r.Tier, r.Team)
			wantTimes := a.Policy.ActiveTimeIntervals(r.Tier, r.Team)
			if isSwitch(a.Policy, r) {
				// The dead man's switch's route, always active.
				want, wantTimes = []string{a.Policy.DeadMansSwitch.Receiver}, nil
			}
			sort.Strings(want)
			if !slices.Equal(got, want) {
				out = append(out, finding.Finding{Check: CheckRoute, Severity: finding.Error, Position: r.Origin, Subject: "rule " + r.Name + " [cluster " + name + "]",
					Message: fmt.Sprintf("from cluster %s, tier %s, team %q should reach %v at the shared Alertmanager in %s, but its routing tree sends it to %v (%s)", name, r.Tier, r.Team, want, host.Env.Cluster, got, describe(matches))})
			}
			for _, m := range matches {
				if !slices.Equal(sortedCopy(m.ActiveTimeIntervals), sortedCopy(wantTimes)) {
					out = append(out, finding.Finding{Check: CheckTimeIntervals, Severity: finding.Error, Position: r.Origin, Subject: "rule " + r.Name + " [cluster " + name + "]",
						Message: fmt.Sprintf("from cluster %s, tier %s, team %q should notify during %v, but the route to %q is active during %v (empty: always)", name, r.Tier, r.Team, wantTimes, m.Receiver, m.ActiveTimeIntervals)})
				}
			}
		}
	}
	finding.Sort(out)
	return out
}
