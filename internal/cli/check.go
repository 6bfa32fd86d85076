package cli

import (
	"fmt"
	"path/filepath"
	"strings"
	"sync"

	"github.com/mongen-dev/mongen/internal/finding"
	"github.com/mongen-dev/mongen/internal/load"
	"github.com/mongen-dev/mongen/internal/report"
	"github.com/mongen-dev/mongen/internal/ruletest"
	"github.com/mongen-dev/mongen/internal/write"
)

type checkFlags struct {
	out     string
	format  string
	noCache bool
}

// Check ids of mongen check's own findings in --format github.
const (
	checkStale    = "mongen/stale"
	checkRuleTest = "mongen/rule-test"
)

// checked is one environment's outcome in mongen check.
type checked struct {
	result
	diff  write.Diff
	tests *ruletest.Result
	// testErr is why the tests could not run.
	testErr error
}

// check is mongen build --check over every environment (or those named)
// plus the rule tests: what CI runs. It prints one summary line per
// environment, and with --format github the problems as workflow
// annotations (report's GitHub writer, as mongen vet).
func (a *app) check(args []string, f checkFlags) error {
	if f.format != string(report.Text) && f.format != string(report.GitHub) {
		return usageError{fmt.Errorf("unknown format %q (want text or github)", f.format)}
	}
	root, err := load.FindRoot(a.cwd)
	if err != nil {
		return err
	}
	refs, err := a.resolve(root, args, len(args) == 0)
	if err != nil {
		return err
	}
	outBase := f.out
	if !filepath.IsAbs(outBase) {
		outBase = filepath.Join(root, outBase)
	}
	envs := make([]checked, len(refs))
	cache := newInputCache(root, outBase, f.noCache)
	for i, r := range compileAll(root, refs, cache, true) {
		envs[i].result = r
		if r.cache.record != nil {
			envs[i].tests = cachedTests(r)
		}
	}
	var wg sync.WaitGroup
	for i := range envs {
		if envs[i].err != nil || envs[i].cache.record != nil {
			continue
		}
		wg.Go(func() {
			envs[i].tests, envs[i].testErr = runRuleTests(clusterPlans(envs[i].clusters), ruletest.Options{})
		})
	}
	wg.Wait()
	for i := range envs {
		e := &envs[i]
		if e.err != nil || e.cache.record != nil {
			continue
		}
		if e.diff, err = write.Compare(filepath.Join(outBase, e.ref.Name), e.tree); err != nil {
			return err
		}
		e.diff.Dir = filepath.ToSlash(filepath.Join(f.out, e.ref.Name))
		if e.diff.Empty() && e.testErr == nil {
			cache.save(e.result, e.tests)
		}
	}

	failed := false
	var annotated []report.Env
	for _, e := range envs {
		outRel := filepath.ToSlash(filepath.Join(f.out, e.ref.Name))
		summary, ok := e.summary(outRel)
		failed = failed || !ok
		if f.format == string(report.GitHub) {
			annotated = append(annotated, e.annotations())
			continue
		}
		if e.err != nil {
			printError(a.stderr, e.ref.Name, e.err)
			fmt.Fprintf(a.stderr, "%s\n", summary)
			continue
		}
		for _, w := range e.findings {
			fmt.Fprintf(a.stderr, "%s: %s\n", e.ref.Name, w)
		}
		printAccepted(a.stderr, e.ref.Name, e.accepted)
		for _, line := range e.diff.Lines() {
			fmt.Fprintln(a.stdout, line)
		}
		if e.testErr != nil {
			printError(a.stdout, e.ref.Name+": rule tests", e.testErr)
		}
		if e.tests != nil {
			for _, t := range e.tests.Tests {
				if t.OK() {
					continue
				}
				fmt.Fprintf(a.stdout, "FAIL %s: %s (%s)\n", e.ref.Name, t.ID, t.Origin)
				for _, fl := range t.Failures {
					fmt.Fprintf(a.stdout, "  %s\n", strings.ReplaceAll(strings.TrimRight(fl.String(), "\n"), "\n", "\n  "))
				}
			}
		}
		fmt.Fprintln(a.stdout, summary)
	}
	if f.format == string(report.GitHub) {
		if err := report.Write(a.stdout, report.GitHub, annotated, report.Options{}); err != nil {
			return err
		}
		for _, e := range envs {
			summary, _ := e.summary(filepath.ToSlash(filepath.Join(f.out, e.ref.Name)))
			fmt.Fprintln(a.stdout, summary)
		}
	}
	if failed {
		return failure{ExitFailed}
	}
	return nil
}

// summary is the environment's one line, and whether it passed.
func (e checked) summary(outRel string) (string, bool) {
	if e.err != nil {
		return fmt.Sprintf("%s: build failed; %s left unchanged", e.ref.Name, outRel), false
	}
	ok := true
	var s string
	if e.diff.Empty() {
		s = upToDate(e.result, outRel)
	} else {
		ok = false
		s = fmt.Sprintf("%s: %s is stale (%s): run mongen build %s", e.ref.Name, outRel, e.diff.Summary(), e.ref.Dir)
	}
	switch {
	case e.testErr != nil:
		ok = false
		s += "; rule tests did not run"
	case e.tests == nil || len(e.tests.Tests) == 0:
		// No tests: nothing to add.
	case e.tests.Failed() > 0:
		ok = false
		s += fmt.Sprintf("; %d of %d rule tests failed", e.tests.Failed(), len(e.tests.Tests))
	case len(e.tests.Tests) == 1:
		s += "; 1 rule test passed"
	default:
		s += fmt.Sprintf("; %d rule tests passed", len(e.tests.Tests))
	}
	switch n := len(e.findings); n {
	case 0:
	case 1:
		s += "; 1 warning"
	default:
		s += fmt.Sprintf("; %d warnings", n)
	}
	return s, ok
}

// annotations turns the environment's problems into findings for the
// GitHub writer: CUE errors, warnings, stale files (at the file), failed
// rule tests (at the check that failed).
func (e checked) annotations() report.Env {
	env := report.Env{Name: e.ref.Name}
	if e.err != nil {
		env.Error = formatError(e.err)
		return env
	}
	env.Findings = append(env.Findings, e.findings...)
	env.Suppressed = e.accepted
	for _, en := range e.diff.Entries() {
		env.Findings = append(env.Findings, finding.Finding{
			Check: checkStale, Severity: finding.Error, Position: e.diff.DisplayPath(en.Path),
			Message: fmt.Sprintf("%s: out/ is not what the sources compile to: run mongen build %s and commit the result", en.Kind, e.ref.Dir),
		})
	}
	if e.testErr != nil {
		env.Findings = append(env.Findings, finding.Finding{Check: checkRuleTest, Severity: finding.Error, Message: "rule tests did not run: " + formatError(e.testErr)})
	}
	if e.tests != nil {
		for _, t := range e.tests.Tests {
			for _, fl := range t.Failures {
				pos := fl.Origin
				if pos == "" {
					pos = t.Origin
				}
				msg := fl.Message
				if fl.Detail != "" {
					msg += "\n" + strings.TrimRight(fl.Detail, "\n")
				}
				env.Findings = append(env.Findings, finding.Finding{Check: checkRuleTest, Severity: finding.Error, Position: pos, Subject: "test " + t.ID, Message: msg})
			}
		}
	}
	return env
}
