package cuewrite

import (
	"github.com/mongen-dev/mongen/internal/importer/convert"
	"github.com/mongen-dev/mongen/internal/importer/cuetext"
	"github.com/mongen-dev/mongen/internal/model"
)

// alertingFile renders alerting.cue: library/policy's #Standard with
// what the alertmanager.yml said. Each part of the alerting block is one
// step, written in the order the schema reads best.
func alertingFile(imp *convert.Import) ([]byte, error) {
	a := imp.Env.Alerting
	if a == nil {
		return nil, nil
	}
	var w writer
	w.Comment("Alerting imported from alertmanager.yml by mongen import: the tier policy\n(library/policy #Standard) with the input's receivers, routes and timings.")
	w.Line("package %s", imp.Options.Env)
	w.Line("")
	w.Line(`import "mongen.dev/mongen/library/policy"`)
	w.Line("")
	w.OpenRaw("env: alerting: policy.#Standard &")
	writeAlertingSettings(&w, a)
	writeRootRoute(&w, a.Root)
	writeDeadMansSwitch(&w, a.DeadMansSwitch)
	writeTiers(&w, a)
	writeReceivers(&w, a)
	writeTeams(&w, a)
	writeTimeIntervals(&w, a)
	if len(a.Routes) > 0 {
		w.Comment("Raw routes: the input's routes the tier policy cannot express, in\ntheir order, before the tier routes.")
		writeRawRoutes(&w, "routes", a.Routes)
	}
	writeInhibit(&w, a, imp.DisabledInhibits)
	w.Close()
	src, err := w.Source()
	if err != nil {
		return nil, err
	}
	return src, nil
}

// writeAlertingSettings writes the scalar settings: fallback, time zone
// (UTC is the default, so left out) and the Alertmanager's own settings.
func writeAlertingSettings(w *writer, a *model.Alerting) {
	w.Str("fallback", a.Fallback)
	if a.TimeZone != "" && a.TimeZone != "UTC" {
		w.Str("timeZone", a.TimeZone)
	}
	if a.Alertmanager.ResolveTimeout != "" {
		w.Line("alertmanager: resolveTimeout: %s", w.Quote(a.Alertmanager.ResolveTimeout))
	}
	if usesWeChat(a) {
		// WeChat's secret is read from a file (api_secret_file), which
		// Alertmanager accepts from 0.31.0 (docs/versions.md); the
		// schema's default Alertmanager is older.
		w.Comment("WeChat receivers read their secret from a file, which Alertmanager accepts\nfrom v0.31.0 on: set the version your Alertmanager runs.")
		w.Line("alertmanager: version: %s", w.Quote("v0.31.0"))
	}
}

// writeRootRoute writes the input's root grouping and timings, only when
// the input set any: otherwise the schema's defaults stand.
func writeRootRoute(w *writer, r model.RootRoute) {
	if r.GroupBy == nil && r.GroupWait == "" && r.GroupInterval == "" && r.RepeatInterval == "" {
		return
	}
	w.Comment("The input's root route: its grouping and timing apply to the fallback\nand to raw routes that set none.")
	w.Open("root")
	if r.GroupBy != nil {
		w.StrList("groupBy", r.GroupBy)
	}
	w.OptStr("groupWait", r.GroupWait)
	w.OptStr("groupInterval", r.GroupInterval)
	w.OptStr("repeatInterval", r.RepeatInterval)
	w.Close()
}

// writeDeadMansSwitch writes the heartbeat route, if the input had one.
func writeDeadMansSwitch(w *writer, d *model.DeadMansSwitch) {
	if d == nil {
		return
	}
	w.Comment("The input sent " + d.Alertname + " to a receiver of its own: the heartbeat.")
	w.Open("deadMansSwitch")
	w.Str("alertname", d.Alertname)
	w.Str("receiver", d.Receiver)
	w.Str("groupWait", d.GroupWait)
	w.Str("groupInterval", d.GroupInterval)
	w.Str("repeatInterval", d.RepeatInterval)
	w.Close()
}

// writeTiers writes every tier's policy, in the model's tier order.
func writeTiers(w *writer, a *model.Alerting) {
	w.Open("tiers")
	for _, tier := range model.TierNames {
		p := a.Tiers[tier]
		w.Open(tier)
		w.StrList("receivers", p.Receivers)
		if len(p.GroupBy) > 0 {
			w.StrList("groupBy", p.GroupBy)
		}
		w.OptStr("groupWait", p.GroupWait)
		w.OptStr("groupInterval", p.GroupInterval)
		w.OptStr("repeatInterval", p.RepeatInterval)
		w.StrList("activeTimeIntervals", p.ActiveTimeIntervals)
		w.Close()
	}
	w.Close()
}

// writeReceivers writes the receivers by name: the first integration
// inline, any further ones under more.
func writeReceivers(w *writer, a *model.Alerting) {
	w.Open("receivers")
	for _, name := range sortedKeys(a.Receivers) {
		r := a.Receivers[name]
		w.Open(name)
		writeIntegration(w, r.Integration)
		if len(r.More) > 0 {
			w.Line("more: [")
			w.Indent()
			for _, in := range r.More {
				w.Line("{")
				w.Indent()
				writeIntegration(w, in)
				w.Dedent()
				w.Line("},")
			}
			w.Dedent()
			w.Line("]")
		}
		w.Close()
	}
	w.Close()
}

// writeTeams writes each team's receivers per tier, if there are teams.
func writeTeams(w *writer, a *model.Alerting) {
	if len(a.Teams) == 0 {
		return
	}
	w.Open("teams")
	for _, name := range sortedKeys(a.Teams) {
		w.Open(name)
		w.Open("receivers")
		for _, tier := range sortedKeys(a.Teams[name].Receivers) {
			w.StrList(tier, a.Teams[name].Receivers[tier])
		}
		w.Close()
		w.Close()
	}
	w.Close()
}

// writeTimeIntervals writes the named time intervals, if there are any.
func writeTimeIntervals(w *writer, a *model.Alerting) {
	if len(a.TimeIntervals) == 0 {
		return
	}
	w.Open("timeIntervals")
	for _, name := range sortedKeys(a.TimeIntervals) {
		w.Line("%s: [", cuetext.Label(name))
		w.Indent()
		for _, t := range a.TimeIntervals[name] {
			writeTimeInterval(w, t)
		}
		w.Dedent()
		w.Line("]")
	}
	w.Close()
}

// writeTimeInterval writes one interval of a named list; the optional
// day, month and year lists only when set.
func writeTimeInterval(w *writer, t model.TimeInterval) {
	w.Line("{")
	w.Indent()
	w.StrList("weekdays", t.Weekdays)
	w.Line("times: [")
	for _, tr := range t.Times {
		w.Line("\t{start: %s, end: %s},", w.Quote(tr.Start), w.Quote(tr.End))
	}
	w.Line("]")
	for _, f := range []struct {
		label  string
		values []string
	}{{"daysOfMonth", t.DaysOfMonth}, {"months", t.Months}, {"years", t.Years}} {
		if len(f.values) > 0 {
			w.StrList(f.label, f.values)
		}
	}
	w.Dedent()
	w.Line("},")
}

// writeInhibit writes the inhibit block: the standard inhibitions the
// input lacked, switched off, then the input's own by name.
func writeInhibit(w *writer, a *model.Alerting, disabled []string) {
	w.Open("inhibit")
	for _, name := range disabled {
		w.Comment("The standard inhibition was not in alertmanager.yml: off, as it was.")
		w.Line("%s: enabled: false", cuetext.Label(name))
	}
	for _, name := range sortedKeys(a.Inhibit) {
		in := a.Inhibit[name]
		w.Open(name)
		w.StrList("source", in.Source)
		w.StrList("target", in.Target)
		w.StrList("equal", in.Equal)
		if in.Global {
			w.Line("global: true")
		}
		w.Close()
	}
	w.Close()
}

// writeIntegration writes one integration's fields, grouped by the
// kinds that use them; the order is the schema's field order.
func writeIntegration(w *writer, r model.Integration) {
	w.Str("kind", r.Kind)
	if !r.SendResolved {
		w.Line("sendResolved: false")
	}
	w.OptStr("url", r.URL)
	if r.URLSecret != nil {
		w.secretRef("urlSecret", *r.URLSecret)
	}
	if r.MaxAlerts != nil {
		w.Line("maxAlerts: %d", *r.MaxAlerts)
	}
	writeEmailFields(w, r)
	writeWeChatFields(w, r)
	writeKeyedFields(w, r)
	writeMessageFields(w, r)
}

// writeEmailFields writes an email integration's addresses, server and
// credentials; requireTLS only when switched off (the default is on).
func writeEmailFields(w *writer, r model.Integration) {
	if len(r.To) > 0 {
		w.StrList("to", r.To)
	}
	w.OptStr("from", r.From)
	w.OptStr("smarthost", r.Smarthost)
	w.OptStr("authUsername", r.AuthUsername)
	if r.AuthPassword != nil {
		w.secretRef("authPassword", *r.AuthPassword)
	}
	if r.Kind == model.ReceiverEmail && !r.RequireTLS {
		w.Line("requireTLS: false")
	}
}

// writeWeChatFields writes a WeChat integration's addressing and secrets.
func writeWeChatFields(w *writer, r model.Integration) {
	w.OptStr("corpID", r.CorpID)
	w.OptStr("agentID", r.AgentID)
	w.OptStr("toUser", r.ToUser)
	w.OptStr("toParty", r.ToParty)
	if r.APISecret != nil {
		w.secretRef("apiSecret", *r.APISecret)
	}
	if r.APIURL != nil {
		w.secretRef("apiURL", *r.APIURL)
	}
}

// writeKeyedFields writes the channel, keys and responders of the chat and
// paging integrations (Slack, PagerDuty, Opsgenie, ...); secrets as refs.
func writeKeyedFields(w *writer, r model.Integration) {
	w.OptStr("channel", r.Channel)
	if r.RoutingKey != nil {
		w.secretRef("routingKey", *r.RoutingKey)
	}
	if r.WebhookURL != nil {
		w.secretRef("webhookURL", *r.WebhookURL)
	}
	if r.APIKey != nil {
		w.secretRef("apiKey", *r.APIKey)
	}
	w.OptStr("priority", r.Priority)
	if len(r.Responders) > 0 {
		w.Line("responders: [")
		for _, rs := range r.Responders {
			w.Line("\t{type: %s, name: %s},", w.Quote(rs.Type), w.Quote(rs.Name))
		}
		w.Line("]")
	}
}

// writeMessageFields writes Telegram's bot and chat and the message
// templates any integration may override.
func writeMessageFields(w *writer, r model.Integration) {
	if r.BotToken != nil {
		w.secretRef("botToken", *r.BotToken)
	}
	if r.ChatID != 0 {
		w.Line("chatID: %d", r.ChatID)
	}
	w.OptStr("title", r.Title)
	w.OptStr("text", r.Text)
	w.OptStr("html", r.HTML)
}

// templatesFile renders templates.cue: the notification template files
// the input's alertmanager.yml named, by file name.
func templatesFile(imp *convert.Import) ([]byte, error) {
	a := imp.Env.Alerting
	if a == nil || len(a.Templates) == 0 {
		return nil, nil
	}
	var w writer
	w.Comment("Notification templates imported from the files alertmanager.yml named:\nrendered next to alertmanager.yml and listed in its templates.")
	w.Line("package %s", imp.Options.Env)
	w.Line("")
	w.OpenRaw("env: alerting: templates:")
	for _, name := range sortedKeys(a.Templates) {
		w.Str(name, a.Templates[name])
	}
	w.Close()
	return w.Source()
}

// usesWeChat reports whether a receiver has a WeChat integration.
func usesWeChat(a *model.Alerting) bool {
	for _, r := range a.Receivers {
		for _, in := range r.Integrations() {
			if in.Kind == model.ReceiverWeChat {
				return true
			}
		}
	}
	return false
}

// writeRawRoutes writes alerting.routes.
func writeRawRoutes(w *writer, label string, rs []model.RawRoute) {
	w.Line("%s: [", label)
	w.Indent()
	for _, r := range rs {
		w.Line("{")
		w.Indent()
		w.OptStr("receiver", r.Receiver)
		w.StrList("matchers", r.Matchers)
		if r.Continue {
			w.Line("continue: true")
		}
		if r.GroupBy != nil {
			w.StrList("groupBy", r.GroupBy)
		}
		w.OptStr("groupWait", r.GroupWait)
		w.OptStr("groupInterval", r.GroupInterval)
		w.OptStr("repeatInterval", r.RepeatInterval)
		if len(r.MuteTimeIntervals) > 0 {
			w.StrList("muteTimeIntervals", r.MuteTimeIntervals)
		}
		if len(r.ActiveTimeIntervals) > 0 {
			w.StrList("activeTimeIntervals", r.ActiveTimeIntervals)
		}
		if len(r.Routes) > 0 {
			writeRawRoutes(w, "routes", r.Routes)
		}
		w.Dedent()
		w.Line("},")
	}
	w.Dedent()
	w.Line("]")
}
