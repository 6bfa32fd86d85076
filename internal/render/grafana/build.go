package grafana

import (
	"fmt"
	"strings"

	"github.com/mongen-dev/mongen/internal/dashgen"
	"github.com/mongen-dev/mongen/internal/model"
)

// gridWidth is the width of Grafana's grid.
const gridWidth = 24

// VariableQuery is the Grafana Prometheus variable query of a variable:
// label_values(<metric>, <label>) for the label shorthands, the query as
// written for query variables, "" for custom ones.
func VariableQuery(v model.Variable) string {
	switch v.Type {
	case model.VariableCluster, model.VariableNamespace, model.VariableJob, model.VariableInstance:
		metric := v.Metric
		if metric == "" {
			metric = "up"
		}
		return fmt.Sprintf("label_values(%s, %s)", metric, v.Type)
	case model.VariableQuery:
		return v.Query
	}
	return ""
}

func build(env *model.Environment, d model.Dashboard) dashboard {
	tr := func(s string) string {
		if t, ok := env.Grafana.Titles[s]; ok && t != "" {
			return t
		}
		return s
	}
	title := tr(d.Title)
	if t, ok := env.Grafana.Titles[d.TitleKey]; ok && t != "" && d.TitleKey != "" && title == d.Title {
		title = dashgen.Fill(t, d.TitleArgs)
	}
	ds := datasourceRef{Type: "prometheus", UID: DatasourceRef}
	out := dashboard{
		UID:           d.UID,
		Title:         title,
		Description:   d.Description,
		Tags:          nonNil(d.Tags),
		GraphTooltip:  1, // shared crosshair: compare panels at one instant
		Refresh:       d.Refresh,
		SchemaVersion: SchemaVersion,
		Time:          timeRange{From: d.Time.From, To: d.Time.To},
		Links:         []link{},
		Panels:        []panel{},
	}
	if out.Time.From == "" {
		out.Time = timeRange{From: "now-6h", To: "now"}
	}
	one, two := 1, 2
	current := env.Grafana.Datasource
	if d.Datasource != nil {
		current = *d.Datasource
	} else if g, ok := GlobalDatasource(env); ok && hasClusterVariable(d) {
		// A dashboard that selects clusters opens on the global view.
		current = g
	}
	out.Templating.List = append(out.Templating.List, variable{
		Name: DatasourceVar, Label: tr("Data source"), Type: "datasource", Query: "prometheus",
		Current: &option{Text: current.Name, Value: current.UID},
	})
	for _, v := range d.Variables {
		gv := variable{Name: v.Name, Label: tr(v.Label), Type: "query", Multi: v.Multi, IncludeAll: v.IncludeAll}
		if v.IncludeAll {
			gv.AllValue = ".+"
			if v.Type == model.VariableCluster {
				// cluster is an external label: a cluster's own Prometheus
				// has none, and "All" must match that too.
				gv.AllValue = ".*"
				gv.Current = &option{Text: "All", Value: "$__all"}
			}
		}
		if v.Type == model.VariableCustom {
			gv.Type = "custom"
			gv.Query = strings.Join(v.Values, ",")
			gv.Current = &option{Text: v.Values[0], Value: v.Values[0]}
		} else {
			gv.Datasource = &ds
			gv.Query = VariableQuery(v)
			gv.Refresh = &two // on time range change
			gv.Sort = &one    // alphabetical
		}
		out.Templating.List = append(out.Templating.List, gv)
	}
	for _, l := range d.Links {
		out.Links = append(out.Links, toLink(tr(l.Title), l))
	}

	// Layout: panels flow left to right and wrap at 24 columns; a row takes
	// a line of its own. Panels after a collapsed row live inside it.
	x, y, lineH := 0, 0, 0
	id := 0
	var openRow *panel
	newline := func() {
		y += lineH
		x, lineH = 0, 0
	}
	for _, p := range d.Panels {
		id++
		if p.Type == model.PanelRow {
			newline()
			collapsed := p.Collapsed
			rp := panel{ID: id, Type: "row", Title: tr(p.Title), GridPos: gridPos{H: 1, W: gridWidth, X: 0, Y: y}, Collapsed: &collapsed, Panels: &[]panel{}}
			y++
			out.Panels = append(out.Panels, rp)
			openRow = nil
			if collapsed {
				openRow = &out.Panels[len(out.Panels)-1]
			}
			continue
		}
		w, h := p.Width, p.Height
		if w <= 0 {
			w = 12
		}
		if h <= 0 {
			h = 8
		}
		if x+w > gridWidth {
			newline()
		}
		gp := panel{ID: id, Type: p.Type, Title: tr(p.Title), Description: p.Description, GridPos: gridPos{H: h, W: w, X: x, Y: y}}
		x += w
		lineH = max(lineH, h)
		fillPanel(&gp, p, ds, tr)
		if openRow != nil {
			*openRow.Panels = append(*openRow.Panels, gp)
		} else {
			out.Panels = append(out.Panels, gp)
		}
	}
	return out
}

func hasClusterVariable(d model.Dashboard) bool {
	for _, v := range d.Variables {
		if v.Type == model.VariableCluster {
			return true
		}
	}
	return false
}

func fillPanel(gp *panel, p model.Panel, ds datasourceRef, tr func(string) string) {
	if p.Type == model.PanelText {
		gp.Options = map[string]any{"mode": "markdown", "content": p.Content}
		return
	}
	gp.Datasource = &ds
	for i, q := range p.Targets {
		t := target{RefID: refID(i), Datasource: ds, Expr: q.Expr, LegendFormat: q.Legend, Interval: q.Interval}
		switch {
		case p.Type == model.PanelTable:
			t.Format, t.Instant = "table", true
			t.Range = new(bool)
		case p.Type == model.PanelHeatmap:
			t.Format = "heatmap"
		case q.Instant:
			t.Instant = true
			t.Range = new(bool)
		}
		gp.Targets = append(gp.Targets, t)
	}
	fc := &fieldConfig{Defaults: fieldDefaults{Unit: p.Unit, Decimals: p.Decimals, Min: p.Min, Max: p.Max}, Overrides: []any{}}
	steps := p.Thresholds
	if len(steps) == 0 && (p.Type == model.PanelStat || p.Type == model.PanelGauge || p.Type == model.PanelBarGauge) {
		// Grafana's own default turns values above 80 red, whatever the unit.
		steps = []model.Threshold{{Color: "green"}}
	}
	if len(steps) > 0 {
		th := &thresholds{Mode: "absolute"}
		for i, s := range steps {
			v := s.Value
			if i == 0 {
				v = nil // the base step starts at minus infinity
			}
			th.Steps = append(th.Steps, step{Color: s.Color, Value: v})
		}
		fc.Defaults.Thresholds = th
	}
	switch p.Type {
	case model.PanelTimeseries:
		custom := map[string]any{}
		if p.Stack {
			custom["stacking"] = map[string]any{"mode": "normal", "group": "A"}
		}
		if len(p.Thresholds) > 1 {
			custom["thresholdsStyle"] = map[string]any{"mode": "line"}
		}
		if len(custom) > 0 {
			fc.Defaults.Custom = custom
		}
	case model.PanelHeatmap:
		// Prometheus buckets are already a histogram: do not bucket again.
		gp.Options = map[string]any{"calculate": false, "yAxis": map[string]any{"unit": p.Unit}}
	}
	gp.FieldConfig = fc
	if p.Runbook != "" {
		gp.Links = append(gp.Links, toLink(tr("Runbook"), model.Link{URL: p.Runbook}))
	}
	for _, l := range p.Links {
		gp.Links = append(gp.Links, toLink(tr(l.Title), l))
	}
}

// toLink renders a URL link, or a link to another dashboard by uid that
// keeps the time range and variables.
func toLink(title string, l model.Link) link {
	out := link{Title: title, Type: "link", URL: l.URL, Icon: "external link", Tags: []string{}, TargetBlank: true}
	if l.Dashboard != "" {
		out.URL = "/d/" + l.Dashboard
		out.Icon = "dashboard"
		out.KeepTime, out.IncludeVars, out.TargetBlank = true, true, false
	}
	return out
}

// refID letters queries A..Z, then AA, AB, ...
func refID(i int) string {
	if i < 26 {
		return string(rune('A' + i))
	}
	return refID(i/26-1) + string(rune('A'+i%26))
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
