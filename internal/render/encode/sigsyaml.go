package encode

import (
	"encoding/json"
	"errors"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	yamlv2 "go.yaml.in/yaml/v2"
)

// SigsPolicy is what SigsYAML does where its output could differ from
// sigs.k8s.io/yaml.Marshal's.
type SigsPolicy int

const (
	// SortStably prints every value deterministically: keys that
	// yaml.v2's order does not sort totally ("8" < "700" < "7a" < "8";
	// yaml.v2 then sorts in map iteration order) are sorted stably from
	// byte order, and strings print as yaml.v2 prints them (a NEL, which
	// the JSON round trip folds into a space, stays escaped). Rendering
	// manifests takes this.
	SortStably SigsPolicy = iota
	// RefuseInexact returns ErrInexact for those keys, for keys too long
	// for a YAML simple key, and for runes the JSON round trip changes or
	// rejects, so the caller can print such a value the old way. Verify's
	// rule files take this: rulefmt's positions must match the old bytes.
	RefuseInexact
)

// ErrInexact says SigsYAML under RefuseInexact cannot promise
// sigs.k8s.io/yaml.Marshal's bytes for the value.
var ErrInexact = errors.New("not printed as sigs.k8s.io/yaml would print it")

// SigsYAML prints v, a value as encoding/json decodes it into any (numbers
// as float64, or json.Number with UseNumber), byte-identical to
// sigs.k8s.io/yaml.Marshal(v) except where p says. That prints v as JSON
// and parses it back with yaml.v2 to learn the types to print: a second
// encoding and a YAML parse per value. SigsYAML gives yaml.v2 those types
// directly: each number the Go type yaml.v2 resolves its JSON text to
// (int, then int64, uint64, float64), each object a MapSlice in yaml.v2's
// key order (KeyLess). An int64 (as kube.Parse decodes integers) counts as
// the float64 encoding/json decodes its text to. v is not modified.
func SigsYAML(v any, p SigsPolicy) ([]byte, error) {
	y, err := sigsValue(v, p)
	if err != nil {
		return nil, err
	}
	return yamlv2.Marshal(y)
}

// sigsValue is v as yaml.v2 reads it back from v's JSON text.
func sigsValue(v any, p SigsPolicy) (any, error) {
	switch x := v.(type) {
	case nil, bool:
		return v, nil
	case string:
		if p == RefuseInexact && !jsonRoundTrips(x) {
			return nil, ErrInexact
		}
		return v, nil // not x, which would box the string again
	case json.Number:
		return sigsNumber(string(x)), nil
	case int64:
		return sigsFloat(float64(x))
	case float64:
		return sigsFloat(x)
	case []any:
		if x == nil {
			return nil, nil // json.Marshal prints null
		}
		out := make([]any, len(x))
		for i, c := range x {
			var err error
			if out[i], err = sigsValue(c, p); err != nil {
				return nil, err
			}
		}
		return out, nil
	case map[string]any:
		if x == nil {
			return nil, nil
		}
		keys := make([]string, 0, len(x))
		digits := false
		for k := range x {
			if p == RefuseInexact {
				if len(k) > maxSimpleKey || !jsonRoundTrips(k) {
					return nil, ErrInexact
				}
				digits = digits || strings.ContainsFunc(k, unicode.IsDigit)
			}
			keys = append(keys, k)
		}
		sort.Strings(keys)
		sort.SliceStable(keys, func(i, j int) bool { return KeyLess(keys[i], keys[j]) })
		// Without digits KeyLess is a lexicographic order, total; with
		// them the sorted keys must be in order pairwise.
		if digits && !totallyOrdered(keys) {
			return nil, ErrInexact
		}
		out := make(yamlv2.MapSlice, len(keys))
		for i, k := range keys {
			c, err := sigsValue(x[k], p)
			if err != nil {
				return nil, err
			}
			out[i] = yamlv2.MapItem{Key: k, Value: c}
		}
		return out, nil
	}
	return nil, ErrInexact
}

// maxSimpleKey bounds a key's bytes so that its JSON text (at most 6
// characters a byte, and quotes) stays under the 1024 characters yaml.v2
// allows a simple key.
const maxSimpleKey = 128

// jsonRoundTrips reports whether yaml.v2 reads s back unchanged from the
// JSON text json.Marshal prints for it. JSON escapes the C0 controls and
// U+2028/9 but prints DEL, the C1 controls (NEL is a YAML line break,
// folded to a space), U+FEFF and U+FFFE/F raw; invalid UTF-8 is replaced.
// Only \t, \n and \r of the controls are taken.
func jsonRoundTrips(s string) bool {
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

// sigsFloat is what yaml.v2 resolves f's JSON text to; json.Marshal
// refuses NaN and the infinities.
func sigsFloat(f float64) (any, error) {
	b, err := json.Marshal(f)
	if err != nil {
		return nil, ErrInexact
	}
	return sigsNumber(string(b)), nil
}

// sigsNumber is the value yaml.v2 resolves the JSON number text s to: int,
// int64 or uint64 for an integer, else float64; text no parse takes (out
// of float64's range) stays a string.
func sigsNumber(s string) any {
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

// totallyOrdered reports whether KeyLess orders every pair of the sorted
// keys as they stand, so that any sort gives this order.
func totallyOrdered(keys []string) bool {
	for i := range keys {
		for j := i + 1; j < len(keys); j++ {
			if !KeyLess(keys[i], keys[j]) || KeyLess(keys[j], keys[i]) {
				return false
			}
		}
	}
	return true
}
