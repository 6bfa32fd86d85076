// Package pipeline runs the stages in order for one environment: load,
// expand, render, verify. It holds no state between calls; write is left to
// the caller so check and build share everything before it.
package pipeline

import (
	"fmt"

	"github.com/mongen-dev/mongen/internal/artifact"
	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/load"
	"github.com/mongen-dev/mongen/internal/model"
	"github.com/mongen-dev/mongen/internal/render/kustomize"
	"github.com/mongen-dev/mongen/internal/render/operator"
	"github.com/mongen-dev/mongen/internal/render/plain"
	"github.com/mongen-dev/mongen/internal/verify"
)

// Compile turns environments/<ref.Name> into its verified output tree.
func Compile(root string, ref load.Ref, opts load.Options) (*artifact.Tree, error) {
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
	if err := verify.Tree(plan, tree); err != nil {
		return nil, err
	}
	return tree, nil
}

// Render runs the renderers the environment's flavour asks for.
func Render(plan *expand.Plan) (*artifact.Tree, error) {
	tree := artifact.NewTree()
	switch plan.Env.Flavour {
	case model.FlavourPlain:
		if err := plain.Render(plan, tree); err != nil {
			return nil, err
		}
	case model.FlavourOperator:
		if err := operator.Render(plan, tree); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("render: unknown flavour %q", plan.Env.Flavour)
	}
	if err := kustomize.Render(plan, tree); err != nil {
		return nil, err
	}
	return tree, nil
}
