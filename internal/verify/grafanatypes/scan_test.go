package grafanatypes

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/mongen-dev/mongen/internal/golden"
)

// sameAsEncodingJSON checks every scan of scan.go on valid JSON, and on
// each value nested in it, against encoding/json doing the same.
func sameAsEncodingJSON(t *testing.T, data []byte) {
	t.Helper()
	if !json.Valid(data) {
		t.Fatalf("not valid JSON: %q", data)
	}

	var wantStr string
	wantStrErr := json.Unmarshal(data, &wantStr)
	gotStr, ok := stringValue(bytes.TrimSpace(data))
	if ok != (wantStrErr == nil) || gotStr != wantStr {
		t.Errorf("stringValue(%q) = %q, %v; encoding/json: %q, %v", data, gotStr, ok, wantStr, wantStrErr)
	}

	var wantMap map[string]json.RawMessage
	mapErr := json.Unmarshal(data, &wantMap)
	o, ok := members(data)
	if ok != (mapErr == nil && wantMap != nil) {
		t.Errorf("members(%q) ok = %v; encoding/json: %v, nil map %v", data, ok, mapErr, wantMap == nil)
	}
	if isObject(data) != ok {
		t.Errorf("isObject(%q) = %v, members ok %v", data, !ok, ok)
	}
	if ok {
		got := map[string]json.RawMessage{}
		for i, m := range o {
			if i > 0 && o[i-1].key >= m.key {
				t.Errorf("members(%q): %q after %q", data, m.key, o[i-1].key)
			}
			got[m.key] = m.val
		}
		if !reflect.DeepEqual(got, wantMap) {
			t.Errorf("members(%q) = %q; encoding/json: %q", data, got, wantMap)
		}
		want, err := json.Marshal(wantMap)
		if err != nil {
			t.Fatal(err)
		}
		if enc := o.encode(); !bytes.Equal(enc, want) {
			t.Errorf("encode of %q = %s; json.Marshal: %s", data, enc, want)
		}
		for _, m := range o {
			sameAsEncodingJSON(t, m.val)
		}
	}

	var wantArr []json.RawMessage
	arrErr := json.Unmarshal(data, &wantArr)
	a, ok := elements(data)
	if ok != (arrErr == nil) || len(a) != len(wantArr) || (a == nil) != (wantArr == nil) {
		t.Errorf("elements(%q) = %q, %v; encoding/json: %q, %v", data, a, ok, wantArr, arrErr)
	}
	for i := range min(len(a), len(wantArr)) {
		if !bytes.Equal(a[i], wantArr[i]) {
			t.Errorf("elements(%q)[%d] = %q; encoding/json: %q", data, i, a[i], wantArr[i])
		}
		sameAsEncodingJSON(t, a[i])
	}
}

// scanCases are JSON values the corpus does not have, for the corners of
// encoding/json the scans give to it or copy.
var scanCases = []string{
	`{}`, `[]`, `null`, `true`, `false`, `0`, `-0`, `1.5e3`, `1E-2`, `1e400`, `-1e400`, `12345678901234567890`,
	`""`, `"plain"`, `"a\"b"`, `"a\\b"`, `"\u00e9\u4e2d"`, `"é中"`, `"\ud83d\ude00"`, `"\ud83d"`, `"\ude00x"`,
	"\"\xff\xfe\"", "\"a\xc3\"", `"a<b>&c"`, "\"\u2028\u2029\"", `"\u2028"`, `"\/\b\f\n\r\t"`,
	" \t\r\n{ \"a\" : 1 , \"b\" :[ 1 ,2 ] , \"c\":{ } } \n",
	`{"a": 1, "a": 2, "b": {"c": 3}, "a": 3}`,
	`{"b": 1, "a": 2, "B": 3, "": 4, "é": 5, "\u00e9": 6, "a<": 7, "\u2028": 8, "k\"": 9, "k\\": 10, "\u0000": 11}`,
	"{\"k\xff\": 1, \"k\xfe\": 2}",
	`{"html": "<a href=\"x\">&amp;</a>", "sep": "` + "\u2028x\u2029" + `", "nested": {"s": "<>", "a": [" < ", {"&": "&"}]}}`,
	`[1, "two", [3, [4, []]], {"five": {"six": null}}, true, false, null, -0.0, 1e400]`,
	`[{}, [], "", 0]`,
	`{"big": 1e400, "small": 1e-400}`,
	`[  ]`, `{  }`, `[ null ]`,
}

// TestScansAreEncodingJSON: on the corpus, the hand-written dashboards and
// the cases above, every value nested in them included, each scan gives
// exactly what encoding/json gives.
func TestScansAreEncodingJSON(t *testing.T) {
	ar, err := golden.ParseFile("testdata/corpus.txtar")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range ar.Files {
		sameAsEncodingJSON(t, f.Data)
	}
	for _, c := range handWritten {
		if json.Valid([]byte(c.data)) {
			sameAsEncodingJSON(t, []byte(c.data))
		}
	}
	for _, c := range scanCases {
		sameAsEncodingJSON(t, []byte(c))
	}
}

// TestScansSeeDifferences: the scans are not blind to what they skip: a
// changed member, key or element comes out changed.
func TestScansSeeDifferences(t *testing.T) {
	a, _ := members([]byte(`{"a": {"x": [1, "}"]}, "b": "\"]"}`))
	b, _ := members([]byte(`{"a": {"x": [1, "]"]}, "b": "\"]"}`))
	if reflect.DeepEqual(a, b) || bytes.Equal(a.encode(), b.encode()) {
		t.Errorf("a changed value inside a member is not seen: %q, %q", a, b)
	}
	c, _ := members([]byte(`{"a\u0062": 1}`))
	if c.get("ab") == nil || c.get("a\\u0062") != nil {
		t.Errorf("an escaped key is not unescaped: %q", c)
	}
	e, _ := elements([]byte(`[{"a": "[,"}, 2]`))
	if len(e) != 2 || string(e[0]) != `{"a": "[,"}` {
		t.Errorf("elements = %q", e)
	}
}

// FuzzScans: go test -fuzz FuzzScans ./internal/verify/grafanatypes looks
// for valid JSON on which a scan and encoding/json part.
func FuzzScans(f *testing.F) {
	for _, c := range scanCases {
		f.Add([]byte(c))
	}
	for _, c := range handWritten {
		f.Add([]byte(c.data))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if json.Valid(data) {
			sameAsEncodingJSON(t, data)
		}
	})
}

// TestProblemOrderIsDeterministic: unknown fields whose paths pathLess
// cannot order (numerically equal keys), which the SDK reports in map
// order, come out in the same order every time.
func TestProblemOrderIsDeterministic(t *testing.T) {
	data := []byte(`{"schemaVersion": 41, "templating": {"list": []}, "0": 1, "00": 2, "000": 3, "0000": 4, "a": {"1": 1, "01": 2}}`)
	var first []Problem
	for i := range 20 {
		_, problems := Decode(data)
		if i == 0 {
			first = problems
			continue
		}
		if !reflect.DeepEqual(problems, first) {
			t.Fatalf("decode %d: %v, first %v", i, problems, first)
		}
	}
	var paths []string
	for _, p := range first {
		paths = append(paths, p.Path)
	}
	if want := []string{"0", "00", "000", "0000", "a"}; !reflect.DeepEqual(paths, want) {
		t.Errorf("paths %q, want %q", paths, want)
	}
}
