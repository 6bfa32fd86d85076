package pipeline

import (
	"fmt"

	"github.com/mongen-dev/mongen/internal/artifact"
	"github.com/mongen-dev/mongen/internal/diag"
	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/finding"
	"github.com/mongen-dev/mongen/internal/model"
	"github.com/mongen-dev/mongen/internal/verify"
	"github.com/mongen-dev/mongen/internal/verifycache"
)

// Cluster is one cluster's plan and output. Its tree's paths are relative
// to the cluster's directory; Result.Tree holds them under Name/.
type Cluster struct {
	// Name is the cluster of a multi-cluster environment, whose output
	// goes to out/<env>/<Name>/; empty for a single-cluster environment,
	// whose output is out/<env>/ itself.
	Name string
	Plan *expand.Plan
	Tree *artifact.Tree
}

// assemble makes the environment's one tree from its clusters', each under
// its own directory, so the writer swaps out/<env>/ as a whole. The
// finished tree passes the credential gate (gate.go).
func assemble(clusters []Cluster, vc *verifycache.Cache) (*Result, error) {
	res := &Result{Plan: clusters[0].Plan, Clusters: clusters}
	if len(clusters) == 1 && clusters[0].Name == "" {
		res.Tree = clusters[0].Tree
		return gated(res, vc)
	}
	res.Tree = artifact.NewTree()
	for _, c := range clusters {
		for _, f := range c.Tree.Files() {
			f.Path = c.Name + "/" + f.Path
			if err := res.Tree.Add(f); err != nil {
				return nil, fmt.Errorf("cluster %s: %w", c.Name, err)
			}
		}
	}
	return gated(res, vc)
}

// joinErrors reports the problems of every cluster once: a shared
// definition fails the same way in each cluster's view.
func joinErrors(errs []error) error {
	if len(errs) == 0 {
		return nil
	}
	if len(errs) == 1 {
		return errs[0]
	}
	var all diag.List
	for _, err := range errs {
		all.AddErr(err)
	}
	return all.Err() // sorted, each problem once
}

func uniqueFindings(fs []finding.Finding) []finding.Finding {
	seen := map[finding.Finding]bool{}
	out := fs[:0]
	for _, f := range fs {
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	return out
}

func uniqueSuppressed(ss []finding.Suppressed) []finding.Suppressed {
	seen := map[finding.Suppressed]bool{}
	out := ss[:0]
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// sharedRouting runs the routing proofs of the clusters that send to a
// shared Alertmanager against its tree (verify.SharedRouting).
func sharedRouting(clusters []Cluster) []finding.Finding {
	plans := make([]*expand.Plan, len(clusters))
	trees := make([]*artifact.Tree, len(clusters))
	for i, c := range clusters {
		plans[i], trees[i] = c.Plan, c.Tree
	}
	return verify.SharedRouting(plans, trees)
}

// sharedFindings are the shared routing proofs' findings, reported with
// the cluster that runs the shared Alertmanager (its configuration is
// what they prove), so its vet.disable applies as to its own.
func sharedFindings(plan *expand.Plan, shared []finding.Finding) []finding.Finding {
	if plan.Env.AlertingTopology.Mode != model.AlertingShared || !plan.Env.RunsAlertmanager() {
		return nil
	}
	return shared
}
