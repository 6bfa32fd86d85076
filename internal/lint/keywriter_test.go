package lint

import (
	"bytes"
	"testing"
)

// TestKeyWriterTellsApart: sequences that a plain concatenation would
// confuse encode differently, sets encode by what they hold, and
// encodeNames' payload reads back.
func TestKeyWriterTellsApart(t *testing.T) {
	enc := func(fn func(w *KeyWriter)) []byte {
		var w KeyWriter
		fn(&w)
		return w.Bytes()
	}
	differ := []struct {
		name string
		a, b func(w *KeyWriter)
	}{
		{"split strings", func(w *KeyWriter) { w.Str("ab"); w.Str("c") }, func(w *KeyWriter) { w.Str("a"); w.Str("bc") }},
		{"nil and empty list", func(w *KeyWriter) { w.List(nil) }, func(w *KeyWriter) { w.List([]string{}) }},
		{"list order", func(w *KeyWriter) { w.List([]string{"a", "b"}) }, func(w *KeyWriter) { w.List([]string{"b", "a"}) }},
		{"map key and value", func(w *KeyWriter) { w.Map(map[string]string{"ab": "c"}) }, func(w *KeyWriter) { w.Map(map[string]string{"a": "bc"}) }},
		{"set then string", func(w *KeyWriter) { w.Set([]string{"a"}); w.Str("b") }, func(w *KeyWriter) { w.Set([]string{"a", "b"}) }},
		{"bool", func(w *KeyWriter) { w.Bool(false) }, func(w *KeyWriter) { w.Bool(true) }},
		{"float", func(w *KeyWriter) { w.Float(1) }, func(w *KeyWriter) { w.Float(2) }},
		{"int sign", func(w *KeyWriter) { w.Int(1) }, func(w *KeyWriter) { w.Int(-1) }},
	}
	for _, c := range differ {
		if bytes.Equal(enc(c.a), enc(c.b)) {
			t.Errorf("%s: encode alike", c.name)
		}
	}
	if a, b := enc(func(w *KeyWriter) { w.Set([]string{"b", "a", "b"}) }), enc(func(w *KeyWriter) { w.Set([]string{"a", "b"}) }); !bytes.Equal(a, b) {
		t.Error("a set's order or repeats change its encoding")
	}
	names := []string{"up", "", "node_load1"}
	var got []string
	if !walkStrs(encodeNames(names), func(s string) { got = append(got, s) }) || len(got) != 3 || got[0] != "up" || got[1] != "" || got[2] != "node_load1" {
		t.Errorf("encodeNames(%q) reads back as %q", names, got)
	}
	if walkStrs([]byte{5, 'a'}, nil) {
		t.Error("a truncated payload reads")
	}
}
