// Package lint is mongen vet: named checks over an expanded plan that catch
// rules which load fine but cannot work as meant (a counter compared
// without rate, a template naming a label the expression aggregated away, a
// selector for a job nothing scrapes), each reported as a finding.Finding
// with the CUE position of its cause.
//
// Checks read the PromQL syntax tree (the Prometheus parser) and the
// templates' parse trees, never the text with regular expressions. The
// environment's tier policy says which annotations each tier needs and how
// long its `for` may be; vet.disable in the environment switches a check
// off, for every rule or some, with a reason that is printed.
package lint

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"
	"github.com/prometheus/prometheus/promql/parser/posrange"
	"go.yaml.in/yaml/v3"

	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/finding"
	mmodel "github.com/mongen-dev/mongen/internal/model"
	"github.com/mongen-dev/mongen/internal/verifycache"
)

// CheckInfo describes one check, for documentation, SARIF rule metadata and
// validating vet.disable keys.
type CheckInfo struct {
	ID string `json:"id"`
	// Severity is the check's usual severity; docs/lint.md says when a
	// finding of the check has another.
	Severity finding.Severity `json:"severity"`
	Summary  string           `json:"summary"`
}

type check struct {
	CheckInfo
	run func(*pass)
}

// The built-in checks, by id. Each check's findings are documented in
// docs/lint.md under the same id.
var checks = []check{
	{CheckInfo{"promql/counter", finding.Error, "a counter compared, aggregated, delta()'d or averaged without rate() or increase(), or a gauge given to rate(); a warning when only the name says it is a counter"}, checkCounter},
	{CheckInfo{"promql/rate-range", finding.Warning, "a rate() range shorter than 4× the scrape interval of the job it reads"}, checkRateRange},
	{CheckInfo{"promql/regexp", finding.Warning, "an equality matcher holding a regular expression, or a regular expression that is a plain string"}, checkRegexp},
	{CheckInfo{"promql/selector", finding.Error, "a selector for a job or metric that no target of the environment produces"}, checkSelector},
	{CheckInfo{"promql/syntax", finding.Error, "an expression that does not parse"}, checkSyntax},
	{CheckInfo{"rule/annotations", finding.Error, "an annotation the rule's tier requires is missing, or runbook_url is not a URL"}, checkAnnotations},
	{CheckInfo{"rule/for", finding.Warning, "`for` outside the tier's bounds, or `for` on a recording rule"}, checkFor},
	{CheckInfo{"rule/name", finding.Error, "a rule name that is not an identifier, or an alert name used twice with overlapping labels"}, checkName},
	{CheckInfo{"rule/threshold-sign", finding.Warning, "an alert comparing with a negative number, so it always or never fires"}, checkThresholdSign},
	{CheckInfo{"rule/tier", finding.Error, "an alert without exactly one known tier and its severity, or a label key close to severity"}, checkTier},
	{CheckInfo{"template/labels", finding.Error, "a template refers to a label the expression cannot produce"}, checkTemplateLabels},
	{CheckInfo{"template/syntax", finding.Error, "a label or annotation template that does not parse with Prometheus' template functions"}, checkTemplateSyntax},
	{CheckInfo{VetConfigCheck, finding.Error, "vet.disable names an unknown check or rule, or suppresses nothing"}, nil},
}

// VetConfigCheck reports problems in vet.disable itself; it cannot be
// disabled.
const VetConfigCheck = "vet/config"

// Checks lists the built-in checks, sorted by id.
func Checks() []CheckInfo {
	out := make([]CheckInfo, len(checks))
	for i, c := range checks {
		out[i] = c.CheckInfo
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Config says which checks run and how.
type Config struct {
	// Policy is the tier policy; a zero Policy means DefaultPolicy().
	Policy Policy
	// Disable switches checks off by id (the environment's vet.disable).
	Disable map[string]mmodel.VetDisable
	// DisableOrigins are the CUE positions of Disable's entries, by id.
	DisableOrigins map[string]string
	// Only, when not empty, runs just these checks.
	Only []string
	// External are findings of checks run elsewhere (the routing proofs'
	// alertmanager/* checks): they are suppressed and reported like the
	// built-in ones. ExternalChecks describes their checks, so vet.disable
	// may name them.
	External       []finding.Finding
	ExternalChecks []CheckInfo
	// MetricTypes declares more metric TYPEs by name (counter, gauge,
	// histogram, summary), over the exporters' and vet.metricTypes.
	MetricTypes map[string]string
	// Verified remembers checks that passed on the same input before
	// (the per-rule checks, by the rule's content and the plan-wide state
	// they read; the template checks, by rule name and text), so a
	// rebuild runs them only on what changed (cache.go); nil runs
	// everything.
	Verified *verifycache.Cache
}

// ConfigFor reads the configuration an environment gives: its tier policy
// (when it has alerting) and its vet.disable entries with their positions.
func ConfigFor(env *mmodel.Environment) Config {
	cfg := Config{Policy: DefaultPolicy()}
	if env == nil {
		return cfg
	}
	if env.Alerting != nil {
		cfg.Policy = PolicyFrom(env.Alerting)
	}
	cfg.Disable = env.Vet.Disable
	cfg.DisableOrigins = map[string]string{}
	for id := range env.Vet.Disable {
		cfg.DisableOrigins[id] = env.Source("vet", "disable", id)
	}
	return cfg
}

// Result is what one run found: active findings and suppressed ones, each
// sorted.
type Result struct {
	Findings   []finding.Finding    `json:"findings"`
	Suppressed []finding.Suppressed `json:"suppressed"`
}

// Run runs the checks on plan and returns the findings that are not
// suppressed, sorted.
func Run(plan *expand.Plan, cfg Config) []finding.Finding {
	return Vet(plan, cfg).Findings
}

// Vet runs the checks on plan and sorts the findings into active and
// suppressed ones.
func Vet(plan *expand.Plan, cfg Config) Result {
	return Suppress(plan, cfg, Unsuppressed(plan, cfg))
}

// Unsuppressed runs the checks alone, without cfg.External or suppression,
// so it can run while the findings of other checks are still gathered.
func Unsuppressed(plan *expand.Plan, cfg Config) []finding.Finding {
	return runChecks(plan, cfg).out
}

// runChecks is Unsuppressed, returning the pass.
func runChecks(plan *expand.Plan, cfg Config) *pass {
	if len(cfg.Policy.Tiers) == 0 {
		cfg.Policy = DefaultPolicy()
	}
	p := newPass(plan, cfg)
	only := map[string]bool{}
	for _, id := range cfg.Only {
		only[id] = true
	}
	var run []check
	for _, c := range checks {
		if c.run == nil || (len(only) > 0 && !only[c.ID]) {
			continue
		}
		run = append(run, c)
	}
	p.recall(run)
	for _, c := range run {
		c.run(p)
	}
	p.remember()
	return p
}

// Suppress applies cfg's vet.disable to the findings of Unsuppressed and
// cfg.External, and reports the entries that suppress nothing.
func Suppress(plan *expand.Plan, cfg Config, own []finding.Finding) Result {
	all := append(append([]finding.Finding(nil), own...), cfg.External...)
	return suppress(plan, cfg, all)
}

// pass is one run over a plan.
type pass struct {
	plan *expand.Plan
	cfg  Config
	// rules in plan order (groups by name, then their rules).
	rules []*rule
	// todo are the rules the per-rule checks look at: those without a
	// cached verdict (recall), in plan order.
	todo []*rule
	// parse parses the rules' expressions.
	parse parser.Parser
	jobs  []job
	// recorded names the series that the plan's recording rules write.
	recorded map[string]bool
	// types are the declared metric TYPEs by name (metricTypes).
	types map[string]string
	// scrape and eval are the global scrape and evaluation intervals.
	scrape, eval time.Duration
	out          []finding.Finding
	info         map[string]CheckInfo
	// templates caches parsed templates by text.
	templates map[string]parsedTemplate
	// nearSeverity caches nearSeverity by label key: rules share keys.
	nearSeverity map[string]bool
	// known caches knownMetrics; knownDone says it is computed.
	known     []string
	knownDone bool
}

// rule is one rule of the plan, with its parsed expression.
type rule struct {
	expand.Rule
	group string
	// exporter is the library exporter whose rules hold this one, "" for
	// the environment's own.
	exporter string
	// expr and err are the parse of Expr once parsed is set (exprOf).
	expr   parser.Expr // nil when it does not parse
	err    error
	parsed bool
	// key names the rule's verdict in cfg.Verified ("" without a cache);
	// cached says an earlier run's per-rule checks found nothing on the
	// same rule and plan-wide state (recall), and selectors is what that
	// run recorded of its expression for knownMetrics.
	key       string
	cached    bool
	selectors []byte
	// reported says this run reported a finding about the rule.
	reported bool
}

func (r *rule) alert() bool { return r.Kind != mmodel.RuleRecord }

// job is one scrape or federation job of the plan.
type job struct {
	name string
	// jobs are the job values its targets carry before relabelling: the
	// name, or for a raw scrape config the job its static_configs' labels
	// set (rawJob).
	jobs     []string
	interval time.Duration
	// metrics lists what the job exposes (names and "_" prefixes); nil when
	// unknown.
	metrics  []string
	exporter string
	// federate holds the match[] selectors of a federation job: it yields
	// any series they select, with any job label.
	federate [][]*labels.Matcher
	// anyJob: the target honours its series' own labels and its metrics
	// are unknown (a Pushgateway), so its series may carry any job label.
	anyJob bool
	// relabelled are the job values a relabelling (`target_label: job`)
	// gives the job's series besides jobs; relabelledAny: some
	// relabelling sets job from a target's labels, to a value not known
	// before discovery.
	relabelled    []string
	relabelledAny bool
}

// relabelJobs reads what a target's relabelling does to the job label:
// the fixed values it writes, and whether it writes one taken from the
// target's labels ($1, ${1}).
func relabelJobs(rs []mmodel.Relabel) (values []string, dynamic bool) {
	for _, r := range rs {
		if r.TargetLabel != "job" || (r.Action != "" && r.Action != "replace") {
			continue
		}
		repl := "$1"
		if r.Replacement != nil {
			repl = *r.Replacement
		}
		if strings.Contains(repl, "$") {
			dynamic = true
			continue
		}
		values = append(values, repl)
	}
	return values, dynamic
}

// rawJob reads what lint needs of a raw scrape config (YAML text): its
// interval, the job its static_configs labels set, and the job values its
// relabel_configs write. One that does not parse is the job name alone;
// verify reports it.
func rawJob(name, text string, scrape time.Duration) job {
	var raw struct {
		ScrapeInterval string `yaml:"scrape_interval"`
		StaticConfigs  []struct {
			Labels map[string]string `yaml:"labels"`
		} `yaml:"static_configs"`
		RelabelConfigs []struct {
			Action       string   `yaml:"action"`
			SourceLabels []string `yaml:"source_labels"`
			TargetLabel  string   `yaml:"target_label"`
			Replacement  *string  `yaml:"replacement"`
		} `yaml:"relabel_configs"`
		Rest map[string]any `yaml:",inline"`
	}
	j := job{name: name, jobs: []string{name}, interval: scrape}
	if err := yaml.Unmarshal([]byte(text), &raw); err != nil {
		return j
	}
	j.interval = durationOr(raw.ScrapeInterval, scrape)
	// Targets found by discovery carry the job name (their target groups'
	// labels are not known before), as do static groups that set no job.
	named := len(raw.StaticConfigs) == 0
	for k := range raw.Rest {
		named = named || strings.HasSuffix(k, "_sd_configs")
	}
	j.jobs = nil
	for _, sc := range raw.StaticConfigs {
		if v := sc.Labels["job"]; v != "" {
			j.jobs = append(j.jobs, v)
		} else {
			named = true
		}
	}
	if named {
		j.jobs = append(j.jobs, name)
	}
	slices.Sort(j.jobs)
	j.jobs = slices.Compact(j.jobs)
	var rs []mmodel.Relabel
	for _, r := range raw.RelabelConfigs {
		rs = append(rs, mmodel.Relabel{Action: r.Action, SourceLabels: r.SourceLabels, TargetLabel: r.TargetLabel, Replacement: r.Replacement})
	}
	j.relabelled, j.relabelledAny = relabelJobs(rs)
	return j
}

// values are the job values the job's series can carry: its targets'
// and those relabelling writes.
func (j job) values() []string { return append(slices.Clip(j.jobs), j.relabelled...) }

// matches reports whether every matcher accepts one of the job's values.
func (j job) matches(ms []*labels.Matcher) bool {
	if j.relabelledAny {
		return true
	}
	for _, name := range j.values() {
		ok := true
		for _, m := range ms {
			ok = ok && m.Matches(name)
		}
		if ok {
			return true
		}
	}
	return false
}

func newPass(plan *expand.Plan, cfg Config) *pass { return indexPlan(plan, cfg, true) }

// indexPlan indexes plan for the checks; with withRules false p.rules
// stays empty (a Catalog needs only what the rules record). The rules'
// expressions are parsed later, by recall (for every rule without a cached
// verdict) or exprOf.
func indexPlan(plan *expand.Plan, cfg Config, withRules bool) *pass {
	p := &pass{plan: plan, cfg: cfg, recorded: map[string]bool{}, info: map[string]CheckInfo{}, parse: parser.NewParser(parser.Options{})}
	for _, c := range checks {
		p.info[c.ID] = c.CheckInfo
	}
	env := plan.Env
	if env == nil {
		env = &mmodel.Environment{}
	}
	p.types = metricTypes(env, cfg.MetricTypes)
	p.scrape = durationOr(env.Prometheus.ScrapeInterval, time.Minute)
	p.eval = durationOr(env.Prometheus.EvaluationInterval, time.Minute)
	for _, g := range plan.Groups {
		for _, r := range g.Rules {
			if r.Kind == mmodel.RuleRecord {
				p.recorded[r.Name] = true
			}
			if !withRules {
				continue
			}
			p.rules = append(p.rules, &rule{Rule: r, group: g.Name, exporter: g.Exporter})
		}
	}
	for _, j := range plan.Jobs {
		// A target's series carry its name as job in both flavours: the
		// schema refuses labels.job (#TargetLabels).
		info := job{name: j.Name, jobs: []string{j.Name}, interval: durationOr(j.Target.Interval, p.scrape), exporter: j.Exporter}
		if j.Exporter != "" {
			info.metrics = env.Exporters[j.Exporter].Metrics
		}
		info.anyJob = j.Target.HonorLabels && info.metrics == nil
		info.relabelled, info.relabelledAny = relabelJobs(j.Target.Relabel)
		p.jobs = append(p.jobs, info)
	}
	for _, name := range sortedKeys(env.RawScrapeConfigs) {
		// A raw scrape config's metrics are unknown (schemas/raw.cue).
		p.jobs = append(p.jobs, rawJob(name, env.RawScrapeConfigs[name], p.scrape))
	}
	for _, f := range plan.Federation {
		info := job{name: f.Name, jobs: []string{f.Name}, interval: durationOr(f.Federation.Interval, p.scrape)}
		for _, m := range f.Federation.Match {
			ms, err := p.parse.ParseMetricSelector(m)
			if err != nil {
				// Unparseable match[] selects nothing; verify reports it.
				continue
			}
			info.federate = append(info.federate, ms)
		}
		p.jobs = append(p.jobs, info)
	}
	sort.Slice(p.jobs, func(i, j int) bool { return p.jobs[i].name < p.jobs[j].name })
	return p
}

func durationOr(s string, def time.Duration) time.Duration {
	if s == "" {
		return def
	}
	d, err := model.ParseDuration(s)
	if err != nil || d <= 0 {
		return def
	}
	return time.Duration(d)
}

// report adds a finding about rule r (nil for none) at pos, with the
// check's usual severity unless sev is given.
func (p *pass) report(id string, sev finding.Severity, pos string, r *rule, format string, args ...any) {
	if sev == "" {
		sev = p.info[id].Severity
	}
	f := finding.Finding{Check: id, Severity: sev, Position: pos, Message: fmt.Sprintf(format, args...)}
	if r != nil {
		r.reported = true
		f.Subject = "rule " + r.Name
		if f.Position == "" {
			f.Position = r.Origin
		}
		if where, ok := p.userPosition(r, f.Position); ok {
			f.Message += fmt.Sprintf(" (library rule of exporter %s, %s)", r.exporter, f.Position)
			f.Position = where
		}
	}
	p.out = append(p.out, f)
}

// embeddedPrefix starts the positions of the library's own files, which
// are not in the user's repository.
const embeddedPrefix = "mongen.dev/mongen@"

// userPosition is where in the user's environment a finding on a library
// rule at pos belongs: the rule's override when the environment has one,
// else the declaration of the exporter that brings the rule in. ok is
// false when pos is already the user's.
func (p *pass) userPosition(r *rule, pos string) (string, bool) {
	if r.exporter == "" || !strings.HasPrefix(pos, embeddedPrefix) || p.plan.Env == nil {
		return "", false
	}
	env := p.plan.Env
	if _, ok := env.Overrides[r.Name]; ok {
		if where := env.Source("overrides", r.Name); where != "" && !strings.HasPrefix(where, embeddedPrefix) {
			return where, true
		}
	}
	if where := env.Source("exporters", r.exporter); where != "" && !strings.HasPrefix(where, embeddedPrefix) {
		return where, true
	}
	return "", false
}

// exprOrigin is the position to report an expression problem at.
func (r *rule) exprOrigin() string {
	if r.ExprOrigin != "" {
		return r.ExprOrigin
	}
	return r.Origin
}

// at formats a position inside the rule's expression, "expr 1:17", for
// messages: the finding's position is the expression's start in the CUE.
func (r *rule) at(pos posrange.Pos) string {
	line, col := LineCol(r.Expr, int(pos))
	return fmt.Sprintf("expr %d:%d", line, col)
}

// LineCol converts a byte offset in s to a 1-based line and rune column
// (clamped into s); dashcheck reports panel expressions with it too.
func LineCol(s string, off int) (line, col int) {
	off = max(0, min(off, len(s)))
	before := s[:off]
	line = 1 + strings.Count(before, "\n")
	if i := strings.LastIndexByte(before, '\n'); i >= 0 {
		before = before[i+1:]
	}
	return line, 1 + len([]rune(before))
}

// snippet is the source text of node in expr, shortened for a message.
func snippet(expr string, node parser.Node) string {
	pr := node.PositionRange()
	s := ""
	if int(pr.Start) >= 0 && int(pr.End) <= len(expr) && pr.Start < pr.End {
		s = expr[pr.Start:pr.End]
	} else {
		s = node.String()
	}
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 80 {
		s = string(r[:77]) + "..."
	}
	return s
}

// fmtDuration prints d as Prometheus does (1m30s, 2h).
func fmtDuration(d time.Duration) string { return model.Duration(d).String() }

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
