package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/mongen-dev/mongen/internal/importer/sloimport"
	"github.com/mongen-dev/mongen/internal/inputlimit"
	"github.com/mongen-dev/mongen/internal/load"
	"github.com/mongen-dev/mongen/internal/pipeline"
	"github.com/mongen-dev/mongen/internal/slo"
)

// sloInputs reads the files when they are SLO specs (Sloth, Pyrra) or
// rules Sloth generated, and reports false when none is: mongen import
// then reads them as rule files. Mixing both kinds is an error.
func (a *app) sloInputs(files []string) ([]sloimport.Doc, bool, error) {
	limit, budget := inputlimit.Import(), inputlimit.ImportBudget()
	var docs []sloimport.Doc
	var slos, others []string
	for _, name := range files {
		data, err := limit.ReadFile(a.abs(name), name)
		if err == nil {
			err = budget.Take(name, int64(len(data)))
		}
		if inputlimit.Refused(err) {
			return nil, false, err
		}
		if err != nil {
			return nil, false, fmt.Errorf("read %s: %w", name, err)
		}
		if _, ok := sloimport.Detect(data); !ok {
			others = append(others, name)
			continue
		}
		slos = append(slos, name)
		ds, err := sloimport.Read(filepath.ToSlash(name), data)
		if err != nil {
			return nil, false, err
		}
		docs = append(docs, ds...)
	}
	switch {
	case len(slos) == 0:
		return nil, false, nil
	case len(others) > 0:
		return nil, false, usageError{fmt.Errorf("%s: SLO specs (or rules Sloth generated), and %s: rule or configuration files; import them in separate runs", strings.Join(slos, ", "), strings.Join(others, ", "))}
	}
	return docs, true, nil
}

// importSLOs is mongen import of Sloth and Pyrra SLOs: environments/<env>/
// gets slos.cue (and <env>.cue when the environment is new), after an
// in-memory build; with --check, nothing is written and the alerts of
// the environment as built are compared with those Sloth generated.
func (a *app) importSLOs(root string, docs []sloimport.Doc, files []string, f importFlags) error {
	res, err := sloimport.Convert(docs)
	if err != nil {
		return err
	}
	rel := filepath.ToSlash(filepath.Join(load.EnvironmentsDir, f.env))
	if f.check {
		return a.importSLOCheck(root, rel, res)
	}
	dir := filepath.Join(root, load.EnvironmentsDir, f.env)
	existing := false
	if _, err := os.Stat(filepath.Join(dir, f.env+".cue")); err == nil {
		existing = true
	}
	opt := sloimport.Options{Env: f.env, Cluster: f.cluster, Flavour: f.flavour, Sources: slashed(files), Existing: existing}
	for _, n := range res.Notes {
		fmt.Fprintln(a.stdout, n)
	}
	out, notes, err := sloimport.Build(root, res, opt)
	if err != nil {
		return err
	}
	for _, n := range notes {
		fmt.Fprintln(a.stdout, n)
	}
	names := slices.Sorted(func(yield func(string) bool) {
		for n := range out {
			if !yield(n) {
				return
			}
		}
	})
	if !f.force {
		for _, n := range names {
			if _, err := os.Stat(filepath.Join(dir, n)); err == nil {
				return fmt.Errorf("%s/%s exists: give --force to overwrite it; nothing was written", rel, n)
			} else if !errors.Is(err, fs.ErrNotExist) {
				return err
			}
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, n := range names {
		if err := os.WriteFile(filepath.Join(dir, n), out[n], 0o644); err != nil {
			return err
		}
		fmt.Fprintf(a.stdout, "wrote %s/%s\n", rel, n)
	}
	check := append([]string{"mongen", "import", "--check", "--env", f.env}, files...)
	hint := " with the rules Sloth generated from them (sloth generate's output)"
	if len(res.Generated) > 0 {
		hint = ""
	}
	fmt.Fprintf(a.stdout, "imported %d SLOs into %s; compare when their alerts fire%s: %s\n", len(res.SLOs), rel, hint, strings.Join(check, " "))
	return nil
}

func slashed(files []string) []string {
	out := make([]string, len(files))
	for i, f := range files {
		out[i] = filepath.ToSlash(f)
	}
	return out
}

// importSLOCheck builds the environment as it is and compares when its
// SLOs' page and ticket alerts fire with when Sloth's generated rules'
// do, over the same synthetic full and partial outages.
func (a *app) importSLOCheck(root, rel string, res *sloimport.Result) error {
	ref, err := load.ParseRef(rel)
	if err != nil {
		return err
	}
	built, err := pipeline.Compile(root, ref, load.Options{})
	if err != nil {
		return fmt.Errorf("%w\n%s does not build, so it cannot be compared with the input: fix the errors above", err, rel)
	}
	source, err := sloimport.SourceRules(res.Generated)
	if err != nil {
		return err
	}
	different := 0
	var subjects []sloimport.Subject
	for _, s := range res.SLOs {
		m, err := sloimport.MongenRules(built.Plan, s.ID())
		if err != nil {
			fmt.Fprintf(a.stdout, "%s: slo %s: not in %s (different)\n", s.Pos, s.ID(), rel)
			different++
			continue
		}
		if s.From == sloimport.PyrraSLO {
			fmt.Fprintf(a.stdout, "%s: slo %s: builds; when its alerts fire is not compared with Pyrra's rules (not read yet)\n", s.Pos, s.ID())
			continue
		}
		if source[s.ID()] == nil {
			fmt.Fprintf(a.stdout, "%s: slo %s: builds; no rules Sloth generated for it among the inputs: give sloth generate's output to compare when its alerts fire\n", s.Pos, s.ID())
			continue
		}
		spec, err := slo.NewSpec(s.SLO)
		if err != nil {
			return err
		}
		budget, _ := spec.Budget.Float64()
		subjects = append(subjects, sloimport.Subject{ID: s.ID(), Budget: budget, Mongen: m, Source: source[s.ID()], SourceName: "Sloth"})
	}
	firings, notes, err := sloimport.Check(context.Background(), subjects)
	if err != nil {
		return err
	}
	for _, n := range notes {
		fmt.Fprintln(a.stdout, n)
	}
	same := 0
	for _, f := range firings {
		fmt.Fprintln(a.stdout, f)
		if f.Same() {
			same++
		} else {
			different++
		}
	}
	fmt.Fprintf(a.stdout, "%s: %d alerts fire in Sloth's minute, %d different\n", rel, same, different)
	if different > 0 {
		return failure{ExitFailed}
	}
	return nil
}
