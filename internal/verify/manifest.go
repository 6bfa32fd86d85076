package verify

import (
	"bytes"
	"encoding/json"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	yamlv2 "go.yaml.in/yaml/v2"
	"sigs.k8s.io/yaml"

	"github.com/mongen-dev/mongen/internal/render/encode"
)

// manifestObject is what checkManifest reads of a manifest. It used to
// decode the bytes a second time into it with sigs.k8s.io/yaml.Unmarshal;
// readManifest gives that decode's result without the parse.
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
// bytes. That prints JSON and parses it back with yaml.v2 to learn the
// types to print; yamlValue gives yaml.v2 those types directly, as
// render/operator's yamlNumbers does. groups may hold numbers as int64 or
// float64. What yamlValue is not sure of goes the old way.
func ruleFileYAML(groups []any) ([]byte, error) {
	if v, ok := yamlValue(groups); ok {
		if data, err := yamlv2.Marshal(yamlv2.MapSlice{{Key: "groups", Value: v}}); err == nil {
			return data, nil
		}
	}
	return yaml.Marshal(map[string]any{"groups": jsonFloats(groups)})
}

// yamlValue turns a decoded JSON value into what yaml.v2 reads back from
// its JSON text (json.Marshal after decoding numbers as float64): the same
// strings, each number typed as yaml.v2 resolves its JSON text, and each
// object a MapSlice in yaml.v2's key order. ok is false for what that
// round trip changes or refuses: runes JSON prints raw that yaml.v2
// rejects or reads as a line break, keys too long for a YAML simple key,
// and keys yaml.v2's order does not sort totally (it would then depend on
// map iteration).
func yamlValue(v any) (any, bool) {
	switch x := v.(type) {
	case nil, bool:
		return x, true
	case string:
		return x, yamlSafe(x)
	case int64:
		return yamlNumber(float64(x)) // what a float64 decode of its text gives
	case float64:
		return yamlNumber(x)
	case []any:
		if x == nil {
			return nil, true // json.Marshal prints null
		}
		out := make([]any, len(x))
		for i, c := range x {
			var ok bool
			if out[i], ok = yamlValue(c); !ok {
				return nil, false
			}
		}
		return out, true
	case map[string]any:
		if x == nil {
			return nil, true
		}
		keys := make([]string, 0, len(x))
		digits := false
		for k := range x {
			if len(k) > maxYAMLKey || !yamlSafe(k) {
				return nil, false
			}
			digits = digits || strings.ContainsFunc(k, unicode.IsDigit)
			keys = append(keys, k)
		}
		sort.Strings(keys)
		sort.SliceStable(keys, func(i, j int) bool { return encode.KeyLess(keys[i], keys[j]) })
		// Without digits encode.KeyLess is a lexicographic order, total;
		// with them the sorted keys must be in order pairwise.
		if digits && !totallyOrdered(keys) {
			return nil, false
		}
		out := make(yamlv2.MapSlice, len(keys))
		for i, k := range keys {
			c, ok := yamlValue(x[k])
			if !ok {
				return nil, false
			}
			out[i] = yamlv2.MapItem{Key: k, Value: c}
		}
		return out, true
	}
	return nil, false
}

// maxYAMLKey bounds a key's bytes so that its JSON text (at most 6
// characters a byte, and quotes) stays under the 1024 characters yaml.v2
// allows a simple key.
const maxYAMLKey = 128

// yamlSafe reports whether yaml.v2 reads s back unchanged from the JSON
// text json.Marshal prints for it. JSON escapes the C0 controls and
// U+2028/9 but prints DEL, the C1 controls (NEL is a YAML line break,
// folded to a space), U+FEFF and U+FFFE/F raw; invalid UTF-8 is replaced.
// Only \t, \n and \r of the controls are taken; the rest goes the old way.
func yamlSafe(s string) bool {
	for _, r := range s {
		switch {
		case r >= 0x20 && r <= 0x7E, r == '\t', r == '\n', r == '\r':
		case r >= 0xA0 && r <= 0xD7FF && r != 0x2028 && r != 0x2029:
		case r >= 0xE000 && r <= 0xFFFD && r != 0xFEFF:
		case r >= 0x10000 && r <= unicode.MaxRune:
		default:
			return false
		}
	}
	return utf8.ValidString(s)
}

// yamlNumber is the value yaml.v2 resolves f's JSON text to: int, int64
// or uint64 for an integer text, else float64.
func yamlNumber(f float64) (any, bool) {
	b, err := json.Marshal(f)
	if err != nil {
		return nil, false
	}
	s := string(b)
	if i, err := strconv.ParseInt(s, 0, 64); err == nil {
		if i == int64(int(i)) {
			return int(i), true
		}
		return i, true
	}
	if u, err := strconv.ParseUint(s, 0, 64); err == nil {
		return u, true
	}
	if g, err := strconv.ParseFloat(s, 64); err == nil {
		return g, true
	}
	return nil, false
}

// totallyOrdered reports whether encode.KeyLess orders every pair of the
// sorted keys as they stand, so that any sort gives this order.
func totallyOrdered(keys []string) bool {
	for i := range keys {
		for j := i + 1; j < len(keys); j++ {
			if !encode.KeyLess(keys[i], keys[j]) || encode.KeyLess(keys[j], keys[i]) {
				return false
			}
		}
	}
	return true
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
