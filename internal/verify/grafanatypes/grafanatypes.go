// Package grafanatypes decodes every generated dashboard strictly into
// Grafana's own Go types: the classic dashboard model (schemaVersion 41) of
// github.com/grafana/grafana-foundation-sdk/go, package dashboard, with
// each panel's options and custom field config in the type of its panel
// plugin (packages timeseries, stat, gauge, ...) and each query in the
// Prometheus datasource's query type (package prometheus).
//
// The SDK's own strict decoding (UnmarshalJSONStrict) is used at every
// level, but it is not strict everywhere on its own: Panel decodes
// fieldConfig leniently, picks a query type only through a process-wide
// plugin registry (and reads the panel's datasource after its targets),
// and a panel that fails is dropped whole. So this package takes each panel
// apart itself, decodes every part with the matching SDK type, and then
// marshals the decoded dashboard again and compares it with the input as
// JSON trees: any field that did not survive decoding is reported with its
// JSON path, whatever type it sat in.
package grafanatypes

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/mongen-dev/mongen/internal/diag"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/grafana/grafana-foundation-sdk/go/bargauge"
	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/cog/variants"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/gauge"
	"github.com/grafana/grafana-foundation-sdk/go/heatmap"
	"github.com/grafana/grafana-foundation-sdk/go/prometheus"
	"github.com/grafana/grafana-foundation-sdk/go/stat"
	"github.com/grafana/grafana-foundation-sdk/go/table"
	"github.com/grafana/grafana-foundation-sdk/go/text"
	"github.com/grafana/grafana-foundation-sdk/go/timeseries"

	"github.com/mongen-dev/mongen/internal/artifact"
	"github.com/mongen-dev/mongen/internal/jsonscan"
	"github.com/mongen-dev/mongen/internal/render/grafana"
)

// Dashboard is the SDK's classic dashboard model, the one mongen's
// schemaVersion 41 JSON is. The SDK marks it deprecated in favour of
// dashboardv2.Dashboard, the v2 API's resource, a different JSON shape
// (elements and layouts instead of panels and schemaVersion) that mongen
// does not write.
//
//lint:ignore SA1019 the v1 model is the one mongen's dashboards are in
type Dashboard = dashboard.Dashboard

// SDKVersion is the grafana-foundation-sdk release the types come from.
const SDKVersion = "v0.0.22"

// Problem is one field of a dashboard that Grafana's types do not accept.
type Problem struct {
	// Path is the field's JSON path in the dashboard, e.g.
	// "panels[2].targets[0].expr"; "(root)" for the document itself.
	Path string
	Msg  string
	// kept marks a finding of the round trip (a field that did not survive
	// decoding) rather than an error of the strict decoding itself.
	kept bool
}

func (p Problem) String() string { return p.Path + ": " + p.Msg }

// strictDecoder is an SDK type with its strict decoding.
type strictDecoder interface {
	UnmarshalJSONStrict(raw []byte) error
}

// sdkType makes a zero value to decode into and the SDK's constructor
// value, which holds the defaults of Grafana's schema for the type.
type sdkType struct {
	zero     func() strictDecoder
	defaults func() any
}

func typeOf[T any, P interface {
	*T
	strictDecoder
}](constructor func() *T) *sdkType {
	return &sdkType{
		zero:     func() strictDecoder { return P(new(T)) },
		defaults: func() any { return constructor() },
	}
}

// panelKind is what the SDK knows about one panel plugin: its options type
// and the type of its fieldConfig.defaults.custom (nil when the plugin has
// none).
type panelKind struct {
	options, custom *sdkType
}

// panelKinds covers every panel type mongen writes (model.Panel*, except
// row, which is the dashboard package's RowPanel), with the types each
// plugin package's VariantConfig names. It is read-only: the SDK's own
// registry (cog.NewRuntime) is process-wide and mutable, so it is not used.
var panelKinds = map[string]panelKind{
	"timeseries": {options: typeOf(timeseries.NewOptions), custom: typeOf(timeseries.NewFieldConfig)},
	"stat":       {options: typeOf(stat.NewOptions)},
	"gauge":      {options: typeOf(gauge.NewOptions)},
	"bargauge":   {options: typeOf(bargauge.NewOptions)},
	"table":      {options: typeOf(table.NewOptions), custom: typeOf(table.NewFieldConfig)},
	"heatmap":    {options: typeOf(heatmap.NewOptions), custom: typeOf(heatmap.NewFieldConfig)},
	"text":       {options: typeOf(text.NewOptions)},
}

// query is a datasource's query type in the SDK.
type query interface {
	variants.Dataquery
	strictDecoder
}

// queryKinds are the datasource types whose queries mongen writes.
var queryKinds = map[string]func() query{
	"prometheus": func() query { return &prometheus.Dataquery{} },
}

// Decode decodes a dashboard's JSON strictly into dashboard.Dashboard and
// returns it with every problem, sorted by path. The dashboard is nil only
// when data is not a JSON object.
func Decode(data []byte) (*Dashboard, []Problem) {
	d := &decoder{}
	// Checked once here, so that the scans of scan.go take every part
	// apart without checking it again.
	if !jsonscan.Valid(data) {
		d.report(display(""), "is %s, want an object", kindOf(data))
		return nil, d.problems
	}
	top, ok := d.object(data, "")
	if !ok {
		return nil, d.problems
	}
	panels, hasPanels := top.get("panels"), top.has("panels")
	out := &Dashboard{}
	// The SDK requires annotations; Grafana does not (@grafana/schema has
	// it optional, and the dashboard model adds its built-in "Annotations
	// & Alerts" when the list is absent), so leaving it out is accepted.
	// Every other required field, schemaVersion first, must be there.
	d.strictDefaults("", top.without("panels").encode(), out, func() any { return map[string]any{"annotations": map[string]any{}} })
	if hasPanels && string(panels) != "null" {
		for i, raw := range d.array(panels, "panels") {
			if p, ok := d.panelOrRow(raw, fmt.Sprintf("panels[%d]", i)); ok {
				out.Panels = append(out.Panels, p)
			}
		}
	}
	d.validate(out)
	d.compare(data, out)
	return out, d.result()
}

type decoder struct {
	problems []Problem
}

func (d *decoder) report(path, format string, args ...any) {
	d.problems = append(d.problems, Problem{Path: path, Msg: fmt.Sprintf(format, args...)})
}

// unexpected is how the SDK reports an unknown field: at a path ending in
// the Go type's name.
var unexpected = regexp.MustCompile(`^unexpected field '(.*)'$`)

// add turns an error of the SDK's strict decoding or validation (cog's
// BuildErrors, paths relative to prefix) into problems at JSON paths. typ
// names the decoded type, for an unknown field at its top level.
func (d *decoder) add(prefix string, err error, typ string) {
	if err == nil {
		return
	}
	var errs cog.BuildErrors
	if !errors.As(err, &errs) {
		d.report(display(prefix), "%s", tidy(err.Error()))
		return
	}
	for _, e := range errs {
		if m := unexpected.FindStringSubmatch(e.Message); m != nil {
			// The SDK's path ends in the Go type's name.
			parent, name := "", e.Path
			if i := strings.LastIndex(e.Path, "."); i >= 0 {
				parent, name = e.Path[:i], e.Path[i+1:]
			}
			if parent == "" && typ != "" {
				name = typ
			}
			d.report(join(join(prefix, parent), key(m[1])), "unknown field: Grafana's %s has no field %q", name, m[1])
			continue
		}
		d.report(display(join(prefix, e.Path)), "%s", tidy(e.Message))
	}
}

// validate runs the SDK's Validate (ranges such as gridPos.w <= 24) on the
// decoded dashboard. Its paths name the union types a value sits in
// ("panels[0].Panel.gridPos"), which are not in the JSON: they are left
// out. A field decoding already reported is not reported again (it holds
// its zero value now).
func (d *decoder) validate(out *Dashboard) {
	var errs cog.BuildErrors
	if err := out.Validate(); err == nil || !errors.As(err, &errs) {
		d.add("", err, "")
		return
	}
	reported := map[string]bool{}
	for _, p := range d.problems {
		reported[p.Path] = true
	}
	for _, e := range errs {
		var segs []string
		for _, seg := range strings.Split(e.Path, ".") {
			if seg != "" && seg[0] >= 'A' && seg[0] <= 'Z' {
				continue
			}
			segs = append(segs, seg)
		}
		path := display(strings.Join(segs, "."))
		if !reported[path] {
			d.report(path, "%s", tidy(e.Message))
		}
	}
}

// strict decodes raw into v with the SDK's UnmarshalJSONStrict.
func (d *decoder) strict(path string, raw []byte, v strictDecoder) {
	d.add(path, v.UnmarshalJSONStrict(raw), typeName(v))
}

// missing is how the SDK reports a required field that is absent.
const missing = "required field is missing from input"

// strictDefaults decodes like strict, but a required field may be left out
// when defaults (a value marshalled to a JSON tree) has a value for it.
// defaults is called only then. For a panel plugin's options and custom
// field config, defaults is the SDK constructor's value: Grafana merges
// the plugin's defaults into the panel's options when it loads the
// dashboard, so only unknown or mistyped fields are problems there.
func (d *decoder) strictDefaults(path string, raw []byte, v strictDecoder, defaults func() any) {
	err := v.UnmarshalJSONStrict(raw)
	var errs cog.BuildErrors
	if err == nil || !errors.As(err, &errs) {
		d.add(path, err, typeName(v))
		return
	}
	var tree any
	_ = json.Unmarshal(mustMarshal(defaults()), &tree)
	var keep cog.BuildErrors
	for _, e := range errs {
		if e.Message == missing && lookup(tree, e.Path) != nil {
			continue
		}
		keep = append(keep, e)
	}
	if len(keep) > 0 {
		d.add(path, keep, typeName(v))
	}
}

// typeName is the Go type of a decoded value, e.g. "timeseries.Options".
func typeName(v any) string {
	t := reflect.TypeOf(v)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.String()
}

// lookup finds a relative path ("legend.calcs", "steps[0]") in a JSON tree.
func lookup(tree any, path string) any {
	for _, seg := range splitPath(path) {
		switch t := tree.(type) {
		case map[string]any:
			tree = t[seg]
		case []any:
			i, err := strconv.Atoi(seg)
			if err != nil || i < 0 || i >= len(t) {
				return nil
			}
			tree = t[i]
		default:
			return nil
		}
	}
	return tree
}

// object takes apart an object of the JSON Decode has checked.
func (d *decoder) object(raw []byte, path string) (object, bool) {
	m, ok := members(raw)
	if !ok {
		d.report(display(path), "is %s, want an object", kindOf(raw))
	}
	return m, ok
}

// isObject reports a value of the JSON Decode has checked that is not an
// object, as object does, without taking it apart.
func (d *decoder) isObject(raw []byte, path string) bool {
	if !isObject(raw) {
		d.report(display(path), "is %s, want an object", kindOf(raw))
		return false
	}
	return true
}

// array takes apart an array of the JSON Decode has checked; null has no
// elements.
func (d *decoder) array(raw []byte, path string) [][]byte {
	a, ok := elements(raw)
	if !ok {
		d.report(display(path), "is %s, want an array", kindOf(raw))
	}
	return a
}

func (d *decoder) panelOrRow(raw []byte, path string) (dashboard.PanelOrRowPanel, bool) {
	m, ok := d.object(raw, path)
	if !ok {
		return dashboard.PanelOrRowPanel{}, false
	}
	typ, ok := stringValue(m.get("type"))
	if !ok || typ == "" {
		d.report(join(path, "type"), "the panel type is missing or not a string")
		return dashboard.PanelOrRowPanel{}, false
	}
	if typ != "row" {
		p := d.panel(m, path, typ)
		return dashboard.PanelOrRowPanel{Panel: &p}, true
	}
	inner, hasInner := m.get("panels"), m.has("panels")
	if hasInner {
		m = m.with("panels", []byte("[]")) // decoded one by one below
	}
	row := &dashboard.RowPanel{}
	d.strict(path, m.encode(), row)
	if hasInner && string(inner) != "null" {
		row.Panels = []dashboard.Panel{}
		for i, raw := range d.array(inner, join(path, "panels")) {
			ip := fmt.Sprintf("%s.panels[%d]", path, i)
			pm, ok := d.object(raw, ip)
			if !ok {
				continue
			}
			t, ok := stringValue(pm.get("type"))
			if !ok || t == "" || t == "row" {
				d.report(join(ip, "type"), "a row holds panels, not %s", kindOf(pm.get("type")))
				continue
			}
			row.Panels = append(row.Panels, d.panel(pm, ip, t))
		}
	}
	return dashboard.PanelOrRowPanel{RowPanel: row}, true
}

// panel decodes a panel other than a row: the panel itself with the
// dashboard package's Panel, then its queries, field config and options
// with the types of their datasource and panel plugin.
func (d *decoder) panel(m object, path, typ string) dashboard.Panel {
	targets, options, fieldConfig := m.get("targets"), m.get("options"), m.get("fieldConfig")
	p := dashboard.Panel{}
	d.strict(path, m.without("targets", "options", "fieldConfig").encode(), &p)
	kind, known := panelKinds[typ]
	if !known {
		d.report(join(path, "type"), "panel type %q has no Grafana type that mongen decodes (known: %s)", typ, strings.Join(knownPanels(), ", "))
	}

	panelDS := ""
	if p.Datasource != nil && p.Datasource.Type != nil {
		panelDS = *p.Datasource.Type
	}
	if targets != nil && string(targets) != "null" {
		p.Targets = []variants.Dataquery{}
		for j, raw := range d.array(targets, join(path, "targets")) {
			tp := fmt.Sprintf("%s.targets[%d]", path, j)
			if q, ok := d.query(raw, tp, panelDS); ok {
				p.Targets = append(p.Targets, q)
			}
		}
	}

	if fieldConfig != nil && string(fieldConfig) != "null" {
		p.FieldConfig = d.fieldConfig(fieldConfig, join(path, "fieldConfig"), typ, kind, known)
	}

	if options != nil && string(options) != "null" && known {
		op := join(path, "options")
		if d.isObject(options, op) {
			v := kind.options.zero()
			d.strictDefaults(op, options, v, kind.options.defaults)
			p.Options = v
		}
	}
	return p
}

// query decodes one query with the query type of its datasource (its own
// datasource.type, else the panel's).
func (d *decoder) query(raw []byte, path, panelDS string) (variants.Dataquery, bool) {
	m, ok := d.object(raw, path)
	if !ok {
		return nil, false
	}
	var ref struct {
		Type string `json:"type"`
	}
	if ds := m.get("datasource"); ds != nil {
		_ = json.Unmarshal(ds, &ref) // a malformed reference is reported by the strict decode
	}
	typ := ref.Type
	if typ == "" {
		typ = panelDS
	}
	newQuery, ok := queryKinds[typ]
	if !ok {
		d.report(join(path, "datasource"), "datasource type %q has no query type that mongen decodes (known: prometheus)", typ)
		var unknown variants.UnknownDataquery
		_ = json.Unmarshal(raw, &unknown) // an object: checked above
		return unknown, true
	}
	// What decodes is kept even when a field fails, so that the
	// comparison reports only the fields decoding did not.
	q := newQuery()
	d.strict(path, raw, q)
	return q, true
}

// fieldConfig decodes fieldConfig strictly, and its defaults.custom with the
// panel plugin's field config type.
func (d *decoder) fieldConfig(raw []byte, path, typ string, kind panelKind, known bool) *dashboard.FieldConfigSource {
	m, ok := d.object(raw, path)
	if !ok {
		return nil
	}
	var custom []byte
	if m.has("defaults") {
		if dm, ok := d.object(m.get("defaults"), join(path, "defaults")); ok {
			custom = dm.get("custom")
			m = m.with("defaults", dm.without("custom").encode())
		}
	}
	fc := &dashboard.FieldConfigSource{}
	d.strict(path, m.encode(), fc)
	if custom == nil || string(custom) == "null" || !known {
		return fc
	}
	cp := join(path, "defaults.custom")
	if kind.custom == nil {
		d.report(cp, "panel type %q has no custom field config in Grafana's types", typ)
		return fc
	}
	if !d.isObject(custom, cp) {
		return fc
	}
	v := kind.custom.zero()
	d.strictDefaults(cp, custom, v, kind.custom.defaults)
	fc.Defaults.Custom = v
	return fc
}

// result sorts and deduplicates the problems, and drops a finding of the
// round trip where decoding already reported that field, one that holds it
// or one inside it (a union that failed on one field loses the rest).
func (d *decoder) result() []Problem {
	var decoded []string
	for _, p := range d.problems {
		if !p.kept {
			decoded = append(decoded, p.Path)
		}
	}
	var out []Problem
	seen := map[Problem]bool{}
	for _, p := range d.problems {
		if seen[p] || (p.kept && related(p.Path, decoded)) {
			continue
		}
		seen[p] = true
		out = append(out, p)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].Path, out[j].Path
		if a != b {
			if pathLess(a, b) || pathLess(b, a) {
				return pathLess(a, b)
			}
			// Paths pathLess cannot tell apart ("0" and "00", "a.b" and
			// "a[b]") go by their text: the SDK reports unknown fields in
			// map order.
			return a < b
		}
		return out[i].Msg < out[j].Msg
	})
	return out
}

// related reports whether path is one of paths, inside one or holds one.
func related(path string, paths []string) bool {
	for _, p := range paths {
		if p == "(root)" || within(path, p) || within(p, path) {
			return true
		}
	}
	return false
}

// within reports whether path is outer or a field or element inside it.
func within(path, outer string) bool {
	if !strings.HasPrefix(path, outer) {
		return false
	}
	rest := path[len(outer):]
	return rest == "" || rest[0] == '.' || rest[0] == '['
}

// pathLess orders paths with array indexes numerically.
func pathLess(a, b string) bool {
	as, bs := splitPath(a), splitPath(b)
	for i := 0; i < len(as) && i < len(bs); i++ {
		if as[i] == bs[i] {
			continue
		}
		ai, aerr := strconv.Atoi(as[i])
		bi, berr := strconv.Atoi(bs[i])
		if aerr == nil && berr == nil {
			return ai < bi
		}
		return as[i] < bs[i]
	}
	return len(as) < len(bs)
}

func splitPath(p string) []string {
	return strings.FieldsFunc(p, func(r rune) bool { return r == '.' || r == '[' || r == ']' })
}

// Check decodes one dashboard file and returns its problems at the file's
// CUE position, each saying "dashboards/<uid>.json: <JSON path>: <message>
// (grafana-foundation-sdk <version>)".
func Check(f artifact.File) diag.List {
	_, problems := Decode(f.Data)
	out := make(diag.List, 0, len(problems))
	for _, p := range problems {
		out.Add(diag.Origin(f.Origin), "%s: %s (grafana-foundation-sdk %s)", f.Path, p, SDKVersion)
	}
	return out
}

// IsDashboard tells the dashboards (dashboards/*.json) of a rendered tree.
func IsDashboard(path string) bool {
	return strings.HasPrefix(path, grafana.Dir+"/") && strings.HasSuffix(path, ".json")
}

func knownPanels() []string {
	out := []string{"row"}
	for k := range panelKinds {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// join appends a relative path (which may start with an index) to prefix.
func join(prefix, rel string) string {
	switch {
	case prefix == "":
		return rel
	case rel == "":
		return prefix
	case strings.HasPrefix(rel, "["):
		return prefix + rel
	}
	return prefix + "." + rel
}

// key is a field name as a path segment.
func key(k string) string {
	if k == "" || strings.ContainsAny(k, ".[]\" ") {
		return strconv.Quote(k)
	}
	return k
}

func display(path string) string {
	if path == "" {
		return "(root)"
	}
	return path
}

// tidy shortens encoding/json's messages.
func tidy(msg string) string {
	msg = strings.TrimPrefix(msg, "json: ")
	if strings.HasPrefix(msg, "cannot unmarshal ") {
		// "cannot unmarshal string into Go value of type uint32"
		msg = strings.Replace(msg, "cannot unmarshal ", "is a JSON ", 1)
		if i := strings.Index(msg, " of type "); i >= 0 {
			before, typ := msg[:i], msg[i+len(" of type "):]
			if j := strings.Index(before, " into Go"); j >= 0 {
				before = before[:j]
			}
			if typ == "map[string]json.RawMessage" {
				msg = before + ", want an object"
			} else {
				msg = before + ", want Go type " + typ
			}
		}
	}
	return msg
}

func kindOf(raw []byte) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "missing"
	}
	switch raw[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

func mustMarshal(v any) []byte {
	data, err := json.Marshal(v)
	if err != nil {
		// Only the SDK constructors' values and Decode's own map of
		// defaults are marshalled here: they always encode.
		panic(fmt.Sprintf("grafanatypes: re-encode: %v", err))
	}
	return data
}
