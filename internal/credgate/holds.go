package credgate

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"
)

// holdsScan is Holds read straight from the bytes: a valid JSON document
// is walked in place, without decoding it into Go maps and slices first
// (which, for a 10,000-rule environment, cost more than the rules
// themselves and a hundred megabytes). It answers as a walk of the value
// json.Unmarshal would give does (holds_test.go keeps that walk as the
// oracle), except that every value of
// a key repeated within one object is looked at, where Unmarshal keeps
// only the last: it can find more, never less. data must be valid JSON;
// overflow reports a number Unmarshal would refuse (out of float64's
// range), for Holds to give Unmarshal's error.
func holdsScan(data []byte) (found, overflow bool) {
	s := jsonScan{data: data}
	s.value(nil)
	return s.found, s.overflow
}

type jsonScan struct {
	data     []byte
	i        int
	found    bool
	overflow bool
}

func (s *jsonScan) space() {
	for s.i < len(s.data) {
		switch s.data[s.i] {
		case ' ', '\t', '\r', '\n':
			s.i++
		default:
			return
		}
	}
}

// value walks the value at the cursor, at path p, and returns the string
// when the value is one (for the relabelling check of its object). Paths
// share one backing array: a child's path overwrites its finished
// sibling's, and nothing keeps one. The whole document is read even after
// a credential is found, so that a number Unmarshal refuses anywhere is
// seen (Holds' error).
func (s *jsonScan) value(p []string) (str string, isStr bool) {
	s.space()
	if s.i >= len(s.data) {
		return "", false
	}
	switch s.data[s.i] {
	case '{':
		s.object(p)
		return "", false
	case '[':
		s.i++
		for {
			s.space()
			if s.data[s.i] == ']' {
				s.i++
				return "", false
			}
			s.value(append(p, Index))
			s.space()
			if s.data[s.i] == ',' {
				s.i++
			}
		}
	case '"':
		x := s.string()
		if x != "" && !s.found && s.holds(p, x) {
			s.found = true
		}
		return x, true
	default: // a number, true, false or null
		start := s.i
		for s.i < len(s.data) && !strings.ContainsRune(",]} \t\r\n", rune(s.data[s.i])) {
			s.i++
		}
		// Only an exponent or more than 300 digits can leave float64's
		// range.
		if lit := s.data[start:s.i]; (lit[0] == '-' || lit[0] >= '0' && lit[0] <= '9') && (len(lit) > 300 || bytes.ContainsAny(lit, "eE")) {
			if _, err := strconv.ParseFloat(string(lit), 64); err != nil {
				s.overflow = true
			}
		}
		return "", false
	}
}

// holds is the test of a string that the decoded walk (holds_test.go) makes.
func (s *jsonScan) holds(p []string, x string) bool {
	if Field(p, x) != "" {
		return true
	}
	if t := strings.TrimSpace(x); strings.Contains(x, "\n") || strings.HasPrefix(t, "{") {
		return len((&walker{}).embeddedFindings(x)) > 0
	}
	return false
}

// object walks an object whose opening brace is at the cursor.
func (s *jsonScan) object(p []string) {
	s.i++
	// The fields Relabel reads, as holds' map gives them: the last value
	// of each key, when it is a string.
	var fields [3]struct {
		v  string
		ok bool
	}
	relabelField := func(k string) int {
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
	for {
		s.space()
		if s.data[s.i] == '}' {
			s.i++
			break
		}
		k := s.string()
		s.space()
		s.i++ // the colon
		v, isStr := s.value(append(p, k))
		if f := relabelField(k); f >= 0 {
			fields[f].v, fields[f].ok = v, isStr
		}
		s.space()
		if s.data[s.i] == ',' {
			s.i++
		}
	}
	if s.found {
		return
	}
	if _, what := Relabel(func(f string) (string, bool) {
		if n := relabelField(f); n >= 0 {
			return fields[n].v, fields[n].ok
		}
		return "", false
	}); what != "" {
		s.found = true
	}
}

// string reads the string at the cursor, decoded as encoding/json decodes
// it (escapes, and U+FFFD for invalid UTF-8).
func (s *jsonScan) string() string {
	start := s.i
	s.i++
	plain := true
	for s.data[s.i] != '"' {
		c := s.data[s.i]
		if c == '\\' {
			plain = false
			s.i++
		} else if c >= utf8.RuneSelf {
			plain = false
		}
		s.i++
	}
	s.i++
	raw := s.data[start:s.i]
	if plain {
		return string(raw[1 : len(raw)-1])
	}
	var x string
	if json.Unmarshal(raw, &x) != nil {
		return ""
	}
	return x
}
