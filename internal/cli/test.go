package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"github.com/mongen-dev/mongen/internal/load"
	"github.com/mongen-dev/mongen/internal/pipeline"
	"github.com/mongen-dev/mongen/internal/ruletest"
)

type testFlags struct {
	all     bool
	run     string
	junit   string
	emit    string
	verbose bool
}

func newTestCmd(a *app) *cobra.Command {
	var f testFlags
	cmd := &cobra.Command{
		Use:   "test [--all | ENV...] [--run REGEX] [--junit FILE] [--emit-promtool DIR]",
		Short: "Run the rule unit tests written beside the rules (all environments when none is named)",
		Long: `Runs every test of every enabled rule of each environment with Prometheus'
own rule manager and PromQL engine, as promtool test rules does, prints each
failure with expected and actual side by side and the CUE position of the
check, and a summary line per environment naming the alerting rules that
have no test. Exits 1 if a test fails.`,
		Args: func(_ *cobra.Command, args []string) error {
			if f.all && len(args) > 0 {
				return usageError{errors.New("give environments or --all, not both")}
			}
			return nil
		},
		RunE: func(_ *cobra.Command, args []string) error { return a.test(args, f) },
	}
	cmd.Flags().BoolVar(&f.all, "all", false, "test every environment under environments/ (the default when none is named)")
	cmd.Flags().StringVar(&f.run, "run", "", "run only the tests whose ID (group/rule/test) matches this regular expression")
	cmd.Flags().StringVar(&f.junit, "junit", "", "also write the results as JUnit XML to `FILE`")
	cmd.Flags().StringVar(&f.emit, "emit-promtool", "", "also write the tests as promtool test files (and the rule files they load) under `DIR`/<env>/")
	cmd.Flags().BoolVarP(&f.verbose, "verbose", "v", false, "also list the tests that pass")
	return cmd
}

type testOutcome struct {
	ref     load.Ref
	res     *ruletest.Result
	emitted []string
	skipped []string
	err     error
}

func (a *app) test(args []string, f testFlags) error {
	var run *regexp.Regexp
	if f.run != "" {
		var err error
		if run, err = regexp.Compile(f.run); err != nil {
			return usageError{fmt.Errorf("--run: %v", err)}
		}
	}
	root, err := load.FindRoot(a.cwd)
	if err != nil {
		return err
	}
	refs, err := a.resolve(root, args, f.all || len(args) == 0)
	if err != nil {
		return err
	}
	emitBase := f.emit
	if emitBase != "" && !filepath.IsAbs(emitBase) {
		emitBase = filepath.Join(a.cwd, emitBase)
	}

	outcomes := make([]testOutcome, len(refs))
	var wg sync.WaitGroup
	for i, ref := range refs {
		wg.Go(func() {
			o := testOutcome{ref: ref}
			defer func() { outcomes[i] = o }()
			plans, err := pipeline.Plans(root, ref, load.Options{})
			if err != nil {
				o.err = err
				return
			}
			opts := ruletest.Options{Run: run}
			if emitBase != "" {
				// promtool files of the first cluster's view (the rules
				// an environment shares).
				if o.emitted, o.skipped, err = ruletest.Emit(plans[0], filepath.Join(emitBase, ref.Name), opts); err != nil {
					o.err = err
					return
				}
			}
			o.res, o.err = runRuleTests(plans, opts)
		})
	}
	wg.Wait()

	failed := false
	var results []*ruletest.Result
	for _, o := range outcomes {
		if o.err != nil {
			failed = true
			printError(a.stderr, o.ref.Name, o.err)
			fmt.Fprintf(a.stderr, "%s: tests not run\n", o.ref.Name)
			continue
		}
		results = append(results, o.res)
		for _, t := range o.res.Tests {
			if t.OK() {
				if f.verbose {
					fmt.Fprintf(a.stdout, "ok   %s: %s (%s)\n", o.ref.Name, t.ID, t.Origin)
				}
				continue
			}
			failed = true
			fmt.Fprintf(a.stdout, "FAIL %s: %s (%s)\n", o.ref.Name, t.ID, t.Origin)
			for _, fl := range t.Failures {
				fmt.Fprintf(a.stdout, "  %s\n", strings.ReplaceAll(strings.TrimRight(fl.String(), "\n"), "\n", "\n  "))
			}
		}
		if emitBase != "" {
			fmt.Fprintf(a.stdout, "%s: wrote %d promtool files to %s\n", o.ref.Name, len(o.emitted), filepath.Join(f.emit, o.ref.Name))
			for _, s := range o.skipped {
				fmt.Fprintf(a.stdout, "%s: not exported: %s\n", o.ref.Name, s)
			}
		}
		fmt.Fprintln(a.stdout, o.res.Summary())
	}
	if f.junit != "" {
		path := f.junit
		if !filepath.IsAbs(path) {
			path = filepath.Join(a.cwd, path)
		}
		out, err := os.Create(path)
		if err != nil {
			return err
		}
		if err := ruletest.WriteJUnit(out, results); err != nil {
			out.Close()
			return fmt.Errorf("write %s: %w", f.junit, err)
		}
		if err := out.Close(); err != nil {
			return fmt.Errorf("write %s: %w", f.junit, err)
		}
	}
	if run != nil && len(results) == len(outcomes) {
		ran, skipped := 0, 0
		for _, r := range results {
			ran += len(r.Tests)
			skipped += r.Skipped
		}
		if ran == 0 {
			msg := fmt.Sprintf("no test matches --run %q", f.run)
			if skipped > 0 {
				msg += fmt.Sprintf(" except %d of disabled rules, which do not run", skipped)
			}
			fmt.Fprintf(a.stderr, "%s: test IDs read group/rule/test (SLO alerts: slo-<service>/<name>:page/<test>); mongen test -v lists them\n", msg)
			failed = true
		}
	}
	if failed {
		return failure{ExitFailed}
	}
	return nil
}
