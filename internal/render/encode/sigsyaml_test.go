package encode

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

func decodeJSON(t *testing.T, raw string, useNumber bool) any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(raw))
	if useNumber {
		dec.UseNumber()
	}
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// TestSigsYAMLPolicies: both policies print sigs.k8s.io/yaml's bytes where
// those are determined and exact; where they are not, SortStably prints
// deterministically and RefuseInexact refuses.
func TestSigsYAMLPolicies(t *testing.T) {
	for _, c := range []struct {
		name, raw string
		exact     bool // sigs.k8s.io/yaml prints it one way, unchanged
	}{
		{"plain", `{"b": [1, 1.5, "x", null, true], "a": {"k10": 1, "k9": 2, "K": 3, "_": 4}}`, true},
		{"numbers", `{"n": [0, -1, 1e21, 1e-7, 9223372036854775807, 18446744073709551615, 123456789012]}`, true},
		{"strings", `{"s": ["yes", "", "1", "a: b", "multi\nline", "Grüße ✓"]}`, true},
		{"cyclic keys", `{"8": 1, "700": 2, "7a": 3}`, false},
		{"NEL", `{"s": "a\u0085b"}`, false},
		{"long key", `{"` + strings.Repeat("k", maxSimpleKey+1) + `": 1}`, false},
	} {
		for _, useNumber := range []bool{false, true} {
			v := decodeJSON(t, c.raw, useNumber)
			before := decodeJSON(t, c.raw, useNumber)
			stable, err := SigsYAML(v, SortStably)
			if err != nil {
				t.Fatalf("%s: SortStably: %v", c.name, err)
			}
			for range 20 {
				if again, _ := SigsYAML(v, SortStably); !bytes.Equal(again, stable) {
					t.Fatalf("%s: SortStably printed\n%s\nthen\n%s", c.name, stable, again)
				}
			}
			exact, err := SigsYAML(v, RefuseInexact)
			if !reflect.DeepEqual(v, before) {
				t.Fatalf("%s: SigsYAML changed its input", c.name)
			}
			if !c.exact {
				if !errors.Is(err, ErrInexact) {
					t.Errorf("%s: RefuseInexact printed\n%s", c.name, exact)
				}
				continue
			}
			want, werr := yaml.Marshal(v)
			if err != nil || werr != nil {
				t.Fatalf("%s: errors %v, sigs.k8s.io/yaml %v", c.name, err, werr)
			}
			if !bytes.Equal(exact, want) || !bytes.Equal(stable, want) {
				t.Errorf("%s (UseNumber %v): RefuseInexact\n%s\nSortStably\n%s\nsigs.k8s.io/yaml\n%s", c.name, useNumber, exact, stable, want)
			}
		}
	}
}

// TestSigsYAMLInt64: an int64 prints as the float64 encoding/json decodes
// its text to, past 2^53 too.
func TestSigsYAMLInt64(t *testing.T) {
	got, err := SigsYAML(map[string]any{"n": int64(9007199254740993), "m": int64(-3)}, RefuseInexact)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := yaml.Marshal(map[string]any{"n": float64(9007199254740993), "m": float64(-3)})
	if !bytes.Equal(got, want) {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
