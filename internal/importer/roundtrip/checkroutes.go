package roundtrip

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/importer/convert"
	"github.com/mongen-dev/mongen/internal/importer/read"
	"github.com/mongen-dev/mongen/internal/model"
	"github.com/mongen-dev/mongen/internal/render/plain"
	"github.com/mongen-dev/mongen/internal/verify/amcheck"
)

// CompareRouting routes every alerting rule of the built environment, and
// a label set for every route of the input's tree, through the input's
// alertmanager.yml and through the one mongen built, both with
// Alertmanager's own dispatch code, and compares who is notified (the
// input's receivers by their imported names against the built routes'
// endpoints) and how: grouping, timing, active and mute time intervals.
// It then compares the inhibit rules, which of the input's alerts each
// inhibit rule of the input selects before and after the import
// (compareInhibitSelection), the time intervals routes use and the
// notification templates. Every change is a difference.
func CompareRouting(in *read.Input, imp *convert.Import, plan *expand.Plan, built []byte) []Difference {
	var out []Difference
	add := func(pos string, format string, args ...any) {
		out = append(out, Difference{Pos: pos, Msg: fmt.Sprintf(format, args...)})
	}
	if len(in.Alertmanager) == 0 || plan.Alerting == nil {
		return nil
	}
	f := in.Alertmanager[0]
	wantCfg, err := amcheck.Load(f.Data)
	if err != nil {
		add(f.Name, "%v", err)
		return out
	}
	gotCfg, err := amcheck.Load(built)
	if err != nil {
		add(plan.Env.Name, "the built alertmanager.yml does not load: %v", err)
		return out
	}
	rc := newRouteComparison(amcheck.NewTree(wantCfg), amcheck.NewTree(gotCfg), plan, add)
	// Differences at the alerting block where the environment has one;
	// else at the input.
	alertingPos := plan.Env.Source("alerting")
	if alertingPos == "" {
		alertingPos = f.Name
	}
	addAlerting := func(format string, args ...any) { add(alertingPos, format, args...) }
	rc.compareRules(plan)
	rc.compareInputRoutes(f.Name)
	compareInhibits(rc.wantTree.InhibitRules(), rc.gotTree.InhibitRules(), addAlerting)
	compareInhibitSelection(f, wantCfg.InhibitRules, importedAlerts(in, imp, plan), imp.Options.Tiering, add)
	compareTimeIntervals(rc.wantTree, rc.gotTree, addAlerting)
	compareTemplates(convert.ReadTemplates(f), plan.Env.Alerting.Templates, addAlerting)
	return out
}

// routeComparison routes label sets through the input's routing tree and
// the built one and reports where they part.
type routeComparison struct {
	wantTree, gotTree *amcheck.Tree
	// endpoints are the imported receivers each built receiver notifies.
	endpoints map[string][]string
	add       func(pos string, format string, args ...any)
}

func newRouteComparison(wantTree, gotTree *amcheck.Tree, plan *expand.Plan, add func(pos string, format string, args ...any)) routeComparison {
	endpoints := map[string][]string{}
	for _, r := range plan.Alerting.Receivers {
		endpoints[r.Name] = r.Endpoints
	}
	return routeComparison{wantTree: wantTree, gotTree: gotTree, endpoints: endpoints, add: add}
}

// compare routes one label set through both trees: who is notified
// first, and only when that agrees, how.
func (rc routeComparison) compare(pos, what string, labels map[string]string) {
	var want, wantHow []string
	for _, m := range rc.wantTree.Match(labels) {
		r := convert.GroupKey(m.Receiver)
		want = append(want, r)
		wantHow = append(wantHow, how(r, m, convert.GroupKey))
	}
	var got, gotHow []string
	for _, m := range rc.gotTree.Match(labels) {
		for _, e := range rc.endpoints[m.Receiver] {
			got = append(got, e)
			gotHow = append(gotHow, how(e, m, func(s string) string { return s }))
		}
	}
	want, got = sortedSet(want), sortedSet(got)
	if !slices.Equal(want, got) {
		rc.add(pos, "%s (%s) reaches %v; through the input's alertmanager.yml it reached %v", what, labelSet(labels), got, want)
		return
	}
	if wantHow, gotHow = sortedSet(wantHow), sortedSet(gotHow); !slices.Equal(wantHow, gotHow) {
		rc.add(pos, "%s (%s) is notified with %s; through the input's alertmanager.yml with %s", what, labelSet(labels), strings.Join(gotHow, "; "), strings.Join(wantHow, "; "))
	}
}

// compareRules routes every alerting rule of the built environment, with
// the labels it fires with.
func (rc routeComparison) compareRules(plan *expand.Plan) {
	for _, g := range plan.Groups {
		for _, r := range g.Rules {
			if r.Kind != model.RuleAlert {
				continue
			}
			labels := map[string]string{"alertname": r.Name}
			for k, v := range plain.RuleLabels(r) {
				labels[k] = v
			}
			rc.compare(r.Origin, "alert "+r.Name, labels)
		}
	}
}

// compareInputRoutes routes, for each route of the input no rule may
// reach (Watchdog's, from outside the environment), the labels its
// matchers require. Tier and team routes match on severity and team
// only; the rules prove them, and an alert with a team but no severity
// exists outside mongen alone.
func (rc routeComparison) compareInputRoutes(file string) {
	for _, labels := range rc.wantTree.RouteLabelSets() {
		tierOrTeam := len(labels) > 0
		for k := range labels {
			if k != "severity" && k != "team" {
				tierOrTeam = false
			}
		}
		if !tierOrTeam {
			rc.compare(file, "an alert the input routes by", labels)
		}
	}
}

// compareTimeIntervals reports each time interval the input's routes use
// that the built file defines otherwise.
func compareTimeIntervals(wantTree, gotTree *amcheck.Tree, add func(string, ...any)) {
	wantTI, gotTI := wantTree.TimeIntervals(), gotTree.TimeIntervals()
	// Sorted: one difference per interval, in the same order every run.
	for _, name := range slices.Sorted(maps.Keys(wantTree.UsedTimeIntervals())) {
		key := convert.GroupKey(name)
		if gotTI[key] != wantTI[name] {
			add("time interval %s is %q; in the input's alertmanager.yml %q", key, gotTI[key], wantTI[name])
		}
	}
}

// how describes how a route notifies one receiver.
func how(receiver string, m amcheck.Match, name func(string) string) string {
	groupBy := strings.Join(m.GroupBy, ",")
	if m.GroupByAll {
		groupBy = "..."
	}
	names := func(ns []string) string {
		out := make([]string, len(ns))
		for i, n := range ns {
			out[i] = name(n)
		}
		slices.Sort(out)
		return strings.Join(out, ",")
	}
	return fmt.Sprintf("%s: group_by [%s], group_wait %s, group_interval %s, repeat_interval %s, active [%s], mute [%s]",
		receiver, groupBy, m.GroupWait, m.GroupInterval, m.RepeatInterval, names(m.ActiveTimeIntervals), names(m.MuteTimeIntervals))
}

// compareInhibits reports inhibit rules of the input the built file lacks
// and rules it adds, as multisets.
func compareInhibits(want, got []string, add func(string, ...any)) {
	count := map[string]int{}
	for _, r := range want {
		count[r]++
	}
	for _, r := range got {
		count[r]--
	}
	for _, r := range sortedKeys(count) {
		switch n := count[r]; {
		case n > 0:
			add("inhibit rule %s is in the input's alertmanager.yml, not in the built one", r)
		case n < 0:
			add("inhibit rule %s is in the built alertmanager.yml, not in the input's", r)
		}
	}
}

// compareTemplates reports template files the input named that the
// environment does not have (or has with other content), and ones it adds.
func compareTemplates(globs []convert.TemplateGlob, built map[string]string, add func(string, ...any)) {
	want := map[string]string{}
	for _, g := range globs {
		if len(g.Files) == 0 {
			add("templates %s of the input's alertmanager.yml match no file here, so the built alertmanager.yml has none of its definitions", g.Glob)
		}
		for name, data := range g.Files {
			want[name] = data
		}
	}
	for _, name := range sortedKeys(want) {
		switch data, ok := built[name]; {
		case !ok:
			add("template file %s of the input is not in alerting.templates", name)
		case data != want[name]:
			add("template file %s differs from the input's", name)
		}
	}
	for _, name := range sortedKeys(built) {
		if _, ok := want[name]; !ok {
			add("template file %s is in alerting.templates, not in the input", name)
		}
	}
}

func sortedSet(s []string) []string { return slices.Compact(slices.Sorted(slices.Values(s))) }

func labelSet(m map[string]string) string {
	parts := make([]string, 0, len(m))
	for _, k := range sortedKeys(m) {
		parts = append(parts, fmt.Sprintf("%s=%q", k, m[k]))
	}
	return "{" + strings.Join(parts, ", ") + "}"
}
