package convert

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/mongen-dev/mongen/internal/importer/cuetext"
	"github.com/mongen-dev/mongen/internal/importer/read"
	"github.com/mongen-dev/mongen/internal/importer/tiers"
	"github.com/mongen-dev/mongen/internal/load"
	"github.com/mongen-dev/mongen/internal/model"
)

// Adopted is a library exporter the import brought in because input rules
// are its rules: they become overrides of the library's rules instead of
// copies.
type Adopted struct {
	Key        string // key under env.exporters: the exporter's job
	Definition string // in library/exporter, such as #NodeExporter
	Job        string // set when it is not the exporter's default
	Namespace  string // set when an imported target gave it
	// Rules counts the input rules that became library rules.
	Rules int
}

// libMatch is an input rule found to be a library rule: same name, same
// expression as PromQL once the exporter's job is the input's and its
// threshold the input's.
type libMatch struct {
	gi, ri    int
	probe     int
	threshold *float64
}

// adoptKey is what distinguishes two evaluations of one exporter.
type adoptKey struct{ def, job, namespace string }

// adoptLibrary replaces input rules that are library rules by overrides of
// those rules, bringing their exporters in. An exporter is adopted when at
// least one input rule matches one of its rules; each of its other rules
// is switched off by an override, so the environment builds the input's
// rules and no more. It runs after the targets are converted, because an
// exporter brings its own scrape jobs.
func (imp *Import) adoptLibrary(in *read.Input) error {
	ad := &adoption{imp: imp, in: in, index: libraryIndex()}
	if imp.Options.NoLibrary {
		ad.noteKeptCopies()
		return nil
	}
	ad.findCandidates()
	if len(ad.cands) == 0 {
		return nil
	}
	if err := ad.probe(); err != nil {
		return err
	}
	ad.match()
	ad.choose()
	ad.refuseClashes()
	ad.take()
	if len(ad.chosen) > 0 {
		ad.adopt()
	}
	ad.noteCopies()
	return nil
}

// adoption is the state of adoptLibrary's steps, in the order they fill
// it.
type adoption struct {
	imp   *Import
	in    *read.Input
	index map[string][]string // rule name -> exporter definitions that have it

	// cands are the input alerts with a library rule's name, each with
	// the exporter evaluations (indexes into probes) to match it against.
	cands  []candidate
	probes []load.ExporterProbe
	probed []load.ProbedExporter
	// matches are the candidates whose expression is an evaluation's.
	matches []libMatch
	// chosen is the evaluation adopted per exporter definition; probeOf
	// the probe of each matched evaluation.
	chosen  map[string]adoptKey
	probeOf map[adoptKey]int
	// replacesTarget names imported targets an adopted exporter defines.
	replacesTarget map[string]bool
	// taken is the input rule each library rule becomes (first wins);
	// takenIdx the same by input index.
	taken    map[libRef]libMatch
	takenIdx map[[2]int]bool
	// copies are input rules with a library rule's name that stay
	// copies: the first one's position, by name.
	copies map[string]string
}

// candidate is an input alert with a library rule's name.
type candidate struct {
	gi, ri int
	probes []int
}

// libRef is a library rule: exporter definition and rule key.
type libRef struct{ def, key string }

func (ad *adoption) rule(gi, ri int) read.Rule { return ad.in.Groups[gi].Rules[ri] }

func (ad *adoption) keyOf(pi int) adoptKey {
	return adoptKey{ad.probes[pi].Definition, ad.probed[pi].Job, ad.probed[pi].Namespace}
}

// noteKeptCopies notes, under --no-library, each alert with a library
// rule's name.
func (ad *adoption) noteKeptCopies() {
	for _, g := range ad.in.Groups {
		for _, r := range g.Rules {
			if libs := ad.index[r.Name]; len(libs) > 0 && r.Kind == read.Alert {
				ad.imp.note(r.Pos, NoteLibrary, "%s has the name of a rule of exporter.%s: kept as a copy (--no-library)", r.Name, libs[0])
			}
		}
	}
}

// findCandidates lists the input alerts with a library rule's name, and
// the evaluations of each exporter that has it: under each job the alert
// selects, and under the exporter's default job.
func (ad *adoption) findCandidates() {
	env := ad.imp.Env
	probeIdx := map[load.ExporterProbe]int{}
	for gi, g := range ad.in.Groups {
		for ri, r := range g.Rules {
			libs := ad.index[r.Name]
			if r.Kind != read.Alert || len(libs) == 0 || ri >= len(ad.imp.Placed[gi]) {
				continue
			}
			c := candidate{gi: gi, ri: ri}
			for _, def := range libs {
				for _, job := range append(jobsOf(r.Expr), "") {
					p := load.ExporterProbe{Definition: def, Job: job, Profile: env.Platform.Profile, Release: env.Platform.Release}
					if t, ok := env.Targets[job]; ok && job != "" {
						p.Namespace = t.Namespace
					}
					i, seen := probeIdx[p]
					if !seen {
						i = len(ad.probes)
						probeIdx[p] = i
						ad.probes = append(ad.probes, p)
					}
					c.probes = append(c.probes, i)
				}
			}
			ad.cands = append(ad.cands, c)
		}
	}
}

// probe evaluates the library for every exporter evaluation, with the
// threshold sentinel that shows where a rule's threshold goes.
func (ad *adoption) probe() error {
	probed, err := load.ProbeExporters(nil, ad.probes, thresholdSentinel)
	if err != nil {
		return fmt.Errorf("read the library: %w", err)
	}
	ad.probed = probed
	return nil
}

// match matches every candidate against the evaluations of its
// exporters: the first whose rule is the input's as PromQL.
func (ad *adoption) match() {
	for _, c := range ad.cands {
		r := ad.rule(c.gi, c.ri)
		for _, pi := range c.probes {
			pe := ad.probed[pi]
			if pe.Err != nil {
				continue
			}
			g := groupOf(pe.Sentinel, r.Name)
			if g == "" {
				continue
			}
			if ok, th := MatchLibraryExpr(pe.Sentinel[g][r.Name].Expr, r.Expr); ok {
				ad.matches = append(ad.matches, libMatch{gi: c.gi, ri: c.ri, probe: pi, threshold: th})
				break
			}
		}
	}
}

// choose keeps one evaluation per exporter definition: the one most rules
// match.
func (ad *adoption) choose() {
	count := map[adoptKey]int{}
	for _, m := range ad.matches {
		count[ad.keyOf(m.probe)]++
	}
	ad.chosen = map[string]adoptKey{}
	for _, k := range slices.SortedFunc(maps.Keys(count), compareAdoptKey) {
		if best, ok := ad.chosen[k.def]; !ok || count[k] > count[best] {
			ad.chosen[k.def] = k
		}
	}
	ad.probeOf = map[adoptKey]int{}
	for _, m := range ad.matches {
		ad.probeOf[ad.keyOf(m.probe)] = m.probe
	}
}

// refuseClashes drops the exporters whose scrape jobs clash with imported
// ones (or with another adopted exporter's), noting why on each rule that
// matched them.
func (ad *adoption) refuseClashes() {
	env := ad.imp.Env
	ad.replacesTarget = map[string]bool{}
	jobs := map[string]string{}
	for _, def := range slices.Sorted(maps.Keys(ad.chosen)) {
		k := ad.chosen[def]
		pe := ad.probed[ad.probeOf[k]]
		why := ""
		for _, tn := range slices.Sorted(maps.Keys(pe.Targets)) {
			switch {
			case jobs[tn] != "":
				why = fmt.Sprintf("its job %s is also exporter.%s's", tn, jobs[tn])
			case hasKey(env.Federation, tn):
				why = fmt.Sprintf("the input's federation job %s has the name of its job", tn)
			case env.RawScrapeConfigs[tn] != "":
				why = fmt.Sprintf("the input's scrape config %s (kept raw) has the name of its job", tn)
			default:
				t, ok := env.Targets[tn]
				if ok && !sameTarget(tn, t, pe.Targets[tn]) {
					why = fmt.Sprintf("the input's scrape job %s differs from the exporter's (kind, selector, port, path, scheme, relabelling or TLS)", tn)
				}
			}
			if why != "" {
				break
			}
		}
		if why != "" {
			delete(ad.chosen, def)
			for _, m := range ad.matches {
				if ad.keyOf(m.probe) == k {
					r := ad.rule(m.gi, m.ri)
					ad.imp.note(r.Pos, NoteLibrary, "%s is the rule of exporter.%s (job %s) as PromQL, but the exporter is not adopted: %s; the rule is imported as a copy", r.Name, def, k.job, why)
				}
			}
			continue
		}
		for tn := range pe.Targets {
			jobs[tn] = def
			if _, ok := env.Targets[tn]; ok {
				ad.replacesTarget[tn] = true
			}
		}
	}
}

// take gives each library rule of an adopted evaluation the first input
// rule that matches it; later ones, and matches of evaluations not
// adopted, stay copies.
func (ad *adoption) take() {
	ad.taken = map[libRef]libMatch{}
	for _, m := range ad.matches {
		k := ad.keyOf(m.probe)
		r := ad.rule(m.gi, m.ri)
		switch {
		case ad.chosen[k.def] == (adoptKey{}):
		case ad.chosen[k.def] != k:
			ad.imp.note(r.Pos, NoteLibrary, "%s is the rule of exporter.%s with job %s, but the exporter is adopted with job %s (more rules match it): imported as a copy", r.Name, k.def, k.job, ad.chosen[k.def].job)
		default:
			ref := libRef{k.def, r.Name}
			if prev, dup := ad.taken[ref]; dup {
				ad.imp.note(r.Pos, NoteLibrary, "%s is the rule of exporter.%s as PromQL, which the rule at %s already became: imported as a copy", r.Name, k.def, ad.rule(prev.gi, prev.ri).Pos)
				continue
			}
			ad.taken[ref] = m
		}
	}
	ad.takenIdx = map[[2]int]bool{}
	for _, m := range ad.taken {
		ad.takenIdx[[2]int{m.gi, m.ri}] = true
	}
	// Input rules with a library rule's name that stay copies: that
	// library rule is switched off, or the alert would be defined twice.
	ad.copies = map[string]string{}
	for _, c := range ad.cands {
		r := ad.rule(c.gi, c.ri)
		if _, seen := ad.copies[r.Name]; !seen && !ad.takenIdx[[2]int{c.gi, c.ri}] {
			ad.copies[r.Name] = r.Pos
		}
	}
}

// adopt brings each chosen exporter into the environment with an
// override per library rule (the input's version, or off), drops the
// imported targets the exporters define and settles the groups.
func (ad *adoption) adopt() {
	env := ad.imp.Env
	if env.Exporters == nil {
		env.Exporters = map[string]model.Exporter{}
	}
	if env.Overrides == nil {
		env.Overrides = map[string]model.Override{}
	}
	adoptedGroups := map[string]bool{}
	for _, def := range slices.Sorted(maps.Keys(ad.chosen)) {
		ad.adoptExporter(def, adoptedGroups)
	}
	for tn := range ad.replacesTarget {
		delete(env.Targets, tn)
		ad.imp.note("", NoteLibrary, "target %s is the adopted exporter's own scrape job: the exporter defines it", tn)
	}
	if len(env.Targets) == 0 {
		env.Targets = nil
	}
	ad.imp.settleGroups(adoptedGroups)
}

// adoptExporter adopts the evaluation chosen for def: every rule of it
// becomes the input rule it was matched with (an override where they
// differ) or is switched off; the input rule leaves env.rules.
func (ad *adoption) adoptExporter(def string, adoptedGroups map[string]bool) {
	imp, env := ad.imp, ad.imp.Env
	k := ad.chosen[def]
	pi := ad.probeOf[k]
	pe := ad.probed[pi]
	a := Adopted{Key: k.job, Definition: def, Namespace: ad.probes[pi].Namespace}
	if ad.probes[pi].Job != "" && ad.probes[pi].Job != defaultJob(ad.probed, ad.probes, def) {
		a.Job = k.job
	}
	ex := pe.Exporter
	ex.Rules = map[string]model.RuleGroup{}
	for _, g := range slices.Sorted(maps.Keys(pe.Rules)) {
		adoptedGroups[g] = true
		ex.Rules[g] = model.RuleGroup{}
		for _, key := range slices.Sorted(maps.Keys(pe.Rules[g])) {
			lib, sent := pe.Rules[g][key], pe.Sentinel[g][key]
			m, matched := ad.taken[libRef{def, key}]
			if !matched {
				ex.Rules[g][key] = ad.switchOff(key, lib)
				continue
			}
			r := ad.rule(m.gi, m.ri)
			place := imp.Placed[m.gi][m.ri]
			mine := env.Rules[place.Group][place.Key]
			delete(env.Rules[place.Group], place.Key)
			imp.Placed[m.gi][m.ri] = Place{Group: g, Key: key, Exporter: k.job}
			a.Rules++
			ov, what := overrideFor(lib, sent, mine, m.threshold)
			ex.Rules[g][key] = applyOverride(lib, sent, ov)
			if len(what) == 0 {
				imp.note(r.Pos, NoteLibrary, "%s is the rule of exporter.%s (job %s, group %s) as it is: imported as that rule, no override needed", r.Name, def, k.job, g)
				continue
			}
			ov.Reason = fmt.Sprintf("imported from %s, which sets its %s", r.Pos, strings.Join(what, ", "))
			env.Overrides[key] = ov
			imp.note(r.Pos, NoteLibrary, "%s is the rule of exporter.%s (job %s, group %s) as PromQL: imported as an override of it (%s)", r.Name, def, k.job, g, strings.Join(what, ", "))
		}
	}
	env.Exporters[a.Key] = ex
	imp.Adopted = append(imp.Adopted, a)
	imp.note("", NoteLibrary, "exporter.%s is adopted as exporters.%s for %d of its %d rules; it brings its scrape jobs (%s), dashboards and rule tests, and team %s on its alerts", def, cuetext.Label(a.Key), a.Rules, countRules(pe.Rules), strings.Join(slices.Sorted(maps.Keys(pe.Targets)), ", "), orNone(pe.Team))
}

// switchOff is the library rule key, not in the input, switched off by an
// override with the reason.
func (ad *adoption) switchOff(key string, lib model.Rule) model.Rule {
	reason := "not in the imported rules: delete this override to adopt the library's rule"
	if pos, ok := ad.copies[lib.Name]; ok {
		reason = fmt.Sprintf("the rule imported from %s keeps its own expression, which is not the library's: this one is off so the alert is not defined twice", pos)
	}
	off := true
	ad.imp.Env.Overrides[key] = model.Override{Reason: reason, Disabled: &off}
	lib.Enabled = false
	return lib
}

// noteCopies notes each candidate that stayed a copy without a note
// saying why: its expression is not the library's.
func (ad *adoption) noteCopies() {
	for _, c := range ad.cands {
		r := ad.rule(c.gi, c.ri)
		if !ad.takenIdx[[2]int{c.gi, c.ri}] && !ad.imp.noted(r.Pos, NoteLibrary) {
			ad.imp.note(r.Pos, NoteLibrary, "%s has the name of a rule of exporter.%s, but its expression is not the library's: imported as a copy", r.Name, ad.index[r.Name][0])
		}
	}
}

// settleGroups drops imported groups the library took every rule of and
// renames those whose names a library group has.
func (imp *Import) settleGroups(library map[string]bool) {
	env := imp.Env
	rename := map[string]string{}
	for _, key := range sortedKeys(env.Rules) {
		if len(env.Rules[key]) == 0 {
			delete(env.Rules, key)
			if s, ok := env.RuleGroups[key]; ok {
				delete(env.RuleGroups, key)
				imp.note("", NoteWarning, "group %s: its settings (interval %q, query offset %q) are not kept: every rule of it is a library rule now, evaluated in the library's group (set env.ruleGroups for that group)", key, s.Interval, s.QueryOffset)
			}
			continue
		}
		if !library[key] {
			continue
		}
		nk := key + "-imported"
		for n := 2; env.Rules[nk] != nil || library[nk]; n++ {
			nk = fmt.Sprintf("%s-imported-%d", key, n)
		}
		env.Rules[nk] = env.Rules[key]
		delete(env.Rules, key)
		if s, ok := env.RuleGroups[key]; ok {
			env.RuleGroups[nk] = s
			delete(env.RuleGroups, key)
		}
		rename[key] = nk
		imp.note("", NoteChange, "group %s is called %s: an adopted exporter has a group of that name", key, nk)
	}
	for gi := range imp.Placed {
		for ri, p := range imp.Placed[gi] {
			if nk, ok := rename[p.Group]; ok && p.Exporter == "" {
				imp.Placed[gi][ri].Group = nk
			}
		}
	}
}

// overrideFor is the override that turns the library rule into the
// input's: only what differs, and the names of what it sets.
func overrideFor(lib, sentinel, mine model.Rule, threshold *float64) (model.Override, []string) {
	var ov model.Override
	var what []string
	if threshold != nil && lib.Threshold != nil && *threshold != *lib.Threshold {
		v := *threshold
		ov.Threshold = &v
		what = append(what, "threshold")
	}
	if mine.Tier != lib.Tier {
		ov.Tier = mine.Tier
		what = append(what, "tier")
	}
	if !read.SameDuration(mine.For, lib.For) {
		ov.For = orZero(mine.For)
		what = append(what, "for")
	}
	if !read.SameDuration(mine.KeepFiringFor, lib.KeepFiringFor) {
		ov.KeepFiringFor = orZero(mine.KeepFiringFor)
		what = append(what, "keep_firing_for")
	}
	applied := applyOverride(lib, sentinel, ov)
	for _, k := range sortedKeys(mine.Labels) {
		if k == "severity" {
			continue // the tier sets it
		}
		if applied.Labels[k] != mine.Labels[k] {
			if ov.Labels == nil {
				ov.Labels = map[string]string{}
			}
			ov.Labels[k] = mine.Labels[k]
		}
	}
	if len(ov.Labels) > 0 {
		what = append(what, "labels "+strings.Join(sortedKeys(ov.Labels), ", "))
	}
	for _, k := range sortedKeys(mine.Annotations) {
		if applied.Annotations[k] != mine.Annotations[k] {
			if ov.Annotations == nil {
				ov.Annotations = map[string]string{}
			}
			ov.Annotations[k] = mine.Annotations[k]
		}
	}
	if len(ov.Annotations) > 0 {
		what = append(what, "annotations "+strings.Join(sortedKeys(ov.Annotations), ", "))
	}
	return ov, what
}

// applyOverride is the library rule as CUE builds it with ov: the
// threshold is written into the sentinel rule's texts.
func applyOverride(lib, sentinel model.Rule, ov model.Override) model.Rule {
	out := lib
	if lib.Threshold != nil {
		th := *lib.Threshold
		if ov.Threshold != nil {
			th = *ov.Threshold
			out.Threshold = ov.Threshold
		}
		num := strconv.FormatFloat(th, 'f', -1, 64)
		sub := func(s string) string {
			return strings.ReplaceAll(s, strconv.FormatFloat(thresholdSentinel, 'f', -1, 64), num)
		}
		out.Expr = sub(sentinel.Expr)
		out.Annotations = map[string]string{}
		for k, v := range sentinel.Annotations {
			out.Annotations[k] = sub(v)
		}
	}
	if ov.Tier != "" {
		out.Tier = ov.Tier
		out.Labels = maps.Clone(out.Labels)
		out.Labels["severity"] = tiers.Severity(ov.Tier)
	}
	if ov.For != "" {
		out.For = ov.For
	}
	if ov.KeepFiringFor != "" {
		out.KeepFiringFor = ov.KeepFiringFor
	}
	if len(ov.Labels) > 0 {
		out.Labels = maps.Clone(out.Labels)
		maps.Copy(out.Labels, ov.Labels)
	}
	if len(ov.Annotations) > 0 {
		out.Annotations = maps.Clone(out.Annotations)
		maps.Copy(out.Annotations, ov.Annotations)
	}
	return out
}

// sameTarget compares an imported target with a library one, with the
// schema's defaults filled into the imported one.
func sameTarget(job string, imported, library model.Target) bool {
	imported.Team, library.Team = "", ""
	// A monitor that names its job by relabelling (job: <job>, as mongen's
	// own and the chart's do) and lists its own namespace says what the
	// target says without them.
	for _, t := range []*model.Target{&imported, &library} {
		if len(t.Namespaces) == 1 && t.Namespaces[0] == t.Namespace {
			t.Namespaces = nil
		}
		if len(t.Relabel) > 0 && isJobRelabel(t.Relabel[0], job) {
			t.Relabel = t.Relabel[1:]
		}
	}
	// Which platform Service the library's target is for says nothing
	// about how it is scraped.
	imported.PlatformService, library.PlatformService = "", ""
	if imported.Path == "" {
		imported.Path = "/metrics"
	}
	if imported.Scheme == "" {
		imported.Scheme = "http"
	}
	a, err1 := json.Marshal(imported)
	b, err2 := json.Marshal(library)
	if err1 != nil || err2 != nil {
		return false
	}
	var am, bm map[string]any
	if json.Unmarshal(a, &am) != nil || json.Unmarshal(b, &bm) != nil {
		return false
	}
	dropEmpty(am)
	dropEmpty(bm)
	x, _ := json.Marshal(am)
	y, _ := json.Marshal(bm)
	return string(x) == string(y)
}

// isJobRelabel reports whether r sets the job label to job and nothing else.
func isJobRelabel(r model.Relabel, job string) bool {
	return (r.Action == "" || r.Action == "replace") && r.TargetLabel == "job" && len(r.SourceLabels) == 0 &&
		r.Replacement != nil && *r.Replacement == job && (r.Regex == nil || *r.Regex == "(.*)")
}

// dropEmpty removes null, false, "" and empty lists and maps: the
// importer leaves unset what CUE decodes as empty.
func dropEmpty(m map[string]any) {
	for k, v := range m {
		switch v := v.(type) {
		case nil:
			delete(m, k)
		case bool:
			if !v {
				delete(m, k)
			}
		case string:
			if v == "" {
				delete(m, k)
			}
		case []any:
			if len(v) == 0 {
				delete(m, k)
			}
		case map[string]any:
			dropEmpty(v)
			if len(v) == 0 {
				delete(m, k)
			}
		}
	}
}

func groupOf(rules map[string]model.RuleGroup, key string) string {
	for _, g := range sortedKeys(rules) {
		if _, ok := rules[g][key]; ok {
			return g
		}
	}
	return ""
}

func defaultJob(probed []load.ProbedExporter, probes []load.ExporterProbe, def string) string {
	for i, p := range probes {
		if p.Definition == def && p.Job == "" && p.Namespace == "" {
			return probed[i].Job
		}
	}
	return ""
}

func compareAdoptKey(a, b adoptKey) int {
	return strings.Compare(a.def+"\x00"+a.job+"\x00"+a.namespace, b.def+"\x00"+b.job+"\x00"+b.namespace)
}

func countRules(groups map[string]model.RuleGroup) int {
	n := 0
	for _, g := range groups {
		n += len(g)
	}
	return n
}

func hasKey[V any](m map[string]V, k string) bool {
	_, ok := m[k]
	return ok
}

func orZero(d string) string {
	if d == "" {
		return "0s"
	}
	return d
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func (imp *Import) noted(pos, kind string) bool {
	for _, n := range imp.Notes {
		if n.Pos == pos && n.Kind == kind {
			return true
		}
	}
	return false
}
