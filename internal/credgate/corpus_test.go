package credgate

import (
	"bufio"
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
	"golang.org/x/tools/txtar"
)

// corpusCase is one credential of testdata/corpus.txtar.
type corpusCase struct {
	name, kind, secret string
	data               []byte
}

func readCorpus(t *testing.T) []corpusCase {
	t.Helper()
	a, err := txtar.ParseFile("testdata/corpus.txtar")
	if err != nil {
		t.Fatal(err)
	}
	meta := map[string][2]string{}
	sc := bufio.NewScanner(bytes.NewReader(a.Comment))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 3 && strings.HasSuffix(f[0], ".yaml") {
			meta[f[0]] = [2]string{f[1], f[2]}
		}
	}
	var out []corpusCase
	for _, f := range a.Files {
		m, ok := meta[f.Name]
		if !ok {
			t.Fatalf("%s: not listed in the archive's comment", f.Name)
		}
		out = append(out, corpusCase{name: f.Name, kind: m[0], secret: m[1], data: f.Data})
	}
	if len(out) < 60 {
		t.Fatalf("corpus has %d shapes, want at least 60", len(out))
	}
	return out
}

// Every case of the corpus is found, as a file about to be written, and
// no finding quotes its secret.
func TestCorpusFound(t *testing.T) {
	for _, c := range readCorpus(t) {
		t.Run(c.name, func(t *testing.T) {
			fs := File(c.name, c.data)
			if len(fs) == 0 {
				t.Fatalf("not found:\n%s", c.data)
			}
			for _, f := range fs {
				if strings.Contains(f.String(), c.secret) {
					t.Errorf("finding quotes the secret: %s", f)
				}
				if !strings.HasPrefix(f.Pos, c.name+":") {
					t.Errorf("finding without its position: %s", f)
				}
			}
			// Structurally too, and as JSON when the case is JSON.
			if fs, err := YAML(c.name, c.data, 0); err != nil || len(fs) == 0 {
				t.Errorf("YAML scan: %v, %v", fs, err)
			}
		})
	}
}

// A shape is recognised in any text, so Redact takes the secret out of a
// message that quotes it, whatever surrounds it.
func TestCorpusShapesRedacted(t *testing.T) {
	for _, c := range readCorpus(t) {
		if c.kind != "shape" {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			msg := "environments/dev/x.cue:3:4: invalid value " + string(c.data) + " (out of bound)"
			got := Redact(msg)
			if strings.Contains(got, c.secret) {
				t.Errorf("Redact left the secret in:\n%s", got)
			}
			if !strings.Contains(got, Redacted) || !strings.HasPrefix(got, "environments/dev/x.cue:3:4: invalid value ") {
				t.Errorf("Redact: %s", got)
			}
			if len(Text(c.name, c.data)) == 0 {
				t.Errorf("the text scan misses it")
			}
		})
	}
}

// What real configurations hold besides credentials passes.
func TestCleanPasses(t *testing.T) {
	a, err := txtar.ParseFile("testdata/clean.txtar")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range a.Files {
		for _, fd := range File(f.Name, f.Data) {
			t.Errorf("false positive: %s", fd)
		}
		if got := Redact(string(f.Data)); got != string(f.Data) {
			t.Errorf("%s: Redact changed clean text:\n%s", f.Name, got)
		}
	}
}

// Holds, the cheap pass, finds every case the positioned scan finds, as
// JSON, and nothing in clean values.
func TestHoldsAgreesWithTheScan(t *testing.T) {
	for _, c := range readCorpus(t) {
		var v any
		if err := yaml.Unmarshal(c.data, &v); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		data, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if found, err := Holds(data); err != nil || !found {
			t.Errorf("%s: Holds = %v, %v", c.name, found, err)
		}
	}
	if found, _ := Holds([]byte(`{"a": {"password_file": "/x", "secrets": ["etcd-certs"], "url": "https://h.example/x?orgId=1"}}`)); found {
		t.Error("Holds finds a credential in clean values")
	}
}
