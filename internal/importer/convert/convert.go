// Package convert is the importer's second stage: it turns what read
// read (read.Input) into the import model (Import): a mongen environment
// as plain Go data, with the tier of every alert, the library exporters
// input rules are the rules of, the credentials checklist, where each
// input rule went (Placed) and a note for everything inferred, renamed,
// changed or left out. It writes no CUE (cuewrite does) and builds
// nothing (roundtrip does).
package convert

import (
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/prometheus/prometheus/promql/parser"

	"github.com/mongen-dev/mongen/internal/diag"
	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/finding"
	"github.com/mongen-dev/mongen/internal/importer/read"
	"github.com/mongen-dev/mongen/internal/importer/tiers"
	"github.com/mongen-dev/mongen/internal/lint"
	"github.com/mongen-dev/mongen/internal/model"
	"github.com/mongen-dev/mongen/internal/platform"
)

// Options configure an import.
type Options struct {
	Env     string // environment (and CUE package) name
	Cluster string // defaults to Env
	Flavour string // operator (default) or plain
	// Platform is the profile the environment lands on (docs/platforms.md),
	// written as platform: profile instead of flavour; Release is the
	// kube-prometheus-stack release. Library exporters are matched against
	// the platform's own Services.
	Platform, Release string
	// Selector labels the environment stamps on its objects (the Helm
	// chart's Prometheus wants release: <release>).
	Selector map[string]string
	Tiering  tiers.Map
	// NoLibrary keeps input rules that are library rules as copies
	// instead of adopting their exporters.
	NoLibrary bool
}

// Note is one line of the import report: what was inferred, renamed,
// changed or left out, at the input position it concerns.
type Note struct {
	Pos  string
	Kind string // NoteTier, NoteChange, NoteWarning, NoteLibrary
	Msg  string
}

// Note kinds.
const (
	NoteTier    = "tier"
	NoteChange  = "change"
	NoteWarning = "warning"
	NoteLibrary = "library"
)

func (n Note) String() string {
	if n.Pos == "" {
		return fmt.Sprintf("%s: %s", n.Kind, n.Msg)
	}
	return fmt.Sprintf("%s: %s: %s", n.Pos, n.Kind, n.Msg)
}

// Import is the import model: the environment the input becomes, plain
// Go data, with what cuewrite needs to write it as CUE and roundtrip to
// compare the build with the input, and the notes.
type Import struct {
	Options Options
	// Env is the environment (before CUE's defaults) that cuewrite
	// writes.
	Env   *model.Environment
	Notes []Note
	// Secrets is the credentials checklist: Secret keys to create.
	Secrets []SecretItem
	// DisabledInhibits are library/policy's standard inhibitions the
	// input's alertmanager.yml did not have, switched off to keep its
	// behaviour.
	DisabledInhibits []string
	// Suppressed are the vet.disable entries written, by check id.
	Suppressed map[string]model.VetDisable
	// Placed says where each input rule went: the same index as
	// in.Groups[g].Rules[r] gives group and rule key.
	Placed [][]Place
	// MonitorTargets names the targets each input monitor became, in the
	// order of in.Monitors (one per endpoint).
	MonitorTargets [][]string
	// Adopted are the library exporters whose rules input rules became.
	Adopted []Adopted
}

// Place is where one input rule lives in the environment: a group of
// env.rules, or of the adopted exporter named by Exporter.
type Place struct{ Group, Key, Exporter string }

var envName = regexp.MustCompile(`^[a-z][a-z0-9]*$`)

// Convert turns the input's rules into an environment. Alerts whose
// severity maps to no tier are an error listing every one of them.
func Convert(in *read.Input, opt Options) (*Import, error) {
	opt, err := opt.settle()
	if err != nil {
		return nil, err
	}
	if len(in.Groups) == 0 && len(in.Monitors) == 0 && len(in.Prometheus) == 0 {
		return nil, errors.New("nothing to import: give rule files, PrometheusRule, ServiceMonitor, PodMonitor or Probe manifests, or a prometheus.yml")
	}
	imp := &Import{Options: opt}
	imp.Env = &model.Environment{
		Name: opt.Env, Cluster: opt.Cluster, Flavour: opt.Flavour, Selector: opt.Selector,
		Platform:   model.Platform{Profile: opt.Platform, Release: opt.Release},
		Prometheus: model.Prometheus{ScrapeInterval: "30s", EvaluationInterval: "30s"},
		Rules:      map[string]model.RuleGroup{},
	}
	if err := imp.convertRules(in); err != nil {
		return nil, err
	}
	if err := imp.convertTargets(in); err != nil {
		return nil, err
	}
	if err := imp.adoptLibrary(in); err != nil {
		return nil, err
	}
	imp.settleOrders() // order.go
	if err := imp.settleFlavour(); err != nil {
		return nil, err
	}
	if err := imp.suppressFindings(); err != nil {
		return nil, err
	}
	return imp, nil
}

// settle checks the options and fills in their defaults: the cluster is
// the environment's name, the platform decides the flavour, the tiering
// is mongen's own.
func (opt Options) settle() (Options, error) {
	if !envName.MatchString(opt.Env) {
		return opt, fmt.Errorf("environment name %q: use lower-case letters and digits, starting with a letter (it is also the CUE package name)", opt.Env)
	}
	if opt.Cluster == "" {
		opt.Cluster = opt.Env
	}
	if opt.Flavour != "" && opt.Flavour != model.FlavourOperator && opt.Flavour != model.FlavourPlain {
		return opt, fmt.Errorf("flavour %q: use operator or plain", opt.Flavour)
	}
	if opt.Platform != "" {
		if !slices.Contains(platform.Profiles(), opt.Platform) {
			return opt, fmt.Errorf("platform %q: the known platforms are %s", opt.Platform, strings.Join(platform.Profiles(), ", "))
		}
		want := model.FlavourOperator
		if opt.Platform == model.ProfilePlain {
			want = model.FlavourPlain
		}
		if opt.Flavour != "" && opt.Flavour != want {
			return opt, fmt.Errorf("flavour %q contradicts platform %q, which renders the %s flavour: give one of them", opt.Flavour, opt.Platform, want)
		}
		opt.Flavour = want
	}
	if opt.Release != "" && opt.Platform != model.ProfileKubePrometheusStack {
		return opt, fmt.Errorf("release %q: only the kube-prometheus-stack platform has a Helm release", opt.Release)
	}
	if opt.Tiering == nil {
		opt.Tiering = tiers.Default()
	}
	return opt, nil
}

// settleFlavour picks the flavour when the options did not: plain when
// scrape configs stay raw (only prometheus.yml holds them), else
// operator; an operator flavour asked for with raw scrape configs is an
// error.
func (imp *Import) settleFlavour() error {
	env := imp.Env
	switch {
	case imp.Options.Flavour == "" && len(env.RawScrapeConfigs) > 0:
		env.Flavour = model.FlavourPlain
		imp.note("", NoteChange, "flavour plain: raw scrape configs are rendered into prometheus.yml, which the operator flavour has not")
	case imp.Options.Flavour == "":
		env.Flavour = model.FlavourOperator
	case imp.Options.Flavour == model.FlavourOperator && len(env.RawScrapeConfigs) > 0:
		return fmt.Errorf("%d scrape configs can only be kept raw (%s), which the operator flavour cannot render: import with --flavour plain, or write them as ServiceMonitors", len(env.RawScrapeConfigs), strings.Join(sortedKeys(env.RawScrapeConfigs), ", "))
	}
	imp.Options.Flavour = env.Flavour
	return nil
}

func (imp *Import) note(pos, kind, format string, args ...any) {
	imp.Notes = append(imp.Notes, Note{Pos: pos, Kind: kind, Msg: fmt.Sprintf(format, args...)})
}

// groupKey turns a rule group name into a mongen group key (a Kubernetes
// name): lower case, anything else than letters, digits and - becomes -.
func GroupKey(name string) string {
	var b strings.Builder
	dash := false
	for _, c := range strings.ToLower(name) {
		if (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') {
			b.WriteRune(c)
			dash = false
			continue
		}
		if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	s := strings.TrimRight(b.String(), "-")
	if s == "" {
		s = "rules"
	}
	return s
}

// convertRules turns each input group into a group of env.rules, in
// input order: alerts get the tier of their severity, rules keep the
// input's evaluation order. Expressions and templates that do not parse,
// and dependency cycles, are problems at their positions; alerts whose
// severity maps to no tier are one error listing every one of them.
func (imp *Import) convertRules(in *read.Input) error {
	p := parser.NewParser(parser.Options{})
	var problems, untiered diag.List
	imp.Placed = make([][]Place, len(in.Groups))
	for gi, g := range in.Groups {
		key := imp.groupFor(g)
		group := model.RuleGroup{}
		var placed []read.Rule // in input order, with their keys
		var keys []string
		for _, r := range g.Rules {
			problems = append(problems, ruleProblems(p, r)...)
			mr, ok := imp.convertRule(g, r)
			if !ok {
				untiered = append(untiered, untieredAlert(g, r))
				continue
			}
			rkey := r.Name
			for n := 2; ; n++ {
				if _, dup := group[rkey]; !dup {
					break
				}
				rkey = fmt.Sprintf("%s_%d", r.Name, n)
			}
			group[rkey] = mr
			imp.Placed[gi] = append(imp.Placed[gi], Place{Group: key, Key: rkey})
			placed, keys = append(placed, r), append(keys, rkey)
		}
		imp.Env.Rules[key] = group
		for _, c := range imp.keepOrder(g, group, placed, keys) {
			problems = append(problems, diag.FromString(c))
		}
	}
	if len(problems) > 0 {
		return problems
	}
	if len(untiered) > 0 {
		return append(untiered, diag.Diagnostic{Msg: fmt.Sprintf("every alert needs a tier, inferred from its severity (%s): map the other values with --severity-map, e.g. --severity-map none=P2 or --severity-map other=P2", imp.Options.Tiering)})
	}
	return nil
}

// groupFor is the key of the env.rules group an input group becomes (a
// Kubernetes name, unique), with its settings; a renamed group and labels
// copied onto its rules are noted.
func (imp *Import) groupFor(g read.Group) string {
	env := imp.Env
	key := GroupKey(g.Name)
	for n := 2; env.Rules[key] != nil; n++ {
		key = fmt.Sprintf("%s-%d", GroupKey(g.Name), n)
	}
	if key != g.Name {
		imp.note(g.Pos, NoteChange, "group %s is called %s: mongen group names are Kubernetes names", g.Name, key)
	}
	if s, ok := g.Settings(); ok {
		if env.RuleGroups == nil {
			env.RuleGroups = map[string]model.RuleGroupSettings{}
		}
		env.RuleGroups[key] = s
	}
	if len(g.Labels) > 0 {
		imp.note(g.Pos, NoteChange, "group %s: its labels %s are copied onto each rule", g.Name, labelString(g.Labels))
	}
	return key
}

// ruleProblems are a rule's expression and templates that do not parse.
func ruleProblems(p parser.Parser, r read.Rule) diag.List {
	var out diag.List
	if _, err := p.ParseExpr(r.Expr); err != nil {
		out = append(out, diag.FromString(fmt.Sprintf("%s: rule %s: expression does not parse: %v", r.ExprPos, r.Name, err)))
	}
	for _, t := range r.TemplateProblems() {
		out = append(out, diag.FromString(t))
	}
	return out
}

// convertRule is the input rule as a mongen rule, with the group's labels
// under its own; an alert gets the tier of its severity and that tier's
// severity label, noted. ok is false for an alert whose severity maps to
// no tier.
func (imp *Import) convertRule(g read.Group, r read.Rule) (model.Rule, bool) {
	labels := map[string]string{}
	for k, v := range g.Labels {
		labels[k] = v
	}
	for k, v := range r.Labels {
		labels[k] = v
	}
	mr := model.Rule{
		Kind: model.RuleAlert, Name: r.Name, Expr: r.Expr, For: r.For, KeepFiringFor: r.KeepFiringFor,
		Labels: labels, Annotations: r.Annotations, Enabled: true,
	}
	if r.Kind == read.Record {
		mr.Kind = model.RuleRecord
		return mr, true
	}
	sev, has := labels["severity"]
	tier, ok := imp.Options.Tiering.TierOf(sev, has)
	if !ok {
		return model.Rule{}, false
	}
	mr.Tier = tier
	want := tiers.Severity(tier)
	switch {
	case !has:
		imp.note(r.Pos, NoteTier, "%s: no severity label -> %s (severity %s added)", r.Name, tier, want)
	case sev != want:
		imp.note(r.Pos, NoteTier, "%s: severity %s -> %s (severity becomes %s)", r.Name, sev, tier, want)
		if sev == "none" {
			imp.noteSeverityNone(r, tier, want)
		}
	default:
		imp.note(r.Pos, NoteTier, "%s: severity %s -> %s", r.Name, sev, tier)
	}
	labels["severity"] = want
	return mr, true
}

// noteSeverityNone warns that --severity-map gave an alert of severity
// none (kube-prometheus-stack's mark for an alert that must not notify,
// routed to its null receiver) the severity of a tier: routes and inhibit
// rules that match on severity select it from now on.
func (imp *Import) noteSeverityNone(r read.Rule, tier, severity string) {
	entry := "none=" + tier
	if _, explicit := imp.Options.Tiering["none"]; !explicit {
		entry = tiers.OtherSeverity + "=" + tier
	}
	imp.note(r.Pos, NoteWarning, "%s: severity none marks an alert that must not notify; --severity-map %s gives it severity %s, so routes and inhibit rules that match severity=%q now select it (kube-prometheus-stack's InfoInhibitor inhibit rule targets severity=\"info\"): mongen import --check with the alertmanager.yml lists each of its inhibit rules that selects other alerts", r.Name, entry, severity, severity)
}

// untieredAlert names an alert whose severity (its own, or its group's)
// maps to no tier.
func untieredAlert(g read.Group, r read.Rule) diag.Diagnostic {
	sev, has := r.Labels["severity"]
	if !has {
		sev, has = g.Labels["severity"]
	}
	what := fmt.Sprintf("severity %q", sev)
	if !has {
		what = "no severity label"
	}
	return diag.FromString(fmt.Sprintf("%s: alert %s has %s", r.Pos, r.Name, what))
}

// suppressFindings runs mongen's lint checks on the environment as it
// will build and writes a vet.disable entry for each check that reports
// an error, naming the rules: the import keeps the rules as they were, and
// mongen build would otherwise refuse them. The reason says so, and
// `mongen vet` prints every suppressed finding, so nothing is hidden.
func (imp *Import) suppressFindings() error {
	plan, err := expand.Expand(imp.Env)
	if err != nil {
		return fmt.Errorf("expand the imported environment: %w", err)
	}
	res := lint.Vet(plan, lint.Config{Policy: lint.DefaultPolicy()})
	rules := map[string]map[string]bool{}
	for _, f := range res.Findings {
		if f.Severity != finding.Error {
			continue
		}
		if rules[f.Check] == nil {
			rules[f.Check] = map[string]bool{}
		}
		rules[f.Check][strings.TrimPrefix(f.Subject, "rule ")] = true
	}
	imp.Suppressed = map[string]model.VetDisable{}
	for _, check := range sortedKeys(rules) {
		names := sortedKeys(rules[check])
		d := model.VetDisable{Reason: "imported by mongen import: these rules fail this check as they were written; fix them and remove them from this list", Rules: names}
		if check == "promql/selector" {
			// Every rule selects series of jobs the environment does not
			// have yet: one entry for the check, not a list of them all.
			d = model.VetDisable{Reason: "imported by mongen import without the targets that produce these series: add them (or import the scrape configuration), then remove this entry"}
		}
		imp.Suppressed[check] = d
		imp.note("", NoteWarning, "%d %s %s as written: suppressed in vet.disable with a reason, listed by mongen vet", len(names), plural(len(names), "rule fails", "rules fail"), check)
	}
	imp.Env.Vet.Disable = imp.Suppressed
	return nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func labelString(m map[string]string) string {
	parts := make([]string, 0, len(m))
	for _, k := range sortedKeys(m) {
		parts = append(parts, fmt.Sprintf("%s=%q", k, m[k]))
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
