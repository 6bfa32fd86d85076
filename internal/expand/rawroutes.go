package expand

import (
	"github.com/mongen-dev/mongen/internal/diag"
	"log/slog"
	"strconv"
	"strings"

	"github.com/prometheus/alertmanager/matcher/compat"
	"github.com/prometheus/alertmanager/pkg/labels"

	"github.com/mongen-dev/mongen/internal/model"
)

// RawReceiverPrefix starts the name of the Alertmanager receiver a raw
// route sends to: "raw/<receiver>", notifying that one mongen receiver.
// The routing proofs tell raw routes from tier routes by it.
const RawReceiverPrefix = "raw/"

// RawReceiverName names the Alertmanager receiver of a raw route.
func RawReceiverName(receiver string) string { return RawReceiverPrefix + receiver }

// IsRawReceiver reports whether an Alertmanager receiver belongs to raw
// routes.
func IsRawReceiver(name string) bool { return strings.HasPrefix(name, RawReceiverPrefix) }

// rawRoutes checks alerting.routes and turns them into routes. Every route
// states its receiver: a raw route without one inherits its parent's, and
// a top-level one the fallback, as Alertmanager would; naming it keeps the
// alerts raw routes catch recognisable to the routing proofs.
func rawRoutes(env *model.Environment, receivers map[string][]string) ([]Route, diag.List) {
	a := env.Alerting
	var problems diag.List
	var walk func(rs []model.RawRoute, inherited string, path []string) []Route
	walk = func(rs []model.RawRoute, inherited string, path []string) []Route {
		var out []Route
		for i, r := range rs {
			p := append(append([]string(nil), path...), "routes", strconv.Itoa(i))
			at := env.Source(p...)
			if at == "" {
				at = env.Source("alerting")
			}
			name := "alerting." + strings.Join(p[1:], ".")
			recv := inherited
			if r.Receiver != "" {
				recv = r.Receiver
				if _, ok := a.Receivers[recv]; !ok {
					problems.Add(diag.Origin(at), "%s.receiver: no receiver %q in alerting.receivers: declare it there (a raw route names a mongen receiver)", name, recv)
				}
			}
			for _, m := range r.Matchers {
				if _, err := parseMatcher(m, name); err != nil {
					problems.Add(diag.Origin(at), "%s.matchers: %q is not an Alertmanager matcher (%v): write name=\"value\", name!=\"value\", name=~\"regexp\" or name!~\"regexp\"", name, m, err)
				}
			}
			for _, ti := range append(append([]string(nil), r.MuteTimeIntervals...), r.ActiveTimeIntervals...) {
				if _, ok := a.TimeIntervals[ti]; !ok {
					problems.Add(diag.Origin(at), "%s: no time interval %q in alerting.timeIntervals", name, ti)
				}
			}
			am := RawReceiverName(recv)
			receivers[am] = []string{recv}
			out = append(out, Route{
				Receiver:            am,
				Matchers:            r.Matchers,
				Continue:            r.Continue,
				GroupBy:             r.GroupBy,
				GroupWait:           r.GroupWait,
				GroupInterval:       r.GroupInterval,
				RepeatInterval:      r.RepeatInterval,
				MuteTimeIntervals:   r.MuteTimeIntervals,
				ActiveTimeIntervals: r.ActiveTimeIntervals,
				Routes:              walk(r.Routes, recv, p),
				Origin:              at,
			})
		}
		return out
	}
	return walk(a.Routes, a.Fallback, []string{"alerting"}), problems
}

// parseMatcher reads a matcher as the Alertmanager server does by default:
// UTF-8 syntax, falling back to the classic one.
func parseMatcher(m, origin string) (*labels.Matcher, error) {
	return compat.FallbackMatcherParser(slog.New(slog.DiscardHandler))(m, origin)
}
