package grafana_test

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
)

// Grafana's own dashboard model as a strict JSON Schema: the Dashboard type
// that Grafana publishes in @grafana/schema 13.2.3 (the npm package its
// frontend is typed with), converted by scripts/grafana-dashboard-schema.sh.
// Unknown fields are rejected (additionalProperties: false throughout) and
// non-optional fields are required. No Go module served here carries
// Grafana's dashboard types (grafana-foundation-sdk is refused; the
// openapi client treats dashboards as untyped JSON; grafana-tools/sdk stops
// at 2022 and ignores unknown fields), so the test reads the schema with
// the small validator below, which implements exactly the keywords the
// schema uses ($ref, type, properties, additionalProperties, required,
// items, enum, const, anyOf) and fails on any other.
const schemaFile = "testdata/grafana-dashboard.schema.json"

var (
	schemaOnce sync.Once
	schemaRoot map[string]any
	schemaErr  error
)

func validateSchema(t *testing.T, name string, data []byte) {
	t.Helper()
	schemaOnce.Do(func() {
		var raw []byte
		if raw, schemaErr = os.ReadFile(schemaFile); schemaErr == nil {
			schemaErr = json.Unmarshal(raw, &schemaRoot)
		}
	})
	if schemaErr != nil {
		t.Fatalf("read %s: %v", schemaFile, schemaErr)
	}
	var doc any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	v := &validator{root: schemaRoot}
	v.validate(schemaRoot, doc, "")
	for _, e := range v.errs {
		t.Errorf("%s: %s", name, e)
	}
}

type validator struct {
	root map[string]any
	errs []string
}

var known = map[string]bool{
	"$ref": true, "$schema": true, "$comment": true, "definitions": true, "type": true, "properties": true,
	"additionalProperties": true, "required": true, "items": true, "enum": true, "const": true, "anyOf": true,
}

func (v *validator) fail(path, format string, args ...any) {
	if path == "" {
		path = "(root)"
	}
	v.errs = append(v.errs, path+": "+fmt.Sprintf(format, args...))
}

func (v *validator) validate(schema map[string]any, doc any, path string) {
	for k := range schema {
		if !known[k] {
			v.fail(path, "schema keyword %q is not implemented by the test's validator", k)
		}
	}
	if ref, ok := schema["$ref"].(string); ok {
		name := strings.TrimPrefix(ref, "#/definitions/")
		def, ok := v.root["definitions"].(map[string]any)[name].(map[string]any)
		if !ok {
			v.fail(path, "unresolved $ref %s", ref)
			return
		}
		v.validate(def, doc, path)
	}
	if alts, ok := schema["anyOf"].([]any); ok {
		matched := false
		for _, alt := range alts {
			sub := &validator{root: v.root}
			sub.validate(alt.(map[string]any), doc, path)
			if len(sub.errs) == 0 {
				matched = true
				break
			}
		}
		if !matched {
			v.fail(path, "matches none of the %d alternatives", len(alts))
		}
	}
	if c, ok := schema["const"]; ok && c != doc {
		v.fail(path, "is %v, want %v", doc, c)
	}
	if enum, ok := schema["enum"].([]any); ok {
		found := false
		for _, e := range enum {
			if e == doc {
				found = true
			}
		}
		if !found {
			v.fail(path, "%v is not one of %v", doc, enum)
		}
	}
	if typ, ok := schema["type"]; ok && !typeMatches(typ, doc) {
		v.fail(path, "is %T, want %v", doc, typ)
		return
	}
	switch d := doc.(type) {
	case map[string]any:
		props, _ := schema["properties"].(map[string]any)
		if req, ok := schema["required"].([]any); ok {
			for _, r := range req {
				if _, ok := d[r.(string)]; !ok {
					v.fail(path, "required field %q is missing", r)
				}
			}
		}
		keys := make([]string, 0, len(d))
		for k := range d {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if ps, ok := props[k].(map[string]any); ok {
				v.validate(ps, d[k], path+"."+k)
				continue
			}
			switch ap := schema["additionalProperties"].(type) {
			case bool:
				if !ap {
					v.fail(path, "unknown field %q", k)
				}
			case map[string]any:
				v.validate(ap, d[k], path+"."+k)
			}
		}
	case []any:
		if items, ok := schema["items"].(map[string]any); ok {
			for i, e := range d {
				v.validate(items, e, fmt.Sprintf("%s[%d]", path, i))
			}
		}
	}
}

func typeMatches(typ any, doc any) bool {
	if list, ok := typ.([]any); ok {
		for _, t := range list {
			if typeMatches(t, doc) {
				return true
			}
		}
		return false
	}
	switch typ {
	case "object":
		_, ok := doc.(map[string]any)
		return ok
	case "array":
		_, ok := doc.([]any)
		return ok
	case "string":
		_, ok := doc.(string)
		return ok
	case "number":
		_, ok := doc.(float64)
		return ok
	case "boolean":
		_, ok := doc.(bool)
		return ok
	case "null":
		return doc == nil
	}
	return false
}

// TestSchemaRejects proves the validator and schema reject what they must:
// an unknown field, a wrong type and a missing required field.
func TestSchemaRejects(t *testing.T) {
	for _, tc := range []struct{ name, doc, want string }{
		{"unknown dashboard field", `{"schemaVersion": 41, "colour": "red"}`, `unknown field "colour"`},
		{"unknown panel field", `{"schemaVersion": 41, "panels": [{"type": "stat", "titel": "x"}]}`, `matches none`},
		{"wrong type", `{"schemaVersion": "41"}`, `want number`},
		{"missing required", `{"title": "x"}`, `required field "schemaVersion"`},
		{"threshold without value", `{"schemaVersion": 41, "panels": [{"type": "stat", "fieldConfig": {"defaults": {"thresholds": {"mode": "absolute", "steps": [{"color": "red"}]}}, "overrides": []}}]}`, `matches none`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ft := &fakeT{}
			validateInto(ft, []byte(tc.doc))
			if !strings.Contains(strings.Join(ft.errs, "\n"), tc.want) {
				t.Errorf("errors %q, want one containing %q", ft.errs, tc.want)
			}
		})
	}
}

type fakeT struct{ errs []string }

func validateInto(ft *fakeT, data []byte) {
	raw, err := os.ReadFile(schemaFile)
	if err != nil {
		ft.errs = append(ft.errs, err.Error())
		return
	}
	var root map[string]any
	var doc any
	if err := json.Unmarshal(raw, &root); err != nil {
		ft.errs = append(ft.errs, err.Error())
		return
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		ft.errs = append(ft.errs, err.Error())
		return
	}
	v := &validator{root: root}
	v.validate(root, doc, "")
	ft.errs = v.errs
}
