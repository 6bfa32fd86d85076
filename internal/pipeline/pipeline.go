// Package pipeline runs the stages in order for one environment: load,
// expand, render, verify. It holds no state between calls (render may read
// the previous output, Options.OutDir, through a hash-checked cache); write
// is left to the caller so check and build share everything before it.
package pipeline

import (
	"fmt"
	"strings"
	"sync"

	"github.com/mongen-dev/mongen/internal/artifact"
	"github.com/mongen-dev/mongen/internal/diag"
	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/finding"
	"github.com/mongen-dev/mongen/internal/lint"
	"github.com/mongen-dev/mongen/internal/load"
	"github.com/mongen-dev/mongen/internal/model"
	"github.com/mongen-dev/mongen/internal/render/alertmanager"
	"github.com/mongen-dev/mongen/internal/render/grafana"
	"github.com/mongen-dev/mongen/internal/render/helmvalues"
	"github.com/mongen-dev/mongen/internal/render/kubeprom"
	"github.com/mongen-dev/mongen/internal/render/kustomize"
	"github.com/mongen-dev/mongen/internal/render/operator"
	"github.com/mongen-dev/mongen/internal/render/plain"
	"github.com/mongen-dev/mongen/internal/scale"
	"github.com/mongen-dev/mongen/internal/verify"
)

// Result is one environment's verified output and what the checks found
// that does not stop the build (warnings).
type Result struct {
	// Plan is the first cluster's plan: the environment's only one unless
	// it has several clusters (Clusters).
	Plan *expand.Plan
	// Tree is everything written to out/<env>/, each cluster's files
	// under <cluster>/ when there are several.
	Tree     *artifact.Tree
	Clusters []Cluster
	Findings []finding.Finding
	// Suppressed are findings the environment's vet.disable hides, and
	// those its hardening.accept (or a target's tls.insecureReason)
	// accepts, each with its reason.
	Suppressed []finding.Suppressed
}

// FindingsError fails a build on error-severity findings; it lists every
// finding, warnings included, one per line.
type FindingsError struct{ Findings []finding.Finding }

// Diagnostics are the findings as diagnostics at their CUE positions, in
// the findings' order, each message "<severity> [<check>] <subject>:
// <message>", for the CLI's one printer (diag.As).
func (e *FindingsError) Diagnostics() diag.List {
	out := make(diag.List, len(e.Findings))
	for i, f := range e.Findings {
		out[i] = diag.Diagnostic{Pos: diag.Origin(f.Position), Msg: strings.TrimPrefix(f.String(), f.Position+": ")}
	}
	return out
}

func (e *FindingsError) Error() string {
	lines := make([]string, len(e.Findings))
	for i, f := range e.Findings {
		lines[i] = f.String()
	}
	return strings.Join(lines, "\n")
}

// Compile turns environments/<ref.Name> into its verified output tree.
func Compile(root string, ref load.Ref, opts load.Options) (*Result, error) {
	return CompileWith(root, ref, opts, Options{})
}

// Options are what a build may reuse from the builds before it.
type Options struct {
	// Verify holds the cache of verdicts, which also remembers what each
	// operator object was rendered to.
	Verify verify.Options
	// OutDir is the environment's output directory as it is before this
	// build (out/<env>): render reuses from it the YAML of the objects the
	// cache says are unchanged, after checking the bytes' hash
	// (operator.Memo). Empty renders everything.
	OutDir string
	// Loaded, when not nil, is called once the environment is loaded and
	// expanded, when nothing references CUE's evaluation any more, or
	// when that fails.
	Loaded func()
}

// CompileWith is Compile reusing what opts holds.
func CompileWith(root string, ref load.Ref, opts load.Options, copts Options) (*Result, error) {
	vopts := copts.Verify
	plans, err := Plans(root, ref, opts)
	if copts.Loaded != nil {
		copts.Loaded()
	}
	if err != nil {
		return nil, err
	}
	// mongen vet's checks read only the plans: they run while the output
	// is rendered and verified.
	own := make([][]finding.Finding, len(plans))
	var vet sync.WaitGroup
	for i, plan := range plans {
		vet.Go(func() {
			cfg := vetConfig(plan, nil)
			cfg.Verified = vopts.Verified
			own[i] = lint.Unsuppressed(plan, cfg)
		})
	}
	res, err := rendered(plans, vopts.Verified, copts.OutDir)
	if err != nil {
		vet.Wait()
		return nil, err
	}
	var errs []error
	shared := sharedRouting(res.Clusters)
	for i, c := range res.Clusters {
		plan := c.Plan
		verified, err := verify.Check(plan, c.Tree, vopts)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		vet.Wait()
		findings := append(verified.Findings, scale.ShardFindings(plan)...)
		findings = append(findings, sharedFindings(plan, shared)...)
		// verify's findings are suppressed by the same vet.disable
		// (vet.go).
		checked := lint.Suppress(plan, vetConfig(plan, findings), own[i])
		res.Findings = append(res.Findings, checked.Findings...)
		res.Suppressed = append(res.Suppressed, checked.Suppressed...)
		// What hardening.accept accepts is shown with its reason.
		res.Suppressed = append(res.Suppressed, verified.Accepted...)
	}
	vet.Wait()
	if err := joinErrors(errs); err != nil {
		return nil, err
	}
	// Shared rules give the same findings in every cluster.
	res.Findings = uniqueFindings(res.Findings)
	res.Suppressed = uniqueSuppressed(res.Suppressed)
	finding.Sort(res.Findings)
	if finding.HasErrors(res.Findings) {
		return nil, &FindingsError{Findings: res.Findings}
	}
	return res, nil
}

// Render runs the renderers the environment's flavour asks for.
func Render(plan *expand.Plan) (*artifact.Tree, error) { return renderWith(plan, nil) }

// renderWith is Render reusing the YAML of unchanged operator objects
// (memo, may be nil).
func renderWith(plan *expand.Plan, memo *operator.Memo) (*artifact.Tree, error) {
	var prometheus func(*expand.Plan, *artifact.Tree) error
	switch plan.Env.Flavour {
	case model.FlavourPlain:
		prometheus = plain.Render
	case model.FlavourOperator:
		prometheus = func(p *expand.Plan, t *artifact.Tree) error { return operator.RenderWith(p, t, memo) }
	default:
		return nil, fmt.Errorf("render: unknown flavour %q", plan.Env.Flavour)
	}
	// The renderers only add files (the kustomization, last, reads them):
	// each renders into a tree of its own, on a goroutine of its own, and the trees
	// are joined in this order, which is the order of the errors too.
	renderers := []func(*expand.Plan, *artifact.Tree) error{prometheus, alertmanager.Render, grafana.Render, helmvalues.Render, kubeprom.Render}
	parts := make([]*artifact.Tree, len(renderers))
	errs := make([]error, len(renderers))
	var wg sync.WaitGroup
	for i, render := range renderers {
		parts[i] = artifact.NewTree()
		wg.Go(func() { errs[i] = render(plan, parts[i]) })
	}
	wg.Wait()
	tree := artifact.NewTree()
	for i, part := range parts {
		if errs[i] != nil {
			return nil, errs[i]
		}
		for _, f := range part.Files() {
			if err := tree.Add(f); err != nil {
				return nil, fmt.Errorf("render: %w", err)
			}
		}
	}
	if err := kustomize.Render(plan, tree); err != nil {
		return nil, err
	}
	return tree, nil
}
