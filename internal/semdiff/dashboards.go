package semdiff

import (
	"fmt"
	"strings"

	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/render/grafana"
)

// Dashboard is one Grafana dashboard that was added, removed or changed.
// Fields name what changed: title, folder, tags, variables.<name>,
// links, and per panel (by title) its type, unit and queries:
// panels."Error ratio".queries.A.
type Dashboard struct {
	Change Change  `json:"change"`
	UID    string  `json:"uid"`
	Title  string  `json:"title"`
	Source string  `json:"source"` // environment, exporter <name>, signals of job <job>, SLO <id>
	Origin string  `json:"origin,omitempty"`
	Fields []Field `json:"fields,omitempty"`
}

type dashAt struct {
	title, source, origin string
	fields                map[string]string
}

func dashMap(p *expand.Plan) map[string]dashAt {
	out := map[string]dashAt{}
	for _, d := range p.Dashboards {
		f := map[string]string{"title": d.Title, "folder": d.Folder, "tags": strings.Join(d.Tags, ", ")}
		for _, v := range d.Variables {
			q := grafana.VariableQuery(v)
			if q == "" {
				q = strings.Join(v.Values, ",")
			}
			f["variables."+v.Name] = q
		}
		var links []string
		for _, l := range d.Links {
			links = append(links, l.Title+" → "+l.URL+l.Dashboard)
		}
		f["links"] = strings.Join(links, "\n")
		seen := map[string]int{}
		for _, pn := range d.Panels {
			key := fmt.Sprintf("panels.%q", pn.Title)
			if seen[key]++; seen[key] > 1 {
				key = fmt.Sprintf("panels.%q#%d", pn.Title, seen[key])
			}
			f[key+".type"] = pn.Type
			f[key+".unit"] = pn.Unit
			for i, q := range pn.Targets {
				f[fmt.Sprintf("%s.queries.%c", key, 'A'+i)] = q.Expr
			}
		}
		for k, v := range f {
			if v == "" {
				delete(f, k)
			}
		}
		out[d.UID] = dashAt{title: d.Title, source: d.Source, origin: d.Origin, fields: f}
	}
	return out
}

// dashboards lists the dashboards added, removed or changed. An added or
// removed one is a heading only: its JSON is in the files section.
func dashboards(e *Env, base, head *expand.Plan) {
	b, h := dashMap(base), dashMap(head)
	for _, uid := range unionKeys(b, h) {
		bd, inB := b[uid]
		hd, inH := h[uid]
		d := Dashboard{UID: uid}
		at := hd
		switch {
		case !inB:
			d.Change = Added
		case !inH:
			d.Change, at = Removed, bd
		default:
			d.Change = Changed
			for _, k := range unionKeys(bd.fields, hd.fields) {
				if bd.fields[k] != hd.fields[k] {
					d.Fields = append(d.Fields, Field{Field: k, Before: bd.fields[k], After: hd.fields[k]})
				}
			}
			if len(d.Fields) == 0 {
				continue
			}
		}
		d.Title, d.Source, d.Origin = at.title, at.source, at.origin
		e.Dashboards = append(e.Dashboards, d)
	}
}
