package versiongate

import (
	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/model"
)

// PlanLocator points a subject at the CUE that made it, through the plan
// the files were rendered from: a receiver at the mongen receiver with the
// integration in question, a rule at its rule, a job or monitor at its
// target, a route at its tier or team, a time interval at its definition.
// It returns "" for what it cannot place; Check then uses the file's
// Origin.
func PlanLocator(p *expand.Plan) Locator {
	if p == nil || p.Env == nil {
		return nil
	}
	env := p.Env
	rules := map[[2]string]string{} // group, rule name -> origin
	groups := map[string]string{}   // group -> origin
	jobs := map[string]string{}     // job -> origin
	for _, g := range p.Groups {
		groups[g.Name] = g.Origin
		for _, r := range g.Rules {
			o := r.Origin
			if o == "" {
				o = g.Origin
			}
			if _, dup := rules[[2]string{g.Name, r.Name}]; !dup {
				rules[[2]string{g.Name, r.Name}] = o
			}
		}
	}
	for _, j := range p.Jobs {
		jobs[j.Name] = j.Origin
	}
	for _, f := range p.Federation {
		jobs[f.Name] = f.Origin
	}
	routes := map[string]string{} // receiver -> origin of the first route to it
	receivers := map[string][]string{}
	if a := p.Alerting; a != nil {
		var walk func(r expand.Route)
		walk = func(r expand.Route) {
			if _, ok := routes[r.Receiver]; !ok && r.Origin != "" {
				routes[r.Receiver] = r.Origin
			}
			for _, c := range r.Routes {
				walk(c)
			}
		}
		walk(a.Route)
		for _, r := range a.Receivers {
			receivers[r.Name] = r.Endpoints
		}
	}
	return func(s Subject) string {
		switch s.Kind {
		case "receiver":
			return receiverOrigin(p, receivers[s.Name], s.Integration)
		case "route":
			return routes[s.Name]
		case "time interval":
			if s.Name != "" {
				return env.Source("alerting", "timeIntervals", s.Name)
			}
			return env.Source("alerting", "timeIntervals")
		case "inhibit rule":
			if a := p.Alerting; a != nil && s.Index >= 0 && s.Index < len(a.Inhibits) {
				return a.Inhibits[s.Index].Origin
			}
		case "rule":
			if o := rules[[2]string{s.Group, s.Name}]; o != "" {
				return o
			}
			return groups[s.Group]
		case "rule group", "PrometheusRule":
			return groups[s.Name]
		case "job", "ServiceMonitor", "PodMonitor", "Probe", "ScrapeConfig":
			return jobs[s.Name]
		case "remote write":
			return env.Source("remoteWrite")
		case "global":
			return env.Source("prometheus")
		case "Prometheus":
			return env.Source("prometheus")
		case "Alertmanager":
			return env.Source("alerting")
		case "ThanosRuler", "Deployment":
			return env.Source("global", "thanos")
		case "versions":
			return env.Source("platform", "versions", s.Name)
		}
		return ""
	}
}

// receiverOrigin is the position of the first of an Alertmanager
// receiver's mongen receivers that has an integration of the kind, else
// of its first mongen receiver.
func receiverOrigin(p *expand.Plan, endpoints []string, integration string) string {
	env := p.Env
	if p.Alerting == nil || p.Alerting.Policy == nil {
		return ""
	}
	for _, name := range endpoints {
		for _, in := range p.Alerting.Policy.Receivers[name].Integrations() {
			if in.Kind == integration || (integration == "webhook" && webhookKind(in.Kind)) {
				if o := env.Source("alerting", "receivers", name); o != "" {
					return o
				}
			}
		}
	}
	if len(endpoints) > 0 {
		return env.Source("alerting", "receivers", endpoints[0])
	}
	return ""
}

// webhookKind: the bridges render as webhook_configs.
func webhookKind(kind string) bool {
	return kind == model.ReceiverWebhook || kind == model.ReceiverDingTalk || kind == model.ReceiverFeishu
}
