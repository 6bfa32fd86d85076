package pipeline

import (
	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/finding"
	"github.com/mongen-dev/mongen/internal/lint"
	"github.com/mongen-dev/mongen/internal/load"
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
	env, err := load.Environment(root, ref, opts)
	if err != nil {
		return nil, err
	}
	plan, err := expand.Expand(env)
	if err != nil {
		return nil, err
	}
	var external []finding.Finding
	tree, buildErr := Render(plan)
	if buildErr == nil {
		external, buildErr = verify.Tree(plan, tree)
	}
	res := &VetResult{Plan: plan, Result: lint.Vet(plan, vetConfig(plan, external))}
	if buildErr != nil && !finding.HasErrors(res.Findings) {
		// The lint checks do not explain the failure: report it.
		res.BuildErr = buildErr
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
	} {
		out = append(out, lint.CheckInfo{ID: id})
	}
	return out
}()
