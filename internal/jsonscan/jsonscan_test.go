package jsonscan

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// span is where one value of a document starts and ends.
type span struct{ start, end int }

// walk reads the value at the scanner's cursor into what a json.Decoder
// with UseNumber gives (the last of a repeated key kept), noting each
// value's span and whether every number fits a float64.
func walk(s *Scanner, spans *[]span, fit *bool) any {
	s.Kind()
	start := s.Offset()
	var v any
	switch s.Kind() {
	case Object:
		m := map[string]any{}
		s.BeginObject()
		for k, ok := s.NextKey(); ok; k, ok = s.NextKey() {
			m[k] = walk(s, spans, fit)
		}
		v = m
	case Array:
		a := []any{}
		s.BeginArray()
		for s.NextElem() {
			a = append(a, walk(s, spans, fit))
		}
		v = a
	case String:
		v = s.String()
	case Number:
		n := s.Number()
		*fit = *fit && FitsFloat64(n)
		v = json.Number(n)
	default:
		s.Skip()
		switch {
		case s.bad:
		case s.data[start] == 't':
			v = true
		case s.data[start] == 'f':
			v = false
		}
	}
	*spans = append(*spans, span{start, s.Offset()})
	return v
}

// sameAsEncodingJSON holds the package to encoding/json on one input:
// Valid is json.Valid; on a valid document, the scanner's walk decodes it
// as a json.Decoder with UseNumber does, its numbers fit a float64 exactly
// when json.Unmarshal into any takes it, and SkipValue ends every value
// where the scanner does; Unquote of the input is json.Unmarshal of it
// into a string.
func sameAsEncodingJSON(t *testing.T, data []byte) {
	t.Helper()
	valid := json.Valid(data)
	if got := Valid(data); got != valid {
		t.Fatalf("Valid(%q) = %v, json.Valid %v", data, got, valid)
	}

	var str string
	strErr := json.Unmarshal(data, &str)
	got, ok := Unquote(data)
	isLit := len(data) > 0 && data[0] == '"' && data[len(data)-1] == '"'
	if ok && (strErr != nil || got != str) || !ok && strErr == nil && isLit {
		t.Fatalf("Unquote(%q) = %q, %v; json.Unmarshal: %q, %v", data, got, ok, str, strErr)
	}

	if !valid {
		return
	}
	var s Scanner
	s.Reset(data)
	var spans []span
	fit := true
	v := walk(&s, &spans, &fit)
	if !s.Valid() {
		t.Fatalf("the walk of %q ends invalid", data)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var want any
	if err := dec.Decode(&want); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(v, want) {
		t.Fatalf("the walk of %q gives %#v; encoding/json %#v", data, v, want)
	}
	var anyV any
	if err := json.Unmarshal(data, &anyV); (err == nil) != fit {
		t.Fatalf("%q: every number fits a float64: %v; json.Unmarshal: %v", data, fit, err)
	}
	for _, sp := range spans {
		if end := SkipValue(data, sp.start); end != sp.end {
			t.Fatalf("SkipValue(%q, %d) = %d, the scanner ends the value at %d", data, sp.start, end, sp.end)
		}
	}
	if i := SkipSpace(data, 0); spans[len(spans)-1].start != i {
		t.Fatalf("SkipSpace(%q, 0) = %d, the document starts at %d", data, i, spans[len(spans)-1].start)
	}
}

var validCases = []string{
	`{}`, `[]`, `null`, `true`, `false`, `0`, `-0`, `1.5e3`, `1E-2`, `1e+2`, `-0.0`, `1e400`, `-1e400`, `1e-400`,
	`12345678901234567890`, `""`, `"plain"`, `"a\"b"`, `"a\\b"`, `"\/\b\f\n\r\t"`, `"\u00e9\u4e2d"`, `"é中"`,
	`"\ud83d\ude00"`, `"\ud83d"`, `"\ude00x"`, `"\ud83d\u0041"`, `"\ud800\ud800"`, `"\uD83D\uDE00"`,
	"\"\xff\xfe\"", "\"a\xc3\"", "\"\xed\xa0\x80\"", "\"\u2028\u2029\"", `"\u0000"`,
	" \t\r\n{ \"a\" : 1 , \"b\" :[ 1 ,2 ] , \"c\":{ } } \n",
	`{"a": 1, "a": 2, "b": {"c": 3}, "a": 3}`,
	`{"b": 1, "": 4, "é": 5, "\u00e9": 6, "k\"": 9, "k\\": 10}`,
	`[1, "two", [3, [4, []]], {"five": {"six": null}}, true, false, null, -0.0, 1e400]`,
	`[{}, [], "", 0]`, `[[],1]`, `[{},{}]`, `{"a":[],"b":{}}`, `[  ]`, `{  }`, `[ null ]`,
}

var invalidCases = []string{
	``, ` `, `{`, `}`, `[`, `]`, `{"a"}`, `{"a":}`, `{"a" 1}`, `{"a":1,}`, `{,"a":1}`, `{1:1}`, `{"a":1 "b":2}`,
	`[1,]`, `[,1]`, `[1 2]`, `[1}`, `{"a":1]`, `[[]`, `[]]`, `1 2`, `"a" "b"`, `tru`, `truex`, `nul`, `nulll`, `True`,
	`01`, `-`, `-a`, `1.`, `.5`, `+1`, `1e`, `1e+`, `1.e2`, `0x1`, `1_000`, `Infinity`, `NaN`,
	`"`, `"abc`, `"\"`, `"\x"`, `"\u12"`, `"\u12g4"`, `"\'"`, "\"a\nb\"", "\"\x00\"", "\"\x1f\"",
	"\xef\xbb\xbf{}", "{}\x00", `[1,2`, `{"a":{"b":[1,{"c":}]}}`,
}

// TestValid: Valid is json.Valid, and both say what each case is meant
// to be.
func TestValid(t *testing.T) {
	for want, cases := range map[bool][]string{true: validCases, false: invalidCases} {
		for _, c := range cases {
			if got := Valid([]byte(c)); got != want {
				t.Errorf("Valid(%q) = %v, want %v", c, got, want)
			}
			sameAsEncodingJSON(t, []byte(c))
		}
	}
}

// TestDepth: objects and arrays nest as deep as encoding/json lets them,
// no deeper.
func TestDepth(t *testing.T) {
	for _, open := range []string{"[", `{"a":`} {
		close := map[string]string{"[": "]", `{"a":`: "}"}[open]
		for _, depth := range []int{MaxDepth, MaxDepth + 1} {
			doc := []byte(strings.Repeat(open, depth) + "1" + strings.Repeat(close, depth))
			want := depth <= MaxDepth
			if got := Valid(doc); got != want || json.Valid(doc) != want {
				t.Errorf("%q nested %d deep: Valid %v, json.Valid %v, want %v", open, depth, got, json.Valid(doc), want)
			}
		}
	}
}

// TestStrings: strings decode to the text encoding/json gives, spelled
// out here.
func TestStrings(t *testing.T) {
	for lit, want := range map[string]string{
		`"plain"`:              "plain",
		`"a\"b\\c\/d"`:         `a"b\c/d`,
		`"\b\f\n\r\t"`:         "\b\f\n\r\t",
		`"\u00e9\u4E2D"`:       "é中",
		`"\ud83d\ude00"`:       "😀",
		`"\ud83d"`:             "\uFFFD",
		`"\ud83dx"`:            "\uFFFDx",
		`"\ud83d\u0041"`:       "\uFFFDA",
		`"\ud800\ud800"`:       "\uFFFD\uFFFD",
		`"\ude00\ud83d\ude00"`: "\uFFFD😀",
		"\"\xff\xfe\"":         "\uFFFD\uFFFD",
		"\"a\xc3\"":            "a\uFFFD",
		"\"\xed\xa0\x80\"":     "\uFFFD\uFFFD\uFFFD",
		"\"\xff\\n\"":          "\uFFFD\n",
		"\"é\\té\"":            "é\té",
		`"\u0000"`:             "\x00",
	} {
		got, ok := Unquote([]byte(lit))
		var s Scanner
		s.Reset([]byte(lit))
		scanned := s.String()
		var std string
		err := json.Unmarshal([]byte(lit), &std)
		if !ok || got != want || scanned != want || err != nil || std != want {
			t.Errorf("%s: Unquote %q, %v; Scanner.String %q; json.Unmarshal %q, %v; want %q", lit, got, ok, scanned, std, err, want)
		}
	}
	for _, lit := range []string{``, `"`, `"a`, `a"`, `"a" `, ` "a"`, `null`, `"\x"`, `"a"b"`, "\"\n\""} {
		if got, ok := Unquote([]byte(lit)); ok {
			t.Errorf("Unquote(%q) = %q, true; not a string literal", lit, got)
		}
	}
}

// TestFitsFloat64: a number fits exactly when json.Unmarshal into any
// takes it.
func TestFitsFloat64(t *testing.T) {
	for num, want := range map[string]bool{
		"0": true, "-1.5": true, "1e308": true, "1.7976931348623157e308": true, "1.8e308": false, "-1e309": false,
		"1e-400": true, "1E400": false, "1" + strings.Repeat("0", 308): true, "1" + strings.Repeat("0", 309): false,
		"-1" + strings.Repeat("0", 309): false, "0." + strings.Repeat("0", 400) + "1": true,
	} {
		var v any
		err := json.Unmarshal([]byte(num), &v)
		if got := FitsFloat64([]byte(num)); got != want || (err == nil) != want {
			t.Errorf("FitsFloat64(%.40s) = %v, json.Unmarshal %v, want %v", num, got, err, want)
		}
	}
}

// TestScannerStopsAtError: after an error nothing more is read, and the
// document is invalid however it goes on.
func TestScannerStopsAtError(t *testing.T) {
	var s Scanner
	s.Reset([]byte(`[1, x, "a"]`))
	s.BeginArray()
	if !s.NextElem() || string(s.Number()) != "1" || !s.NextElem() {
		t.Fatal("the first element is not read")
	}
	s.Skip()
	if s.NextElem() || s.Kind() != Invalid || s.String() != "" || s.Valid() {
		t.Fatal("the scanner reads on after an error")
	}
}

// TestOutDocuments: every JSON file of the repository's out/, and each
// with one byte changed, answer as encoding/json does.
func TestOutDocuments(t *testing.T) {
	docs := outDocuments(t)
	changed := 0
	for _, data := range docs {
		sameAsEncodingJSON(t, data)
		for _, at := range []int{0, len(data) / 3, len(data) / 2, len(data) - 1} {
			for _, b := range []byte{'"', '}', ',', '\\', 'x', '1'} {
				d := bytes.Clone(data)
				d[at] = b
				sameAsEncodingJSON(t, d)
				if !Valid(d) {
					changed++
				}
			}
		}
	}
	if changed == 0 {
		t.Fatal("no changed document is invalid: the changes are not exercised")
	}
}

func outDocuments(tb testing.TB) [][]byte {
	tb.Helper()
	names, err := filepath.Glob(filepath.Join("..", "..", "out", "*", "*", "*.json"))
	if err != nil {
		tb.Fatal(err)
	}
	more, _ := filepath.Glob(filepath.Join("..", "..", "out", "*", "*", "*", "*.json"))
	names = append(names, more...)
	var docs [][]byte
	for _, n := range names {
		data, err := os.ReadFile(n)
		if err != nil {
			tb.Fatal(err)
		}
		docs = append(docs, data)
	}
	if len(docs) < 10 {
		tb.Fatalf("only %d documents in out/", len(docs))
	}
	return docs
}

func FuzzAgainstEncodingJSON(f *testing.F) {
	for _, c := range validCases {
		f.Add([]byte(c))
	}
	for _, c := range invalidCases {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		sameAsEncodingJSON(t, data)
	})
}

// BenchmarkValid compares Valid with json.Valid, and a Scanner walk, on
// the out/ documents as one array.
func BenchmarkValid(b *testing.B) {
	data := append([]byte("["), bytes.Join(outDocuments(b), []byte(","))...)
	data = append(data, ']')
	b.Run("jsonscan", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			Valid(data)
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			json.Valid(data)
		}
	})
}

// TestValidDoesNotDecode: Valid checks keys and strings without decoding
// them (it has no use for their text), so it allocates nothing.
func TestValidDoesNotDecode(t *testing.T) {
	doc := []byte(`{"a\u00e9": ["x\n", {"key": "value", "k\"": [1, 2.5e3, true, null]}], "é": {}}`)
	if n := testing.AllocsPerRun(100, func() {
		if !Valid(doc) {
			t.Fatal("the document is valid")
		}
	}); n != 0 {
		t.Errorf("Valid allocates %v times a run, want 0", n)
	}
}
