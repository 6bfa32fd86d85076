package grafanatypes

import (
	"encoding/json"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/mongen-dev/mongen/internal/jsonscan"
)

// Decode checks a dashboard's bytes once (jsonscan.Valid, which is
// json.Valid) and then takes them apart with the scans here, which assume
// valid JSON: encoding/json would check every nested part again each time
// it is unmarshalled, and copy it. Each scan gives what encoding/json
// gives for the same bytes (scan_test holds them to it; jsonscan decodes
// strings and checks numbers' range as encoding/json does).

// member is one member of a JSON object: its key, unescaped, and its value
// as the bytes of the input, as json.RawMessage holds it.
type member struct {
	key string
	val []byte
}

// object is a JSON object as encoding/json decodes it into a
// map[string]json.RawMessage: one member a key, the last of duplicates,
// here sorted by key as json.Marshal writes such a map.
type object []member

// get is the value of a key, nil when the object has none.
func (o object) get(k string) []byte {
	if i, ok := o.find(k); ok {
		return o[i].val
	}
	return nil
}

func (o object) has(k string) bool {
	_, ok := o.find(k)
	return ok
}

func (o object) find(k string) (int, bool) {
	return slices.BinarySearchFunc(o, k, func(m member, k string) int { return strings.Compare(m.key, k) })
}

// without is the object without the keys.
func (o object) without(keys ...string) object {
	out := make(object, 0, len(o))
	for _, m := range o {
		if !slices.Contains(keys, m.key) {
			out = append(out, m)
		}
	}
	return out
}

// with is the object with a key's value replaced; the key must be there.
func (o object) with(k string, v []byte) object {
	out := slices.Clone(o)
	if i, ok := out.find(k); ok {
		out[i].val = v
	}
	return out
}

// encode is json.Marshal of the object as a map[string]json.RawMessage:
// keys sorted and escaped as encoding/json does, values compacted with
// <, >, &, U+2028 and U+2029 escaped.
func (o object) encode() []byte {
	n := 2
	for _, m := range o {
		n += len(m.key) + len(m.val) + 4
	}
	buf := make([]byte, 0, n)
	buf = append(buf, '{')
	for i, m := range o {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = appendKey(buf, m.key)
		buf = append(buf, ':')
		buf = appendCompact(buf, m.val)
	}
	return append(buf, '}')
}

// appendKey appends a key as json.Marshal writes a string (HTML escaped).
func appendKey(dst []byte, k string) []byte {
	for i := 0; i < len(k); i++ {
		if c := k[i]; c < 0x20 || c >= utf8.RuneSelf || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, err := json.Marshal(k)
			if err != nil {
				// A Go string always encodes.
				panic("grafanatypes: encode key: " + err.Error())
			}
			return append(dst, q...)
		}
	}
	dst = append(dst, '"')
	dst = append(dst, k...)
	return append(dst, '"')
}

const hexDigits = "0123456789abcdef"

// appendCompact appends valid JSON as json.Marshal writes a
// json.RawMessage: without whitespace between tokens, with <, >, & and
// the line and paragraph separators escaped.
func appendCompact(dst, src []byte) []byte {
	start, inString := 0, false
	for i := 0; i < len(src); i++ {
		c := src[i]
		if inString {
			switch {
			case c == '\\':
				i++ // the escaped byte is never one to rewrite
			case c == '"':
				inString = false
			case c == '<' || c == '>' || c == '&':
				dst = append(dst, src[start:i]...)
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
				start = i + 1
			case c == 0xE2 && i+2 < len(src) && src[i+1] == 0x80 && src[i+2]&^1 == 0xA8:
				dst = append(dst, src[start:i]...)
				dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[src[i+2]&0xF])
				start = i + 3
				i += 2
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case ' ', '\t', '\n', '\r':
			dst = append(dst, src[start:i]...)
			start = i + 1
		}
	}
	return append(dst, src[start:]...)
}

// mustUnquote is jsonscan.Unquote for the valid JSON Decode has checked.
func mustUnquote(lit []byte) string {
	s, ok := jsonscan.Unquote(lit)
	if !ok {
		panic("grafanatypes: not a JSON string: " + string(lit))
	}
	return s
}

// members is json.Unmarshal of valid JSON into a map[string]json.RawMessage,
// sorted; ok is false when raw is not an object (null included).
func members(raw []byte) (o object, ok bool) {
	i := jsonscan.SkipSpace(raw, 0)
	if i >= len(raw) || raw[i] != '{' {
		return nil, false
	}
	o = object{}
	i = jsonscan.SkipSpace(raw, i+1)
	if raw[i] == '}' {
		return o, true
	}
	for {
		end := jsonscan.SkipString(raw, i)
		k := mustUnquote(raw[i:end])
		i = jsonscan.SkipSpace(raw, end) + 1 // the colon
		i = jsonscan.SkipSpace(raw, i)
		end = jsonscan.SkipValue(raw, i)
		o = append(o, member{k, raw[i:end]})
		i = jsonscan.SkipSpace(raw, end)
		if raw[i] != ',' {
			break
		}
		i = jsonscan.SkipSpace(raw, i+1)
	}
	// Sorted stably, so the last of each run of a key is the one
	// encoding/json keeps.
	slices.SortStableFunc(o, func(a, b member) int { return strings.Compare(a.key, b.key) })
	out := o[:0]
	for j, m := range o {
		if j+1 < len(o) && o[j+1].key == m.key {
			continue
		}
		out = append(out, m)
	}
	return out, true
}

// elements is json.Unmarshal of valid JSON into a []json.RawMessage: ok is
// false when raw is not an array; null is no elements.
func elements(raw []byte) (out [][]byte, ok bool) {
	i := jsonscan.SkipSpace(raw, 0)
	if i < len(raw) && raw[i] == 'n' {
		return nil, true
	}
	if i >= len(raw) || raw[i] != '[' {
		return nil, false
	}
	out = [][]byte{}
	i = jsonscan.SkipSpace(raw, i+1)
	if raw[i] == ']' {
		return out, true
	}
	for {
		end := jsonscan.SkipValue(raw, i)
		out = append(out, raw[i:end])
		i = jsonscan.SkipSpace(raw, end)
		if raw[i] != ',' {
			return out, true
		}
		i = jsonscan.SkipSpace(raw, i+1)
	}
}

// stringValue is json.Unmarshal of valid JSON into a string: ok is false
// for anything but a string or null (which leaves it empty), or no value.
func stringValue(raw []byte) (string, bool) {
	switch {
	case len(raw) == 0:
		return "", false
	case raw[0] == '"':
		return mustUnquote(raw), true
	case raw[0] == 'n':
		return "", true
	}
	return "", false
}

func isObject(raw []byte) bool {
	i := jsonscan.SkipSpace(raw, 0)
	return i < len(raw) && raw[i] == '{'
}
