package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"sort"
	"sync"

	"github.com/spf13/cobra"

	"github.com/mongen-dev/mongen/internal/gitrepo"
	"github.com/mongen-dev/mongen/internal/load"
	"github.com/mongen-dev/mongen/internal/pipeline"
	"github.com/mongen-dev/mongen/internal/semdiff"
)

type diffFlags struct {
	base, head string
	format     string
	exitCode   bool
	out        string
}

func newDiffCmd(a *app) *cobra.Command {
	var f diffFlags
	cmd := &cobra.Command{
		Use:   "diff --base REF [--head REF] [--format text|markdown|json] [--exit-code] [ENV...]",
		Short: "Show what changes between a git revision and the working tree: alerts, recording rules, routing, scrape jobs, files",
		Long: `Compiles each environment (all when none is named) at the base revision,
read from git without a checkout, and in the working tree (or at --head),
in memory, and prints the difference grouped as a reviewer reads it: alerts
and recording rules added, removed or changed (expression, for, tier,
labels, annotations), alerts whose receivers change and route tests that
reach different receivers, scrape jobs, and the raw diff of every other
generated file. Environments added or removed between the revisions are
reported as such.

REF is anything git rev-parse accepts: origin/main, HEAD~1, v1.2.0, a hash.
In a shallow clone, fetch the base first (git fetch --depth=1 origin main).

Exits 0 whether or not anything differs, unless --exit-code is given (then
1 when something differs); 1 when an environment does not compile.`,
		Args: func(_ *cobra.Command, _ []string) error {
			if f.base == "" {
				return usageError{errors.New("name the base revision: mongen diff --base origin/main")}
			}
			return nil
		},
		RunE: func(_ *cobra.Command, args []string) error { return a.diff(args, f) },
	}
	cmd.Flags().StringVar(&f.base, "base", "", "the git revision to compare with (origin/main, HEAD~1, a hash)")
	cmd.Flags().StringVar(&f.head, "head", "", "compare with this git revision instead of the working tree")
	cmd.Flags().StringVar(&f.format, "format", "text", "output format: text, markdown (a pull-request comment) or json")
	cmd.Flags().BoolVar(&f.exitCode, "exit-code", false, "exit 1 when something differs")
	cmd.Flags().StringVar(&f.out, "out", "out", "output directory, for the file paths shown")
	return cmd
}

func (a *app) diff(args []string, f diffFlags) error {
	format, err := semdiff.ParseFormat(f.format)
	if err != nil {
		return usageError{err}
	}
	root, err := load.FindRoot(a.cwd)
	if err != nil {
		return err
	}
	repo, err := gitrepo.Open(root)
	if err != nil {
		return err
	}
	base, err := gitSide(repo, f.base)
	if err != nil {
		return err
	}
	head := side{name: "working tree"}
	if f.head != "" {
		if head, err = gitSide(repo, f.head); err != nil {
			return err
		}
	}
	report, err := compareSides(root, base, head, args, f.out)
	if err != nil {
		return err
	}
	if err := semdiff.Write(a.stdout, format, report, semdiff.WriteOptions{Color: format == semdiff.Text && colorful(a.stdout)}); err != nil {
		return err
	}
	if report.HasErrors() || (f.exitCode && report.HasChanges()) {
		return failure{ExitFailed}
	}
	return nil
}

// side is one revision of the repository: a git revision's files, or the
// working tree on disk (fsys nil).
type side struct {
	name string
	fsys fs.FS
	// compiled holds environments already compiled (by mongen build).
	compiled map[string]clusterSides
}

func gitSide(repo *gitrepo.Repo, rev string) (side, error) {
	r, err := repo.Resolve(rev)
	if err != nil {
		return side{}, err
	}
	fsys, err := r.FS()
	if err != nil {
		return side{}, err
	}
	return side{name: r.String(), fsys: fsys}, nil
}

func (s side) envs(root string) ([]load.Ref, error) {
	if s.fsys == nil {
		return load.All(root)
	}
	return load.AllIn(s.fsys)
}

func (s side) compile(root string, ref load.Ref) (clusterSides, error) {
	if c, ok := s.compiled[ref.Name]; ok {
		return c, nil
	}
	res, err := pipeline.Unverified(root, ref, load.Options{Source: s.fsys})
	if err != nil {
		return nil, err
	}
	return sidesOf(res.Clusters), nil
}

// clusterSides are one environment's clusters compiled at one revision,
// by cluster name ("" for a single-cluster environment): each is diffed
// as its own out/<env>/<cluster>/, so routing and jobs compare cluster by
// cluster.
type clusterSides map[string]*semdiff.Side

func sidesOf(clusters []pipeline.Cluster) clusterSides {
	out := clusterSides{}
	for _, c := range clusters {
		out[c.Name] = &semdiff.Side{Plan: c.Plan, Tree: c.Tree}
	}
	return out
}

// perCluster splits an environment's input into one per cluster, named
// <env>/<cluster>; an environment that became multi-cluster shows its old
// output removed and each cluster's added.
func perCluster(name string, base, head clusterSides, errMsg string) []semdiff.Input {
	if errMsg != "" {
		return []semdiff.Input{{Name: name, Err: errMsg}}
	}
	keys := map[string]bool{}
	for k := range base {
		keys[k] = true
	}
	for k := range head {
		keys[k] = true
	}
	if len(keys) == 0 {
		return []semdiff.Input{{Name: name}}
	}
	var out []semdiff.Input
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		in := semdiff.Input{Name: name, Base: base[k], Head: head[k]}
		if k != "" {
			in.Name = name + "/" + k
		}
		out = append(out, in)
	}
	return out
}

// compareSides compiles every environment (those named in args, else all)
// on both sides, concurrently, and diffs them.
func compareSides(root string, base, head side, args []string, outDir string) (*semdiff.Report, error) {
	baseRefs, err := base.envs(root)
	if err != nil {
		return nil, err
	}
	headRefs, err := head.envs(root)
	if err != nil {
		return nil, err
	}
	inBase, inHead := map[string]load.Ref{}, map[string]load.Ref{}
	for _, r := range baseRefs {
		inBase[r.Name] = r
	}
	for _, r := range headRefs {
		inHead[r.Name] = r
	}
	var names []string
	if len(args) == 0 {
		for n := range inBase {
			names = append(names, n)
		}
		for n := range inHead {
			if _, ok := inBase[n]; !ok {
				names = append(names, n)
			}
		}
	} else {
		seen := map[string]bool{}
		for _, arg := range args {
			ref, err := load.ParseRef(arg)
			if err != nil {
				return nil, usageError{err}
			}
			_, b := inBase[ref.Name]
			_, h := inHead[ref.Name]
			if !b && !h {
				return nil, usageError{fmt.Errorf("environment %q exists neither at %s nor in %s", arg, base.name, head.name)}
			}
			if !seen[ref.Name] {
				seen[ref.Name] = true
				names = append(names, ref.Name)
			}
		}
	}
	sort.Strings(names)

	inputs := make([]semdiff.Input, len(names))
	bases, heads := make([]clusterSides, len(names)), make([]clusterSides, len(names))
	var wg sync.WaitGroup
	var mu sync.Mutex
	// One evaluation at a time: each holds its whole CUE graph, and two
	// of a large environment (10,000 rules) at once took 1.9 GB where one
	// takes 0.8 (docs/performance.md). The stages after the evaluation use
	// every core on their own.
	one := make(chan struct{}, 1)
	compile := func(s side, ref load.Ref) (clusterSides, error) {
		one <- struct{}{}
		defer func() { <-one }()
		return s.compile(root, ref)
	}
	for i, name := range names {
		inputs[i].Name = name
		fail := func(s side, err error) {
			mu.Lock()
			defer mu.Unlock()
			msg := fmt.Sprintf("%s: %s", s.name, formatError(err))
			if inputs[i].Err != "" {
				inputs[i].Err += "\n"
			}
			inputs[i].Err += msg
		}
		if ref, ok := inBase[name]; ok {
			wg.Go(func() {
				s, err := compile(base, ref)
				if err != nil {
					fail(base, err)
					return
				}
				bases[i] = s
			})
		}
		if ref, ok := inHead[name]; ok {
			wg.Go(func() {
				s, err := compile(head, ref)
				if err != nil {
					fail(head, err)
					return
				}
				heads[i] = s
			})
		}
	}
	wg.Wait()
	var envs []semdiff.Env
	for i, in := range inputs {
		for _, c := range perCluster(in.Name, bases[i], heads[i], in.Err) {
			envs = append(envs, semdiff.Compare(c, semdiff.Options{OutDir: outDir}))
		}
	}
	return semdiff.NewReport(base.name, head.name, envs), nil
}
