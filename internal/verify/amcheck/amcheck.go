// Package amcheck loads generated alertmanager.yml with Alertmanager's own
// config package and proves the routing with its dispatch code: every alert
// reaches the receivers its tier and team promise, no route is shadowed,
// every receiver is reachable and grouping uses labels the alerts carry.
package amcheck

import (
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/prometheus/alertmanager/config"
	amcommon "github.com/prometheus/alertmanager/config/common"
	"github.com/prometheus/alertmanager/dispatch"
	"github.com/prometheus/alertmanager/featurecontrol"
	"github.com/prometheus/alertmanager/matcher/compat"
	"github.com/prometheus/alertmanager/pkg/labels"
	"github.com/prometheus/common/model"
)

// initMatchers sets the matcher parser the way the server does at start-up
// (UTF-8 matchers with a classic fallback). The upstream setting is global,
// so it is made once.
var initMatchers sync.Once

// Load parses alertmanager.yml exactly as the Alertmanager server does.
func Load(data []byte) (cfg *config.Config, err error) {
	initMatchers.Do(func() {
		compat.InitFromFlags(slog.New(slog.DiscardHandler), featurecontrol.NoopFlags{})
	})
	// Alertmanager's loader dereferences a null child route (routes: [~])
	// instead of reporting it (v0.34.2); a crash of the loader is this
	// file's error, not mongen's.
	defer func() {
		if r := recover(); r != nil {
			cfg, err = nil, fmt.Errorf("alertmanager config: Alertmanager's loader failed on this file (%v): look for an empty route or receiver entry", r)
		}
	}()
	cfg, err = config.Load(string(data))
	if err != nil {
		return nil, fmt.Errorf("alertmanager config: %w", err)
	}
	return cfg, nil
}

// Tree is a loaded routing tree, ready to match label sets.
type Tree struct {
	cfg  *config.Config
	root *dispatch.Route
}

// NewTree builds the dispatch tree of a loaded config.
func NewTree(cfg *config.Config) *Tree {
	return &Tree{cfg: cfg, root: dispatch.NewRoute(cfg.Route, nil)}
}

// Match returns the receivers a label set reaches, in match order, and the
// path of matchers to each.
func (t *Tree) Match(labels map[string]string) []Match {
	ls := model.LabelSet{}
	for k, v := range labels {
		ls[model.LabelName(k)] = model.LabelValue(v)
	}
	var out []Match
	for _, r := range t.root.Match(ls) {
		// Key is the route's matchers from the root, "{}/{severity=...}/...".
		path := strings.Split(r.Key(), "/")
		groupBy := make([]string, 0, len(r.RouteOpts.GroupBy))
		for l := range r.RouteOpts.GroupBy {
			groupBy = append(groupBy, string(l))
		}
		sort.Strings(groupBy)
		out = append(out, Match{Receiver: r.RouteOpts.Receiver, Path: path, GroupBy: groupBy, GroupByAll: r.RouteOpts.GroupByAll,
			ActiveTimeIntervals: r.RouteOpts.ActiveTimeIntervals, MuteTimeIntervals: r.RouteOpts.MuteTimeIntervals,
			GroupWait: model.Duration(r.RouteOpts.GroupWait).String(), GroupInterval: model.Duration(r.RouteOpts.GroupInterval).String(), RepeatInterval: model.Duration(r.RouteOpts.RepeatInterval).String()})
	}
	return out
}

// Match is one receiver a label set reaches.
type Match struct {
	Receiver   string
	Path       []string // matchers from the root to the matching route
	GroupBy    []string
	GroupByAll bool
	// ActiveTimeIntervals of the matching route itself: Alertmanager does
	// not inherit them from parents.
	ActiveTimeIntervals []string
	MuteTimeIntervals   []string
	// GroupWait, GroupInterval and RepeatInterval are the route's timing,
	// inherited and defaulted as Alertmanager does ("30s").
	GroupWait, GroupInterval, RepeatInterval string
}

// InhibitRules lists the loaded inhibit rules as "source → target
// equal [...]" with matchers in Alertmanager's own notation, so rules
// written differently (match vs matchers, quoting) compare equal.
func (t *Tree) InhibitRules() []string {
	var out []string
	for _, r := range t.cfg.InhibitRules {
		out = append(out, InhibitRuleString(r))
	}
	sort.Strings(out)
	return out
}

// InhibitRuleString is one inhibit rule as "source {...}, target {...},
// equal [...]", its matchers (and deprecated match and match_re maps) in
// Alertmanager's notation, each list sorted.
func InhibitRuleString(r amcommon.InhibitRule) string {
	eq := slices.Clone(r.Equal)
	slices.Sort(eq)
	return fmt.Sprintf("source {%s}, target {%s}, equal [%s]",
		strings.Join(matcherSet(r.SourceMatchers, r.SourceMatch, r.SourceMatchRE), ", "),
		strings.Join(matcherSet(r.TargetMatchers, r.TargetMatch, r.TargetMatchRE), ", "), strings.Join(eq, ", "))
}

// matcherSet writes matchers and the deprecated match and match_re maps
// as one sorted list of matchers in Alertmanager's notation.
func matcherSet(ms amcommon.Matchers, eq map[string]string, re amcommon.MatchRegexps) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.String())
	}
	for k, v := range eq {
		if m, err := labels.NewMatcher(labels.MatchEqual, k, v); err == nil {
			out = append(out, m.String())
		}
	}
	for k, v := range re {
		if m, err := labels.NewMatcher(labels.MatchRegexp, k, v.Original); err == nil {
			out = append(out, m.String())
		}
	}
	sort.Strings(out)
	return out
}

// TimeIntervals describes each loaded time interval, by name, in a form
// that compares equal when Alertmanager would count the same times.
func (t *Tree) TimeIntervals() map[string]string {
	out := map[string]string{}
	for _, ti := range t.cfg.TimeIntervals {
		var parts []string
		for _, x := range ti.TimeIntervals {
			loc := "UTC"
			if x.Location != nil && x.Location.Location != nil {
				loc = x.Location.String()
			}
			parts = append(parts, fmt.Sprintf("times %v weekdays %v days %v months %v years %v in %s", x.Times, x.Weekdays, x.DaysOfMonth, x.Months, x.Years, loc))
		}
		out[ti.Name] = strings.Join(parts, "; ")
	}
	return out
}

func matchersString(r *dispatch.Route) string { return MatchersString(r.Matchers) }

// MatchersString writes matchers as Alertmanager's configuration does,
// "{a="x", b=~"y"}", and "{}" for none: how routes are named in messages.
func MatchersString(ms labels.Matchers) string {
	if len(ms) == 0 {
		return "{}"
	}
	parts := make([]string, len(ms))
	for i, m := range ms {
		parts[i] = m.String()
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// Receivers returns the configured receiver names, sorted.
func (t *Tree) Receivers() []string {
	var out []string
	for _, r := range t.cfg.Receivers {
		out = append(out, r.Name)
	}
	sort.Strings(out)
	return out
}

// Integrations counts the notifiers of one receiver.
func (t *Tree) Integrations(name string) int {
	for _, r := range t.cfg.Receivers {
		if r.Name != name {
			continue
		}
		return len(r.WebhookConfigs) + len(r.EmailConfigs) + len(r.PagerdutyConfigs) + len(r.SlackConfigs) +
			len(r.WechatConfigs) + len(r.OpsGenieConfigs) + len(r.PushoverConfigs) + len(r.VictorOpsConfigs) +
			len(r.SNSConfigs) + len(r.TelegramConfigs) + len(r.DiscordConfigs) + len(r.WebexConfigs) +
			len(r.MSTeamsConfigs) + len(r.MSTeamsV2Configs) + len(r.JiraConfigs) + len(r.RocketchatConfigs) +
			len(r.IncidentioConfigs) + len(r.MattermostConfigs)
	}
	return 0
}

// Shadowed lists routes that no alert can reach because an earlier sibling
// without `continue` matches everything they match.
func (t *Tree) Shadowed() []string {
	var out []string
	for _, s := range t.ShadowedRoutes() {
		out = append(out, s.Message)
	}
	return out
}

// Shadow is one shadowed route and the sibling that shadows it.
type Shadow struct {
	Message string
	// Receiver of the shadowed route and of the earlier sibling.
	Receiver, By string
}

// ShadowedRoutes is Shadowed with the receivers involved.
func (t *Tree) ShadowedRoutes() []Shadow {
	var out []Shadow
	var walk func(r *dispatch.Route, path string)
	walk = func(r *dispatch.Route, path string) {
		for j, later := range r.Routes {
			for i := 0; i < j; i++ {
				earlier := r.Routes[i]
				if earlier.Continue {
					continue
				}
				if subset(earlier, later) {
					out = append(out, Shadow{
						Message: fmt.Sprintf("route %s (receiver %q) under %s is shadowed by its earlier sibling %s (receiver %q)",
							matchersString(later), later.RouteOpts.Receiver, path, matchersString(earlier), earlier.RouteOpts.Receiver),
						Receiver: later.RouteOpts.Receiver, By: earlier.RouteOpts.Receiver,
					})
					break
				}
			}
			walk(later, path+" > "+matchersString(later))
		}
	}
	walk(t.root, "root")
	return out
}

// subset reports whether every matcher of a also appears in b, so a matches
// every alert b matches.
func subset(a, b *dispatch.Route) bool {
	for _, m := range a.Matchers {
		found := false
		for _, n := range b.Matchers {
			if m.String() == n.String() {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// Routed lists every receiver name some route names.
func (t *Tree) Routed() map[string]bool {
	out := map[string]bool{}
	t.root.Walk(func(r *dispatch.Route) { out[r.RouteOpts.Receiver] = true })
	return out
}

// RouteLabelSets are label sets that reach each route of the tree: the
// equality matchers on the path from the root to it, and an empty set
// for the root. The import check routes them through both trees, so a
// route no rule reaches (Watchdog's, in a chart's values) is compared too.
func (t *Tree) RouteLabelSets() []map[string]string {
	var out []map[string]string
	seen := map[string]bool{}
	var walk func(r *dispatch.Route, ls map[string]string)
	walk = func(r *dispatch.Route, ls map[string]string) {
		cur := map[string]string{}
		for k, v := range ls {
			cur[k] = v
		}
		for _, m := range r.Matchers {
			if m.Type == labels.MatchEqual {
				cur[m.Name] = m.Value
			}
		}
		if key := fmt.Sprint(cur); !seen[key] {
			seen[key] = true
			out = append(out, cur)
		}
		for _, c := range r.Routes {
			walk(c, cur)
		}
	}
	walk(t.root, map[string]string{})
	return out
}

// UsedTimeIntervals are the time intervals some route names.
func (t *Tree) UsedTimeIntervals() map[string]bool {
	out := map[string]bool{}
	t.root.Walk(func(r *dispatch.Route) {
		for _, n := range append(slices.Clone(r.RouteOpts.ActiveTimeIntervals), r.RouteOpts.MuteTimeIntervals...) {
			out[n] = true
		}
	})
	return out
}
