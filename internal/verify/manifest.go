package verify

import (
	"bytes"
	"strings"

	"sigs.k8s.io/yaml"

	"github.com/mongen-dev/mongen/internal/render/encode"
)

// manifestObject is what checkManifest reads of a manifest: what
// sigs.k8s.io/yaml.Unmarshal of its bytes would give, which readManifest
// builds from the document kube.Parse already parsed.
type manifestObject struct {
	Kind     string `json:"kind"`
	Metadata struct {
		Name   string            `json:"name"`
		Labels map[string]string `json:"labels"`
	} `json:"metadata"`
	Spec struct {
		Groups []any `json:"groups"`
	} `json:"spec"`
}

// readManifest reads data's manifestObject from obj, the object kube.Parse
// read from data. Where obj alone cannot tell what the old decode gave (a
// document marker, a field that decodes with an error or by a case-folded
// key) it decodes data as before, so result and error stay the same.
func readManifest(data []byte, obj map[string]any) (manifestObject, error) {
	if m, ok := manifestFromParsed(data, obj); ok {
		return m, nil
	}
	var m manifestObject
	err := yaml.Unmarshal(data, &m)
	return m, err
}

// manifestFromParsed is readManifest without the fallback; ok is false
// where the fallback is needed.
func manifestFromParsed(data []byte, obj map[string]any) (m manifestObject, ok bool) {
	// kube.Parse skips empty documents, yaml.Unmarshal reads the first:
	// they can differ only where the file has more than one.
	if bytes.HasPrefix(data, []byte("---")) || bytes.Contains(data, []byte("\n---")) {
		return m, false
	}
	if !exactKeys(obj, "kind", "metadata", "spec") {
		return m, false
	}
	if m.Kind, ok = stringField(obj, "kind"); !ok {
		return m, false
	}
	md, ok := mapField(obj, "metadata")
	if !ok || !exactKeys(md, "name", "labels") {
		return m, false
	}
	if m.Metadata.Name, ok = stringField(md, "name"); !ok {
		return m, false
	}
	labels, ok := mapField(md, "labels")
	if !ok {
		return m, false
	}
	if labels != nil {
		m.Metadata.Labels = make(map[string]string, len(labels))
		for k := range labels {
			if m.Metadata.Labels[k], ok = stringField(labels, k); !ok {
				return m, false
			}
		}
	}
	spec, ok := mapField(obj, "spec")
	if !ok || !exactKeys(spec, "groups") {
		return m, false
	}
	switch g := spec["groups"].(type) {
	case nil:
	case []any:
		m.Spec.Groups = g
	default:
		return m, false
	}
	return m, true
}

// exactKeys reports whether no key of m matches one of names only by case:
// encoding/json, under sigs.k8s.io/yaml.Unmarshal, would take it for the
// field (kube.Parse keeps keys as written).
func exactKeys(m map[string]any, names ...string) bool {
	for k := range m {
		for _, n := range names {
			if k != n && strings.EqualFold(k, n) {
				return false
			}
		}
	}
	return true
}

// stringField is m[key] as encoding/json decodes it into a string: null
// or absent is "", anything but a string an error (ok false).
func stringField(m map[string]any, key string) (string, bool) {
	switch v := m[key].(type) {
	case nil:
		return "", true
	case string:
		return v, true
	}
	return "", false
}

// mapField is m[key] as a JSON object; null or absent is nil.
func mapField(m map[string]any, key string) (map[string]any, bool) {
	switch v := m[key].(type) {
	case nil:
		return nil, true
	case map[string]any:
		return v, true
	}
	return nil, false
}

// ruleFileYAML is the rule file the operator makes of a PrometheusRule's
// groups, exactly as checkManifest printed it before with
// sigs.k8s.io/yaml.Marshal(map[string]any{"groups": groups}) on groups
// decoded with float64 numbers: rulefmt's errors give positions in these
// bytes. encode.SigsYAML prints those bytes without the round trip
// through JSON; what it is not sure of goes the old way. groups may hold
// numbers as int64 or float64.
func ruleFileYAML(groups []any) ([]byte, error) {
	if data, err := encode.SigsYAML(map[string]any{"groups": groups}, encode.RefuseInexact); err == nil {
		return data, nil
	}
	return yaml.Marshal(map[string]any{"groups": jsonFloats(groups)})
}

// jsonFloats is v with every int64 a float64, as encoding/json decodes
// numbers into any: the value the old path marshalled.
func jsonFloats(v any) any {
	switch x := v.(type) {
	case int64:
		return float64(x)
	case []any:
		if x == nil {
			return x
		}
		out := make([]any, len(x))
		for i, c := range x {
			out[i] = jsonFloats(c)
		}
		return out
	case map[string]any:
		if x == nil {
			return x
		}
		out := make(map[string]any, len(x))
		for k, c := range x {
			out[k] = jsonFloats(c)
		}
		return out
	}
	return v
}
