package operator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

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
	// sigs.k8s.io/yaml.Marshal's bytes without its JSON round trip, a
	// third of render's time for 10,000 rules (marshal_test.go proves the
	// equality); deterministic where yaml.v2's key order is not.
	data, err := encode.SigsYAML(cleaned, encode.SortStably)
	if err != nil {
		return nil, err
	}
	return append([]byte(encode.Header), data...), nil
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
