package pipeline

import (
	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/load"
)

// Unverified loads, expands and renders one environment without verify and
// lint: what mongen diff compares. A base revision must be comparable even
// when this binary's checks are stricter than those it was built with, and
// the checks of the working tree are mongen check's job. CUE and expand
// errors still fail it: there is nothing to compare without a plan.
func Unverified(root string, ref load.Ref, opts load.Options) (*Result, error) {
	env, err := load.Environment(root, ref, opts)
	if err != nil {
		return nil, err
	}
	plan, err := expand.Expand(env)
	if err != nil {
		return nil, err
	}
	tree, err := Render(plan)
	if err != nil {
		return nil, err
	}
	return &Result{Plan: plan, Tree: tree}, nil
}
