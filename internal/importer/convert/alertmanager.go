package convert

import (
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/mongen-dev/mongen/internal/diag"
	"github.com/mongen-dev/mongen/internal/importer/read"
	"github.com/mongen-dev/mongen/internal/importer/tiers"
	"github.com/mongen-dev/mongen/internal/model"
	"github.com/mongen-dev/mongen/internal/verify/amcheck"
)

// receiverSecret is the Secret imported receiver credentials go in.
const receiverSecret = "alertmanager-receivers"

// amImport is what an alertmanager.yml became.
type amImport struct {
	alerting *model.Alerting
	// disabledInhibits are library/policy's standard inhibitions the input
	// did not have, switched off to keep its behaviour.
	disabledInhibits []string
	// tiers lists the tiers whose route came from the input.
	tiers map[string]bool
}

// convertAlertmanager maps an alertmanager.yml onto the tier policy: the
// root route's receiver is the fallback, a child route matching only
// severity is that severity's tier, one matching only team=<x> is a team,
// any other route is kept as a raw route (routes.go); receivers become
// receivers with every supported integration (credentials as Secret
// references on the checklist), time intervals and inhibit rules carry
// over with matchers rewritten to the current syntax. Every receiver or
// field that does not fit is reported with its position.
func (imp *Import) convertAlertmanager(f read.File) (*amImport, error) {
	if _, err := amcheck.Load(f.Data); err != nil {
		return nil, diag.List{{Pos: diag.Pos{File: f.Name}, Msg: err.Error()}}
	}
	d := f.Doc
	root := read.ResolveAlias(d.Root)
	a := &model.Alerting{
		Tiers: map[string]model.TierPolicy{}, Receivers: map[string]model.Receiver{}, Teams: map[string]model.Team{},
		TimeIntervals: map[string][]model.TimeInterval{}, Inhibit: map[string]model.Inhibit{},
	}
	out := &amImport{alerting: a, tiers: map[string]bool{}}
	warn := func(n *yaml.Node, format string, args ...any) {
		imp.note(d.Pos(n), NoteWarning, "alertmanager.yml: "+format, args...)
	}
	global := read.ResolveAlias(read.Get(root, "global"))
	if v, _ := d.Scalar(read.Get(global, "resolve_timeout"), "resolve_timeout"); v != "" {
		a.Alertmanager.ResolveTimeout = v
	}
	// The steps run in this order because each needs the one before:
	// routes name receivers and time intervals, and only imported ones.
	imp.importReceivers(d, root, global, a, warn)
	intervals := imp.importTimeIntervals(d, root, a, warn)
	if err := imp.importRouteTree(d, root, out, intervals, warn); err != nil {
		return nil, err
	}
	imp.importInhibits(d, root, a)
	out.disabledInhibits = []string{"critical-silences-twins", "node-down", "warning-silences-twins"}
	imp.importTemplates(f, a, warn)
	imp.warnDropped(d, root, global, warn)
	return out, nil
}

// importReceivers maps every receiver with an integration mongen can
// express, under its Kubernetes name.
func (imp *Import) importReceivers(d read.Doc, root, global *yaml.Node, a *model.Alerting, warn func(*yaml.Node, string, ...any)) {
	rs := read.ResolveAlias(read.Get(root, "receivers"))
	if rs == nil {
		return
	}
	for _, r := range rs.Content {
		name, _ := d.Scalar(read.Get(r, "name"), "name")
		rec, ok := imp.receiver(d, r, name, global, warn)
		if ok {
			a.Receivers[GroupKey(name)] = rec
			if GroupKey(name) != name {
				imp.note(d.Pos(r), NoteChange, "receiver %s is called %s: mongen receiver names are Kubernetes names", name, GroupKey(name))
			}
		}
	}
}

// knownReceiver gives a receiver's imported name, and whether it was
// imported: routes to a receiver that was not cannot be kept as they are.
func knownReceiver(a *model.Alerting) func(string) (string, bool) {
	return func(name string) (string, bool) { _, ok := a.Receivers[GroupKey(name)]; return GroupKey(name), ok }
}

// parsedInterval is one time interval of the input mongen can express,
// with the zones its entries are in.
type parsedInterval struct {
	name  string
	node  *yaml.Node
	spec  []model.TimeInterval
	zones []string
}

// importTimeIntervals maps the time intervals that are in the zone most
// of them use, and returns the names of those imported: routes may only
// name these.
func (imp *Import) importTimeIntervals(d read.Doc, root *yaml.Node, a *model.Alerting, warn func(*yaml.Node, string, ...any)) map[string]bool {
	intervals := map[string]bool{}
	ts := read.ResolveAlias(read.Get(root, "time_intervals"))
	if ts == nil {
		return intervals
	}
	all, zoneCount := parseTimeIntervals(d, ts, warn)
	zone := commonZone(zoneCount)
	if zone != "" && zone != "UTC" {
		a.TimeZone = zone
		imp.note(d.Pos(ts), NoteChange, "time intervals are in %s: alerting.timeZone is %s, which mongen counts every interval in", zone, zone)
	}
	for _, r := range all {
		if z := slices.Compact(slices.Sorted(slices.Values(r.zones))); len(z) > 1 || z[0] != zone {
			warn(r.node, "time interval %s is in %s, not in %s where the others are: mongen counts every interval in alerting.timeZone; the interval is left out", r.name, strings.Join(z, ", "), zone)
			continue
		}
		a.TimeIntervals[GroupKey(r.name)] = r.spec
		intervals[r.name] = true
	}
	return intervals
}

// parseTimeIntervals reads the intervals mongen can express and counts,
// per zone, how many intervals use it.
func parseTimeIntervals(d read.Doc, ts *yaml.Node, warn func(*yaml.Node, string, ...any)) ([]parsedInterval, map[string]int) {
	var all []parsedInterval
	zoneCount := map[string]int{}
	for _, t := range ts.Content {
		name, _ := d.Scalar(read.Get(t, "name"), "name")
		if ti, zones, ok := timeInterval(d, read.Get(t, "time_intervals"), warn); ok {
			all = append(all, parsedInterval{name, t, ti, zones})
			for _, z := range slices.Compact(slices.Sorted(slices.Values(zones))) {
				zoneCount[z]++
			}
		}
	}
	return all, zoneCount
}

// commonZone picks the zone most intervals use (the first by name on a
// tie): mongen counts every interval in one zone, alerting.timeZone
// (Alertmanager's default is UTC).
func commonZone(zoneCount map[string]int) string {
	zone := ""
	for _, z := range sortedKeys(zoneCount) {
		if zone == "" || zoneCount[z] > zoneCount[zone] {
			zone = z
		}
	}
	return zone
}

// importRouteTree maps the root route: its receiver is the fallback, its
// grouping and timing the root's, and its children tiers, teams and raw
// routes (importRoutes). Every tier starts on the fallback.
func (imp *Import) importRouteTree(d read.Doc, root *yaml.Node, out *amImport, intervals map[string]bool, warn func(*yaml.Node, string, ...any)) error {
	a := out.alerting
	known := knownReceiver(a)
	route := read.ResolveAlias(read.Get(root, "route"))
	rootRecv, _ := d.Scalar(read.Get(route, "receiver"), "receiver")
	fallback, ok := known(rootRecv)
	if !ok {
		return d.Errorf(route, "the root route's receiver %q has no integration mongen can express, and every mongen environment needs a fallback receiver: give it one (webhook, email, slack, pagerduty, msteams, wechat)", rootRecv)
	}
	a.Fallback = fallback
	base := rootTiming(d, route, a)
	for _, tier := range model.TierNames {
		p := base
		p.Severity = tiers.Severity(tier)
		p.Receivers = []string{fallback}
		p.ActiveTimeIntervals = []string{}
		a.Tiers[tier] = p
	}
	if rs := read.ResolveAlias(read.Get(route, "routes")); rs != nil {
		imp.importRoutes(d, route, rs.Content, out, base, known, intervals, warn)
	}
	return nil
}

// rootTiming sets the root route's grouping and timing from the input's
// and returns the timing tier routes start from.
func rootTiming(d read.Doc, route *yaml.Node, a *model.Alerting) model.TierPolicy {
	base := timing(d, route, model.TierPolicy{})
	// The root keeps the input's grouping (none when it has no group_by,
	// as Alertmanager) and timing: what reaches the fallback, and raw
	// routes, keep their behaviour.
	a.Root = model.RootRoute{GroupBy: base.GroupBy, GroupWait: base.GroupWait, GroupInterval: base.GroupInterval, RepeatInterval: base.RepeatInterval}
	if a.Root.GroupBy == nil {
		a.Root.GroupBy = []string{}
	}
	// Tier routes state their timing: where the input's root sets none,
	// its routes ran on Alertmanager's defaults, not on mongen's tiers'.
	for _, f := range []struct {
		dst *string
		def string
	}{{&base.GroupWait, "30s"}, {&base.GroupInterval, "5m"}, {&base.RepeatInterval, "4h"}} {
		if *f.dst == "" {
			*f.dst = f.def
		}
	}
	return base
}

// importInhibits maps the inhibit rules as imported-<n>, in the input's
// order.
func (imp *Import) importInhibits(d read.Doc, root *yaml.Node, a *model.Alerting) {
	is := read.ResolveAlias(read.Get(root, "inhibit_rules"))
	if is == nil {
		return
	}
	for i, r := range is.Content {
		in := inhibitRule(d, r)
		name := fmt.Sprintf("imported-%d", i+1)
		if len(in.Equal) == 0 {
			// Kept as written: the input means it across every
			// cluster and namespace (kube-prometheus-stack silences
			// InfoInhibitor itself so); vet keeps it in sight.
			in.Global = true
			imp.note(d.Pos(r), NoteChange, "inhibit rule %d becomes inhibit %s, with global: true: it has no equal, so it acts across every cluster and namespace as in the input (alertmanager/inhibit-equal warns about it)", i+1, name)
		} else {
			imp.note(d.Pos(r), NoteChange, "inhibit rule %d becomes inhibit %s", i+1, name)
		}
		a.Inhibit[name] = in
	}
}

// inhibitRule reads one inhibit rule, with the deprecated matchers
// rewritten in the current syntax.
func inhibitRule(d read.Doc, r *yaml.Node) model.Inhibit {
	in := model.Inhibit{Enabled: true}
	in.Source = append(matcherList(d, read.Get(r, "source_matchers")), mapMatchers(d, read.Get(r, "source_match"), "=")...)
	in.Source = append(in.Source, mapMatchers(d, read.Get(r, "source_match_re"), "=~")...)
	in.Target = append(matcherList(d, read.Get(r, "target_matchers")), mapMatchers(d, read.Get(r, "target_match"), "=")...)
	in.Target = append(in.Target, mapMatchers(d, read.Get(r, "target_match_re"), "=~")...)
	if eq := read.ResolveAlias(read.Get(r, "equal")); eq != nil {
		for _, x := range eq.Content {
			in.Equal = append(in.Equal, x.Value)
		}
	}
	return in
}

// timing reads a route's grouping and timing over its parent's, as
// Alertmanager inherits them.
func timing(d read.Doc, r *yaml.Node, parent model.TierPolicy) model.TierPolicy {
	p := parent
	if g := read.ResolveAlias(read.Get(r, "group_by")); g != nil {
		p.GroupBy = nil
		for _, x := range g.Content {
			p.GroupBy = append(p.GroupBy, x.Value)
		}
	}
	for key, dst := range map[string]*string{"group_wait": &p.GroupWait, "group_interval": &p.GroupInterval, "repeat_interval": &p.RepeatInterval} {
		if v, _ := d.Scalar(read.Get(r, key), key); v != "" {
			*dst = v
		}
	}
	return p
}

func activeIntervals(d read.Doc, r *yaml.Node, known map[string]bool, warn func(*yaml.Node, string, ...any)) []string {
	out := []string{}
	if a := read.ResolveAlias(read.Get(r, "active_time_intervals")); a != nil {
		for _, x := range a.Content {
			if !known[x.Value] {
				warn(x, "active time interval %s is not imported (see its warning): the tier is notified at all times", x.Value)
				continue
			}
			out = append(out, GroupKey(x.Value))
		}
	}
	return out
}

// matchers lists a route's matchers in the current syntax: match and
// match_re (deprecated) are rewritten as name="value" and name=~"value".
func matchers(d read.Doc, r *yaml.Node) []string {
	out := matcherList(d, read.Get(r, "matchers"))
	out = append(out, mapMatchers(d, read.Get(r, "match"), "=")...)
	return append(out, mapMatchers(d, read.Get(r, "match_re"), "=~")...)
}

func matcherList(d read.Doc, n *yaml.Node) []string {
	var out []string
	if n = read.ResolveAlias(n); n != nil {
		for _, x := range n.Content {
			out = append(out, normaliseMatcher(x.Value))
		}
	}
	return out
}

func mapMatchers(d read.Doc, n *yaml.Node, op string) []string {
	var out []string
	for _, kv := range read.Fields(read.ResolveAlias(n)) {
		out = append(out, fmt.Sprintf("%s%s%q", kv[0].Value, op, kv[1].Value))
	}
	sort.Strings(out)
	return out
}

// normaliseMatcher quotes an unquoted matcher value (severity=critical).
func normaliseMatcher(m string) string {
	m = strings.TrimSpace(m)
	for _, op := range []string{"=~", "!~", "!=", "="} {
		if i := strings.Index(m, op); i > 0 {
			name, value := strings.TrimSpace(m[:i]), strings.TrimSpace(m[i+len(op):])
			if !strings.HasPrefix(value, `"`) {
				value = fmt.Sprintf("%q", value)
			}
			return name + op + value
		}
	}
	return m
}

// singleEquality recognises exactly one name="value" matcher.
func singleEquality(ms []string) (name, value string, ok bool) {
	if len(ms) != 1 {
		return "", "", false
	}
	i := strings.Index(ms[0], `="`)
	if i <= 0 || strings.ContainsAny(ms[0][:i], "!~") {
		return "", "", false
	}
	var v string
	if _, err := fmt.Sscanf(ms[0][i+1:], "%q", &v); err != nil {
		return "", "", false
	}
	return ms[0][:i], v, true
}

func describeMatchers(ms []string) string { return "{" + strings.Join(ms, ", ") + "}" }

// receiver maps a receiver with its supported integrations: the first
// becomes the receiver's own, the others its `more`. An integration of a
// kind mongen does not know is reported and left out.
func (imp *Import) receiver(d read.Doc, r *yaml.Node, name string, global *yaml.Node, warn func(*yaml.Node, string, ...any)) (model.Receiver, bool) {
	var configs [][2]*yaml.Node
	for _, kv := range read.Fields(read.ResolveAlias(r)) {
		if strings.HasSuffix(kv[0].Value, "_configs") {
			for _, c := range read.ResolveAlias(kv[1]).Content {
				configs = append(configs, [2]*yaml.Node{kv[0], read.ResolveAlias(c)})
			}
		}
	}
	if len(configs) == 0 {
		// Alerts routed here are dropped on purpose (kube-prometheus-stack's
		// "null"): a receiver of kind none says so.
		imp.note(d.Pos(r), NoteChange, "receiver %s has no integration: it becomes a receiver of kind none, which drops the alerts routed to it as the input did", name)
		return model.Receiver{Integration: model.Integration{Kind: model.ReceiverNone, SendResolved: true}}, true
	}
	var ins []model.Integration
	var kinds []string
	for _, c := range configs {
		// Secret keys are <receiver>-<field>, <receiver>-2-<field> for the
		// second supported integration, and so on.
		key := GroupKey(name)
		if len(ins) > 0 {
			key = fmt.Sprintf("%s-%d", key, len(ins)+1)
		}
		in, ok := imp.integration(d, c[0], c[1], name, key, global, warn)
		if ok {
			ins = append(ins, in)
			kinds = append(kinds, in.Kind)
		}
	}
	if len(ins) == 0 {
		return model.Receiver{}, false
	}
	rec := model.Receiver{Integration: ins[0], More: ins[1:]}
	imp.note(d.Pos(r), NoteChange, "receiver %s becomes a receiver of kind %s", name, strings.Join(kinds, " + "))
	return rec, true
}

// integration maps one *_configs entry.
func (imp *Import) integration(d read.Doc, kindNode, c *yaml.Node, name, key string, global *yaml.Node, warn func(*yaml.Node, string, ...any)) (model.Integration, bool) {
	kind := kindNode.Value
	ir := integrationReader{imp: imp, d: d, c: c, global: global, name: name, key: key, warn: warn}
	rec := model.Integration{SendResolved: true}
	if v := ir.s("send_resolved"); v != "" {
		rec.SendResolved = v == "true"
	}
	if !ir.fill(kindNode, &rec) {
		return model.Integration{}, false
	}
	took := texts(d, kind, c, &rec)
	ir.warnUnkeptFields(kind, rec.Kind, took)
	return rec, true
}

// integrationReader reads one *_configs entry of receiver name: its
// fields, the global defaults, and credentials, which become Secret
// references under key (never copied).
type integrationReader struct {
	imp       *Import
	d         read.Doc
	c, global *yaml.Node
	name, key string
	warn      func(*yaml.Node, string, ...any)
}

// s is the entry's field, "" when unset.
func (ir integrationReader) s(key string) string {
	v, _ := ir.d.Scalar(read.Get(ir.c, key), key)
	return v
}

// gs is the global default, "" when unset.
func (ir integrationReader) gs(key string) string {
	v, _ := ir.d.Scalar(read.Get(ir.global, key), key)
	return v
}

// secret refers to the credential field: the Secret a <field>_file under
// the operator's mount names, or else one on the credentials checklist,
// saying why.
func (ir integrationReader) secret(field string, n *yaml.Node, why string) *model.SecretRef {
	if f := ir.s(field + "_file"); f != "" {
		if m := amSecretPath(f); m != nil {
			return m
		}
		why = field + "_file read " + f
	}
	ref := ir.imp.secretIn(ir.d.Pos(n), receiverSecret, ir.key+"-"+strings.ReplaceAll(field, "_", "-"), why)
	return &ref
}

// fill sets the integration's kind and fields from the entry; false when
// mongen cannot express it (reported).
func (ir integrationReader) fill(kindNode *yaml.Node, rec *model.Integration) bool {
	c := ir.c
	switch kind := kindNode.Value; kind {
	case "webhook_configs":
		ir.webhook(rec)
	case "email_configs":
		ir.email(rec)
	case "slack_configs":
		rec.Kind = model.ReceiverSlack
		rec.APIURL = ir.secret("api_url", c, "a Slack webhook URL is a credential; it is not copied")
		rec.Channel = ir.s("channel")
	case "pagerduty_configs":
		rec.Kind = model.ReceiverPagerDuty
		rec.RoutingKey = ir.secret("routing_key", c, "the routing key is a credential; it is not copied")
	case "wechat_configs":
		rec.Kind = model.ReceiverWeChat
		rec.CorpID, rec.AgentID, rec.ToUser, rec.ToParty = ir.s("corp_id"), ir.s("agent_id"), ir.s("to_user"), ir.s("to_party")
		if rec.CorpID == "" {
			rec.CorpID = ir.gs("wechat_api_corp_id")
		}
		rec.APISecret = ir.secret("api_secret", c, "the WeChat API secret is a credential; it is not copied")
	case "msteams_configs":
		rec.Kind = model.ReceiverMSTeams
		rec.WebhookURL = ir.secret("webhook_url", c, "a Teams webhook URL is a credential; it is not copied")
	case "opsgenie_configs":
		ir.opsGenie(rec)
	case "telegram_configs":
		rec.Kind = model.ReceiverTelegram
		rec.BotToken = ir.secret("bot_token", c, "the Telegram bot token is a credential; it is not copied")
		if _, err := fmt.Sscan(ir.s("chat_id"), &rec.ChatID); err != nil || rec.ChatID == 0 {
			ir.warn(kindNode, "receiver %s: telegram needs a numeric chat_id (chat_id_file is not supported): that integration is not imported", ir.name)
			return false
		}
	case "discord_configs":
		rec.Kind = model.ReceiverDiscord
		rec.WebhookURL = ir.secret("webhook_url", c, "a Discord webhook URL is a credential; it is not copied")
	default:
		ir.warn(kindNode, "receiver %s: %s are not among mongen's receiver kinds (webhook, email, slack, pagerduty, msteams, wechat, opsgenie, telegram, discord, dingtalk, feishu): that integration is not imported", ir.name, kind)
		return false
	}
	return true
}

// webhook keeps a plain URL and moves one that may carry a credential
// (user info or a query) to a Secret.
func (ir integrationReader) webhook(rec *model.Integration) {
	rec.Kind = model.ReceiverWebhook
	u := ir.s("url")
	if pu, err := url.Parse(u); err == nil && pu.User == nil && pu.RawQuery == "" && u != "" {
		rec.URL = u
	} else {
		rec.URLSecret = ir.secret("url", ir.c, "the URL may carry a credential; it is not copied")
	}
	if v := ir.s("max_alerts"); v != "" && v != "0" {
		var n int
		fmt.Sscan(v, &n)
		rec.MaxAlerts = &n
	}
}

// email takes what the entry leaves unset from the global smtp_
// settings, as Alertmanager does.
func (ir integrationReader) email(rec *model.Integration) {
	c, global := ir.c, ir.global
	rec.Kind = model.ReceiverEmail
	rec.To = strings.Split(ir.s("to"), ",")
	for i := range rec.To {
		rec.To[i] = strings.TrimSpace(rec.To[i])
	}
	rec.From, rec.Smarthost, rec.AuthUsername = ir.s("from"), ir.s("smarthost"), ir.s("auth_username")
	if rec.From == "" {
		rec.From = ir.gs("smtp_from")
	}
	if rec.Smarthost == "" {
		rec.Smarthost = ir.gs("smtp_smarthost")
	}
	if rec.AuthUsername == "" {
		rec.AuthUsername = ir.gs("smtp_auth_username")
	}
	if read.Get(c, "auth_password") != nil || read.Get(c, "auth_password_file") != nil || read.Get(global, "smtp_auth_password") != nil {
		rec.AuthPassword = ir.secret("auth_password", c, "the input had the password, which is not copied")
	}
	rec.RequireTLS = true
	if v := ir.s("require_tls"); v == "false" || (v == "" && ir.gs("smtp_require_tls") == "false") {
		rec.RequireTLS = false
	}
}

// opsGenie keeps the priorities and responders mongen can state; the
// others are reported and left out.
func (ir integrationReader) opsGenie(rec *model.Integration) {
	c, d := ir.c, ir.d
	rec.Kind = model.ReceiverOpsGenie
	rec.APIKey = ir.secret("api_key", c, "the OpsGenie API key is a credential; it is not copied")
	rec.Priority = ir.s("priority")
	if p := rec.Priority; p != "" && (len(p) != 2 || p[0] != 'P' || p[1] < '1' || p[1] > '5') {
		ir.warn(read.Get(c, "priority"), "receiver %s: opsgenie priority %q is not kept: mongen takes P1 to P5 (a template is not supported)", ir.name, p)
		rec.Priority = ""
	}
	rs := read.ResolveAlias(read.Get(c, "responders"))
	if rs == nil {
		return
	}
	for _, r := range rs.Content {
		typ, _ := d.Scalar(read.Get(r, "type"), "type")
		rn, _ := d.Scalar(read.Get(r, "name"), "name")
		if rn == "" || !slices.Contains([]string{"team", "user", "escalation", "schedule"}, typ) {
			ir.warn(r, "receiver %s: opsgenie responder is not kept: mongen's responders have a type (team, user, escalation, schedule) and a name, not an id or username", ir.name)
			continue
		}
		rec.Responders = append(rec.Responders, model.OpsGenieResponder{Type: typ, Name: rn})
	}
}

// warnUnkeptFields reports each field of the entry the import did not
// keep, so nothing is dropped silently.
func (ir integrationReader) warnUnkeptFields(kind, recKind string, took map[string]bool) {
	for _, kv := range read.Fields(ir.c) {
		if f := kv[0].Value; !integrationFields[kind][f] && f != "send_resolved" && !took[f] {
			ir.warn(kv[0], "receiver %s: %s field %s is not kept: mongen's %s receivers have no such setting", ir.name, strings.TrimSuffix(kind, "_configs"), f, recKind)
		}
	}
}

// integrationFields are the fields of each integration the import keeps.
var integrationFields = map[string]map[string]bool{
	"webhook_configs":   {"url": true, "url_file": true, "max_alerts": true},
	"email_configs":     {"to": true, "from": true, "smarthost": true, "auth_username": true, "auth_password": true, "auth_password_file": true, "require_tls": true},
	"slack_configs":     {"api_url": true, "api_url_file": true, "channel": true},
	"pagerduty_configs": {"routing_key": true, "routing_key_file": true},
	"wechat_configs":    {"corp_id": true, "agent_id": true, "to_user": true, "to_party": true, "api_secret": true, "api_secret_file": true},
	"msteams_configs":   {"webhook_url": true, "webhook_url_file": true},
	"opsgenie_configs":  {"api_key": true, "api_key_file": true, "priority": true, "responders": true},
	"telegram_configs":  {"bot_token": true, "bot_token_file": true, "chat_id": true},
	"discord_configs":   {"webhook_url": true, "webhook_url_file": true},
}

// amSecretPath maps /etc/alertmanager/secrets/<secret>/<key>, where the
// operator mounts Alertmanager's Secrets.
func amSecretPath(p string) *model.SecretRef {
	rest, ok := strings.CutPrefix(p, "/etc/alertmanager/secrets/")
	if !ok {
		return nil
	}
	secret, key, ok := strings.Cut(rest, "/")
	if !ok || strings.Contains(key, "/") || secret == "" || key == "" {
		return nil
	}
	return &model.SecretRef{Secret: secret, Key: key}
}

var weekdayNames = map[string]bool{"monday": true, "tuesday": true, "wednesday": true, "thursday": true, "friday": true, "saturday": true, "sunday": true}

// timeInterval maps weekdays, times, days of month, months and years,
// and returns each entry's location (UTC unless set); any other field is
// reported and the interval not imported.
func timeInterval(d read.Doc, n *yaml.Node, warn func(*yaml.Node, string, ...any)) ([]model.TimeInterval, []string, bool) {
	var out []model.TimeInterval
	var zones []string
	for _, ti := range read.ResolveAlias(n).Content {
		var t model.TimeInterval
		zone := "UTC"
		for _, kv := range read.Fields(read.ResolveAlias(ti)) {
			switch kv[0].Value {
			case "location":
				zone, _ = d.Scalar(kv[1], "location")
			case "weekdays":
				for _, w := range read.ResolveAlias(kv[1]).Content {
					for _, part := range strings.Split(strings.ToLower(w.Value), ":") {
						if !weekdayNames[part] {
							warn(w, "weekday %q is not a day name mongen accepts: the interval is not imported", w.Value)
							return nil, nil, false
						}
					}
					t.Weekdays = append(t.Weekdays, strings.ToLower(w.Value))
				}
			case "times":
				for _, tr := range read.ResolveAlias(kv[1]).Content {
					start, _ := d.Scalar(read.Get(tr, "start_time"), "start_time")
					end, _ := d.Scalar(read.Get(tr, "end_time"), "end_time")
					t.Times = append(t.Times, model.TimeRange{Start: start, End: end})
				}
			case "days_of_month", "months", "years":
				var vs []string
				for _, x := range read.ResolveAlias(kv[1]).Content {
					vs = append(vs, strings.ToLower(x.Value))
				}
				switch kv[0].Value {
				case "days_of_month":
					t.DaysOfMonth = vs
				case "months":
					t.Months = vs
				default:
					t.Years = vs
				}
			default:
				warn(kv[0], "time interval field %s is not imported: mongen's time intervals have weekdays, times, days of month, months, years and a location; the interval is left out", kv[0].Value)
				return nil, nil, false
			}
		}
		out = append(out, t)
		zones = append(zones, zone)
	}
	if len(out) == 0 {
		zones = []string{"UTC"}
	}
	return out, zones, true
}
