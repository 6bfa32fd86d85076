package operator

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	yamlv2 "go.yaml.in/yaml/v2"
	"sigs.k8s.io/yaml"

	"github.com/mongen-dev/mongen/internal/render/encode"
)

// viaSigsYAML is what Marshal did before encode.SigsYAML: sigs.k8s.io/yaml,
// which encodes to JSON and parses it back with yaml.v2.
func viaSigsYAML(t testing.TB, raw []byte) ([]byte, error) {
	t.Helper()
	return yaml.Marshal(decodeNumbers(t, raw))
}

func viaSigsYAMLPrinter(t testing.TB, raw []byte) ([]byte, error) {
	t.Helper()
	return encode.SigsYAML(decodeNumbers(t, raw), encode.SortStably)
}

func decodeNumbers(t testing.TB, raw []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("decode %s: %v", raw, err)
	}
	return v
}

func assertSameYAML(t testing.TB, name string, raw []byte) {
	t.Helper()
	want, werr := viaSigsYAML(t, raw)
	got, gerr := viaSigsYAMLPrinter(t, raw)
	if werr != nil && gerr == nil {
		// yaml.v2 refuses control characters in the JSON it parses, but
		// escapes them when it prints: the direct path renders what the
		// old one could not. What it prints must read back.
		var back any
		if err := yamlv2.Unmarshal(got, &back); err != nil {
			t.Fatalf("%s: encode.SigsYAML printed YAML that does not parse: %v\n%s", name, err, got)
		}
		return
	}
	if (werr == nil) != (gerr == nil) {
		t.Fatalf("%s: errors differ: sigs.k8s.io/yaml %v, encode.SigsYAML %v", name, werr, gerr)
	}
	if !bytes.Equal(got, want) {
		// sigs.k8s.io/yaml's JSON round trip loses a NEL (U+0085): yaml.v2
		// reads it as a line break inside the quoted JSON string and folds
		// it into a space. There the direct path must keep the value.
		if !readsBackAs(t, want, raw) && readsBackAs(t, got, raw) {
			return
		}
		t.Fatalf("%s: encode.SigsYAML gives\n%s\nsigs.k8s.io/yaml gives\n%s", name, got, want)
	}
}

// readsBackAs reports whether the YAML out holds the same value as the
// JSON raw.
func readsBackAs(t testing.TB, out, raw []byte) bool {
	t.Helper()
	js, err := yaml.YAMLToJSON(out)
	if err != nil {
		return false
	}
	var a, b any
	if json.Unmarshal(js, &a) != nil || json.Unmarshal(raw, &b) != nil {
		return false
	}
	return reflect.DeepEqual(a, b)
}

var trickyJSON = []string{
	`{"a": 0, "b": -1, "c": 1.5, "d": 1e-07, "e": 1e+21, "f": 18446744073709551615, "g": 9223372036854775807, "h": -9223372036854775808}`,
	`{"s": ["yes", "no", "on", "off", "null", "~", "", "1", "0x10", "1e3", "true", "-", ":", "- a", "a: b", "#c", "'q'", "\"dq\""]}`,
	`{"long": "` + strings.Repeat("word ", 40) + `", "multi": "line one\nline two\n", "tabs": "a\tb", "unicode": "Grüße ✓"}`,
	`{"nested": {"list": [{}, {"x": null}, [1, 2, [3]]], "selector": {}, "k10": 1, "k9": 2, "K": 3, "_": 4}}`,
	`{"numbers": [0.1, 100, 1e6, 123456789012, 0.000001, 3.14159, -0.0, 2.5e-10]}`,
	`{"separators": ["a\u2028b", "a\u2029b"], "nel": "a\u0085b"}`,
}

func TestYAMLNumbersMatchesSigsYAML(t *testing.T) {
	for i, j := range trickyJSON {
		assertSameYAML(t, "case "+string(rune('a'+i)), []byte(j))
	}
}

// Every object mongen ships in out/ renders the same both ways.
func TestYAMLNumbersOnShippedOutput(t *testing.T) {
	root := filepath.Join("..", "..", "..", "out")
	n := 0
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".yaml") {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for i, doc := range bytes.Split(data, []byte("\n---\n")) {
			raw, err := yaml.YAMLToJSON(doc)
			if err != nil || bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
				continue
			}
			assertSameYAML(t, p+"#"+string(rune('0'+i%10)), raw)
			n++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 50 {
		t.Fatalf("compared only %d objects of out/: is the shipped output there?", n)
	}
}

func FuzzYAMLNumbers(f *testing.F) {
	for _, j := range trickyJSON {
		f.Add([]byte(j))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		if !json.Valid(raw) {
			return
		}
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		var v any
		if dec.Decode(&v) != nil {
			return
		}
		first, err := viaSigsYAMLPrinter(t, raw)
		if err != nil {
			return
		}
		if again, _ := viaSigsYAMLPrinter(t, raw); !bytes.Equal(first, again) {
			t.Fatalf("two renders differ:\n%s\n%s", first, again)
		}
		// Where yaml.v2's own order is a total order on every map's keys,
		// its output is unique, and ours must be it.
		if encode.KeysTotallyOrdered(decodeNumbers(t, raw)) {
			assertSameYAML(t, "fuzz", raw)
		}
	})
}

// yaml.v2 sorts "8", "700" and "7a" in a cycle, so sigs.k8s.io/yaml's
// output depends on map iteration order; ours does not.
func TestYAMLNumbersIsDeterministicOnCyclicKeys(t *testing.T) {
	raw := []byte(`{"8": 1, "700": 2, "7Az21": 3, "00": 4, "p8": 5, "p700": 6, "p7x": 7}`)
	first, err := viaSigsYAMLPrinter(t, raw)
	if err != nil {
		t.Fatal(err)
	}
	for range 50 {
		if again, _ := viaSigsYAMLPrinter(t, raw); !bytes.Equal(first, again) {
			t.Fatalf("renders differ:\n%s\n%s", first, again)
		}
	}
}
