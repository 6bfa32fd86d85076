package grafanatypes

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/mongen-dev/mongen/internal/golden"
)

// TestDecodeGolden holds Decode to the outputs recorded in
// testdata/decode.golden (UPDATE_GOLDEN=1 rewrites it): for every dashboard
// of testdata/corpus.txtar, for hand-written inputs that break it in ways
// mongen does not (malformed JSON, duplicate and escaped keys, unknown
// fields and types at every level), and for every dashboard of the corpus
// mutated at each of its JSON values, the problems (path and message, in
// order) and a hash of the decoded *Dashboard's Go value (types, nil and
// empty distinguished). The file was recorded with Decode as it was before
// it took JSON apart by its own scan, so it holds the new Decode to the old
// one's answers.
func TestDecodeGolden(t *testing.T) {
	ar, err := golden.ParseFile("testdata/corpus.txtar")
	if err != nil {
		t.Fatal(err)
	}
	if len(ar.Files) == 0 {
		t.Fatal("empty corpus")
	}
	var b strings.Builder
	record := func(header string, data []byte, indent string) {
		d, problems := Decode(data)
		fmt.Fprintf(&b, "%s %s\n", header, valueHash(d))
		for _, p := range problems {
			fmt.Fprintf(&b, "%s%s\n", indent, p)
		}
	}
	for _, c := range handWritten {
		record("== input "+c.name, []byte(c.data), "")
	}
	for _, f := range ar.Files {
		record("== corpus "+f.Name, f.Data, "")
	}
	mutations := 0
	for _, f := range ar.Files {
		if !mutated[f.Name] {
			continue
		}
		fmt.Fprintf(&b, "== mutations of %s\n", f.Name)
		for _, m := range mutate(t, f.Data) {
			record(m.name, m.data, "  ")
			mutations++
		}
	}
	for name := range mutated {
		if !slices.ContainsFunc(ar.Files, func(f golden.File) bool { return f.Name == name }) {
			t.Errorf("the corpus has no %s to mutate", name)
		}
	}
	t.Logf("%d hand-written inputs, %d dashboards, %d mutations", len(handWritten), len(ar.Files), mutations)
	golden.CompareFile(t, "testdata/decode.golden", b.String())
}

// valueHash is a short hash of a Go value's full dump.
func valueHash(v any) string {
	var b strings.Builder
	dump(&b, reflect.ValueOf(v))
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:6])
}

// dump writes a value with its dynamic types, telling nil pointers, slices
// and maps from empty ones.
func dump(b *strings.Builder, v reflect.Value) {
	switch v.Kind() {
	case reflect.Invalid:
		b.WriteString("<invalid>")
	case reflect.Pointer:
		if v.IsNil() {
			b.WriteString("nil")
			return
		}
		b.WriteString("&")
		dump(b, v.Elem())
	case reflect.Interface:
		if v.IsNil() {
			b.WriteString("nil-interface")
			return
		}
		b.WriteString(v.Elem().Type().String())
		b.WriteString("(")
		dump(b, v.Elem())
		b.WriteString(")")
	case reflect.Struct:
		b.WriteString(v.Type().String())
		b.WriteString("{")
		for i := range v.NumField() {
			fmt.Fprintf(b, "%s:", v.Type().Field(i).Name)
			dump(b, v.Field(i))
			b.WriteString(",")
		}
		b.WriteString("}")
	case reflect.Slice:
		if v.IsNil() {
			b.WriteString("nil-slice")
			return
		}
		fallthrough
	case reflect.Array:
		b.WriteString("[")
		for i := range v.Len() {
			dump(b, v.Index(i))
			b.WriteString(",")
		}
		b.WriteString("]")
	case reflect.Map:
		if v.IsNil() {
			b.WriteString("nil-map")
			return
		}
		type entry struct {
			k string
			v reflect.Value
		}
		var es []entry
		for it := v.MapRange(); it.Next(); {
			var kb strings.Builder
			dump(&kb, it.Key())
			es = append(es, entry{kb.String(), it.Value()})
		}
		sort.Slice(es, func(i, j int) bool { return es[i].k < es[j].k })
		b.WriteString("map{")
		for _, e := range es {
			b.WriteString(e.k)
			b.WriteString(":")
			dump(b, e.v)
			b.WriteString(",")
		}
		b.WriteString("}")
	case reflect.String:
		b.WriteString(strconv.Quote(v.String()))
	case reflect.Bool:
		b.WriteString(strconv.FormatBool(v.Bool()))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		b.WriteString(strconv.FormatInt(v.Int(), 10))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		b.WriteString(strconv.FormatUint(v.Uint(), 10))
	case reflect.Float32, reflect.Float64:
		b.WriteString(strconv.FormatFloat(v.Float(), 'g', -1, 64))
	default:
		fmt.Fprintf(b, "<%s>", v.Kind())
	}
}

// mutated are the dashboards of the corpus that are mutated, between them
// every panel type mongen writes but text.
var mutated = map[string]bool{
	"generated/dashboards/openclaw-golden-signals.json": true, // heatmap, row, stat, timeseries
	"library/dashboards/kubernetes-workloads.json":      true, // bargauge, table
	"library/dashboards/node-exporter.json":             true, // gauge
	"library/dashboards/blackbox-probes.json":           true, // another table
}

// handWritten are inputs mongen does not write, for the paths of Decode
// its dashboards do not take.
var handWritten = []struct{ name, data string }{
	{"invalid", `{"schemaVersion": 41,`},
	{"trailing data", `{"schemaVersion": 41} x`},
	{"null", `null`},
	{"array", `[]`},
	{"string", `"x"`},
	{"number", `1e400`},
	{"empty object", `{}`},
	{"empty", ``},
	{"minimal", `{"schemaVersion": 41, "title": "t"}`},
	{"panels object", `{"schemaVersion": 41, "panels": {}}`},
	{"panels null", `{"schemaVersion": 41, "panels": null}`},
	{"panels string", `{"schemaVersion": 41, "panels": "x"}`},
	{"panels empty", `{"schemaVersion": 41, "panels": []}`},
	{"panel not an object", `{"schemaVersion": 41, "panels": [1, null, "x", [], true]}`},
	{"panel without a type", `{"schemaVersion": 41, "panels": [{"title": "no type"}, {"type": null}, {"type": 5}, {"type": ""}, {"type": {}}]}`},
	{"duplicate keys", `{"schemaVersion": 40, "title": 5, "schemaVersion": 41, "title": "a", "panels": [{"type": "text", "type": "stat", "gridPos": {"h": "x"}, "gridPos": {"h": 4, "w": 6, "x": 0, "y": 0}, "options": {"graphMode": 5}, "options": {"graphMode": "area"}}], "panels": [{"type": "stat", "title": "second"}]}`},
	{"duplicate keys inside parts", `{"schemaVersion": 41, "panels": [{"type": "timeseries", "targets": [{"expr": "a", "expr": "b", "refId": "A", "datasource": {"type": "loki"}, "datasource": {"type": "prometheus"}}], "fieldConfig": {"defaults": {"unit": "s", "custom": {"lineWidth": "x"}, "custom": {"lineWidth": 2}, "unit": "ms"}, "overrides": []}, "options": {"legend": {"showLegend": true, "showLegend": "no"}}}]}`},
	{"escaped keys", `{"sch\u0065maVersion": 41, "pan\u0065ls": [{"typ\u0065": "stat", "t\u0069tle": "x", "fieldC\u006fnfig": {"d\u0065faults": {"cust\u006fm": {}}}, "\u006fptions": {"graphM\u006fde": "none"}, "targ\u0065ts": [{"\u0065xpr": "up", "datas\u006furce": {"typ\u0065": "prometheus"}}]}], "\u00fcnknown": 1, "a\"b": 2, "a.b": 3, "": 4}`},
	{"html characters", `{"schemaVersion": 41, "title": "a<b>&c", "a<b>": "x&y", "panels": [{"type": "stat", "title": "<b>", "x&y": 1, "targets": [{"expr": "up > 0 && x < 1", "refId": "A", "<k>": true}], "options": {"text": {"titleSize": 1}, "<o>": "&"}, "fieldConfig": {"defaults": {"unit": "<s>", "&": 1}, "overrides": []}}]}`},
	{"line separators", "{\"schemaVersion\": 41, \"title\": \"a\u2028b\\u2029c\", \"k\u2028\": 1, \"panels\": [{\"type\": \"stat\", \"title\": \"x\u2029\", \"targets\": [{\"expr\": \"\u2028\", \"refId\": \"A\"}], \"fieldConfig\": {\"defaults\": {\"unit\": \"\u2028\"}, \"overrides\": []}}]}"},
	{"invalid utf-8", "{\"schemaVersion\": 41, \"title\": \"a\xffb\", \"k\xfe\": 1, \"panels\": [{\"type\": \"stat\", \"title\": \"\xc3\", \"t\xffitle\": 1, \"targets\": [{\"expr\": \"\xff\", \"refId\": \"A\"}], \"options\": {\"graphMode\": \"\xff\"}}]}"},
	{"surrogates", `{"schemaVersion": 41, "title": "\ud83d\ude00 \ud83d x \ude00", "\ud800": 1, "panels": [{"type": "stat", "title": "\uDBFF\uDFFF", "targets": [{"expr": "\ud800", "refId": "A"}]}]}`},
	{"control escapes", `{"schemaVersion": 41, "title": "a\tb\n\u0000\/\b\f\r\\", "panels": [{"type": "text", "options": {"mode": "markdown", "content": "line\nline\u0001"}}]}`},
	{"big numbers", `{"schemaVersion": 1e400, "panels": [{"type": "stat", "id": 1e400, "gridPos": {"h": 1e400, "w": 1, "x": 0, "y": 0}, "targets": [{"expr": "up", "refId": "A", "intervalFactor": 1e400}], "options": {"x": 1e400, "text": {"titleSize": 1e400}}, "fieldConfig": {"defaults": {"min": 1e400, "custom": {"a": 1e400}}, "overrides": []}}]}`},
	{"big number in a dropped field", `{"schemaVersion": 41, "unknownNumber": 1e400}`},
	{"number forms", `{"schemaVersion": 41.0, "graphTooltip": -0, "version": 1E2, "id": 12345678901234567890, "panels": [{"type": "stat", "id": 1.0, "gridPos": {"h": 4.0, "w": 2e1, "x": -0, "y": 0.5}, "fieldConfig": {"defaults": {"min": -1.5e-3, "max": 1e308, "decimals": 2.0}, "overrides": []}}]}`},
	{"whitespace", "{\r\n\t\"schemaVersion\"\t:\r\n41 ,\"panels\" : [ {\n\"type\" : \"timeseries\" , \"options\" : {\t\"legend\" : { \"showLegend\" : true , \"displayMode\" : \"list\" , \"placement\" : \"bottom\" , \"calcs\" : [ ] } } ,\r\n \"targets\" : [ { \"expr\" : \"up\" , \"refId\" : \"A\" } ] , \"fieldConfig\" : { \"defaults\" : { \"custom\" : { \"lineWidth\" : 1 } , \"unit\" : \"s\" } , \"overrides\" : [ ] } } ] }\n\n"},
	{"collapsed row", `{"schemaVersion": 41, "panels": [{"type": "row", "title": "r", "collapsed": true, "id": 1, "gridPos": {"h": 1, "w": 24, "x": 0, "y": 0}, "panels": [{"type": "stat", "title": "in", "targets": [{"expr": "up", "refId": "A", "datasource": {"type": "prometheus", "uid": "p"}}], "fieldConfig": {"defaults": {"unit": "s"}, "overrides": []}, "options": {"graphMode": "none"}}, {"type": "row"}, {"title": "no type"}, 5, null, {"type": 5}, {"type": "timeseries", "gridPos": {"h": 1, "w": 30, "x": 0, "y": 0}, "titel": "x"}]}]}`},
	{"row variants", `{"schemaVersion": 41, "panels": [{"type": "row", "panels": null}, {"type": "row", "panels": {}}, {"type": "row", "panels": "x"}, {"type": "row", "panels": []}, {"type": "row", "titel": "x", "collapsed": "yes"}, {"type": "row", "panels": [{"type": "stat", "options": {"unknown": 1}}]}]}`},
	{"text panel", `{"schemaVersion": 41, "panels": [{"type": "text", "options": {"mode": "markdown", "content": "# hi", "contnt": "x"}, "fieldConfig": {"defaults": {"custom": {"a": 1}}, "overrides": []}}, {"type": "text", "options": {"mode": 5}}]}`},
	{"unknown panel type", `{"schemaVersion": 41, "panels": [{"type": "piechart", "options": {"pieType": "pie"}, "fieldConfig": {"defaults": {"custom": {"hideFrom": {}}, "unit": "s"}, "overrides": []}, "targets": [{"expr": "up", "refId": "A"}], "datasource": {"type": "prometheus", "uid": "x"}}]}`},
	{"field config variants", `{"schemaVersion": 41, "panels": [{"type": "timeseries", "fieldConfig": null}, {"type": "timeseries", "fieldConfig": "x"}, {"type": "timeseries", "fieldConfig": {"defaults": null}}, {"type": "timeseries", "fieldConfig": {"defaults": "x"}}, {"type": "timeseries", "fieldConfig": {"defaults": {"custom": null}}}, {"type": "timeseries", "fieldConfig": {"defaults": {"custom": "x"}}}, {"type": "timeseries", "fieldConfig": {"defaults": {"custom": {}}}}, {"type": "timeseries", "fieldConfig": {"defaults": {"custom": []}, "overrides": [{"matcher": {"id": "byName", "options": "x"}, "properties": [{"id": "unit", "value": "s"}, {"id": "color", "value": {"mode": "fixed"}}]}]}}, {"type": "timeseries", "fieldConfig": {}}, {"type": "timeseries", "fieldConfig": {"overrides": "x", "unknown": 1}}, {"type": "stat", "fieldConfig": {"defaults": {"custom": {"x": 1}}}}, {"type": "table", "fieldConfig": {"defaults": {"custom": {"align": "auto", "cellOptions": {"type": "auto"}, "inspect": false, "filterable": "x", "widthh": 5}}}}, {"type": "heatmap", "fieldConfig": {"defaults": {"custom": {"hideFrom": {"legend": false, "tooltip": false, "viz": false, "extra": 1}, "scaleDistribution": {"type": "linear"}}}}}]}`},
	{"options variants", `{"schemaVersion": 41, "panels": [{"type": "stat", "options": null}, {"type": "stat", "options": "x"}, {"type": "stat", "options": []}, {"type": "stat", "options": {}}, {"type": "gauge", "options": {"showThresholdLabels": "x", "reduceOptions": {"calcs": ["lastNotNull"], "values": false, "fields": ""}}}, {"type": "bargauge", "options": {"displayMode": "gradient", "orientation": "horizontal", "bogus": null}}, {"type": "table", "options": {"showHeader": true, "cellHeight": "sm", "footer": {"show": false}}}, {"type": "heatmap", "options": {"calculate": false, "yAxis": {"axisPlacement": "left", "unit": 5}}}, {"type": "timeseries", "options": {"legend": {}}}, {"type": "timeseries", "options": {"legend": {"showLegend": true}, "tooltip": {}}}]}`},
	{"targets variants", `{"schemaVersion": 41, "panels": [{"type": "stat", "targets": null}, {"type": "stat", "targets": {}}, {"type": "stat", "targets": "x"}, {"type": "stat", "targets": [1, null, "x", []]}, {"type": "stat", "targets": [{"expr": "up"}, {"refId": "B"}, {"expr": 5, "refId": "C"}]}, {"type": "stat", "datasource": {"type": "prometheus", "uid": "p"}, "targets": [{"expr": "up", "refId": "A"}, {"expr": "up", "refId": "B", "datasource": {"type": "loki"}}, {"expr": "up", "refId": "C", "datasource": "x"}, {"expr": "up", "refId": "D", "datasource": {"type": 5}}, {"expr": "up", "refId": "E", "datasource": {"Type": "prometheus"}}, {"expr": "up", "refId": "F", "datasource": {"TYPE": "loki", "type": "prometheus"}}, {"expr": "up", "refId": "G", "datasource": null}, {"expr": "up", "refId": "H", "datasource": {"type": "prometheus", "uid": 5}}]}, {"type": "stat", "datasource": {"type": "loki"}, "targets": [{"expr": "up", "refId": "A", "extra": {"nested": [1, {"a": null}]}}]}, {"type": "stat", "datasource": "x", "targets": [{"expr": "up", "refId": "A"}]}]}`},
	{"dashboard fields", `{"schemaVersion": 41, "annotations": {"list": [{"builtIn": 1, "datasource": {"type": "grafana", "uid": "-- Grafana --"}, "enable": true, "hide": true, "iconColor": "rgba(0, 211, 255, 1)", "name": "Annotations & Alerts", "type": "dashboard", "extra": 1}]}, "templating": {"list": [{"type": "query", "name": "x", "query": {"query": "label_values(up, job)", "refId": "x"}, "current": {"text": ["a"], "value": ["a"]}, "options": [], "regexx": "."}, {"type": "custom", "name": "y", "query": "a,b", "multi": "yes"}]}, "time": {"from": "now-6h", "to": 5}, "timepicker": {"refresh_intervals": ["5s"], "bogus": true}, "links": [{"title": "l", "type": "link", "url": "https://x", "tags": [], "asDropdown": false, "icon": "external link", "includeVars": false, "keepTime": true, "targetBlank": false, "tooltip": "", "extra": [1, 2]}], "tags": ["a", 1], "refresh": false, "graphTooltip": 9, "liveNow": "x"}`},
	{"annotations wrong type", `{"schemaVersion": 41, "annotations": [], "templating": "x", "time": null, "panels": [{"type": "stat", "gridPos": {"h": 0, "w": 0, "x": -1, "y": 0}, "transparent": "x", "links": {}, "repeat": 5, "interval": null, "maxDataPoints": -1}]}`},
	{"nested unknown values", `{"schemaVersion": 41, "extra": {"a": [1, {"b": null}, []], "c": {}}, "empty1": null, "empty2": [], "empty3": {}, "panels": [{"type": "stat", "extra": {"x": [[]]}, "e": {}, "f": [], "g": null, "options": {"reduceOptions": {"calcs": [], "extra": {}}, "text": {}, "n": null}}]}`},
	{"schema required missing", `{"title": "no schema version", "panels": [{"type": "stat", "options": {"reduceOptions": {}}}, {"type": "timeseries", "fieldConfig": {"defaults": {"custom": {"hideFrom": {}}}}}]}`},
	{"validate ranges", `{"schemaVersion": 41, "panels": [{"type": "stat", "gridPos": {"h": 4, "w": 25, "x": 30, "y": 0}}, {"type": "row", "collapsed": true, "gridPos": {"h": 1, "w": 99, "x": 0, "y": 0}, "panels": [{"type": "stat", "gridPos": {"h": 4, "w": 25, "x": 0, "y": 0}}]}]}`},
}

// omember and oobject are a JSON object with its members in input order,
// so that mutations keep the order the corpus has.
type omember struct {
	k string
	v any
}
type oobject []omember

func oparse(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch tok {
	case json.Delim('{'):
		o := oobject{}
		for dec.More() {
			k, err := dec.Token()
			if err != nil {
				return nil, err
			}
			v, err := oparse(dec)
			if err != nil {
				return nil, err
			}
			o = append(o, omember{k.(string), v})
		}
		_, err := dec.Token()
		return o, err
	case json.Delim('['):
		a := []any{}
		for dec.More() {
			v, err := oparse(dec)
			if err != nil {
				return nil, err
			}
			a = append(a, v)
		}
		_, err := dec.Token()
		return a, err
	}
	return tok, nil
}

func owrite(b *bytes.Buffer, v any, indent string) {
	switch v := v.(type) {
	case oobject:
		if len(v) == 0 {
			b.WriteString("{}")
			return
		}
		b.WriteString("{")
		for i, m := range v {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString("\n" + indent + "  ")
			k, _ := json.Marshal(m.k)
			b.Write(k)
			b.WriteString(": ")
			owrite(b, m.v, indent+"  ")
		}
		b.WriteString("\n" + indent + "}")
	case []any:
		if len(v) == 0 {
			b.WriteString("[]")
			return
		}
		b.WriteString("[")
		for i, e := range v {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString("\n" + indent + "  ")
			owrite(b, e, indent+"  ")
		}
		b.WriteString("\n" + indent + "]")
	case json.Number:
		b.WriteString(string(v))
	default:
		data, err := json.Marshal(v)
		if err != nil {
			panic(err)
		}
		b.Write(data)
	}
}

func ocopy(v any) any {
	switch v := v.(type) {
	case oobject:
		o := make(oobject, len(v))
		for i, m := range v {
			o[i] = omember{m.k, ocopy(m.v)}
		}
		return o
	case []any:
		a := make([]any, len(v))
		for i, e := range v {
			a[i] = ocopy(e)
		}
		return a
	}
	return v
}

type mutation struct {
	name string
	data []byte
}

// mutate returns the dashboard changed at each JSON value: a value of
// another JSON type in its place, null, an unknown field added to each
// object, each object member removed, an array emptied or grown.
func mutate(t *testing.T, data []byte) []mutation {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	root, err := oparse(dec)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		t.Fatalf("data after the dashboard: %v", err)
	}
	var out []mutation
	// at runs change on a copy of the document at the value path names
	// (member or element indexes from the root).
	at := func(name string, steps []int, change func(v any, parent any, i int) any) {
		doc := ocopy(root)
		var parent any
		cur, idx := doc, -1
		for _, s := range steps {
			parent, idx = cur, s
			switch c := cur.(type) {
			case oobject:
				cur = c[s].v
			case []any:
				cur = c[s]
			}
		}
		nv := change(cur, parent, idx)
		switch p := parent.(type) {
		case nil:
			doc = nv
		case oobject:
			p[idx].v = nv
		case []any:
			p[idx] = nv
		}
		var b bytes.Buffer
		owrite(&b, doc, "")
		out = append(out, mutation{name, b.Bytes()})
	}
	replace := func(name string, steps []int, with any) {
		at(name, steps, func(any, any, int) any { return with })
	}
	var walk func(v any, path string, steps []int)
	walk = func(v any, path string, steps []int) {
		steps = steps[:len(steps):len(steps)]
		p := display(path)
		switch v := v.(type) {
		case oobject:
			replace(p+" =null", steps, nil)
			replace(p+" =string", steps, "x")
			replace(p+" =array", steps, []any{})
			at(p+" +unknown", steps, func(v any, _ any, _ int) any {
				return append(v.(oobject), omember{"zzUnknown", oobject{{"a", json.Number("1")}}})
			})
			for i, m := range v {
				kp := join(path, key(m.k))
				at(kp+" -removed", steps, func(v any, _ any, _ int) any {
					o := v.(oobject)
					return append(o[:i:i], o[i+1:]...)
				})
				walk(m.v, kp, append(steps, i))
			}
		case []any:
			replace(p+" =null", steps, nil)
			replace(p+" =object", steps, oobject{})
			if len(v) > 0 {
				replace(p+" =empty", steps, []any{})
				at(p+" +copy", steps, func(v any, _ any, _ int) any {
					a := v.([]any)
					return append(a[:len(a):len(a)], ocopy(a[len(a)-1]))
				})
			}
			// One element of each shape is enough: the corpus repeats
			// panels, queries and thresholds that differ only in values.
			shapes := map[string]bool{}
			for i, e := range v {
				if s := shape(e); !shapes[s] {
					shapes[s] = true
					walk(e, fmt.Sprintf("%s[%d]", path, i), append(steps, i))
				}
			}
		case string:
			replace(p+" =null", steps, nil)
			replace(p+" =number", steps, json.Number("7"))
			replace(p+" =other", steps, v+"-changed")
		case json.Number:
			replace(p+" =null", steps, nil)
			replace(p+" =string", steps, string(v))
			replace(p+" =fraction", steps, json.Number("1.5"))
			replace(p+" =negative", steps, json.Number("-1"))
		case bool:
			replace(p+" =null", steps, nil)
			replace(p+" =string", steps, strconv.FormatBool(v))
			replace(p+" =negated", steps, !v)
		case nil:
			replace(p+" =object", steps, oobject{})
		}
	}
	walk(root, "", nil)
	return out
}

// shape is a value's JSON kind; for an object, its "type" and the names of
// its members, recursively.
func shape(v any) string {
	switch v := v.(type) {
	case oobject:
		var b strings.Builder
		b.WriteString("{")
		for _, m := range v {
			b.WriteString(m.k + ":")
			if s, ok := m.v.(string); ok && m.k == "type" {
				b.WriteString(strconv.Quote(s))
			} else {
				b.WriteString(shape(m.v))
			}
			b.WriteString(",")
		}
		b.WriteString("}")
		return b.String()
	case []any:
		var b strings.Builder
		b.WriteString("[")
		for _, e := range v {
			b.WriteString(shape(e) + ",")
		}
		b.WriteString("]")
		return b.String()
	case json.Number:
		return "number"
	case string:
		return "string"
	case bool:
		return "bool"
	}
	return "null"
}
