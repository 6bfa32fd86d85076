package credgate

import (
	"strings"

	"github.com/mongen-dev/mongen/internal/jsonscan"
)

// holdsScan is Holds read straight from the bytes: the JSON document is
// walked in place, without decoding it into Go maps and slices first
// (which, for a 10,000-rule environment, cost more than the rules
// themselves and a hundred megabytes). It answers as a walk of the value
// json.Unmarshal would give does (holds_test.go keeps that walk as the
// oracle), except that every value of a key repeated within one object
// is looked at, where Unmarshal keeps only the last: it can find more,
// never less. ok is false when Unmarshal would refuse data: invalid JSON
// (the scan checks the grammar as it walks) or a number out of float64's
// range; found then means nothing.
func holdsScan(data []byte) (found, ok bool) {
	var w holdsWalk
	w.s.Reset(data)
	w.value(nil)
	return w.found, w.s.Valid() && !w.overflow
}

type holdsWalk struct {
	s        jsonscan.Scanner
	found    bool
	overflow bool
}

// value walks the value at the cursor, at path p, and returns the string
// when the value is one (for the relabelling check of its object). Paths
// share one backing array: a child's path overwrites its finished
// sibling's, and nothing keeps one. The whole document is read even after
// a credential is found, so that a number Unmarshal refuses, or invalid
// JSON, anywhere is seen (Holds' error).
func (w *holdsWalk) value(p []string) (str string, isStr bool) {
	switch w.s.Kind() {
	case jsonscan.Object:
		w.object(p)
	case jsonscan.Array:
		w.s.BeginArray()
		for w.s.NextElem() {
			w.value(append(p, Index))
		}
	case jsonscan.String:
		x := w.s.String()
		if x != "" && !w.found && holdsString(p, x) {
			w.found = true
		}
		return x, true
	case jsonscan.Number:
		if !jsonscan.FitsFloat64(w.s.Number()) {
			w.overflow = true
		}
	default: // true, false, null, or not a value
		w.s.Skip()
	}
	return "", false
}

// holdsString is the test of a string that the decoded walk
// (holds_test.go) makes.
func holdsString(p []string, x string) bool {
	if Field(p, x) != "" {
		return true
	}
	if t := strings.TrimSpace(x); strings.Contains(x, "\n") || strings.HasPrefix(t, "{") {
		return len((&walker{}).embeddedFindings(x)) > 0
	}
	return false
}

// relabelField is the index in object's fields of a key Relabel reads.
func relabelField(k string) int {
	switch k {
	case "target_label":
		return 0
	case "targetLabel":
		return 1
	case "replacement":
		return 2
	}
	return -1
}

// object walks the object at the cursor.
func (w *holdsWalk) object(p []string) {
	// The fields Relabel reads, as holds' map gives them: the last value
	// of each key, when it is a string.
	var fields [3]struct {
		v  string
		ok bool
	}
	w.s.BeginObject()
	for k, ok := w.s.NextKey(); ok; k, ok = w.s.NextKey() {
		v, isStr := w.value(append(p, k))
		if f := relabelField(k); f >= 0 {
			fields[f].v, fields[f].ok = v, isStr
		}
	}
	if w.found {
		return
	}
	if _, what := Relabel(func(f string) (string, bool) {
		if n := relabelField(f); n >= 0 {
			return fields[n].v, fields[n].ok
		}
		return "", false
	}); what != "" {
		w.found = true
	}
}
