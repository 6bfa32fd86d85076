// Package verify puts every rendered byte back through the parsers the real
// systems use before anything is written: Prometheus config.Load and
// rulefmt with the PromQL parser, the prometheus-operator CRD schemas, and a
// kustomize build. It also proves mongen's own promises, such as every
// monitoring object carrying the labels its Prometheus selects by.
package verify

import (
	"errors"
	"fmt"
	"github.com/mongen-dev/mongen/internal/diag"
	"maps"
	"path"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/mongen-dev/mongen/internal/artifact"
	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/finding"
	"github.com/mongen-dev/mongen/internal/model"
	"github.com/mongen-dev/mongen/internal/par"
	"github.com/mongen-dev/mongen/internal/render/alertmanager"
	"github.com/mongen-dev/mongen/internal/render/kustomize"
	"github.com/mongen-dev/mongen/internal/render/operator"
	"github.com/mongen-dev/mongen/internal/render/plain"
	"github.com/mongen-dev/mongen/internal/verify/amcheck"
	"github.com/mongen-dev/mongen/internal/verify/dashcheck"
	"github.com/mongen-dev/mongen/internal/verify/grafanatypes"
	"github.com/mongen-dev/mongen/internal/verify/hardening"
	"github.com/mongen-dev/mongen/internal/verify/kube"
	"github.com/mongen-dev/mongen/internal/verify/kustomizecheck"
	"github.com/mongen-dev/mongen/internal/verify/promcheck"
	"github.com/mongen-dev/mongen/internal/verify/versiongate"
	"github.com/mongen-dev/mongen/internal/verifycache"
)

// Tree checks a rendered tree. It reports all problems, not just the first:
// what the upstream parsers reject as an error, and mongen's own proofs as
// findings (whose error-severity ones fail the build too). The checks are
// independent of each other and run concurrently; their problems are
// sorted, so the result does not depend on which finishes first.
func Tree(plan *expand.Plan, tree *artifact.Tree) ([]finding.Finding, error) {
	return TreeWith(plan, tree, Options{})
}

// Options change how Tree works, never what it finds.
type Options struct {
	// Verified remembers the artifacts that passed a check before, so it
	// is not run on them again (internal/verifycache); nil runs every
	// check on everything.
	Verified *verifycache.Cache
}

// TreeWith is Tree with options.
func TreeWith(plan *expand.Plan, tree *artifact.Tree, opts Options) ([]finding.Finding, error) {
	res, err := Check(plan, tree, opts)
	return res.Findings, err
}

// Result is what Check found: findings, and the hardening findings the
// environment accepts (with their reasons), which build and vet print.
type Result struct {
	Findings []finding.Finding
	Accepted []finding.Suppressed
}

// Check is TreeWith that also returns what the environment accepts, from
// the same run of the hardening check.
func Check(plan *expand.Plan, tree *artifact.Tree, opts Options) (Result, error) {
	vc := opts.Verified
	var c collector
	var accepted []finding.Suppressed
	var wg sync.WaitGroup
	wg.Go(func() { checkRules(plan, tree, &c, vc) })
	wg.Go(func() {
		checkMimirRules(tree, c.add)
		checkSharedAlertmanagers(tree, c.add)
		if plan.Env.RunsAlertmanager() {
			c.addFindings(checkAlerting(plan, tree, c.add))
		}
		fs, acc := hardening.CheckAll(plan, tree) // docs/output.md#hardened-defaults
		c.addFindings(fs)
		accepted = acc
	})
	wg.Go(func() {
		files := map[string][]byte{}
		for _, f := range tree.Files() {
			files[f.Path] = f.Data
		}
		ids, sizes, err := kustomizecheck.ResourcesWithSizesCached(files, vc)
		c.add("", kustomize.Path, err)
		if err == nil {
			checkKustomizeCoverage(plan, tree, ids, c.add)
			checkApplySize(plan, tree, ids, sizes, c.add)
		}
	})
	wg.Go(func() {
		var dash diag.List
		for _, line := range dashcheck.CheckCached(plan, tree, vc) {
			dash = append(dash, diag.FromString(line))
		}
		c.addProblems(dash)
	})
	// The dashboards' types and the version gate on goroutines of their
	// own: after a one-rule edit the checks above are mostly cache hits,
	// and one goroutine of three checks was the last to finish.
	wg.Go(func() {
		// Grafana's own dashboard types, strictly (grafana-foundation-sdk).
		for _, f := range tree.Files() {
			if grafanatypes.IsDashboard(f.Path) {
				vc.Check(vc.Key("grafana-types", f.Data), func() bool {
					problems := grafanatypes.Check(f)
					c.addProblems(problems)
					return len(problems) == 0
				})
			}
		}
	})
	wg.Go(func() {
		// What the platform's versions do not accept (docs/versions.md).
		var gate diag.List
		for _, p := range versiongate.CheckCached(plan.Env.Platform.Versions, tree.Files(), versiongate.PlanLocator(plan), vc) {
			gate = append(gate, p.Diagnostic())
		}
		c.addProblems(gate)
	})
	wg.Wait()

	// Every problem at the CUE position that produced it, when known;
	// the generated file's path leads the message.
	if err := c.problems.Err(); err != nil {
		return Result{}, err
	}
	finding.Sort(c.findings)
	return Result{Findings: c.findings, Accepted: accepted}, nil
}

// collector gathers the concurrent checks' problems and findings.
type collector struct {
	mu       sync.Mutex
	problems diag.List
	findings []finding.Finding
}

// add records err (every leaf of an errors.Join) against an artifact and,
// when known, the CUE position that produced it.
func (c *collector) add(origin, artifactPath string, err error) {
	if err == nil {
		return
	}
	var ds diag.List
	for _, e := range flatten(err) {
		ds.Add(diag.Origin(origin), "%s: %s", artifactPath, strings.TrimPrefix(e.Error(), artifactPath+": "))
	}
	c.addProblems(ds)
}

func (c *collector) addProblems(ds diag.List) {
	if len(ds) == 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.problems = append(c.problems, ds...)
}

func (c *collector) addFindings(fs []finding.Finding) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.findings = append(c.findings, fs...)
}

// checkRules parses every rule file and PrometheusRule as Prometheus (or
// the operator, or Thanos Ruler) will, once. Only when one fails are the
// groups taken apart, rule by rule, so the error names the rule's CUE
// position instead of a generated file; rulefmt rejects no single rule of
// a file it accepts whole. When no rule alone is wrong (what spans rules,
// such as two groups of one name), the file's own errors stand.
func checkRules(plan *expand.Plan, tree *artifact.Tree, c *collector, vc *verifycache.Cache) {
	var files collector
	switch plan.Env.Flavour {
	case model.FlavourPlain:
		// The configuration names the rule files: it is checked with
		// them, and its problems wait for the rules' too.
		checkPlain(plan, tree, files.add, vc)
	case model.FlavourOperator:
		checkOperator(plan, tree, c.add, files.add, vc)
	}
	if len(files.problems) == 0 {
		return
	}
	if located := locateRuleProblems(plan); len(located) > 0 {
		c.addProblems(located)
		return
	}
	c.addProblems(files.problems)
}

// locateRuleProblems checks each group alone, and the rules of a group
// rulefmt refuses one at a time, reporting each problem at the rule's CUE
// position (or its expression's, or the template's).
func locateRuleProblems(plan *expand.Plan) diag.List {
	var c collector
	for _, g := range plan.Groups {
		if data, err := plain.RuleFile(g.Name, g.Rules); err == nil && promcheck.Rules("group "+g.Name, data) == nil {
			continue
		}
		for _, r := range g.Rules {
			data, err := plain.RuleFile(g.Name, []expand.Rule{r})
			if err != nil {
				c.add(r.Origin, "rule "+r.Name, err)
				continue
			}
			if err := promcheck.Rules("rule "+r.Name, data); err != nil {
				for _, e := range flatten(err) {
					msg := e.Error()
					if d, ok := e.(diag.Diagnostic); ok {
						msg = d.Msg // without the generated file's position
					}
					msg = tidyRuleMessage(msg, r.Name)
					origin := ruleErrorOrigin(r, msg)
					c.problems.Add(diag.Origin(origin), "rule %s (group %s): %s", r.Name, g.Name, msg)
				}
			}
		}
	}
	return c.problems
}

// checkAlerting loads alertmanager.yml with Alertmanager's own parser and
// runs the routing proofs on it.
func checkAlerting(plan *expand.Plan, tree *artifact.Tree, add func(string, string, error)) []finding.Finding {
	f, ok := tree.Get(alertmanager.ConfigPath)
	if !ok {
		add("", alertmanager.ConfigPath, errors.New("not rendered"))
		return nil
	}
	cfg, err := amcheck.Load(f.Data)
	if err != nil {
		add(f.Origin, f.Path, err)
		return nil
	}
	return amcheck.Prove(plan, amcheck.NewTree(cfg))
}

func checkPlain(plan *expand.Plan, tree *artifact.Tree, add func(string, string, error), vc *verifycache.Cache) {
	configs := plain.ConfigPaths(tree)
	if len(configs) == 0 {
		add("", plain.ConfigPath, errors.New("not rendered"))
		return
	}
	var ruleFiles []string
	for _, p := range configs {
		cfg, _ := tree.Get(p)
		files, err := promcheck.Config(cfg.Data)
		add("", p, err)
		if err != nil {
			return
		}
		ruleFiles = files // the same in every shard's configuration
	}
	checkRuleFiles(tree, plain.ConfigPath, plain.RulesDir, ruleFiles, add, vc)
	checkPlainGlobal(tree, add) // global.go
}

// checkRuleFiles parses every rule file in rulesDir with rulefmt and checks
// that the configuration at configPath loads it, or its rules never run.
func checkRuleFiles(tree *artifact.Tree, configPath, rulesDir string, ruleFiles []string, add func(string, string, error), vc *verifycache.Cache) {
	base := path.Dir(configPath)
	for _, f := range tree.Files() {
		if path.Dir(f.Path) != rulesDir {
			continue
		}
		vc.Check(vc.Key("rulefmt", f.Data), func() bool {
			err := promcheck.Rules(f.Path, f.Data)
			add(f.Origin, f.Path, err)
			return err == nil
		})
		rel := strings.TrimPrefix(f.Path, base+"/")
		matched := false
		for _, pattern := range ruleFiles {
			if m, _ := path.Match(pattern, rel); m {
				matched = true
			}
		}
		if !matched {
			add(f.Origin, f.Path, fmt.Errorf("no rule_files entry of %s loads it", configPath))
		}
	}
}

// selectedKinds are the objects a Prometheus picks by its selectors: one
// missing a selector label is silently ignored in a cluster.
var selectedKinds = map[string]bool{
	"ServiceMonitor": true, "PodMonitor": true, "Probe": true, "ScrapeConfig": true, "PrometheusRule": true,
}

// checkOperator validates every manifest against its CRD schema, the
// selector labels, and each PrometheusRule's groups with rulefmt (reported
// through addRule, see checkRules).
func checkOperator(plan *expand.Plan, tree *artifact.Tree, add, addRule func(string, string, error), vc *verifycache.Cache) {
	// The verdict on a manifest depends on its bytes and the selector.
	var selector []byte
	for _, k := range sortedKeys(plan.Env.Selector) {
		selector = fmt.Appendf(selector, "%s=%s\n", k, plan.Env.Selector[k])
	}
	var todo []artifact.File
	var keys []string
	for _, f := range tree.Files() {
		if !strings.HasPrefix(f.Path, kustomize.ManifestsDir+"/") {
			continue
		}
		key := vc.Key("operator-manifest", selector, f.Data)
		if _, ok := vc.Passed(key); ok {
			continue
		}
		todo, keys = append(todo, f), append(keys, key)
	}
	if len(todo) == 0 {
		return
	}
	// The validator prepares each kind's schema once and is safe for
	// concurrent use: the manifests are checked on every core.
	validator, err := kube.NewValidator()
	if err != nil {
		add("", kustomize.ManifestsDir, err)
		return
	}
	par.Each(len(todo), func(i int) {
		var failed atomic.Bool
		check := func(report func(string, string, error)) func(string, string, error) {
			return func(origin, path string, err error) {
				if err != nil {
					failed.Store(true)
				}
				report(origin, path, err)
			}
		}
		checkManifest(plan, todo[i], validator, check(add), check(addRule))
		if !failed.Load() {
			vc.Pass(keys[i], nil)
		}
	})
}

func checkManifest(plan *expand.Plan, f artifact.File, validator *kube.Validator, add, addRule func(string, string, error)) {
	// One parse serves the schema check and what is read below.
	parsed, js, err := kube.ParseJSON(f.Data)
	if err == nil {
		err = validator.ValidateObject(parsed)
	}
	if err != nil {
		add(f.Origin, f.Path, err)
		return
	}
	obj, err := readManifest(f.Data, js)
	if err != nil {
		add(f.Origin, f.Path, err)
		return
	}
	global := checkSelected(plan, f, obj, add)
	if obj.Kind == "PrometheusRule" {
		// The operator concatenates spec.groups into a rule file that
		// Prometheus parses with rulefmt: check exactly that.
		groups := obj.Spec.Groups
		if global {
			// Thanos Ruler reads partial_response_strategy itself and
			// hands the rest to Prometheus' rulefmt (global.go).
			groups = withoutPartialResponse(groups)
		}
		data, err := ruleFileYAML(groups)
		if err == nil {
			err = promcheck.Rules(f.Path, data)
		}
		addRule(f.Origin, f.Path, err)
	}
}

// checkKustomizeCoverage proves the kustomization applies every manifest.
func checkKustomizeCoverage(plan *expand.Plan, tree *artifact.Tree, ids []kustomizecheck.ResourceID, add func(string, string, error)) {
	manifests := 0
	for _, p := range tree.Paths() {
		if strings.HasPrefix(p, kustomize.ManifestsDir+"/") {
			manifests++
		}
	}
	want := manifests
	if plan.Env.Flavour == model.FlavourPlain {
		want += 1 // prometheus-config
		if len(plan.ClusterGroups()) > 0 {
			// prometheus-rules, and -1, -2, ... when the files need more.
			cms, _ := kustomize.RulesConfigMaps(tree, plain.RulesDir, kustomize.ConfigMapRules)
			want += max(1, len(cms))
		}
	}
	if plan.Env.RunsAlertmanager() {
		want++ // the Alertmanager configuration Secret
	}
	want += plainGlobalConfigMaps(tree) // global.go
	want += len(plan.Dashboards)        // one ConfigMap each
	if _, ok := tree.Get(operator.SharedAlertmanagersPath); ok {
		want++ // the shared Alertmanager's addresses
	}
	if len(ids) != want {
		names := make([]string, len(ids))
		for i, id := range ids {
			names[i] = id.String()
		}
		add("", kustomize.Path, fmt.Errorf("kustomize build yields %d objects, want %d (%s)", len(ids), want, strings.Join(names, ", ")))
	}
}

// ruleContext is rulefmt's own locator, redundant once the CUE position
// and rule name are given; ruleFilePos points into the one-rule file verify
// built, which the user never sees.
var (
	ruleContext = regexp.MustCompile(`^group "[^"]*", rule \d+, "[^"]*": `)
	ruleFilePos = regexp.MustCompile(` \(at rule [^)]*\)$`)
)

var templateKey = regexp.MustCompile(`^(annotation|label) "([^"]+)"`)

// ruleErrorOrigin picks the CUE position closest to what a rulefmt message
// complains about: the expression, one template, or else the rule.
func ruleErrorOrigin(r expand.Rule, msg string) string {
	if m := templateKey.FindStringSubmatch(msg); m != nil {
		origins := r.AnnotationOrigins
		if m[1] == "label" {
			origins = r.LabelOrigins
		}
		if o := origins[m[2]]; o != "" {
			return o
		}
	}
	if strings.Contains(msg, "expression") && r.ExprOrigin != "" {
		return r.ExprOrigin
	}
	return r.Origin
}

func tidyRuleMessage(msg, rule string) string {
	msg = ruleContext.ReplaceAllString(msg, "")
	return ruleFilePos.ReplaceAllString(msg, "")
}

// flatten splits errors.Join trees into their leaves, and a diag.List
// into its diagnostics (its Unwrap gives their causes, not them).
func flatten(err error) []error {
	if err == nil {
		return nil
	}
	if l, ok := err.(diag.List); ok {
		out := make([]error, len(l))
		for i, d := range l {
			out[i] = d
		}
		return out
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, flatten(e)...)
		}
		return out
	}
	return []error{err}
}

func sortedKeys(m map[string]string) []string { return slices.Sorted(maps.Keys(m)) }

// checkSelected reports an object the environment's Prometheus would not
// select (a kind it selects, lacking a selector label), and whether the
// object belongs to the global view, whose objects are selected by their
// evaluator label alone.
func checkSelected(plan *expand.Plan, f artifact.File, obj manifestObject, add func(string, string, error)) (global bool) {
	global = obj.Metadata.Labels[operator.EvaluatorLabel] != ""
	if selectedKinds[obj.Kind] && !global {
		for _, k := range sortedKeys(plan.Env.Selector) {
			if obj.Metadata.Labels[k] != plan.Env.Selector[k] {
				add(f.Origin, f.Path, fmt.Errorf("%s %s lacks label %s=%q, so Prometheus %s would never select it", obj.Kind, obj.Metadata.Name, k, plan.Env.Selector[k], plan.Env.Prometheus.Name))
			}
		}
	}
	return global
}
