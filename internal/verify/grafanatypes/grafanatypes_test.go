package grafanatypes

import (
	"encoding/json"
	"fmt"
	"github.com/mongen-dev/mongen/internal/diag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/prometheus"

	"github.com/mongen-dev/mongen/internal/artifact"
	"github.com/mongen-dev/mongen/internal/golden"
	"github.com/mongen-dev/mongen/internal/render/grafana"
)

// committed is every dashboard under out/, single-cluster (out/<env>/) and
// per cluster (out/<env>/<cluster>/).
func committed(t *testing.T) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, pattern := range []string{"../../../out/*/dashboards/*.json", "../../../out/*/*/dashboards/*.json"} {
		paths, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range paths {
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			out[strings.TrimPrefix(p, "../../../")] = data
		}
	}
	if len(out) == 0 {
		t.Fatal("no dashboards under out/")
	}
	return out
}

// goldens is every dashboard in the grafana renderer's golden archives.
func goldens(t *testing.T) map[string][]byte {
	t.Helper()
	archives, err := filepath.Glob("../../render/grafana/testdata/*.txtar")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, a := range archives {
		ar, err := golden.ParseFile(a)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, f := range ar.Files {
			if strings.HasPrefix(f.Name, grafana.Dir+"/") && strings.HasSuffix(f.Name, ".json") {
				out[filepath.Base(a)+":"+f.Name] = f.Data
				n++
			}
		}
		if n == 0 {
			t.Errorf("%s holds no dashboard", a)
		}
	}
	if len(out) == 0 {
		t.Fatal("no golden dashboards")
	}
	return out
}

// TestEveryDashboardDecodes: every committed and every golden dashboard
// decodes into Grafana's types with no problem, every query as a
// Prometheus query and every panel's options and custom field config as
// its plugin's types.
func TestEveryDashboardDecodes(t *testing.T) {
	all := committed(t)
	for name, data := range goldens(t) {
		all[name] = data
	}
	var panels, queries, options, customs int
	for name, data := range all {
		d, problems := Decode(data)
		for _, p := range problems {
			t.Errorf("%s: %s", name, p)
		}
		if d == nil {
			continue
		}
		if d.SchemaVersion != grafana.SchemaVersion {
			t.Errorf("%s: schemaVersion %d, want %d", name, d.SchemaVersion, grafana.SchemaVersion)
		}
		var ps []dashboard.Panel
		for _, p := range d.Panels {
			switch {
			case p.Panel != nil:
				ps = append(ps, *p.Panel)
			case p.RowPanel != nil:
				ps = append(ps, p.RowPanel.Panels...)
			default:
				t.Errorf("%s: a panel decoded as neither panel nor row", name)
			}
		}
		for _, p := range ps {
			panels++
			kind := panelKinds[p.Type]
			for _, q := range p.Targets {
				queries++
				if _, ok := q.(*prometheus.Dataquery); !ok {
					t.Errorf("%s: panel %q: query decoded as %T", name, p.Type, q)
				}
			}
			if p.Options != nil {
				options++
				if got, want := reflect.TypeOf(p.Options), reflect.TypeOf(kind.options.zero()); got != want {
					t.Errorf("%s: %s options decoded as %v, want %v", name, p.Type, got, want)
				}
			}
			if p.FieldConfig != nil && p.FieldConfig.Defaults.Custom != nil {
				customs++
				if got, want := reflect.TypeOf(p.FieldConfig.Defaults.Custom), reflect.TypeOf(kind.custom.zero()); got != want {
					t.Errorf("%s: %s custom field config decoded as %v, want %v", name, p.Type, got, want)
				}
			}
		}
	}
	if options == 0 || customs == 0 || queries == 0 {
		t.Errorf("decoded %d options and %d custom field configs of %d panels, %d queries: the typed paths were not exercised", options, customs, panels, queries)
	}
	t.Logf("%d dashboards, %d panels, %d queries, %d typed options, %d typed custom field configs", len(all), panels, queries, options, customs)
}

// base is a real dashboard to mutate: the generated golden-signals
// dashboard, which has stat, timeseries and heatmap panels and a variable.
func base(t *testing.T) map[string]any {
	t.Helper()
	g := goldens(t)
	data, ok := g["generated.txtar:dashboards/openclaw-golden-signals.json"]
	if !ok {
		t.Fatal("generated.txtar has no openclaw-golden-signals.json")
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	if _, problems := Decode(data); len(problems) > 0 {
		t.Fatalf("the unmutated dashboard has problems: %v", problems)
	}
	return doc
}

// panelOf returns the index of the first top-level panel of a type.
func panelOf(t *testing.T, doc map[string]any, typ string) int {
	t.Helper()
	for i, p := range doc["panels"].([]any) {
		if p.(map[string]any)["type"] == typ {
			return i
		}
	}
	t.Fatalf("no %s panel", typ)
	return -1
}

func panel(doc map[string]any, i int) map[string]any {
	return doc["panels"].([]any)[i].(map[string]any)
}

func obj(m map[string]any, keys ...string) map[string]any {
	for _, k := range keys {
		next, ok := m[k].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[k] = next
		}
		m = next
	}
	return m
}

// TestMutationsAreCaught: each edit of a valid dashboard is reported at
// its JSON path.
func TestMutationsAreCaught(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mutate func(t *testing.T, doc map[string]any) string // returns the path
		want   string
	}{
		{"unknown top-level field", func(t *testing.T, doc map[string]any) string {
			doc["colour"] = "red"
			return "colour"
		}, `unknown field: Grafana's dashboard.Dashboard has no field "colour"`},
		{"unknown panel field", func(t *testing.T, doc map[string]any) string {
			i := panelOf(t, doc, "stat")
			panel(doc, i)["titel"] = "x"
			return fmt.Sprintf("panels[%d].titel", i)
		}, `Grafana's dashboard.Panel has no field "titel"`},
		{"unknown field inside a target", func(t *testing.T, doc map[string]any) string {
			i := panelOf(t, doc, "timeseries")
			panel(doc, i)["targets"].([]any)[0].(map[string]any)["exprr"] = "up"
			return fmt.Sprintf("panels[%d].targets[0].exprr", i)
		}, `Grafana's prometheus.Dataquery has no field "exprr"`},
		{"string where a number belongs", func(t *testing.T, doc map[string]any) string {
			i := panelOf(t, doc, "stat")
			obj(panel(doc, i), "gridPos")["h"] = "4"
			return fmt.Sprintf("panels[%d].gridPos.h", i)
		}, "is a JSON string, want Go type uint32"},
		{"unknown timeseries option", func(t *testing.T, doc map[string]any) string {
			i := panelOf(t, doc, "timeseries")
			panel(doc, i)["options"] = map[string]any{"legend": map[string]any{"showLegend": true}, "legendPosition": "right"}
			return fmt.Sprintf("panels[%d].options.legendPosition", i)
		}, `Grafana's timeseries.Options has no field "legendPosition"`},
		{"unknown nested timeseries option", func(t *testing.T, doc map[string]any) string {
			i := panelOf(t, doc, "timeseries")
			panel(doc, i)["options"] = map[string]any{"tooltip": map[string]any{"mode": "multi", "sortt": "desc"}}
			return fmt.Sprintf("panels[%d].options.tooltip.sortt", i)
		}, `Grafana's VizTooltipOptions has no field "sortt"`},
		{"mistyped timeseries option", func(t *testing.T, doc map[string]any) string {
			i := panelOf(t, doc, "timeseries")
			panel(doc, i)["options"] = map[string]any{"legend": map[string]any{"showLegend": "yes"}}
			return fmt.Sprintf("panels[%d].options.legend.showLegend", i)
		}, "is a JSON string, want Go type bool"},
		{"unknown timeseries custom field config", func(t *testing.T, doc map[string]any) string {
			i := panelOf(t, doc, "timeseries")
			obj(panel(doc, i), "fieldConfig", "defaults", "custom")["lineWidthh"] = 2
			return fmt.Sprintf("panels[%d].fieldConfig.defaults.custom.lineWidthh", i)
		}, `Grafana's common.GraphFieldConfig has no field "lineWidthh"`},
		{"unknown field config default", func(t *testing.T, doc map[string]any) string {
			i := panelOf(t, doc, "stat")
			obj(panel(doc, i), "fieldConfig", "defaults")["unitt"] = "s"
			return fmt.Sprintf("panels[%d].fieldConfig.defaults.unitt", i)
		}, `Grafana's FieldConfig has no field "unitt"`},
		{"custom field config on a panel without one", func(t *testing.T, doc map[string]any) string {
			i := panelOf(t, doc, "stat")
			obj(panel(doc, i), "fieldConfig", "defaults", "custom")["lineWidth"] = 2
			return fmt.Sprintf("panels[%d].fieldConfig.defaults.custom", i)
		}, `panel type "stat" has no custom field config`},
		{"unknown heatmap option", func(t *testing.T, doc map[string]any) string {
			i := panelOf(t, doc, "heatmap")
			obj(panel(doc, i), "options")["calculatee"] = false
			return fmt.Sprintf("panels[%d].options.calculatee", i)
		}, `Grafana's heatmap.Options has no field "calculatee"`},
		{"mistyped heatmap option", func(t *testing.T, doc map[string]any) string {
			i := panelOf(t, doc, "heatmap")
			obj(panel(doc, i), "options")["calculation"] = false
			return fmt.Sprintf("panels[%d].options.calculation", i)
		}, "is a JSON bool, want an object"},
		{"unknown datasource reference field", func(t *testing.T, doc map[string]any) string {
			i := panelOf(t, doc, "stat")
			obj(panel(doc, i), "datasource")["name"] = "Prometheus"
			return fmt.Sprintf("panels[%d].datasource.name", i)
		}, `has no field "name"`},
		{"query of a datasource without a query type", func(t *testing.T, doc map[string]any) string {
			i := panelOf(t, doc, "stat")
			panel(doc, i)["targets"].([]any)[0].(map[string]any)["datasource"] = map[string]any{"type": "loki", "uid": "x"}
			return fmt.Sprintf("panels[%d].targets[0].datasource", i)
		}, `datasource type "loki" has no query type`},
		{"unknown variable field", func(t *testing.T, doc map[string]any) string {
			doc["templating"].(map[string]any)["list"].([]any)[1].(map[string]any)["regexx"] = ".*"
			return "templating.list[1].regexx"
		}, `Grafana's VariableModel has no field "regexx"`},
		{"threshold value as a string", func(t *testing.T, doc map[string]any) string {
			i := panelOf(t, doc, "stat")
			steps := obj(panel(doc, i), "fieldConfig", "defaults", "thresholds")["steps"].([]any)
			steps[0].(map[string]any)["value"] = "0"
			return fmt.Sprintf("panels[%d].fieldConfig.defaults.thresholds.steps[0].value", i)
		}, "is a JSON string, want Go type float64"},
		{"fractional panel id", func(t *testing.T, doc map[string]any) string {
			panel(doc, 0)["id"] = 1.5
			return "panels[0].id"
		}, "want Go type uint32"},
		{"panel wider than the grid", func(t *testing.T, doc map[string]any) string {
			obj(panel(doc, 0), "gridPos")["w"] = 30
			return "panels[0].gridPos.w"
		}, "must be <= 24"},
		{"missing schemaVersion", func(t *testing.T, doc map[string]any) string {
			delete(doc, "schemaVersion")
			return "schemaVersion"
		}, "required field is missing"},
		{"unknown field of a panel in a collapsed row", func(t *testing.T, doc map[string]any) string {
			// Fold the panel after the first row into it, as a collapsed
			// row holds its panels, then break that panel.
			r := panelOf(t, doc, "row")
			ps := doc["panels"].([]any)
			inner := ps[r+1].(map[string]any)
			row := ps[r].(map[string]any)
			row["collapsed"] = true
			row["panels"] = []any{inner}
			doc["panels"] = append(ps[:r+1:r+1], ps[r+2:]...)
			inner["titel"] = "x"
			return fmt.Sprintf("panels[%d].panels[0].titel", r)
		}, `Grafana's dashboard.Panel has no field "titel"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := base(t)
			path := tc.mutate(t, doc)
			data, err := json.Marshal(doc)
			if err != nil {
				t.Fatal(err)
			}
			_, problems := Decode(data)
			found := false
			for _, p := range problems {
				if p.Path == path && strings.Contains(p.Msg, tc.want) {
					found = true
				}
			}
			if !found {
				t.Errorf("problems %v, want one at %s containing %q", problems, path, tc.want)
			}
			if len(problems) != 1 {
				t.Errorf("%d problems, want exactly the one: %v", len(problems), problems)
			}
		})
	}
}

// TestCollapsedRowDecodes: a collapsed row holding panels, which mongen
// writes when a row is collapsed, decodes with no problem.
func TestCollapsedRowDecodes(t *testing.T) {
	doc := base(t)
	r := panelOf(t, doc, "row")
	ps := doc["panels"].([]any)
	row := ps[r].(map[string]any)
	row["collapsed"] = true
	row["panels"] = []any{ps[r+1]}
	doc["panels"] = append(ps[:r+1:r+1], ps[r+2:]...)
	data, _ := json.Marshal(doc)
	d, problems := Decode(data)
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	if rp := d.Panels[r].RowPanel; rp == nil || len(rp.Panels) != 1 || len(rp.Panels[0].Targets) == 0 {
		t.Errorf("the row's panel did not decode with its queries: %+v", d.Panels[r])
	}
}

// TestSDKStrictDecodeAloneMisses pins why Decode takes panels apart: the
// SDK's own Dashboard.UnmarshalJSONStrict accepts an unknown field config
// default, an unknown panel option and an unknown query field (without its
// process-wide plugin registry, options and queries are untyped maps; and
// fieldConfig is decoded leniently even with it). If this test fails, the
// SDK became strict there and Decode can lean on it.
func TestSDKStrictDecodeAloneMisses(t *testing.T) {
	doc := base(t)
	i := panelOf(t, doc, "timeseries")
	p := panel(doc, i)
	obj(p, "fieldConfig", "defaults")["unitt"] = "s"
	p["options"] = map[string]any{"legendPosition": "right"}
	p["targets"].([]any)[0].(map[string]any)["exprr"] = "up"
	data, _ := json.Marshal(doc)

	var d Dashboard
	if err := d.UnmarshalJSONStrict(data); err != nil && !strings.Contains(err.Error(), "annotations") {
		t.Errorf("the SDK alone now reports: %v", err)
	}
	_, problems := Decode(data)
	var paths []string
	for _, pr := range problems {
		paths = append(paths, pr.Path)
	}
	want := []string{
		fmt.Sprintf("panels[%d].fieldConfig.defaults.unitt", i),
		fmt.Sprintf("panels[%d].options.legendPosition", i),
		fmt.Sprintf("panels[%d].targets[0].exprr", i),
	}
	if !reflect.DeepEqual(paths, want) {
		t.Errorf("Decode reports %v, want %v", problems, want)
	}
}

// TestCompare: the round trip finds what a type drops or changes, at its
// path, and accepts what Grafana reads the same (null, [] and {} left out;
// fields only the type writes).
func TestCompare(t *testing.T) {
	type inner struct {
		C []int `json:"c"`
	}
	decoded := struct {
		A     int    `json:"a"`
		B     inner  `json:"b"`
		E     []int  `json:"e"`
		Extra string `json:"extra"`
	}{A: 2, B: inner{C: []int{1}}}
	d := &decoder{}
	d.compare([]byte(`{"a": 1, "b": {"c": [1, 2], "d": true}, "e": [], "f": null, "g": {}, "h": "s"}`), decoded)
	var got []string
	for _, p := range d.result() {
		got = append(got, p.String())
	}
	want := []string{
		"a: is 1, but decodes as 2",
		"b.c: has 2 elements, but decodes with 1",
		"b.d: dropped on decoding: no field of Grafana's types holds it",
		"h: dropped on decoding: no field of Grafana's types holds it",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestNotAnObject: input that is not a dashboard object at all.
func TestNotAnObject(t *testing.T) {
	for _, in := range []string{`[]`, `"x"`, `{"schemaVersion": 41, "panels": {}}`, `{"schemaVersion": 41, "panels": [{"title": "no type"}]}`} {
		d, problems := Decode([]byte(in))
		if len(problems) == 0 {
			t.Errorf("%s: no problem reported (decoded %+v)", in, d)
		}
	}
}

// TestCheckPositions: Check puts the file's CUE position and path in front
// of each problem, a valid dashboard has none, and only dashboards are
// checked.
func TestCheckPositions(t *testing.T) {
	doc := base(t)
	doc["colour"] = "red"
	bad, _ := json.Marshal(doc)
	good, _ := json.Marshal(base(t))
	f := artifact.File{Path: grafana.Path("golden"), Data: bad, Origin: "environments/dev/dev.cue:12:3"}
	want := `environments/dev/dev.cue:12:3: dashboards/golden.json: colour: unknown field: Grafana's dashboard.Dashboard has no field "colour" (grafana-foundation-sdk v0.0.22)`
	if got := Check(f); len(got) != 1 || got[0].Error() != want || got[0].Pos != (diag.Pos{File: "environments/dev/dev.cue", Line: 12, Col: 3}) {
		t.Errorf("Check = %q, want [%q]", got, want)
	}

	if got := Check(artifact.File{Path: grafana.Path("fine"), Data: good}); len(got) != 0 {
		t.Errorf("Check of a valid dashboard = %q", got)
	}
	// verify checks only the dashboards of a tree.
	for path, want := range map[string]bool{grafana.Path("fine"): true, "manifests/not-a-dashboard.yaml": false, "dashboards/notes.txt": false} {
		if got := IsDashboard(path); got != want {
			t.Errorf("IsDashboard(%q) = %v, want %v", path, got, want)
		}
	}
}

// TestEnumValuesAreNotChecked pins a limit of the SDK's types, which the
// JSON Schema of internal/render/grafana (@grafana/schema) does not have:
// enumerations are plain string types, so a value outside them decodes.
// If this test fails, the SDK checks enumerations now: say so in
// docs/dashboards.md.
func TestEnumValuesAreNotChecked(t *testing.T) {
	doc := base(t)
	i := panelOf(t, doc, "stat")
	obj(panel(doc, i), "fieldConfig", "defaults", "thresholds")["mode"] = "absolutely"
	data, _ := json.Marshal(doc)
	if _, problems := Decode(data); len(problems) != 0 {
		t.Errorf("an unknown thresholds mode is reported now: %v", problems)
	}
}
