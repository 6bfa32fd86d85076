package verify

import (
	"github.com/mongen-dev/mongen/internal/artifact"
	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/finding"
	"github.com/mongen-dev/mongen/internal/render/alertmanager"
	"github.com/mongen-dev/mongen/internal/verify/amcheck"
)

// SharedRouting proves, when an environment's clusters share one
// Alertmanager, that every other cluster's alerts (with that cluster's
// label) route in the shared Alertmanager's tree as their tier and team
// say. plans and trees are the clusters', in the same order; the hosting
// cluster's own proofs run in Tree. A tree that does not load is
// reported by Tree, so it is skipped here.
func SharedRouting(plans []*expand.Plan, trees []*artifact.Tree) []finding.Finding {
	var host *expand.Plan
	var tree *amcheck.Tree
	for i, p := range plans {
		if p.Env.RunsAlertmanager() && p.Env.AlertingTopology.Cluster == p.Env.Cluster {
			f, ok := trees[i].Get(alertmanager.ConfigPath)
			if !ok {
				return nil
			}
			cfg, err := amcheck.Load(f.Data)
			if err != nil {
				return nil
			}
			host, tree = p, amcheck.NewTree(cfg)
		}
	}
	if host == nil {
		return nil
	}
	var out []finding.Finding
	for _, p := range plans {
		if p.Env.SendsToSharedAlertmanager() {
			out = append(out, amcheck.ProveCluster(host, p, tree)...)
		}
	}
	return out
}
