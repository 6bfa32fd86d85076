package cli

import (
	"slices"
	"sort"

	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/pipeline"
	"github.com/mongen-dev/mongen/internal/ruletest"
)

// runRuleTests runs the rule tests of every cluster's plan: an override
// can change a rule in one cluster only. A test with the same outcome in
// every cluster is reported once; one that fails in some cluster is
// reported per failing cluster, its ID naming the cluster.
func runRuleTests(plans []*expand.Plan, opts ruletest.Options) (*ruletest.Result, error) {
	if len(plans) == 1 {
		return ruletest.Run(plans[0], opts)
	}
	var merged *ruletest.Result
	byID := map[string][]ruletest.TestResult{}
	var order []string
	untested := map[string]bool{}
	for _, p := range plans {
		res, err := ruletest.Run(p, opts)
		if err != nil {
			return nil, err
		}
		if merged == nil {
			merged = &ruletest.Result{Env: res.Env}
		}
		merged.Skipped = max(merged.Skipped, res.Skipped)
		for _, u := range res.Untested {
			untested[u] = true
		}
		for _, t := range res.Tests {
			id := t.ID
			if _, seen := byID[id]; !seen {
				order = append(order, id)
			}
			if !t.OK() {
				t.ID += " [cluster " + p.Env.Cluster + "]"
			}
			byID[id] = append(byID[id], t)
		}
	}
	for _, id := range order {
		results := byID[id]
		failed := slices.ContainsFunc(results, func(t ruletest.TestResult) bool { return !t.OK() })
		for _, t := range results {
			if !failed {
				merged.Tests = append(merged.Tests, t)
				break
			}
			if !t.OK() {
				merged.Tests = append(merged.Tests, t)
			}
		}
	}
	sort.SliceStable(merged.Tests, func(i, j int) bool { return merged.Tests[i].ID < merged.Tests[j].ID })
	for u := range untested {
		merged.Untested = append(merged.Untested, u)
	}
	sort.Strings(merged.Untested)
	return merged, nil
}

func clusterPlans(clusters []pipeline.Cluster) []*expand.Plan {
	plans := make([]*expand.Plan, len(clusters))
	for i, c := range clusters {
		plans[i] = c.Plan
	}
	return plans
}
