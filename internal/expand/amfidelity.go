package expand

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	amalert "github.com/prometheus/alertmanager/alert"
	amtemplate "github.com/prometheus/alertmanager/template"
	pmodel "github.com/prometheus/common/model"

	"github.com/mongen-dev/mongen/internal/diag"
	"github.com/mongen-dev/mongen/internal/model"
)

// DeadMansSwitchReceiver is the Alertmanager receiver of the dead man's
// switch route: it notifies the heartbeat receiver only.
const DeadMansSwitchReceiver = "dead-mans-switch"

// rootRoute is the root of the routing tree: the fallback receiver, the
// environment's grouping (nil: mongen's default; empty: none, as
// Alertmanager's default) and its timing (empty timings are
// Alertmanager's defaults).
func rootRoute(env *model.Environment) Route {
	r := env.Alerting.Root
	groupBy := r.GroupBy
	if groupBy == nil {
		groupBy = []string{"alertname", "cluster"}
	}
	return Route{
		Receiver: FallbackReceiver, GroupBy: groupBy,
		GroupWait: r.GroupWait, GroupInterval: r.GroupInterval, RepeatInterval: r.RepeatInterval,
		Origin: env.Source("alerting"),
	}
}

// deadMansSwitchRoute checks alerting.deadMansSwitch and returns its route,
// the first under the root, and its receiver's endpoints; nil without one.
// Its receiver must exist, notify someone and serve the switch alone: a
// heartbeat that also pages people, or people's alerts sent to a heartbeat
// service, is a mistake either way.
func deadMansSwitchRoute(env *model.Environment) (*Route, diag.List) {
	a := env.Alerting
	d := a.DeadMansSwitch
	if d == nil {
		return nil, nil
	}
	var problems diag.List
	at := diag.Origin(env.Source("alerting", "deadMansSwitch"))
	rcv, ok := a.Receivers[d.Receiver]
	switch {
	case !ok:
		problems.Add(at, "alerting.deadMansSwitch.receiver: no receiver %q in alerting.receivers: declare the heartbeat service's endpoint there (a webhook whose urlSecret holds the heartbeat URL)", d.Receiver)
	case !rcv.Notifies():
		problems.Add(at, "alerting.deadMansSwitch.receiver: %q is of kind none, so the heartbeat goes nowhere and its service pages all the time: name the heartbeat service's receiver (to drop %s instead, route it to a none receiver with a raw route)", d.Receiver, d.Alertname)
	}
	for _, use := range receiverUses(a) {
		if use.receiver == d.Receiver {
			problems.Add(diag.Origin(env.Source(use.path...)), "%s names %q, the dead man's switch's heartbeat receiver: it serves the switch alone, so people's alerts never reach the heartbeat service and the heartbeat never pages people; give it another receiver", strings.Join(use.path, "."), d.Receiver)
		}
	}
	return &Route{
		Receiver:       DeadMansSwitchReceiver,
		Matchers:       []string{fmt.Sprintf("alertname=%q", d.Alertname)},
		GroupWait:      d.GroupWait,
		GroupInterval:  d.GroupInterval,
		RepeatInterval: d.RepeatInterval,
		Origin:         env.Source("alerting", "deadMansSwitch"),
	}, problems
}

type receiverUse struct {
	receiver string
	path     []string
}

// receiverUses lists where the policy names a receiver: the fallback,
// tiers, teams and raw routes.
func receiverUses(a *model.Alerting) []receiverUse {
	out := []receiverUse{{a.Fallback, []string{"alerting", "fallback"}}}
	for _, tier := range model.TierNames {
		for _, r := range a.Tiers[tier].Receivers {
			out = append(out, receiverUse{r, []string{"alerting", "tiers", tier, "receivers"}})
		}
	}
	for _, team := range sortedKeys(a.Teams) {
		for _, tier := range sortedKeys(a.Teams[team].Receivers) {
			for _, r := range a.Teams[team].Receivers[tier] {
				out = append(out, receiverUse{r, []string{"alerting", "teams", team, "receivers", tier}})
			}
		}
	}
	var walk func(rs []model.RawRoute, path []string)
	walk = func(rs []model.RawRoute, path []string) {
		for i, r := range rs {
			p := append(append([]string(nil), path...), "routes", fmt.Sprint(i))
			if r.Receiver != "" {
				out = append(out, receiverUse{r.Receiver, append(p, "receiver")})
			}
			walk(r.Routes, p)
		}
	}
	walk(a.Routes, []string{"alerting"})
	return out
}

// checkTemplates parses alerting.templates with Alertmanager's own
// template package (its default templates first, as the server loads
// them) and executes every receiver's title, text and html against a
// sample notification, so a template that Alertmanager would fail to
// parse or to execute is an error at its CUE position.
func checkTemplates(env *model.Environment) diag.List {
	a := env.Alerting
	var problems diag.List
	// A failed parse leaves Alertmanager's Template unusable, so each file
	// is parsed on its own first (after the defaults, whose definitions it
	// may use), then all of them together.
	for _, name := range sortedKeys(a.Templates) {
		if _, err := parseTemplates(map[string]string{name: a.Templates[name]}); err != nil {
			problems.Add(diag.Origin(env.Source("alerting", "templates", name)), "alerting.templates.%q: Alertmanager cannot parse this template: %v", name, err)
		}
	}
	if len(problems) > 0 {
		return problems
	}
	tmpl, err := parseTemplates(a.Templates)
	if err != nil {
		problems.Add(diag.Origin(env.Source("alerting", "templates")), "alerting.templates: Alertmanager cannot parse these templates together: %v", err)
		return problems
	}
	data := SampleNotification(tmpl)
	for _, name := range sortedKeys(a.Receivers) {
		for i, in := range a.Receivers[name].Integrations() {
			base := []string{"alerting", "receivers", name}
			if i > 0 {
				base = append(base, "more", fmt.Sprint(i-1))
			}
			for _, f := range []struct {
				field, text string
				html        bool
			}{{"title", in.Title, false}, {"text", in.Text, false}, {"html", in.HTML, true}} {
				if f.text == "" {
					continue
				}
				exec := tmpl.ExecuteTextString
				if f.html {
					exec = tmpl.ExecuteHTMLString
				}
				if _, err := exec(f.text, data); err != nil {
					path := append(append([]string(nil), base...), f.field)
					problems.Add(diag.Origin(env.Source(path...)), "%s: Alertmanager cannot render this template for a sample alert: %v (define the templates it uses in alerting.templates)", strings.Join(path, "."), err)
				}
			}
		}
	}
	return problems
}

// parseTemplates loads Alertmanager's default templates and then files,
// in name order, as the server loads its templates.
func parseTemplates(files map[string]string) (*amtemplate.Template, error) {
	tmpl, err := amtemplate.FromGlobs(nil)
	if err != nil {
		return nil, fmt.Errorf("alertmanager's default templates: %w", err)
	}
	tmpl.ExternalURL = &url.URL{Scheme: "http", Host: "alertmanager.example:9093"}
	for _, name := range sortedKeys(files) {
		if err := tmpl.Parse(strings.NewReader(files[name])); err != nil {
			return nil, err
		}
	}
	return tmpl, nil
}

// SampleNotification is the notification templates are checked against:
// one firing alert with the labels and annotations mongen's rules carry.
func SampleNotification(tmpl *amtemplate.Template) *amtemplate.Data {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	alert := &amalert.Alert{Alert: pmodel.Alert{
		Labels: pmodel.LabelSet{
			"alertname": "ExampleDown", "severity": "critical", "team": "example", "cluster": "example",
			"namespace": "example", "service": "example", "instance": "example:9100", "job": "example",
		},
		Annotations: pmodel.LabelSet{
			"summary": "Example is down", "description": "Example has been down for 5 minutes.",
			"runbook_url": "https://runbooks.example/ExampleDown",
		},
		StartsAt:     start,
		GeneratorURL: "http://prometheus.example:9090/graph",
	}}
	return tmpl.Data("example", pmodel.LabelSet{"alertname": "ExampleDown"}, nil, "", alert)
}
