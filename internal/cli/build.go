package cli

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"github.com/mongen-dev/mongen/internal/artifact"
	"github.com/mongen-dev/mongen/internal/finding"
	"github.com/mongen-dev/mongen/internal/load"
	"github.com/mongen-dev/mongen/internal/pipeline"
	"github.com/mongen-dev/mongen/internal/write"
)

type buildFlags struct {
	all   bool
	check bool
	out   string
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
			return nil
		},
		RunE: func(_ *cobra.Command, args []string) error { return a.build(args, f) },
	}
	cmd.Flags().BoolVar(&f.all, "all", false, "build every environment under environments/")
	cmd.Flags().BoolVar(&f.check, "check", false, "write nothing; exit 1 naming each file that differs from out/")
	cmd.Flags().StringVar(&f.out, "out", "out", "output directory (relative paths are taken from the repository root)")
	return cmd
}

func newCheckCmd(a *app) *cobra.Command {
	var f buildFlags
	cmd := &cobra.Command{
		Use:   "check [ENV...]",
		Short: "Verify sources compile and out/ is current (all environments when none is named)",
		RunE: func(_ *cobra.Command, args []string) error {
			f.check = true
			f.all = len(args) == 0
			return a.build(args, f)
		},
	}
	cmd.Flags().StringVar(&f.out, "out", "out", "output directory, relative to the repository root")
	return cmd
}

// result is one environment's outcome, printed in environment order.
type result struct {
	ref      load.Ref
	tree     *artifact.Tree
	findings []finding.Finding // warnings only: errors fail the build
	err      error
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
	// Environments compile concurrently, each in its own CUE context;
	// results are reported in a fixed order.
	results := make([]result, len(refs))
	var wg sync.WaitGroup
	for i, ref := range refs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := pipeline.Compile(root, ref, load.Options{})
			results[i] = result{ref: ref, err: err}
			if err == nil {
				results[i].tree = res.Tree
				results[i].findings = res.Findings
			}
		}()
	}
	wg.Wait()

	outBase := f.out
	if !filepath.IsAbs(outBase) {
		outBase = filepath.Join(root, outBase)
	}
	failed := false
	for _, r := range results {
		outRel := filepath.ToSlash(filepath.Join(f.out, r.ref.Name))
		if r.err != nil {
			failed = true
			fmt.Fprintf(a.stderr, "%s: %s\n", r.ref.Name, indentAfterFirst(r.err.Error()))
			fmt.Fprintf(a.stderr, "%s: build failed; %s left unchanged\n", r.ref.Name, outRel)
			continue
		}
		for _, w := range r.findings {
			fmt.Fprintf(a.stderr, "%s: %s\n", r.ref.Name, w)
		}
		dir := filepath.Join(outBase, r.ref.Name)
		if f.check {
			d, err := write.Compare(dir, r.tree)
			if err != nil {
				return err
			}
			d.Dir = outRel
			if d.Empty() {
				fmt.Fprintf(a.stdout, "%s: %s is up to date (%d files)\n", r.ref.Name, outRel, r.tree.Len())
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
			fmt.Fprintf(a.stderr, "%s: %v\n", r.ref.Name, err)
			continue
		}
		d.Dir = outRel
		if d.Empty() {
			fmt.Fprintf(a.stdout, "%s: %s is up to date (%d files)\n", r.ref.Name, outRel, r.tree.Len())
		} else {
			fmt.Fprintf(a.stdout, "%s: wrote %s (%s)\n", r.ref.Name, outRel, d.Summary())
		}
	}
	if failed {
		return failure{ExitFailed}
	}
	return nil
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

// indentAfterFirst keeps multi-line error reports readable under a prefix.
func indentAfterFirst(s string) string {
	return strings.ReplaceAll(s, "\n", "\n    ")
}
