package roundtrip

import (
	"fmt"

	"github.com/mongen-dev/mongen/internal/artifact"
	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/importer/convert"
	"github.com/mongen-dev/mongen/internal/importer/read"
	"github.com/mongen-dev/mongen/internal/load"
	"github.com/mongen-dev/mongen/internal/model"
	"github.com/mongen-dev/mongen/internal/pipeline"
	"github.com/mongen-dev/mongen/internal/render/alertmanager"
	"github.com/mongen-dev/mongen/internal/render/plain"
)

// Check builds the environment in rel (environments/<env> under root) as
// it is now, as mongen build does, and compares it with the input it was
// imported from: rules, scrape configs, monitors and routing, each in the
// form its input had. imp is the conversion of in with the options of the
// import, which says where each input went. An environment that does not
// build is an error: it says nothing about the input.
func Check(root, rel string, in *read.Input, imp *convert.Import) ([]Difference, error) {
	ref, err := load.Resolve(root, rel)
	if err != nil {
		return nil, err
	}
	// The findings the import suppressed do not fail the build.
	res, err := pipeline.Compile(root, ref, load.Options{})
	if err != nil {
		return nil, withConclusion(err, rel+" does not build, so it cannot be compared with the input: fix the errors above")
	}
	diffs := Compare(in, imp, res.Plan)
	for _, step := range []func(string, *read.Input, *convert.Import, *expand.Plan, *artifact.Tree) ([]Difference, error){
		checkScrapeConfigs, checkMonitors, checkRouting,
	} {
		ds, err := step(rel, in, imp, res.Plan, res.Tree)
		if err != nil {
			return nil, err
		}
		diffs = append(diffs, ds...)
	}
	return diffs, nil
}

// checkScrapeConfigs compares the input's prometheus.yml files with the
// prometheus.yml the environment renders.
func checkScrapeConfigs(rel string, in *read.Input, imp *convert.Import, plan *expand.Plan, tree *artifact.Tree) ([]Difference, error) {
	if len(in.Prometheus) == 0 {
		return nil, nil
	}
	var diffs []Difference
	built, ok := tree.Get(plain.ConfigPath)
	if !ok {
		// The operator renders the same targets as ScrapeConfig and
		// monitor resources; Prometheus's loader reads a prometheus.yml,
		// so the targets are compared in their plain rendering.
		view, err := flavourView(plan, model.FlavourPlain)
		if err != nil {
			return nil, err
		}
		if built, ok = view.Get(plain.ConfigPath); !ok {
			return nil, fmt.Errorf("render the targets as a prometheus.yml: no %s", plain.ConfigPath)
		}
		diffs = append(diffs, Difference{Pos: rel, Explained: true, Msg: "scrape configs are compared with the prometheus.yml the plain flavour renders from the same targets (the operator flavour renders them as ScrapeConfig resources)"})
	}
	return append(diffs, CompareScrapeConfigs(in, imp, built.Data)...), nil
}

// checkMonitors compares the input's ServiceMonitors, PodMonitors and
// Probes with those the operator flavour renders.
func checkMonitors(rel string, in *read.Input, imp *convert.Import, plan *expand.Plan, tree *artifact.Tree) ([]Difference, error) {
	if len(in.Monitors) == 0 {
		return nil, nil
	}
	var diffs []Difference
	monitors := tree
	if plan.Env.Flavour != model.FlavourOperator {
		// The plain flavour renders the monitors' targets as
		// prometheus.yml jobs: compare the monitors the operator
		// flavour renders from the same targets.
		var err error
		if monitors, err = flavourView(plan, model.FlavourOperator); err != nil {
			return nil, err
		}
		diffs = append(diffs, Difference{Pos: rel, Explained: true, Msg: "monitors are compared with those the operator flavour renders from the same targets (the plain flavour renders them as prometheus.yml jobs)"})
	}
	return append(diffs, CompareMonitors(in, imp, monitors)...), nil
}

// checkRouting compares who the input's alertmanager.yml notifies with
// the alertmanager.yml the environment renders.
func checkRouting(_ string, in *read.Input, imp *convert.Import, plan *expand.Plan, tree *artifact.Tree) ([]Difference, error) {
	built, ok := tree.Get(alertmanager.ConfigPath)
	if !ok || len(in.Alertmanager) == 0 {
		return nil, nil
	}
	return CompareRouting(in, imp, plan, built.Data), nil
}

// flavourView renders the plan as the other flavour would, for comparing
// its targets with inputs of that flavour's form. Raw scrape configs exist
// only in the plain flavour and are left out of an operator view.
func flavourView(plan *expand.Plan, flavour string) (*artifact.Tree, error) {
	p := *plan
	env := *plan.Env
	env.Flavour = flavour
	if flavour == model.FlavourOperator {
		env.RawScrapeConfigs = nil
	}
	p.Env = &env
	tree, err := pipeline.Render(&p)
	if err != nil {
		return nil, fmt.Errorf("render the targets in the %s flavour: %w", flavour, err)
	}
	return tree, nil
}
