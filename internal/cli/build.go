package cli

import (
	"errors"
	"fmt"
	"path/filepath"
	"sync"

	"github.com/spf13/cobra"

	"github.com/mongen-dev/mongen/internal/artifact"
	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/finding"
	"github.com/mongen-dev/mongen/internal/load"
	"github.com/mongen-dev/mongen/internal/pipeline"
	"github.com/mongen-dev/mongen/internal/verify"
	"github.com/mongen-dev/mongen/internal/write"
)

type buildFlags struct {
	all   bool
	check bool
	out   string
	// commit the changed out/ files with git (commit.go).
	commit bool
	author string
	// noCache evaluates even when the inputs are unchanged (cache.go).
	noCache bool
}

func newBuildCmd(a *app) *cobra.Command {
	var f buildFlags
	cmd := &cobra.Command{
		Use:   "build [--check] [--all | ENV...]",
		Short: "Compile environments into out/<env>/ (ENV: env/prod, environments/prod or prod)",
		Args: func(_ *cobra.Command, args []string) error {
			if f.all && len(args) > 0 {
				return usageError{errors.New("give environments or --all, not both")}
			}
			if !f.all && len(args) == 0 {
				return usageError{errors.New("name an environment (mongen build env/prod) or pass --all")}
			}
			if f.commit && f.check {
				return usageError{errors.New("--commit writes and commits; --check writes nothing: give one")}
			}
			if f.author != "" && !f.commit {
				return usageError{errors.New("--author needs --commit")}
			}
			return nil
		},
		RunE: func(_ *cobra.Command, args []string) error { return a.build(args, f) },
	}
	cmd.Flags().BoolVar(&f.all, "all", false, "build every environment under environments/")
	cmd.Flags().BoolVar(&f.check, "check", false, "write nothing; exit 1 naming each file that differs from out/")
	cmd.Flags().StringVar(&f.out, "out", "out", "output directory (relative paths are taken from the repository root)")
	cmd.Flags().BoolVar(&f.commit, "commit", false, "after a successful build, git commit the changed out/ files with a message summarising the semantic diff")
	cmd.Flags().StringVar(&f.author, "author", "", "commit author as \"Name <email>\" (default: git config user.name and user.email)")
	cmd.Flags().BoolVar(&f.noCache, "no-cache", false, "evaluate even when no input changed since the last build, and re-run every check on every output file")
	return cmd
}

func newCheckCmd(a *app) *cobra.Command {
	var f checkFlags
	cmd := &cobra.Command{
		Use:   "check [ENV...] [--format text|github]",
		Short: "Verify sources compile, checks and rule tests pass and out/ is current (all environments when none is named)",
		RunE:  func(_ *cobra.Command, args []string) error { return a.check(args, f) },
	}
	cmd.Flags().StringVar(&f.out, "out", "out", "output directory, relative to the repository root")
	cmd.Flags().StringVar(&f.format, "format", "text", "output format: text, or github (workflow annotations)")
	cmd.Flags().BoolVar(&f.noCache, "no-cache", false, "evaluate, re-run every check and run the rule tests even when no input changed since they last passed")
	return cmd
}

// result is one environment's outcome, printed in environment order.
type result struct {
	ref      load.Ref
	plan     *expand.Plan
	tree     *artifact.Tree
	clusters []pipeline.Cluster
	findings []finding.Finding // warnings only: errors fail the build
	// accepted are the hardening findings the environment accepts, with
	// their reasons: printed, never failing (accepted.go).
	accepted []finding.Suppressed
	err      error
	cache    cacheEntry // a hit has no plan, tree or clusters
}

func (a *app) build(args []string, f buildFlags) error {
	root, err := load.FindRoot(a.cwd)
	if err != nil {
		return err
	}
	refs, err := a.resolve(root, args, f.all)
	if err != nil {
		return err
	}
	var commit *commitPlan
	if f.commit {
		// Before anything is written: refuse unrelated staged changes.
		if commit, err = prepareCommit(root, f); err != nil {
			return err
		}
	}
	outBase := f.out
	if !filepath.IsAbs(outBase) {
		outBase = filepath.Join(root, outBase)
	}
	// --commit needs every environment's plan for its message.
	cache := newInputCache(root, outBase, f.noCache || f.commit)
	results := compileAll(root, refs, cache, false)
	failed := false
	for _, r := range results {
		outRel := filepath.ToSlash(filepath.Join(f.out, r.ref.Name))
		if r.err != nil {
			failed = true
			printError(a.stderr, r.ref.Name, r.err)
			fmt.Fprintf(a.stderr, "%s: build failed; %s left unchanged\n", r.ref.Name, outRel)
			continue
		}
		for _, w := range r.findings {
			fmt.Fprintf(a.stderr, "%s: %s\n", r.ref.Name, w)
		}
		printAccepted(a.stderr, r.ref.Name, r.accepted)
		dir := filepath.Join(outBase, r.ref.Name)
		if r.cache.record != nil {
			if !f.check {
				write.Tidy(dir) // what a killed build left beside out/<env>
			}
			fmt.Fprintln(a.stdout, upToDate(r, outRel))
			continue
		}
		if f.check {
			d, err := write.Compare(dir, r.tree)
			if err != nil {
				return err
			}
			d.Dir = outRel
			if d.Empty() {
				fmt.Fprintln(a.stdout, upToDate(r, outRel))
				cache.save(r, nil)
				continue
			}
			failed = true
			for _, line := range d.Lines() {
				fmt.Fprintln(a.stdout, line)
			}
			fmt.Fprintf(a.stdout, "%s: %s is stale (%s): run mongen build %s\n", r.ref.Name, outRel, d.Summary(), r.ref.Dir)
			continue
		}
		d, err := write.Apply(dir, r.tree)
		if err != nil {
			failed = true
			printError(a.stderr, r.ref.Name, err)
			continue
		}
		d.Dir = outRel
		cache.save(r, nil)
		if d.Empty() {
			fmt.Fprintln(a.stdout, upToDate(r, outRel))
		} else {
			fmt.Fprintf(a.stdout, "%s: wrote %s (%s)\n", r.ref.Name, outRel, d.Summary())
		}
	}
	if failed {
		return failure{ExitFailed}
	}
	if commit != nil {
		return a.commitOut(commit, results)
	}
	return nil
}

// compileAll compiles environments concurrently, each in its own CUE
// context, except those the cache has (needTests: with passed rule
// tests); results come back in the order of refs.
func compileAll(root string, refs []load.Ref, cache *inputCache, needTests bool) []result {
	results := make([]result, len(refs))
	loaded := afterLoads(len(refs), relaxCollector) // memory.go
	var wg sync.WaitGroup
	for i, ref := range refs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			done := sync.OnceFunc(loaded)
			defer done()
			entry := cache.lookup(ref, needTests)
			if entry.record != nil {
				results[i] = result{ref: ref, cache: entry, findings: entry.record.Findings, accepted: entry.record.Accepted}
				return
			}
			vc, vcPath := cache.verified(ref)
			copts := pipeline.Options{Verify: verify.Options{Verified: vc}, Loaded: done}
			if cache != nil {
				// Unchanged objects' YAML is reused from out/<env> (render).
				copts.OutDir = filepath.Join(cache.outBase, ref.Name)
			}
			res, err := pipeline.CompileWith(root, ref, entry.options(), copts) // the hashed bytes, if any
			// Passes are true whatever else failed; a cache that cannot
			// be written costs the next build time, not correctness.
			_ = vc.Save(vcPath)
			results[i] = result{ref: ref, err: err, cache: entry}
			if err == nil {
				results[i].plan = res.Plan
				results[i].tree = res.Tree
				results[i].clusters = res.Clusters
				results[i].findings = res.Findings
				results[i].accepted = acceptedHardening(res.Suppressed)
			}
		}()
	}
	wg.Wait()
	return results
}

func (a *app) resolve(root string, args []string, all bool) ([]load.Ref, error) {
	if all {
		refs, err := load.All(root)
		if err != nil {
			return nil, err
		}
		if len(refs) == 0 {
			return nil, fmt.Errorf("no environments under %s/", load.EnvironmentsDir)
		}
		return refs, nil
	}
	seen := map[string]bool{}
	var refs []load.Ref
	for _, arg := range args {
		ref, err := load.Resolve(root, arg)
		if err != nil {
			return nil, usageError{err}
		}
		if !seen[ref.Name] {
			seen[ref.Name] = true
			refs = append(refs, ref)
		}
	}
	return refs, nil
}
