package convert

import (
	"fmt"
	"strings"

	"github.com/prometheus/alertmanager/pkg/labels"
	"go.yaml.in/yaml/v3"

	"github.com/mongen-dev/mongen/internal/importer/read"
	"github.com/mongen-dev/mongen/internal/importer/tiers"
	"github.com/mongen-dev/mongen/internal/model"
)

// Route kinds: what one child of the root route becomes.
const (
	routeSkip = iota // to a receiver that was not imported
	routeTier
	routeTeam
	routeRaw
	routeSwitch // the dead man's switch (amfidelity.go)
)

type childRoute struct {
	node     *yaml.Node
	matchers []string
	kind     int
	// receiver is the imported receiver name; recv the input's.
	receiver, recv string
	why            string // why a route is raw
}

// importRoutes maps the root route's children. A child matching only
// severity (one per tier) becomes that tier, one matching only team a
// team; the rest are raw routes. Raw routes go before the tier routes in
// the built tree, so a tier or team route that came before a raw route in
// the input and can match the same alerts becomes raw as well: the order
// the input gave them is kept, and with it who is notified.
func (imp *Import) importRoutes(d read.Doc, root *yaml.Node, children []*yaml.Node, out *amImport, base model.TierPolicy,
	known func(string) (string, bool), intervals map[string]bool, warn func(*yaml.Node, string, ...any)) {
	a := out.alerting
	cs := imp.classifyRoutes(d, root, children, a, known)
	keepInputOrder(cs)
	for _, c := range cs {
		switch c.kind {
		case routeSwitch:
			imp.deadMansSwitch(d, a, c.node, c, base, warn)
		case routeSkip:
			warn(c.node, "route %s to receiver %s is not imported: the receiver has no integration mongen can express (alerts it would drop go to the fallback)", describeMatchers(c.matchers), c.recv)
		case routeTier:
			imp.placeTierRoute(d, c, out, base, intervals, warn)
		case routeTeam:
			imp.placeTeamRoute(d, c, out, warn)
		case routeRaw:
			imp.placeRawRoute(d, c, a, base, known, intervals, warn)
		}
	}
}

// classifyRoutes decides what each child of the root becomes, in the
// input's order (a child inherits the root's receiver when it names none).
func (imp *Import) classifyRoutes(d read.Doc, root *yaml.Node, children []*yaml.Node, a *model.Alerting, known func(string) (string, bool)) []childRoute {
	rootRecv, _ := d.Scalar(read.Get(root, "receiver"), "receiver")
	var cs []childRoute
	tierTaken := map[string]bool{}
	uses := receiverUses(d, root)
	for _, r := range children {
		r = read.ResolveAlias(r)
		c := childRoute{node: r, matchers: matchers(d, r)}
		c.recv, _ = d.Scalar(read.Get(r, "receiver"), "receiver")
		if c.recv == "" {
			c.recv = rootRecv
		}
		name, ok := known(c.recv)
		c.receiver = name
		c.kind, c.why = imp.routeKind(d, c, ok, a, uses, tierTaken, cs)
		cs = append(cs, c)
	}
	return cs
}

// routeKind classifies one child route, and says why when it is raw;
// imported tells whether its receiver was imported, tierTaken the tiers
// earlier children took (it records this one's), earlier those children.
func (imp *Import) routeKind(d read.Doc, c childRoute, imported bool, a *model.Alerting, uses map[string]int, tierTaken map[string]bool, earlier []childRoute) (int, string) {
	r := c.node
	key, value, single := singleEquality(c.matchers)
	cont, _ := d.Scalar(read.Get(r, "continue"), "continue")
	switch {
	case !imported && read.Get(r, "routes") == nil:
		return routeSkip, ""
	case !imported:
		return routeRaw, "it has child routes"
	case read.Get(r, "routes") != nil:
		return routeRaw, "it has child routes"
	case cont == "true":
		return routeRaw, "it continues"
	case read.Get(r, "mute_time_intervals") != nil:
		return routeRaw, "it has mute time intervals"
	case single && key == "alertname" && a.DeadMansSwitch == nil && uses[c.recv] == 1 && a.Receivers[c.receiver].Notifies() &&
		read.Get(r, "active_time_intervals") == nil && disjointFromAll(earlier, c.matchers):
		// A receiver for this one always-firing alert alone is a
		// heartbeat: the dead man's switch.
		return routeSwitch, ""
	case single && key == "severity":
		tier, ok := imp.Options.Tiering.TierOf(value, true)
		if !ok || tierTaken[tier] {
			return routeRaw, fmt.Sprintf("severity %q maps to no tier, or its tier already has a route", value)
		}
		tierTaken[tier] = true
		return routeTier, ""
	case single && key == "team":
		return routeTeam, ""
	default:
		return routeRaw, "mongen routes by tier (severity) and team"
	}
}

// keepInputOrder keeps the input's order: walking back, a tier or team
// route that can match what a later raw route matches becomes raw too.
func keepInputOrder(cs []childRoute) {
	for i := len(cs) - 1; i >= 0; i-- {
		if cs[i].kind == routeRaw {
			continue
		}
		for j := i + 1; j < len(cs); j++ {
			if cs[j].kind == routeRaw && !disjoint(cs[i].matchers, cs[j].matchers) {
				cs[i].kind, cs[i].why = routeRaw, fmt.Sprintf("it came before the raw route %s at line %d, which can match the same alerts, and raw routes go first", describeMatchers(cs[j].matchers), cs[j].node.Line)
				break
			}
		}
	}
}

// placeTierRoute makes a severity route its tier's policy, with its own
// timing over the root's.
func (imp *Import) placeTierRoute(d read.Doc, c childRoute, out *amImport, base model.TierPolicy, intervals map[string]bool, warn func(*yaml.Node, string, ...any)) {
	r, ms := c.node, c.matchers
	_, value, _ := singleEquality(ms)
	tier, _ := imp.Options.Tiering.TierOf(value, true)
	p := timing(d, r, base)
	p.Severity = tiers.Severity(tier)
	p.Receivers = []string{c.receiver}
	p.ActiveTimeIntervals = activeIntervals(d, r, intervals, warn)
	out.alerting.Tiers[tier] = p
	out.tiers[tier] = true
	imp.note(d.Pos(r), NoteTier, "route %s becomes tier %s, receiver %s", describeMatchers(ms), tier, c.receiver)
}

// placeTeamRoute makes a team route a team. Severity routes before the
// team route took the team's alerts of their tiers: the team gets only
// the other tiers, and its alerts of those tiers keep going to the tier's
// receivers.
func (imp *Import) placeTeamRoute(d read.Doc, c childRoute, out *amImport, warn func(*yaml.Node, string, ...any)) {
	r, ms := c.node, c.matchers
	_, value, _ := singleEquality(ms)
	team := model.Team{Receivers: map[string][]string{}}
	var own, taken []string
	for _, tier := range model.TierNames {
		if out.tiers[tier] {
			taken = append(taken, tier)
			continue
		}
		team.Receivers[tier] = []string{c.receiver}
		own = append(own, tier)
	}
	if len(own) == 0 {
		warn(r, "route %s is not imported: the severity routes before it take every tier's alerts, so no alert reached it", describeMatchers(ms))
		return
	}
	out.alerting.Teams[GroupKey(value)] = team
	if len(taken) == 0 {
		imp.note(d.Pos(r), NoteChange, "route %s becomes team %s, receiver %s for every tier", describeMatchers(ms), GroupKey(value), c.receiver)
	} else {
		imp.note(d.Pos(r), NoteChange, "route %s becomes team %s, receiver %s for %s; the severity routes before it took the team's %s alerts, which keep going to the tier's receivers", describeMatchers(ms), GroupKey(value), c.receiver, strings.Join(own, ", "), strings.Join(taken, ", "))
	}
}

// placeRawRoute copies a route mongen cannot state as a tier or team as a
// raw route, with the input root's grouping and timing where it sets none.
func (imp *Import) placeRawRoute(d read.Doc, c childRoute, a *model.Alerting, base model.TierPolicy, known func(string) (string, bool), intervals map[string]bool, warn func(*yaml.Node, string, ...any)) {
	r := c.node
	rr := imp.rawRoute(d, r, a.Fallback, known, intervals, warn)
	// The root's grouping and timing reach the route as they did
	// in the input; mongen's own root has others.
	if rr.GroupBy == nil {
		rr.GroupBy = base.GroupBy
	}
	for _, f := range []struct {
		dst *string
		v   string
	}{{&rr.GroupWait, base.GroupWait}, {&rr.GroupInterval, base.GroupInterval}, {&rr.RepeatInterval, base.RepeatInterval}} {
		if *f.dst == "" {
			*f.dst = f.v
		}
	}
	a.Routes = append(a.Routes, rr)
	recv := rr.Receiver
	if recv == "" {
		recv = a.Fallback // inherited from the root, as in the input
	}
	imp.note(d.Pos(r), NoteChange, "route %s becomes raw route %d, receiver %s: %s", describeMatchers(c.matchers), len(a.Routes)-1, recv, c.why)
}

// rawRoute copies one route and its children. A receiver that was not
// imported is replaced by the fallback, with a warning: that is where
// mongen sends what nobody else takes.
func (imp *Import) rawRoute(d read.Doc, r *yaml.Node, fallback string, known func(string) (string, bool), intervals map[string]bool, warn func(*yaml.Node, string, ...any)) model.RawRoute {
	rr := model.RawRoute{Matchers: matchers(d, r), MuteTimeIntervals: []string{}, ActiveTimeIntervals: []string{}}
	if rr.Matchers == nil {
		rr.Matchers = []string{}
	}
	if recv, _ := d.Scalar(read.Get(r, "receiver"), "receiver"); recv != "" {
		if name, ok := known(recv); ok {
			rr.Receiver = name
		} else {
			warn(r, "route %s: receiver %s has no integration mongen can express: the raw route sends to the fallback %s instead", describeMatchers(rr.Matchers), recv, fallback)
			rr.Receiver = fallback
		}
	}
	if cont, _ := d.Scalar(read.Get(r, "continue"), "continue"); cont == "true" {
		rr.Continue = true
	}
	if g := read.ResolveAlias(read.Get(r, "group_by")); g != nil {
		rr.GroupBy = []string{}
		for _, x := range g.Content {
			rr.GroupBy = append(rr.GroupBy, x.Value)
		}
	}
	rr.GroupWait, _ = d.Scalar(read.Get(r, "group_wait"), "group_wait")
	rr.GroupInterval, _ = d.Scalar(read.Get(r, "group_interval"), "group_interval")
	rr.RepeatInterval, _ = d.Scalar(read.Get(r, "repeat_interval"), "repeat_interval")
	rr.ActiveTimeIntervals = activeIntervals(d, r, intervals, warn)
	if m := read.ResolveAlias(read.Get(r, "mute_time_intervals")); m != nil {
		for _, x := range m.Content {
			if !intervals[x.Value] {
				warn(x, "mute time interval %s is not imported (see its warning): the route is never muted", x.Value)
				continue
			}
			rr.MuteTimeIntervals = append(rr.MuteTimeIntervals, GroupKey(x.Value))
		}
	}
	rr.Routes = []model.RawRoute{}
	if cs := read.ResolveAlias(read.Get(r, "routes")); cs != nil {
		for _, c := range cs.Content {
			rr.Routes = append(rr.Routes, imp.rawRoute(d, read.ResolveAlias(c), fallback, known, intervals, warn))
		}
	}
	return rr
}

// disjoint reports that no label set can match both matcher lists: one
// requires name="v" and the other a value of name that v is not.
func disjoint(a, b []string) bool {
	pa, pb := parseMatchers(a), parseMatchers(b)
	excludes := func(x, y []*labels.Matcher) bool {
		for _, m := range x {
			if m.Type != labels.MatchEqual {
				continue
			}
			for _, n := range y {
				if n.Name == m.Name && !n.Matches(m.Value) {
					return true
				}
			}
		}
		return false
	}
	return excludes(pa, pb) || excludes(pb, pa)
}

func parseMatchers(ms []string) []*labels.Matcher {
	var out []*labels.Matcher
	for _, s := range ms {
		if m, err := labels.ParseMatcher(s); err == nil {
			out = append(out, m)
		}
	}
	return out
}
