// Package amcheck loads generated alertmanager.yml with Alertmanager's own
// config package and proves the routing with its dispatch code: every alert
// reaches the receivers its tier and team promise, no route is shadowed,
// every receiver is reachable and grouping uses labels the alerts carry.
package amcheck

import (
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"

	"github.com/prometheus/alertmanager/config"
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
			ActiveTimeIntervals: r.RouteOpts.ActiveTimeIntervals})
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
