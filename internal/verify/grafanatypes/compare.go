package grafanatypes

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/mongen-dev/mongen/internal/jsonscan"
)

// compare marshals the decoded dashboard again and reports every field of
// the input that is not in the result with the same value: a field some
// type along the way ignored, or a value it changed. Fields the types add
// (zero values of fields they always write) are not the input's and are
// ignored; an input field that is null, [] or {} may be left out, as the
// types' omitempty does and Grafana reads the same.
//
// Both sides are compared as JSON values, as encoding/json would decode
// them into any (numbers as float64), but walked as bytes: data is valid
// JSON (Decode checked it) and so is what json.Marshal writes.
func (d *decoder) compare(data []byte, decoded any) {
	if err := numbersFit(data); err != nil {
		d.report("(root)", "is not JSON: %v", err)
		return
	}
	out, err := json.Marshal(decoded)
	if err != nil {
		d.report("(root)", "the decoded dashboard does not encode again: %v", err)
		return
	}
	if err := numbersFit(out); err != nil {
		d.report("(root)", "the decoded dashboard does not decode again: %v", err)
		return
	}
	d.walk(bytes.TrimSpace(data), out, "")
}

// numbersFit is the error json.Unmarshal into any gives valid JSON: one
// only when a number does not fit a float64.
func numbersFit(data []byte) error {
	for i := 0; i < len(data); {
		switch c := data[i]; {
		case c == '"':
			i = jsonscan.SkipString(data, i)
		case c == '-' || c >= '0' && c <= '9':
			end := jsonscan.SkipValue(data, i)
			if !jsonscan.FitsFloat64(data[i:end]) {
				var v any
				return json.Unmarshal(data, &v) // its message, for the first such number
			}
			i = end
		default:
			i++
		}
	}
	return nil
}

func (d *decoder) lost(path, format string, args ...any) {
	d.problems = append(d.problems, Problem{Path: display(path), Msg: fmt.Sprintf(format, args...), kept: true})
}

// walk compares a value of the input with the value it decodes as; both
// are valid JSON without surrounding space.
func (d *decoder) walk(in, got []byte, path string) {
	switch in[0] {
	case '{':
		if got[0] != '{' {
			d.lost(path, "is an object, but decodes as %s", describe(got))
			return
		}
		im, _ := members(in)
		gm, _ := members(got)
		j := 0
		for _, m := range im { // both sorted by key
			for j < len(gm) && gm[j].key < m.key {
				j++
			}
			kp := join(path, key(m.key))
			if j == len(gm) || gm[j].key != m.key {
				if !empty(m.val) {
					d.lost(kp, "dropped on decoding: no field of Grafana's types holds it")
				}
				continue
			}
			d.walk(m.val, gm[j].val, kp)
		}
	case '[':
		ie, _ := elements(in)
		if len(ie) == 0 && empty(got) {
			return
		}
		if got[0] != '[' {
			d.lost(path, "is an array, but decodes as %s", describe(got))
			return
		}
		ge, _ := elements(got)
		if len(ge) != len(ie) {
			d.lost(path, "has %d elements, but decodes with %d", len(ie), len(ge))
			return
		}
		for i := range ie {
			d.walk(ie[i], ge[i], path+"["+strconv.Itoa(i)+"]")
		}
	default:
		if !sameScalar(in, got) {
			d.lost(path, "is %s, but decodes as %s", describe(in), describe(got))
		}
	}
}

// sameScalar reports whether a string, number, boolean or null decodes
// into any as the same value as got.
func sameScalar(in, got []byte) bool {
	if bytes.Equal(in, got) {
		return true
	}
	switch {
	case in[0] == '"' && got[0] == '"':
		a, okA := jsonscan.Unquote(in)
		b, okB := jsonscan.Unquote(got)
		return okA && okB && a == b
	case isNumber(in[0]) && isNumber(got[0]):
		a, _ := strconv.ParseFloat(string(in), 64)
		b, _ := strconv.ParseFloat(string(got), 64)
		return a == b
	}
	return false // literals are equal only as the same bytes
}

func isNumber(c byte) bool { return c == '-' || c >= '0' && c <= '9' }

// empty reports null, [] and {}.
func empty(raw []byte) bool {
	switch raw[0] {
	case 'n':
		return true
	case '[':
		return raw[jsonscan.SkipSpace(raw, 1)] == ']'
	case '{':
		return raw[jsonscan.SkipSpace(raw, 1)] == '}'
	}
	return false
}

// describe is a value as the messages name it.
func describe(raw []byte) string {
	switch raw[0] {
	case 'n':
		return "null"
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		s, _ := jsonscan.Unquote(raw)
		return fmt.Sprintf("the string %q", s)
	}
	var v any // a number or a boolean: only when a message is printed
	_ = json.Unmarshal(raw, &v)
	return fmt.Sprintf("%v", v)
}
