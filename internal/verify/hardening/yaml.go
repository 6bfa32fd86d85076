package hardening

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Accessors of decoded YAML: a missing or mistyped value reads as absent.

func mapAt(m map[string]any, key string) map[string]any {
	v, _ := m[key].(map[string]any)
	return v
}

func str(m map[string]any, key string) string {
	v, _ := m[key].(string)
	return v
}

func boolAt(m map[string]any, key string, def bool) bool {
	if v, ok := m[key].(bool); ok {
		return v
	}
	return def
}

func intAt(m map[string]any, key string, def int) int {
	switch v := m[key].(type) {
	case float64:
		return int(v)
	case int64:
		return int(v)
	case int:
		return v
	}
	return def
}

func strMap(m map[string]any) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		if s, ok := v.(string); ok {
			out[k] = s
		}
	}
	return out
}

func strList(m map[string]any, key string) []string {
	l, _ := m[key].([]any)
	var out []string
	for _, v := range l {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func listOfMaps(m map[string]any, key string) []map[string]any {
	l, _ := m[key].([]any)
	var out []map[string]any
	for _, v := range l {
		if x, ok := v.(map[string]any); ok {
			out = append(out, x)
		}
	}
	return out
}

func labelString(l map[string]string) string {
	parts := make([]string, 0, len(l))
	for _, k := range sortedKeys(l) {
		parts = append(parts, fmt.Sprintf("%s=%s", k, l[k]))
	}
	return strings.Join(parts, ",")
}

func sortedKeys[K cmp.Ordered, V any](m map[K]V) []K { return slices.Sorted(maps.Keys(m)) }

// topLevel reads a top-level scalar "key: value" of a YAML document
// without decoding it, or "" when it is not written so (then the caller
// decodes the document).
func topLevel(data []byte, key string) string {
	for line := range strings.Lines(string(data)) {
		if v, ok := strings.CutPrefix(line, key+":"); ok {
			return plainScalar(v)
		}
	}
	return ""
}

// topLevelName reads metadata.name, written as mongen's encoder writes it
// (metadata: at the top, name: indented by two spaces), or "".
func topLevelName(data []byte) string {
	in := false
	for line := range strings.Lines(string(data)) {
		switch {
		case strings.HasPrefix(line, "metadata:"):
			in = strings.TrimSpace(strings.TrimPrefix(line, "metadata:")) == ""
		case in && strings.HasPrefix(line, "  name:"):
			return plainScalar(strings.TrimPrefix(line, "  name:"))
		case in && !strings.HasPrefix(line, "  "):
			return ""
		}
	}
	return ""
}

// plainScalar is a YAML scalar written plainly (no quotes, comment or
// continuation), or "".
func plainScalar(v string) string {
	v = strings.TrimSpace(v)
	if v == "" || strings.ContainsAny(v, "\"'#&*!|>%@`{}[],") {
		return ""
	}
	return v
}
