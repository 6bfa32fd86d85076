package pipeline

import (
	"os"
	"path/filepath"

	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/load"
	"github.com/mongen-dev/mongen/internal/render/operator"
	"github.com/mongen-dev/mongen/internal/scale"
	"github.com/mongen-dev/mongen/internal/verifycache"
)

// Unverified loads, expands and renders one environment without verify and
// lint: what mongen diff compares. A base revision must be comparable even
// when this binary's checks are stricter than those it was built with, and
// the checks of the working tree are mongen check's job. CUE and expand
// errors still fail it: there is nothing to compare without a plan.
func Unverified(root string, ref load.Ref, opts load.Options) (*Result, error) {
	return unverified(root, ref, opts, nil)
}

// unverified is Unverified with the cache of the credential gate's passes.
func unverified(root string, ref load.Ref, opts load.Options, vc *verifycache.Cache) (*Result, error) {
	plans, err := Plans(root, ref, opts)
	if err != nil {
		return nil, err
	}
	return rendered(plans, vc, "")
}

// rendered renders every cluster's plan and puts the clusters together.
// With outDir (out/<env> before this build) and a cache, the YAML of
// unchanged operator objects is taken from there (operator.Memo).
func rendered(plans []*expand.Plan, vc *verifycache.Cache, outDir string) (*Result, error) {
	clusters := make([]Cluster, len(plans))
	var errs []error
	for i, plan := range plans {
		name := "" // a cluster's own directory, in a multi-cluster environment
		if plan.Env.MultiCluster() {
			name = plan.Env.Cluster
		}
		var memo *operator.Memo
		if outDir != "" && vc != nil {
			memo = &operator.Memo{Verified: vc, Previous: previousFile(filepath.Join(outDir, name))}
		}
		tree, err := renderWith(plan, memo)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		clusters[i] = Cluster{Plan: plan, Tree: tree, Name: name}
	}
	if err := joinErrors(errs); err != nil {
		return nil, err
	}
	return assemble(clusters, vc)
}

// Plans loads an environment and expands one plan per cluster, then runs
// the checks across them (internal/scale).
func Plans(root string, ref load.Ref, opts load.Options) ([]*expand.Plan, error) {
	envs, err := load.Environments(root, ref, opts)
	if err != nil {
		return nil, err
	}
	plans := make([]*expand.Plan, len(envs))
	var errs []error
	for i, env := range envs {
		if plans[i], err = expand.Expand(env); err != nil {
			errs = append(errs, err)
		}
	}
	if err := joinErrors(errs); err != nil {
		return nil, err
	}
	if err := scale.Check(plans); err != nil {
		return nil, err
	}
	return plans, nil
}

// previousFile reads a file of dir, the output tree before this build; a
// file that is missing, unreadable or not a regular file is absent.
func previousFile(dir string) func(path string) ([]byte, bool) {
	return func(path string) ([]byte, bool) {
		full := filepath.Join(dir, filepath.FromSlash(path))
		if info, err := os.Lstat(full); err != nil || !info.Mode().IsRegular() {
			return nil, false
		}
		data, err := os.ReadFile(full)
		return data, err == nil
	}
}
