package credgate

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
	"golang.org/x/tools/txtar"
)

// decodedHolds is Holds the long way, as it was before holdsScan: decode
// into Go values, then walk them (holds). It is the oracle of the tests
// below, with today's Field (oracle_test.go's oldHolds has the old one).
func decodedHolds(data []byte) (bool, error) {
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return false, err
	}
	return holds(v, nil), nil
}

// repeatsKeys reports whether an object of a valid JSON document repeats
// a key, where the scan may find more than the decoded walk.
func repeatsKeys(data []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(data))
	var walk func() bool
	walk = func() bool {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		switch tok {
		case json.Delim('{'):
			seen := map[string]bool{}
			for dec.More() {
				k, _ := dec.Token()
				ks, _ := k.(string)
				if seen[ks] || walk() {
					return true
				}
				seen[ks] = true
			}
			dec.Token()
		case json.Delim('['):
			for dec.More() {
				if walk() {
					return true
				}
			}
			dec.Token()
		}
		return false
	}
	return walk()
}

// checkHolds holds Holds to the decoded walk on one document.
func checkHolds(t *testing.T, name string, data []byte) {
	t.Helper()
	got, gerr := Holds(data)
	want, werr := decodedHolds(data)
	if (gerr != nil) != (werr != nil) || gerr != nil && gerr.Error() != werr.Error() {
		t.Fatalf("%s: error %v, want %v", name, gerr, werr)
	}
	if got != want && !(got && repeatsKeys(data)) {
		t.Fatalf("%s: Holds = %v, the decoded walk %v\n%.300s", name, got, want, data)
	}
}

// The documents the tests read: every JSON and YAML (as JSON) file of the
// repository's out/, and the credential corpus and the clean texts, as
// JSON, each also with a credential planted in every string in turn.
func holdsDocuments(t *testing.T) map[string][]byte {
	t.Helper()
	docs := map[string][]byte{}
	addYAML := func(name string, data []byte) {
		dec := yaml.NewDecoder(bytes.NewReader(data))
		for i := 0; ; i++ {
			var v any
			if err := dec.Decode(&v); err != nil {
				if !errors.Is(err, io.EOF) {
					t.Logf("%s: %v", name, err)
				}
				return
			}
			j, err := json.Marshal(v)
			if err != nil {
				continue // a map with non-string keys
			}
			docs[name+"#"+strings.Repeat("I", i)] = j
		}
	}
	out := filepath.Join("..", "..", "out")
	filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		switch filepath.Ext(p) {
		case ".json":
			docs[p] = data
		case ".yaml", ".yml":
			addYAML(p, data)
		}
		return nil
	})
	for _, name := range []string{"testdata/corpus.txtar", "testdata/clean.txtar"} {
		a, err := txtar.ParseFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range a.Files {
			addYAML(name+"/"+f.Name, f.Data)
		}
	}
	if len(docs) < 200 {
		t.Fatalf("only %d documents: is out/ there?", len(docs))
	}
	return docs
}

func TestHoldsScanMatchesDecodedWalk(t *testing.T) {
	docs := holdsDocuments(t)
	found := 0
	for name, data := range docs {
		checkHolds(t, name, data)
		if ok, _ := Holds(data); ok {
			found++
		}
	}
	if found == 0 {
		t.Fatal("no document holds a credential: the corpus is not exercised")
	}
}

// A credential planted in any string of a clean document is found, by
// its shape or by the key it is under, as the decoded walk finds it.
func TestHoldsScanFindsPlanted(t *testing.T) {
	const token = "ghp_0123456789abcdefghijklmnopqrstuvwxyzAB"
	planted := 0
	for name, data := range holdsDocuments(t) {
		if ok, _ := Holds(data); ok || planted > 20000 {
			continue
		}
		// Replace each string value in turn (at most 40 per document).
		for i, n := 0, 0; n < 40; n++ {
			at := bytes.Index(data[i:], []byte(`":"`))
			if at < 0 {
				break
			}
			at += i + 3
			end := at + bytes.IndexByte(data[at:], '"')
			doc := append(append(append([]byte{}, data[:at]...), token...), data[end:]...)
			i = end
			if !json.Valid(doc) { // the value held an escaped quote
				continue
			}
			checkHolds(t, name, doc)
			if ok, _ := Holds(doc); !ok {
				t.Fatalf("%s: a token planted at byte %d is not found", name, at)
			}
			planted++
		}
	}
	if planted < 1000 {
		t.Fatalf("only %d plants", planted)
	}
}

func TestHoldsScanEdges(t *testing.T) {
	for _, doc := range []string{
		`{"relabel":[{"target_label":"__param_access_token","replacement":"abc"}]}`,
		`{"relabel":[{"targetLabel":"api_token","replacement":"abc"}]}`,
		`{"relabel":[{"target_label":"api_token","replacement":"$1"}]}`,
		`{"relabel":[{"target_label":"api_token","replacement":1}]}`,
		`{"relabel":[{"target_label":"api_token","replacement":"abc","replacement":2}]}`,
		`{"password":"\u0068unter22"}`,
		`{"pass\u0077ord":"x"}`,
		`{"a":"\ud83d\ude00 \u00e9\u0000"}`,
		"{\"a\":\"\xff\xfe\"}",
		`{"n":1e400}`,
		`{"n":-1e400,"password":"x"}`,
		`{"n":[1.5e3,-0,0.1E-2,12345678901234567890]}`,
		`{"raw":"{\"password\": \"x\"}"}`,
		`{"raw":"a: 1\npassword: x\n"}`,
		`  [ true , false , null , "Bearer abcdefgh12345678" ]  `,
		`"https://user:pass@example.com/"`,
		`{}`, `[]`, `""`, `0`,
		`{"a":`, `{"a" 1}`, `[1,]`, ``,
	} {
		checkHolds(t, doc, []byte(doc))
	}
}

func FuzzHoldsScan(f *testing.F) {
	for _, s := range []string{
		`{"relabel":[{"target_label":"__param_token","replacement":"abc"}]}`,
		`{"headers":{"Authorization":"Bearer abcdefgh12345678"}}`,
		`{"params":{"token":["x"]}}`,
		`{"a":"\u00e9\ud800","b":[1e308,2e-400]}`,
		`{"raw":"{\"password\": \"x\"}","k":{"k":{"k":"postgres://u:p@h:5432/db"}}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkHolds(t, "fuzz", data)
	})
}

// BenchmarkHolds compares the scan with the decoded walk, in the same
// run, on every document of out/ as one JSON array.
func BenchmarkHolds(b *testing.B) {
	t := &testing.T{}
	var docs [][]byte
	for _, d := range holdsDocuments(t) {
		docs = append(docs, d)
	}
	data := append([]byte("["), bytes.Join(docs, []byte(","))...)
	data = append(data, ']')
	// MONGEN_HOLDS_DOC names another document, such as a large
	// environment's decoded model (what load's credentialFree scans).
	if name := os.Getenv("MONGEN_HOLDS_DOC"); name != "" {
		var err error
		if data, err = os.ReadFile(name); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("scan", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			Holds(data)
		}
	})
	b.Run("decoded", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			decodedHolds(data)
		}
	})
}

func holds(v any, p []string) bool {
	switch x := v.(type) {
	case map[string]any:
		for k, c := range x {
			if holds(c, append(p[:len(p):len(p)], k)) {
				return true
			}
		}
		_, what := Relabel(func(f string) (string, bool) { s, ok := x[f].(string); return s, ok })
		return what != ""
	case []any:
		for _, c := range x {
			if holds(c, append(p[:len(p):len(p)], Index)) {
				return true
			}
		}
	case string:
		if Field(p, x) != "" {
			return true
		}
		if t := strings.TrimSpace(x); strings.Contains(x, "\n") || strings.HasPrefix(t, "{") {
			return len((&walker{}).embeddedFindings(x)) > 0
		}
	}
	return false
}
