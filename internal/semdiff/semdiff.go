// Package semdiff compares one environment compiled at two revisions and
// says what changed in the terms a reviewer cares about: alerts and
// recording rules added, removed or changed (expression, for, tier, labels,
// annotations), alerts whose receivers change, scrape jobs, and the raw
// changes of every other generated file. It is pure: the CLI compiles the
// two sides and chooses the output format (text, Markdown, JSON).
package semdiff

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/rogpeppe/go-internal/diff"

	"github.com/mongen-dev/mongen/internal/artifact"
	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/model"
	"github.com/mongen-dev/mongen/internal/render/alertmanager"
	"github.com/mongen-dev/mongen/internal/render/plain"
	"github.com/mongen-dev/mongen/internal/verify/amcheck"
)

// Change is what happened to one item.
type Change string

// The changes.
const (
	Added   Change = "added"
	Removed Change = "removed"
	Changed Change = "changed"
)

// Status is what happened to one environment.
type Status string

// The statuses.
const (
	EnvAdded     Status = "added"
	EnvRemoved   Status = "removed"
	EnvChanged   Status = "changed"
	EnvUnchanged Status = "unchanged"
	// EnvError: one side does not compile, so nothing could be compared.
	EnvError Status = "error"
)

// Report is the whole diff between two revisions.
type Report struct {
	// Base and Head name the revisions: "origin/main (1a2b3c4)", "working tree".
	Base         string `json:"base"`
	Head         string `json:"head"`
	Environments []Env  `json:"environments"`
	Totals       Counts `json:"totals"`
}

// Env is one environment's diff.
type Env struct {
	Name   string `json:"name"`
	Status Status `json:"status"`
	// Error says which side failed to compile and why (EnvError).
	Error          string      `json:"error,omitempty"`
	Alerts         []Rule      `json:"alerts"`
	RecordingRules []Rule      `json:"recordingRules"`
	Routing        []Route     `json:"routing"`
	ScrapeJobs     []Job       `json:"scrapeJobs"`
	Dashboards     []Dashboard `json:"dashboards"`
	Files          []File      `json:"files"`
	Counts         Counts      `json:"counts"`
}

// Rule is one alerting or recording rule that was added, removed or changed.
type Rule struct {
	Change Change `json:"change"`
	Group  string `json:"group"`
	Name   string `json:"name"`
	Tier   string `json:"tier,omitempty"`
	Team   string `json:"team,omitempty"`
	// Receivers an added or removed alert reaches (mongen receivers).
	Receivers []string `json:"receivers,omitempty"`
	// Origin is the rule's CUE position (at head; at base when removed).
	Origin string  `json:"origin,omitempty"`
	Fields []Field `json:"fields,omitempty"`
}

// Field is one changed value: expr, for, keep_firing_for, tier,
// labels.<name>, annotations.<name>, or a scrape job's setting. An empty
// Before or After means unset.
type Field struct {
	Field  string `json:"field"`
	Before string `json:"before"`
	After  string `json:"after"`
}

// Route is a set of alerts (or one label set) that now reaches different
// receivers.
type Route struct {
	// What describes the alerts: "P1 alerts of team claw", "route test
	// {alertname="Watchdog"}", "alerts without a tier (fallback)".
	What string `json:"what"`
	Tier string `json:"tier,omitempty"`
	Team string `json:"team,omitempty"`
	// Alerts are the alerting rules concerned, by name.
	Alerts []string `json:"alerts,omitempty"`
	// Labels is the route test's label set.
	Labels map[string]string `json:"labels,omitempty"`
	Before []string          `json:"before"`
	After  []string          `json:"after"`
}

// Job is one scrape or federation job that was added, removed or changed.
type Job struct {
	Change   Change  `json:"change"`
	Name     string  `json:"name"`
	Kind     string  `json:"kind"` // service, pod, static, probe, federation
	Exporter string  `json:"exporter,omitempty"`
	Origin   string  `json:"origin,omitempty"`
	Fields   []Field `json:"fields,omitempty"`
}

// File is one generated file that differs.
type File struct {
	Change       Change `json:"change"`
	Path         string `json:"path"` // out/<env>/...
	LinesAdded   int    `json:"linesAdded"`
	LinesRemoved int    `json:"linesRemoved"`
	// Diff is the unified diff of a file the sections above do not
	// explain (anything but rule files and scrape objects); empty for
	// those, and for files of an added or removed environment.
	Diff string `json:"diff,omitempty"`
}

// Tally counts added, removed and changed items.
type Tally struct {
	Added   int `json:"added"`
	Removed int `json:"removed"`
	Changed int `json:"changed"`
}

// Total is the sum.
func (t Tally) Total() int { return t.Added + t.Removed + t.Changed }

func (t *Tally) count(c Change) {
	switch c {
	case Added:
		t.Added++
	case Removed:
		t.Removed++
	case Changed:
		t.Changed++
	}
}

func (t *Tally) add(o Tally) {
	t.Added += o.Added
	t.Removed += o.Removed
	t.Changed += o.Changed
}

// Counts summarise an environment or the whole report.
type Counts struct {
	Alerts         Tally `json:"alerts"`
	RecordingRules Tally `json:"recordingRules"`
	Routing        int   `json:"routing"`
	ScrapeJobs     Tally `json:"scrapeJobs"`
	Dashboards     Tally `json:"dashboards"`
	Files          Tally `json:"files"`
	// Environments counts environments added, removed and changed (totals
	// only).
	Environments Tally `json:"environments"`
}

// Empty reports whether nothing changed.
func (c Counts) Empty() bool {
	return c.Alerts.Total()+c.RecordingRules.Total()+c.Routing+c.ScrapeJobs.Total()+c.Dashboards.Total()+c.Files.Total()+c.Environments.Total() == 0
}

// Side is one environment compiled at one revision.
type Side struct {
	Plan *expand.Plan
	Tree *artifact.Tree
}

// Input is one environment at both revisions; a nil side means the
// environment does not exist there. Err, when set, is why a side could not
// be compiled.
type Input struct {
	Name       string
	Base, Head *Side
	Err        string
}

// Options tune Compare.
type Options struct {
	// OutDir prefixes file paths (default "out").
	OutDir string
	// MaxDiffLines bounds each file's raw diff (default 200).
	MaxDiffLines int
}

// Compare diffs one environment.
func Compare(in Input, opts Options) Env {
	if opts.OutDir == "" {
		opts.OutDir = "out"
	}
	if opts.MaxDiffLines <= 0 {
		opts.MaxDiffLines = 200
	}
	e := Env{Name: in.Name, Alerts: []Rule{}, RecordingRules: []Rule{}, Routing: []Route{}, ScrapeJobs: []Job{}, Dashboards: []Dashboard{}, Files: []File{}}
	switch {
	case in.Err != "":
		e.Status, e.Error = EnvError, in.Err
		return e
	case in.Base == nil && in.Head == nil:
		e.Status = EnvUnchanged
		return e
	case in.Base == nil:
		e.Status = EnvAdded
	case in.Head == nil:
		e.Status = EnvRemoved
	}
	base, head := orEmpty(in.Base), orEmpty(in.Head)
	rules(&e, base.Plan, head.Plan)
	if in.Base != nil && in.Head != nil {
		// An environment added or removed reaches everyone or no one anew:
		// its alerts list their receivers instead.
		routing(&e, base, head)
	}
	jobs(&e, base.Plan, head.Plan)
	dashboards(&e, base.Plan, head.Plan)
	files(&e, base.Tree, head.Tree, path.Join(opts.OutDir, in.Name), opts.MaxDiffLines, in.Base != nil && in.Head != nil)
	for _, r := range e.Alerts {
		e.Counts.Alerts.count(r.Change)
	}
	for _, r := range e.RecordingRules {
		e.Counts.RecordingRules.count(r.Change)
	}
	e.Counts.Routing = len(e.Routing)
	for _, j := range e.ScrapeJobs {
		e.Counts.ScrapeJobs.count(j.Change)
	}
	for _, d := range e.Dashboards {
		e.Counts.Dashboards.count(d.Change)
	}
	for _, f := range e.Files {
		e.Counts.Files.count(f.Change)
	}
	if e.Status == "" {
		e.Status = EnvUnchanged
		if !e.Counts.Empty() {
			e.Status = EnvChanged
		}
	}
	return e
}

// NewReport assembles environments (in the order given) and their totals.
func NewReport(base, head string, envs []Env) *Report {
	r := &Report{Base: base, Head: head, Environments: envs}
	if r.Environments == nil {
		r.Environments = []Env{}
	}
	for _, e := range envs {
		r.Totals.Alerts.add(e.Counts.Alerts)
		r.Totals.RecordingRules.add(e.Counts.RecordingRules)
		r.Totals.Routing += e.Counts.Routing
		r.Totals.ScrapeJobs.add(e.Counts.ScrapeJobs)
		r.Totals.Dashboards.add(e.Counts.Dashboards)
		r.Totals.Files.add(e.Counts.Files)
		switch e.Status {
		case EnvAdded:
			r.Totals.Environments.Added++
		case EnvRemoved:
			r.Totals.Environments.Removed++
		case EnvChanged:
			r.Totals.Environments.Changed++
		}
	}
	return r
}

// HasChanges reports whether any environment differs.
func (r *Report) HasChanges() bool { return !r.Totals.Empty() }

// HasErrors reports whether an environment could not be compared.
func (r *Report) HasErrors() bool {
	for _, e := range r.Environments {
		if e.Status == EnvError {
			return true
		}
	}
	return false
}

func orEmpty(s *Side) *Side {
	if s == nil {
		return &Side{Plan: &expand.Plan{Env: &model.Environment{}}, Tree: artifact.NewTree()}
	}
	return s
}

type ruleAt struct {
	group string
	rule  expand.Rule
}

func ruleMap(p *expand.Plan) map[string]ruleAt {
	out := map[string]ruleAt{}
	for _, g := range p.Groups {
		for _, r := range g.Rules {
			out[g.Name+"\x00"+r.Kind+"\x00"+r.Key] = ruleAt{group: g.Name, rule: r}
		}
	}
	return out
}

func rules(e *Env, base, head *expand.Plan) {
	b, h := ruleMap(base), ruleMap(head)
	for _, k := range unionKeys(b, h) {
		br, inB := b[k]
		hr, inH := h[k]
		var r Rule
		var at ruleAt
		switch {
		case !inB:
			at = hr
			// What the new rule is: every field, as added values.
			var fields []Field
			for _, f := range ruleFields(expand.Rule{Rule: model.Rule{Kind: hr.rule.Kind}}, hr.rule) {
				if f.Field != "name" && f.Field != "tier" { // both in the heading
					fields = append(fields, f)
				}
			}
			r = Rule{Change: Added, Receivers: endpoints(head, hr.rule), Fields: fields}
		case !inH:
			at = br
			r = Rule{Change: Removed, Receivers: endpoints(base, br.rule)}
		default:
			at = hr
			r = Rule{Change: Changed, Fields: ruleFields(br.rule, hr.rule)}
			if len(r.Fields) == 0 {
				continue
			}
		}
		r.Group, r.Name, r.Origin = at.group, at.rule.Name, at.rule.Origin
		if at.rule.Kind == model.RuleAlert {
			r.Tier, r.Team = at.rule.Tier, at.rule.Team
			e.Alerts = append(e.Alerts, r)
		} else {
			r.Receivers = nil
			e.RecordingRules = append(e.RecordingRules, r)
		}
	}
	sortRules(e.Alerts)
	sortRules(e.RecordingRules)
}

func sortRules(rs []Rule) {
	sort.SliceStable(rs, func(i, j int) bool {
		if rs[i].Group != rs[j].Group {
			return rs[i].Group < rs[j].Group
		}
		return rs[i].Name < rs[j].Name
	})
}

// ruleFields lists what differs between two versions of one rule, in the
// order a reviewer reads a rule.
func ruleFields(b, h expand.Rule) []Field {
	var out []Field
	cmp := func(name, before, after string) {
		if before != after {
			out = append(out, Field{Field: name, Before: before, After: after})
		}
	}
	cmp("name", b.Name, h.Name)
	cmp("expr", b.Expr, h.Expr)
	cmp("for", b.For, h.For)
	cmp("keep_firing_for", b.KeepFiringFor, h.KeepFiringFor)
	if b.Kind == model.RuleAlert {
		cmp("tier", b.Tier, h.Tier)
	}
	mapFields := func(prefix string, bm, hm map[string]string) {
		for _, k := range unionKeys(bm, hm) {
			cmp(prefix+k, bm[k], hm[k])
		}
	}
	mapFields("labels.", plain.RuleLabels(b), plain.RuleLabels(h))
	mapFields("annotations.", b.Annotations, h.Annotations)
	return out
}

// endpoints are the mongen receivers an alert reaches: those of its team
// for its tier, else its tier's. mongen build proves the generated routing
// tree delivers exactly these (amcheck).
func endpoints(p *expand.Plan, r expand.Rule) []string {
	if r.Kind != model.RuleAlert || p.Alerting == nil {
		return nil
	}
	return expand.Endpoints(p.Alerting.Policy, r.Tier, r.Team)
}

// routing finds the alerts whose receivers change between the two sides,
// grouped by tier, team and change; then the route tests' label sets,
// matched with Alertmanager's own routing code against each side's
// alertmanager.yml; then the fallback.
func routing(e *Env, base, head *Side) {
	b, h := ruleMap(base.Plan), ruleMap(head.Plan)
	type groupKey struct{ tier, team, before, after string }
	groups := map[groupKey]*Route{}
	var order []groupKey
	for _, k := range unionKeys(b, h) {
		br, inB := b[k]
		hr, inH := h[k]
		if !inB || !inH || hr.rule.Kind != model.RuleAlert {
			continue
		}
		before, after := endpoints(base.Plan, br.rule), endpoints(head.Plan, hr.rule)
		if slices.Equal(before, after) {
			continue
		}
		gk := groupKey{hr.rule.Tier, hr.rule.Team, strings.Join(before, "\x00"), strings.Join(after, "\x00")}
		g, ok := groups[gk]
		if !ok {
			what := hr.rule.Tier + " alerts"
			if hr.rule.Team != "" {
				what += " of team " + hr.rule.Team
			}
			g = &Route{What: what, Tier: hr.rule.Tier, Team: hr.rule.Team, Before: nonNil(before), After: nonNil(after)}
			groups[gk] = g
			order = append(order, gk)
		}
		g.Alerts = append(g.Alerts, hr.rule.Name)
	}
	sort.Slice(order, func(i, j int) bool {
		a, c := order[i], order[j]
		if a.tier != c.tier {
			return a.tier < c.tier
		}
		if a.team != c.team {
			return a.team < c.team
		}
		if a.before != c.before {
			return a.before < c.before
		}
		return a.after < c.after
	})
	for _, gk := range order {
		g := groups[gk]
		sort.Strings(g.Alerts)
		g.Alerts = slices.Compact(g.Alerts)
		e.Routing = append(e.Routing, *g)
	}

	// Route tests: label sets the user cares about, from either side.
	var tests []map[string]string
	seen := map[string]bool{}
	for _, p := range []*expand.Plan{base.Plan, head.Plan} {
		if p.Alerting == nil {
			continue
		}
		for _, rt := range p.Alerting.Policy.RouteTests {
			key := labelString(rt.Labels)
			if !seen[key] {
				seen[key] = true
				tests = append(tests, rt.Labels)
			}
		}
	}
	sort.Slice(tests, func(i, j int) bool { return labelString(tests[i]) < labelString(tests[j]) })
	br, hr := newReacher(base), newReacher(head)
	for _, ls := range tests {
		before, okB := br.reach(ls)
		after, okH := hr.reach(ls)
		if !okB || !okH || slices.Equal(before, after) {
			continue
		}
		e.Routing = append(e.Routing, Route{What: "route test " + labelString(ls), Labels: ls, Before: nonNil(before), After: nonNil(after)})
	}

	fb, fh := fallback(base.Plan), fallback(head.Plan)
	if !slices.Equal(fb, fh) {
		e.Routing = append(e.Routing, Route{What: "alerts without a tier (fallback)", Before: nonNil(fb), After: nonNil(fh)})
	}
}

func fallback(p *expand.Plan) []string {
	if p.Alerting == nil || p.Alerting.Policy.Fallback == "" {
		return nil
	}
	return []string{p.Alerting.Policy.Fallback}
}

// reacher matches label sets against one side's generated alertmanager.yml.
type reacher struct {
	tree      *amcheck.Tree
	endpoints map[string][]string
	broken    bool // alerting, but no loadable alertmanager.yml
}

func newReacher(s *Side) *reacher {
	r := &reacher{}
	if s.Plan.Alerting == nil {
		return r
	}
	f, ok := s.Tree.Get(alertmanager.ConfigPath)
	if !ok {
		r.broken = true
		return r
	}
	cfg, err := amcheck.Load(f.Data)
	if err != nil {
		r.broken = true
		return r
	}
	r.tree = amcheck.NewTree(cfg)
	r.endpoints = map[string][]string{}
	for _, rc := range s.Plan.Alerting.Receivers {
		r.endpoints[rc.Name] = rc.Endpoints
	}
	return r
}

// reach returns the mongen receivers a label set reaches; ok is false when
// the side's configuration cannot be read (and the comparison is skipped).
// A side without alerting reaches nobody.
func (r *reacher) reach(labels map[string]string) ([]string, bool) {
	if r.broken {
		return nil, false
	}
	if r.tree == nil {
		return nil, true
	}
	set := map[string]bool{}
	for _, m := range r.tree.Match(labels) {
		for _, e := range r.endpoints[m.Receiver] {
			set[e] = true
		}
	}
	out := make([]string, 0, len(set))
	for e := range set {
		out = append(out, e)
	}
	sort.Strings(out)
	return out, true
}

func labelString(ls map[string]string) string {
	keys := make([]string, 0, len(ls))
	for k := range ls {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s=%q", k, ls[k])
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

type jobAt struct {
	kind, exporter, origin string
	fields                 map[string]string
}

func jobMap(p *expand.Plan) map[string]jobAt {
	out := map[string]jobAt{}
	for _, j := range p.Jobs {
		out[j.Name] = jobAt{kind: j.Target.Kind, exporter: j.Exporter, origin: j.Origin, fields: flatten(j.Target)}
	}
	for _, f := range p.Federation {
		out[f.Name] = jobAt{kind: "federation", origin: f.Origin, fields: flatten(f.Federation)}
	}
	return out
}

func jobs(e *Env, base, head *expand.Plan) {
	b, h := jobMap(base), jobMap(head)
	for _, name := range unionKeys(b, h) {
		bj, inB := b[name]
		hj, inH := h[name]
		j := Job{Name: name}
		at := hj
		switch {
		case !inB:
			j.Change = Added
			for _, k := range unionKeys(hj.fields, nil) {
				if k == "kind" {
					continue // in the heading
				}
				j.Fields = append(j.Fields, Field{Field: k, After: hj.fields[k]})
			}
		case !inH:
			j.Change, at = Removed, bj
		default:
			j.Change = Changed
			if bj.kind != hj.kind {
				j.Fields = append(j.Fields, Field{Field: "kind", Before: bj.kind, After: hj.kind})
			}
			if bj.exporter != hj.exporter {
				j.Fields = append(j.Fields, Field{Field: "exporter", Before: bj.exporter, After: hj.exporter})
			}
			for _, k := range unionKeys(bj.fields, hj.fields) {
				if bj.fields[k] != hj.fields[k] {
					j.Fields = append(j.Fields, Field{Field: k, Before: bj.fields[k], After: hj.fields[k]})
				}
			}
			if len(j.Fields) == 0 {
				continue
			}
		}
		j.Kind, j.Exporter, j.Origin = at.kind, at.exporter, at.origin
		e.ScrapeJobs = append(e.ScrapeJobs, j)
	}
}

// flatten turns a job's settings into dotted keys (selector.app) and
// printable values; lists stay whole, as JSON.
func flatten(v any) map[string]string {
	data, err := json.Marshal(v)
	if err != nil {
		return map[string]string{"": fmt.Sprint(v)}
	}
	var m any
	if err := json.Unmarshal(data, &m); err != nil {
		return map[string]string{"": string(data)}
	}
	out := map[string]string{}
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, val := range x {
				key := k
				if prefix != "" {
					key = prefix + "." + k
				}
				walk(key, val)
			}
		case nil:
			// unset
		case string:
			if x != "" {
				out[prefix] = x
			}
		case bool:
			if x {
				out[prefix] = "true"
			}
		case []any:
			if len(x) > 0 {
				b, _ := json.Marshal(x)
				out[prefix] = string(b)
			}
		default:
			b, _ := json.Marshal(x)
			if s := string(b); s != "0" {
				out[prefix] = s
			}
		}
	}
	walk("", m)
	return out
}

// semantic reports whether a file's changes are explained by the rule and
// job sections: rule files and the operator's scrape objects. The rest
// (prometheus.yml, alertmanager.yml, the Prometheus resource, the
// kustomization ...) is shown as a raw diff.
func semantic(p string) bool {
	if strings.HasPrefix(p, "prometheus/rules/") || strings.HasPrefix(p, "dashboards/") {
		return true
	}
	for _, prefix := range []string{"prometheusrule-", "servicemonitor-", "podmonitor-", "probe-", "scrapeconfig-"} {
		if strings.HasPrefix(p, "manifests/"+prefix) {
			return true
		}
	}
	return false
}

func files(e *Env, base, head *artifact.Tree, dir string, maxLines int, withDiffs bool) {
	names := append(base.Paths(), head.Paths()...)
	sort.Strings(names)
	for _, p := range slices.Compact(names) {
		bf, inB := base.Get(p)
		hf, inH := head.Get(p)
		f := File{Path: path.Join(dir, p)}
		switch {
		case !inB:
			f.Change, f.LinesAdded = Added, lineCount(hf.Data)
		case !inH:
			f.Change, f.LinesRemoved = Removed, lineCount(bf.Data)
		case bytes.Equal(bf.Data, hf.Data):
			continue
		default:
			f.Change = Changed
			d := diff.Diff("a/"+f.Path, bf.Data, "b/"+f.Path, hf.Data)
			f.LinesAdded, f.LinesRemoved = countChanges(d)
			if withDiffs && !semantic(p) {
				f.Diff = truncate(d, maxLines)
			}
		}
		e.Files = append(e.Files, f)
	}
}

func lineCount(b []byte) int {
	if len(b) == 0 {
		return 0
	}
	n := bytes.Count(b, []byte("\n"))
	if b[len(b)-1] != '\n' {
		n++
	}
	return n
}

// countChanges counts the added and removed lines of a unified diff.
func countChanges(d []byte) (added, removed int) {
	inHunk := false
	for _, l := range strings.Split(string(d), "\n") {
		switch {
		case strings.HasPrefix(l, "@@"):
			inHunk = true
		case !inHunk:
			// the header: diff, ---, +++
		case strings.HasPrefix(l, "+"):
			added++
		case strings.HasPrefix(l, "-"):
			removed++
		}
	}
	return added, removed
}

// truncate keeps a diff's hunks (without the file header) up to max lines.
func truncate(d []byte, max int) string {
	lines := strings.Split(strings.TrimSuffix(string(d), "\n"), "\n")
	for len(lines) > 0 && !strings.HasPrefix(lines[0], "@@") {
		lines = lines[1:] // the header: diff, ---, +++
	}
	if len(lines) > max {
		more := len(lines) - max
		lines = append(lines[:max], fmt.Sprintf("… %d more lines", more))
	}
	return strings.Join(lines, "\n") + "\n"
}

func unionKeys[V any](a, b map[string]V) []string {
	keys := make([]string, 0, len(a)+len(b))
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
