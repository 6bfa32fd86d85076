package grafana

import (
	"strings"
	"testing"

	"github.com/mongen-dev/mongen/internal/model"
)

// TestLayout: panels flow left to right and wrap at 24 columns, the line
// as tall as its tallest panel; a row takes a line of its own; panels after
// a collapsed row go inside it; ids count up in order.
func TestLayout(t *testing.T) {
	p := func(w, h int) model.Panel {
		return model.Panel{Type: model.PanelStat, Title: "p", Unit: "short", Width: w, Height: h}
	}
	d := model.Dashboard{UID: "x", Title: "X", Panels: []model.Panel{
		p(6, 4), p(6, 4), p(12, 6), // line 1: y 0, height 6
		p(18, 8), p(12, 8), // 12 does not fit after 18: wraps
		{Type: model.PanelRow, Title: "r"},
		p(0, 0), // defaults: 12 × 8
		{Type: model.PanelRow, Title: "hidden", Collapsed: true},
		p(24, 3),
	}}
	out := build(&model.Environment{}, d)
	type pos struct{ id, x, y, w, h int }
	var got []pos
	for _, gp := range out.Panels {
		got = append(got, pos{gp.ID, gp.GridPos.X, gp.GridPos.Y, gp.GridPos.W, gp.GridPos.H})
	}
	want := []pos{
		{1, 0, 0, 6, 4}, {2, 6, 0, 6, 4}, {3, 12, 0, 12, 6},
		{4, 0, 6, 18, 8}, {5, 0, 14, 12, 8},
		{6, 0, 22, 24, 1},
		{7, 0, 23, 12, 8},
		{8, 0, 31, 24, 1},
	}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("panel %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
	hidden := out.Panels[len(out.Panels)-1]
	if hidden.Panels == nil || len(*hidden.Panels) != 1 || (*hidden.Panels)[0].ID != 9 || (*hidden.Panels)[0].GridPos.Y != 32 {
		t.Errorf("collapsed row holds %+v", hidden.Panels)
	}
}

func TestRefID(t *testing.T) {
	for i, want := range map[int]string{0: "A", 25: "Z", 26: "AA", 27: "AB", 52: "BA"} {
		if got := refID(i); got != want {
			t.Errorf("refID(%d) = %s, want %s", i, got, want)
		}
	}
}

// TestGlobalDatasource: the cluster that hosts a Thanos global view gets
// the Thanos Query datasource, and a dashboard with a cluster variable
// opens on it, its "All" matching series without the label too; other
// clusters and dashboards keep the cluster's own Prometheus.
func TestGlobalDatasource(t *testing.T) {
	env := &model.Environment{
		Name: "prod", Cluster: "a", Clusters: []string{"a", "b"}, Flavour: model.FlavourOperator,
		Prometheus: model.Prometheus{Namespace: "monitoring", ScrapeInterval: "30s"},
		Grafana:    model.Grafana{Datasource: model.GrafanaDatasource{Name: "Prometheus prod", UID: "mongen-prod"}},
		Global: &model.Global{Engine: model.EngineThanos, Cluster: "a", Datasource: model.GrafanaDatasource{Name: "Global view", UID: "mongen-global"}, Thanos: &model.Thanos{
			Query: model.ThanosQuery{Name: "thanos-query", Replicas: 2},
		}},
	}
	g, ok := GlobalDatasource(env)
	if !ok || g.UID != "mongen-global" || g.URL != "http://thanos-query.monitoring.svc:9090" {
		t.Fatalf("GlobalDatasource = %+v, %v", g, ok)
	}
	withCluster := model.Dashboard{UID: "x", Title: "X", Variables: []model.Variable{{Name: "cluster", Type: model.VariableCluster, Multi: true, IncludeAll: true}}}
	out := build(env, withCluster)
	if cur := out.Templating.List[0].Current; cur == nil || cur.Value != g.UID {
		t.Errorf("datasource variable opens on %+v, want %s", cur, g.UID)
	}
	if v := out.Templating.List[1]; v.AllValue != ".*" {
		t.Errorf("cluster variable's All matches %q, want .*", v.AllValue)
	}
	if cur := build(env, model.Dashboard{UID: "y", Title: "Y"}).Templating.List[0].Current; cur.Value != "mongen-prod" {
		t.Errorf("a dashboard without a cluster variable opens on %s", cur.Value)
	}
	data, err := datasourceConfigMap(env)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "url: http://thanos-query.monitoring.svc:9090") {
		t.Errorf("datasource ConfigMap lacks Thanos Query:\n%s", data)
	}

	env.Cluster = "b"
	if _, ok := GlobalDatasource(env); ok {
		t.Error("a cluster that does not host the global view has the Thanos datasource")
	}
	if cur := build(env, withCluster).Templating.List[0].Current; cur.Value != "mongen-prod" {
		t.Errorf("cluster b's dashboard opens on %s", cur.Value)
	}
}

// TestGeneratedTitles: a generated title is translated through its
// template key with the placeholders filled in after translation; a
// translation of the literal title wins; a dashboard's own datasource is
// the one it opens on.
func TestGeneratedTitles(t *testing.T) {
	d := model.Dashboard{UID: "slo-shop-availability", Title: "SLO shop / availability", TitleKey: "SLO {service} / {name}",
		TitleArgs: map[string]string{"service": "shop", "name": "availability"}}
	env := &model.Environment{Grafana: model.Grafana{
		Datasource: model.GrafanaDatasource{Name: "Prometheus", UID: "prom"},
		Titles:     map[string]string{"SLO {service} / {name}": "SLO：{service} / {name}"},
	}}
	if got := build(env, d).Title; got != "SLO：shop / availability" {
		t.Errorf("template: got %q", got)
	}
	env.Grafana.Titles["SLO shop / availability"] = "商店可用性"
	if got := build(env, d).Title; got != "商店可用性" {
		t.Errorf("literal: got %q", got)
	}
	if got := build(&model.Environment{}, d).Title; got != d.Title {
		t.Errorf("untranslated: got %q", got)
	}
	if c := build(env, d).Templating.List[0].Current; c.Value != "prom" {
		t.Errorf("datasource: got %+v", c)
	}
	d.Datasource = &model.GrafanaDatasource{Name: "Thanos Query", UID: "thanos"}
	if c := build(env, d).Templating.List[0].Current; c.Value != "thanos" || c.Text != "Thanos Query" {
		t.Errorf("own datasource: got %+v", c)
	}
}
