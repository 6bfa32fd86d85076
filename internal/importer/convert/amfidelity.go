package convert

import (
	"os"
	"path/filepath"
	"slices"

	"go.yaml.in/yaml/v3"

	"github.com/mongen-dev/mongen/internal/importer/read"
	"github.com/mongen-dev/mongen/internal/model"
)

// receiverUses counts the routes of the input's tree (the root included)
// that name each receiver; a route without one uses its parent's.
func receiverUses(d read.Doc, root *yaml.Node) map[string]int {
	out := map[string]int{}
	var walk func(r *yaml.Node, inherited string)
	walk = func(r *yaml.Node, inherited string) {
		recv, _ := d.Scalar(read.Get(r, "receiver"), "receiver")
		if recv == "" {
			recv = inherited
		}
		out[recv]++
		if cs := read.ResolveAlias(read.Get(r, "routes")); cs != nil {
			for _, c := range cs.Content {
				walk(read.ResolveAlias(c), recv)
			}
		}
	}
	walk(root, "")
	return out
}

// disjointFromAll reports that no earlier sibling can take an alert the
// matchers match: the dead man's switch goes first in the built tree, so
// it may only where it went first in the input too.
func disjointFromAll(earlier []childRoute, ms []string) bool {
	for _, c := range earlier {
		if !disjoint(c.matchers, ms) {
			return false
		}
	}
	return true
}

// deadMansSwitch imports a route that sends one alert to a receiver no
// other route uses as alerting.deadMansSwitch, with the route's timing
// (inherited from the root where it sets none, as in Alertmanager).
func (imp *Import) deadMansSwitch(d read.Doc, a *model.Alerting, r *yaml.Node, c childRoute, base model.TierPolicy, warn func(*yaml.Node, string, ...any)) {
	_, alertname, _ := singleEquality(c.matchers)
	p := timing(d, r, base) // base has Alertmanager's defaults (rootTiming)
	a.DeadMansSwitch = &model.DeadMansSwitch{Alertname: alertname, Receiver: c.receiver,
		GroupWait: p.GroupWait, GroupInterval: p.GroupInterval, RepeatInterval: p.RepeatInterval}
	imp.note(d.Pos(r), NoteChange, "route %s becomes the dead man's switch: its receiver %s takes no other alert, so it is the heartbeat", describeMatchers(c.matchers), c.receiver)
	if g := read.Get(r, "group_by"); g != nil {
		warn(g, "route %s: group_by is not kept: the dead man's switch groups as the root does", describeMatchers(c.matchers))
	}
	for _, in := range a.Receivers[c.receiver].Integrations() {
		if in.SendResolved {
			warn(r, "route %s: receiver %s sent resolved notifications; the dead man's switch never does (one would ping the heartbeat service just when Prometheus stops)", describeMatchers(c.matchers), c.receiver)
			break
		}
	}
}

// TemplateGlob is one entry of alertmanager.yml's templates and the files
// it names, read next to the input.
type TemplateGlob struct {
	Node  *yaml.Node
	Glob  string
	Files map[string]string // file name -> content; empty: matched nothing
	Err   error
}

// ReadTemplates reads the template files alertmanager.yml names, as
// Alertmanager does (globs relative to the file's directory); a path
// inside the pod (/etc/alertmanager/config/*.tmpl) is looked for next to
// the input by its file name.
func ReadTemplates(f read.File) []TemplateGlob {
	ts := read.ResolveAlias(read.Get(read.ResolveAlias(f.Doc.Root), "templates"))
	if ts == nil {
		return nil
	}
	dir := filepath.Dir(f.Name)
	var out []TemplateGlob
	for _, t := range ts.Content {
		g := TemplateGlob{Node: t, Glob: t.Value, Files: map[string]string{}}
		candidates := []string{filepath.Join(dir, g.Glob)}
		if filepath.IsAbs(g.Glob) {
			candidates = []string{g.Glob, filepath.Join(dir, filepath.Base(g.Glob))}
		}
		// A values file's templateFiles are mounted where the chart's
		// config.templates looks: /etc/alertmanager/config.
		if dir, pattern := filepath.Split(g.Glob); filepath.Clean(dir) == "/etc/alertmanager/config" {
			for _, name := range sortedKeys(f.TemplateFiles) {
				if ok, _ := filepath.Match(pattern, name); ok {
					g.Files[name] = f.TemplateFiles[name]
				}
			}
		}
		if len(g.Files) > 0 {
			out = append(out, g)
			continue
		}
		var files []string
		for _, c := range candidates {
			if m, err := filepath.Glob(c); err == nil && len(m) > 0 {
				files = m
				break
			}
		}
		slices.Sort(files)
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				g.Err = err
				continue
			}
			g.Files[filepath.Base(file)] = string(data)
		}
		out = append(out, g)
	}
	return out
}

// importTemplates makes each template file alertmanager.yml names
// alerting.templates.<name>; a glob that matches nothing here is reported.
func (imp *Import) importTemplates(f read.File, a *model.Alerting, warn func(*yaml.Node, string, ...any)) {
	for _, g := range ReadTemplates(f) {
		if g.Err != nil {
			warn(g.Node, "template %s: %v: not imported", g.Glob, g.Err)
		}
		if len(g.Files) == 0 {
			warn(g.Node, "template %s matches no file next to the input: its templates are not imported; put the files next to alertmanager.yml and import again, or write them in alerting.templates", g.Glob)
			continue
		}
		for _, name := range sortedKeys(g.Files) {
			if a.Templates == nil {
				a.Templates = map[string]string{}
			}
			a.Templates[name] = g.Files[name]
			imp.note(f.Doc.Pos(g.Node), NoteChange, "template file %s becomes alerting.templates.%q", name, name)
		}
	}
}

// topLevelKept are the alertmanager.yml fields the import maps; globalKept
// the global settings it reads.
var (
	topLevelKept = map[string]bool{"global": true, "route": true, "receivers": true, "inhibit_rules": true, "time_intervals": true, "templates": true}
	globalKept   = map[string]bool{"resolve_timeout": true, "smtp_from": true, "smtp_smarthost": true, "smtp_auth_username": true,
		"smtp_auth_password": true, "smtp_auth_password_file": true, "smtp_require_tls": true, "wechat_api_corp_id": true}
)

// warnDropped names every top-level and global field the import does not
// map (tracing, mute_time_intervals, http_config, ...), at its position.
func (imp *Import) warnDropped(d read.Doc, root, global *yaml.Node, warn func(*yaml.Node, string, ...any)) {
	for _, kv := range read.Fields(root) {
		if !topLevelKept[kv[0].Value] {
			warn(kv[0], "%s is not imported: mongen's alerting has no such setting", kv[0].Value)
		}
	}
	for _, kv := range read.Fields(global) {
		if !globalKept[kv[0].Value] {
			warn(kv[0], "global.%s is not imported: mongen's alerting has no such setting (receivers' credentials become Secret references)", kv[0].Value)
		}
	}
}

// textFields are the integration fields that hold notification texts,
// by integration, and the mongen field each becomes (title, text, html).
var textFields = map[string]map[string]string{
	"slack_configs":     {"title": "title", "text": "text"},
	"msteams_configs":   {"title": "title", "text": "text"},
	"discord_configs":   {"title": "title", "message": "text"},
	"email_configs":     {"text": "text", "html": "html"},
	"pagerduty_configs": {"description": "title"},
	"opsgenie_configs":  {"message": "title", "description": "text"},
	"wechat_configs":    {"message": "text"},
	"telegram_configs":  {"message": "text"},
}

// texts copies an integration's notification texts (and an email's
// Subject header) into rec; it returns the fields it took.
func texts(d read.Doc, kind string, c *yaml.Node, rec *model.Integration) map[string]bool {
	took := map[string]bool{}
	for field, to := range textFields[kind] {
		v, _ := d.Scalar(read.Get(c, field), field)
		if v == "" {
			continue
		}
		took[field] = true
		switch to {
		case "title":
			rec.Title = v
		case "text":
			rec.Text = v
		case "html":
			rec.HTML = v
		}
	}
	if kind == "email_configs" {
		if h := read.ResolveAlias(read.Get(c, "headers")); h != nil {
			fields := read.Fields(h)
			if len(fields) == 1 && fields[0][0].Value == "Subject" {
				rec.Title = fields[0][1].Value
				took["headers"] = true
			}
		}
	}
	return took
}
