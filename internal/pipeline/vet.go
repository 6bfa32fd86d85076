package pipeline

import (
	"slices"

	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/finding"
	"github.com/mongen-dev/mongen/internal/lint"
	"github.com/mongen-dev/mongen/internal/load"
	"github.com/mongen-dev/mongen/internal/scale"
	"github.com/mongen-dev/mongen/internal/verify"
	"github.com/mongen-dev/mongen/internal/verify/amcheck"
)

// VetResult is what mongen vet found in one environment.
type VetResult struct {
	Plan *expand.Plan
	lint.Result
	// BuildErr is why rendering or verifying the environment failed, when
	// it did: mongen build would stop there. Findings of the lint checks
	// are still reported.
	BuildErr error
}

// Vet runs mongen vet's checks on environments/<ref.Name>. It renders and
// verifies too, in memory, because the routing proofs run there; their
// findings are reported and suppressed with the lint checks'. An error
// means the environment did not load or expand.
func Vet(root string, ref load.Ref, opts load.Options) (*VetResult, error) {
	plans, err := Plans(root, ref, opts)
	if err != nil {
		return nil, err
	}
	// Every cluster's view: an override can change one cluster's rules.
	res := &VetResult{Plan: plans[0]}
	var buildErrs []error
	clusters := make([]Cluster, len(plans))
	renderErrs := make([]error, len(plans))
	for i, plan := range plans {
		clusters[i].Plan = plan
		clusters[i].Tree, renderErrs[i] = Render(plan)
	}
	var shared []finding.Finding
	if !slices.ContainsFunc(renderErrs, func(err error) bool { return err != nil }) {
		shared = sharedRouting(clusters)
	}
	for i, plan := range plans {
		var external []finding.Finding
		tree, buildErr := clusters[i].Tree, renderErrs[i]
		if buildErr == nil {
			var checked verify.Result
			checked, buildErr = verify.Check(plan, tree, verify.Options{})
			external = checked.Findings
			res.Suppressed = append(res.Suppressed, checked.Accepted...)
		}
		external = append(external, scale.ShardFindings(plan)...)
		external = append(external, sharedFindings(plan, shared)...)
		r := lint.Vet(plan, vetConfig(plan, external))
		res.Findings = append(res.Findings, r.Findings...)
		res.Suppressed = append(res.Suppressed, r.Suppressed...)
		if buildErr != nil {
			buildErrs = append(buildErrs, buildErr)
		}
	}
	res.Findings = uniqueFindings(res.Findings)
	res.Suppressed = uniqueSuppressed(res.Suppressed)
	finding.Sort(res.Findings)
	if err := joinErrors(buildErrs); err != nil && !finding.HasErrors(res.Findings) {
		// The lint checks do not explain the failure: report it.
		res.BuildErr = err
	}
	return res, nil
}

// vetConfig is the lint configuration of the plan's environment, with the
// findings of verify (routing proofs) to suppress and report alongside.
func vetConfig(plan *expand.Plan, external []finding.Finding) lint.Config {
	cfg := lint.ConfigFor(plan.Env)
	cfg.External = external
	cfg.ExternalChecks = routingChecks
	return cfg
}

// routingChecks are the checks of the routing proofs (verify/amcheck), so
// vet.disable may name them.
var routingChecks = func() []lint.CheckInfo {
	var out []lint.CheckInfo
	for _, id := range []string{
		amcheck.CheckRoute, amcheck.CheckRouteTest, amcheck.CheckShadowed, amcheck.CheckUnreachable,
		amcheck.CheckNoIntegration, amcheck.CheckGroupBy, amcheck.CheckUnusedTeam,
		amcheck.CheckRegexpEquality, amcheck.CheckTimeIntervals,
		scale.CheckShardAggregation,
	} {
		out = append(out, lint.CheckInfo{ID: id})
	}
	return out
}()
