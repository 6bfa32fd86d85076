// Package ruletest runs the unit tests written beside rules in CUE
// (schemas.#RuleTest) with the semantics of `promtool test rules`, in
// process, with Prometheus' own PromQL engine and rule manager: the input
// series go into a promqltest lazy loader, the tested rule's whole group is
// loaded into a rules.Manager from the rule file mongen renders for it, and
// the group is evaluated step by step as promtool does. It also reports which
// alerting rules have no test, and writes the same tests as promtool files
// (Emit) so the real promtool can run them.
package ruletest

import (
	"fmt"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/prometheus/model/rulefmt"

	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/model"
	"github.com/mongen-dev/mongen/internal/render/plain"
	"github.com/mongen-dev/mongen/internal/verify/promcheck"
)

// Options configure Run and Emit.
type Options struct {
	// Run, when set, selects the tests whose ID matches it.
	Run *regexp.Regexp
	// Parallel bounds how many tests run at once; 0 means GOMAXPROCS.
	Parallel int
}

// Result is the outcome of one environment's tests.
type Result struct {
	Env string
	// Tests are sorted by ID.
	Tests []TestResult
	// Untested are the enabled alerting rules that have no test, as
	// "<group>/<rule>", sorted.
	Untested []string
	// Skipped counts tests of disabled rules, which are not run.
	Skipped int
}

// Passed and Failed count the tests.
func (r *Result) Passed() int { return len(r.Tests) - r.Failed() }

// Failed counts the tests with at least one failure.
func (r *Result) Failed() int {
	n := 0
	for _, t := range r.Tests {
		if !t.OK() {
			n++
		}
	}
	return n
}

// Summary is the one-line report of the environment, e.g.
// "prod: 143 passed, 0 failed; 2 alerting rules without tests: A, B".
func (r *Result) Summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d passed, %d failed", r.Env, r.Passed(), r.Failed())
	if r.Skipped > 0 {
		fmt.Fprintf(&b, ", %d skipped (rule disabled)", r.Skipped)
	}
	switch n := len(r.Untested); n {
	case 0:
		b.WriteString("; every alerting rule has a test")
	case 1:
		fmt.Fprintf(&b, "; 1 alerting rule without tests: %s", r.Untested[0])
	default:
		fmt.Fprintf(&b, "; %d alerting rules without tests: %s", n, strings.Join(r.Untested, ", "))
	}
	return b.String()
}

// TestResult is the outcome of one test.
type TestResult struct {
	// ID is "<group>/<rule key>/<test name>", what --run matches.
	ID                string
	Group, Rule, Name string
	// Origin is the CUE position of the test.
	Origin   string
	Duration time.Duration
	Failures []Failure
}

// OK reports whether the test passed.
func (t TestResult) OK() bool { return len(t.Failures) == 0 }

// Failure is one failed check, or a problem that kept the test from running.
type Failure struct {
	// Origin is the CUE position of the check (or of the test).
	Origin string
	// Message is the first line; Detail follows it (expected and actual
	// side by side), possibly empty.
	Message string
	Detail  string
}

func (f Failure) String() string {
	s := f.Message
	if f.Origin != "" {
		s = f.Origin + ": " + s
	}
	if f.Detail != "" {
		s += "\n" + strings.TrimRight(f.Detail, "\n")
	}
	return s
}

// testCase is one test of one rule, with everything needed to run it.
type testCase struct {
	id     string
	group  *expand.Group
	rule   *expand.Rule
	test   model.RuleTest
	origin expand.TestOrigin
	// file is the group's rule file as mongen renders it; parsed is the
	// same, parsed by rulefmt.
	file   []byte
	parsed *rulefmt.RuleGroups
	// dropAnnotations are annotation keys not compared: those an
	// environment overrides on a library rule whose test is the library's.
	dropAnnotations []string
	env             *model.Environment
}

// TestID is the ID of a test: "<group>/<rule key>/<test name>".
func TestID(group, rule, name string) string { return group + "/" + rule + "/" + name }

// cases collects the tests of every enabled rule in plan, in ID order, with
// the problems that keep some from running (duplicate names).
func cases(plan *expand.Plan, run *regexp.Regexp) ([]*testCase, []TestResult, error) {
	var out []*testCase
	var broken []TestResult
	for gi := range plan.Groups {
		g := &plan.Groups[gi]
		var file []byte
		var parsed *rulefmt.RuleGroups
		for ri := range g.Rules {
			r := &g.Rules[ri]
			seen := map[string]int{}
			for ti, t := range r.Tests {
				id := TestID(g.Name, r.Key, t.Name)
				if run != nil && !run.MatchString(id) {
					continue
				}
				origin := originOf(r, ti)
				if prev, dup := seen[t.Name]; dup {
					broken = append(broken, TestResult{ID: id, Group: g.Name, Rule: r.Key, Name: t.Name, Origin: origin.Test,
						Failures: []Failure{{Origin: origin.Test, Message: fmt.Sprintf("duplicate test name %q (test %d of the rule, at %s, has it too): every test of a rule needs its own name", t.Name, prev+1, originOf(r, prev).Test)}}})
					continue
				}
				seen[t.Name] = ti
				if file == nil {
					var err error
					if file, err = plain.RuleFile(g.Name, g.Rules); err != nil {
						return nil, nil, err
					}
					if parsed, err = promcheck.ParseRules(ruleFileName(g.Name), file); err != nil {
						return nil, nil, fmt.Errorf("rule group %q: %w", g.Name, err)
					}
				}
				out = append(out, &testCase{
					id: id, group: g, rule: r, test: t, origin: origin,
					file: file, parsed: parsed,
					dropAnnotations: overriddenAnnotations(plan.Env, g, r, origin.Test),
					env:             plan.Env,
				})
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out, broken, nil
}

// overriddenAnnotations returns the annotation keys an environment's
// override replaces on a library rule, when the test comes from the library:
// the library cannot know the environment's text, so those keys are not
// compared.
func overriddenAnnotations(env *model.Environment, g *expand.Group, r *expand.Rule, testOrigin string) []string {
	if g.Exporter == "" || strings.HasPrefix(testOrigin, "environments/") {
		return nil
	}
	o, ok := env.Overrides[r.Key]
	if !ok || len(o.Annotations) == 0 {
		return nil
	}
	var keys []string
	for k := range o.Annotations {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func originOf(r *expand.Rule, i int) expand.TestOrigin {
	if i < len(r.TestOrigins) {
		return r.TestOrigins[i]
	}
	return expand.TestOrigin{}
}

func ruleFileName(group string) string { return group + ".rules.yaml" }

// Run runs every test of every enabled rule in plan (those matching
// opts.Run), concurrently, and reports coverage.
func Run(plan *expand.Plan, opts Options) (*Result, error) {
	tcs, broken, err := cases(plan, opts.Run)
	if err != nil {
		return nil, err
	}
	res := &Result{Env: plan.Env.Name, Untested: untested(plan), Skipped: skipped(plan.Env, opts.Run)}
	results := make([]TestResult, len(tcs))
	workers := opts.Parallel
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(workers, len(tcs)) {
		wg.Go(func() {
			for i := range next {
				results[i] = tcs[i].run()
			}
		})
	}
	for i := range tcs {
		next <- i
	}
	close(next)
	wg.Wait()
	res.Tests = append(results, broken...)
	sort.SliceStable(res.Tests, func(i, j int) bool { return res.Tests[i].ID < res.Tests[j].ID })
	return res, nil
}

// untested lists the enabled alerting rules without a test.
func untested(plan *expand.Plan) []string {
	var out []string
	for _, g := range plan.Groups {
		for _, r := range g.Rules {
			if r.Kind == model.RuleAlert && len(r.Tests) == 0 {
				out = append(out, g.Name+"/"+r.Key)
			}
		}
	}
	sort.Strings(out)
	return out
}

// skipped counts the tests on disabled rules.
func skipped(env *model.Environment, run *regexp.Regexp) int {
	n := 0
	count := func(groups map[string]model.RuleGroup) {
		for gname, g := range groups {
			for key, r := range g {
				if r.Enabled {
					continue
				}
				for _, t := range r.Tests {
					if run == nil || run.MatchString(TestID(gname, key, t.Name)) {
						n++
					}
				}
			}
		}
	}
	count(env.Rules)
	for _, e := range env.Exporters {
		count(e.Rules)
	}
	return n
}
