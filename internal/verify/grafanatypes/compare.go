package grafanatypes

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
)

// compare marshals the decoded dashboard again and reports every field of
// the input that is not in the result with the same value: a field some
// type along the way ignored, or a value it changed. Fields the types add
// (zero values of fields they always write) are not the input's and are
// ignored; an input field that is null, [] or {} may be left out, as the
// types' omitempty does and Grafana reads the same.
func (d *decoder) compare(data []byte, decoded any) {
	// data is valid JSON (Decode checked it) and so is what json.Marshal
	// writes, so parseAny reads both with no check of its own.
	in, err := parseAny(data)
	if err != nil {
		d.report("(root)", "is not JSON: %v", err)
		return
	}
	out, err := json.Marshal(decoded)
	if err != nil {
		d.report("(root)", "the decoded dashboard does not encode again: %v", err)
		return
	}
	got, err := parseAny(out)
	if err != nil {
		d.report("(root)", "the decoded dashboard does not decode again: %v", err)
		return
	}
	d.walk(in, got, "")
}

func (d *decoder) lost(path, format string, args ...any) {
	d.problems = append(d.problems, Problem{Path: display(path), Msg: fmt.Sprintf(format, args...), kept: true})
}

func (d *decoder) walk(in, got any, path string) {
	switch in := in.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			d.lost(path, "is an object, but decodes as %s", describe(got))
			return
		}
		keys := make([]string, 0, len(in))
		for k := range in {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			kp := join(path, key(k))
			gv, present := g[k]
			if !present {
				if !empty(in[k]) {
					d.lost(kp, "dropped on decoding: no field of Grafana's types holds it")
				}
				continue
			}
			d.walk(in[k], gv, kp)
		}
	case []any:
		g, ok := got.([]any)
		if len(in) == 0 && empty(got) {
			return
		}
		if !ok {
			d.lost(path, "is an array, but decodes as %s", describe(got))
			return
		}
		if len(g) != len(in) {
			d.lost(path, "has %d elements, but decodes with %d", len(in), len(g))
			return
		}
		for i := range in {
			d.walk(in[i], g[i], path+"["+strconv.Itoa(i)+"]")
		}
	default:
		if in != got && !(in == nil && got == nil) {
			d.lost(path, "is %s, but decodes as %s", describe(in), describe(got))
		}
	}
}

func empty(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case []any:
		return len(v) == 0
	case map[string]any:
		return len(v) == 0
	}
	return false
}

func describe(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case string:
		return fmt.Sprintf("the string %q", v)
	}
	return fmt.Sprintf("%v", v)
}
