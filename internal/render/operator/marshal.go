package operator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	yamlv2 "go.yaml.in/yaml/v2"

	"github.com/mongen-dev/mongen/internal/render/encode"
)

// Marshal renders one object as minimal, deterministic YAML: the object is
// marshalled to JSON through its own type, then cleaned (see Clean) and
// written with sorted keys.
func Marshal(obj any) ([]byte, error) {
	raw, err := json.Marshal(obj)
	if err != nil {
		return nil, err
	}
	return marshalJSON(raw)
}

// marshalJSON is Marshal from the object's JSON encoding.
func marshalJSON(raw []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	top, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("object marshals to %T, not a map", v)
	}
	delete(top, "status")
	cleaned, _ := Clean(top, "")
	data, err := yamlv2.Marshal(yamlNumbers(cleaned))
	if err != nil {
		return nil, err
	}
	return append([]byte(encode.Header), data...), nil
}

// yamlNumbers prepares a cleaned JSON value for yaml.v2, in place where it
// can: each JSON number gets the Go type yaml.v2 would resolve its text to
// (int, then uint64, then float64), and each map becomes a MapSlice in
// yaml.v2's own key order. Marshalled with yaml.v2 it is then
// byte-identical to sigs.k8s.io/yaml.Marshal, which prints the value as
// JSON and parses that back with yaml.v2 to get those types: a second JSON
// encoding and a YAML parse per object, a third of render's time for
// 10,000 rules (marshal_test.go proves the equality). The one difference
// is a string holding a NEL (U+0085): that parse read it as a line break
// and folded it into a space, where yaml.v2 prints it escaped, keeping it. The order is also
// deterministic where yaml.v2's is not: its natural order is not
// transitive on some key sets ("8" < "700" < "7a" < "8"), and it sorts
// keys in map iteration order; here they are sorted stably from byte order.
func yamlNumbers(v any) any {
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		sort.SliceStable(keys, func(i, j int) bool { return encode.KeyLess(keys[i], keys[j]) })
		out := make(yamlv2.MapSlice, len(keys))
		for i, k := range keys {
			out[i] = yamlv2.MapItem{Key: k, Value: yamlNumbers(x[k])}
		}
		return out
	case []any:
		for i, c := range x {
			x[i] = yamlNumbers(c)
		}
	case json.Number:
		s := string(x)
		if i, err := strconv.ParseInt(s, 0, 64); err == nil {
			if i == int64(int(i)) {
				return int(i)
			}
			return i
		}
		if u, err := strconv.ParseUint(s, 0, 64); err == nil {
			return u
		}
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return f
		}
		return s
	}
	return v
}

// Clean drops what the upstream types emit but a manifest should not carry:
// nulls (creationTimestamp: null and the like), empty maps and empty lists
// (but not the items of a list, which are positional).
// An empty map under a key named selector or ending in Selector survives,
// because an empty label selector means "select everything" where nil means
// "select nothing" (serviceMonitorSelector: {}). Empty strings, false and 0
// are kept: the types' omitempty tags already drop the meaningless ones, so
// those that remain were set on purpose (replacement: "").
// It reports whether v should be kept.
func Clean(v any, key string) (any, bool) {
	switch x := v.(type) {
	case nil:
		return nil, false
	case map[string]any:
		for k, child := range x {
			if c, keep := Clean(child, k); keep {
				x[k] = c
			} else {
				delete(x, k)
			}
		}
		if len(x) == 0 && !isSelector(key) {
			return nil, false
		}
		return x, true
	case []any:
		out := x[:0]
		for _, child := range x {
			if c, keep := Clean(child, ""); keep {
				out = append(out, c)
			} else if m, isMap := child.(map[string]any); isMap {
				// A list's items are positional: an item that cleans
				// away entirely stays, as {}.
				out = append(out, m)
			}
		}
		if len(out) == 0 {
			return nil, false
		}
		return out, true
	default:
		return v, true
	}
}

func isSelector(key string) bool {
	return key == "selector" || strings.HasSuffix(key, "Selector")
}
