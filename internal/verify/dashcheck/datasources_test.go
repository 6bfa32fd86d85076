package dashcheck

import (
	"bytes"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mongen-dev/mongen/internal/golden"
)

// dashboards is every dashboard JSON the repository holds: the shipped
// environments' output (out/), grafanatypes' corpus and the grafana
// renderer's golden files.
func dashboards(t testing.TB) map[string][]byte {
	t.Helper()
	docs := map[string][]byte{}
	var outs []string
	for _, pattern := range []string{"../../../out/*/dashboards/*.json", "../../../out/*/*/dashboards/*.json"} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		outs = append(outs, m...)
	}
	for _, name := range outs {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		docs[name] = data
	}
	archives, err := filepath.Glob("../../render/grafana/testdata/*.txtar")
	if err != nil {
		t.Fatal(err)
	}
	archives = append(archives, "../grafanatypes/testdata/corpus.txtar")
	for _, name := range archives {
		ar, err := golden.ParseFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range ar.Files {
			if strings.HasSuffix(f.Name, ".json") {
				docs[name+":"+f.Name] = f.Data
			}
		}
	}
	if len(outs) < 10 || len(docs) < len(outs)+10 {
		t.Fatalf("%d dashboards, %d of them in out/: the repository has more", len(docs), len(outs))
	}
	return docs
}

// answer is refs' result as text, in one order: treeRefs walks maps in
// random order, and the check's problems are sorted after it.
func answer(out []badRef, err error) string {
	if err != nil {
		return "error: " + err.Error()
	}
	lines := make([]string, len(out))
	for i, r := range out {
		lines[i] = fmt.Sprintf("%s.datasource is %v", r.path, r.uid)
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}

// sameAsTree holds refs (the scan, with the tree where it cannot answer)
// to treeRefs on data and returns the answer.
func sameAsTree(t *testing.T, name string, data []byte) string {
	t.Helper()
	got, want := answer(refs(data)), answer(treeRefs(data))
	if got != want {
		t.Fatalf("%s: the scan finds\n%s\nthe tree finds\n%s", name, got, want)
	}
	return got
}

var uidLit = []byte(`"uid": "${datasource}"`)

// TestScanRefsEqualsTree: over every dashboard in the repository, and the
// same with each datasource reference's uid changed in turn, the scan
// reports what decoding into a tree reports; each change is caught.
func TestScanRefsEqualsTree(t *testing.T) {
	changed := 0
	for name, data := range dashboards(t) {
		if _, ok := scanRefs(data); !ok {
			t.Errorf("%s: the scan did not answer", name)
		}
		if got := sameAsTree(t, name, data); got != "" {
			t.Errorf("%s: a shipped dashboard has bad references:\n%s", name, got)
		}
		for i, n := 0, 0; ; n++ {
			j := bytes.Index(data[i:], uidLit)
			if j < 0 {
				break
			}
			at := i + j
			i = at + len(uidLit)
			edit := slices.Concat(data[:at], []byte(`"uid": "prom-prod"`), data[i:])
			got := sameAsTree(t, fmt.Sprintf("%s, reference %d", name, n), edit)
			if strings.Count(got, "\n") != 0 || !strings.HasSuffix(got, ".datasource is prom-prod") {
				t.Fatalf("%s, reference %d changed: found %q, want it alone", name, n, got)
			}
			changed++
		}
	}
	if changed < 100 {
		t.Errorf("%d references changed: the dashboards have more", changed)
	}
}

// TestScanRefsEdgeCases: JSON that a dashboard's generic decoding reads in
// its own way (duplicate keys, escapes, uids that are not strings,
// numbers out of range, invalid documents) gives the same answer either
// way.
func TestScanRefsEdgeCases(t *testing.T) {
	for _, c := range []struct{ doc, want string }{
		{`{"datasource":{"uid":"${datasource}"}}`, ""},
		{`{"datasource":{"uid":"x"}}`, ".datasource is x"},
		{`{"datasource":{"type":"prometheus"}}`, ".datasource is <nil>"},
		{`{"datasource":{}}`, ".datasource is <nil>"},
		{`{"datasource":{"uid":null}}`, ".datasource is <nil>"},
		{`{"datasource":{"uid":1e3}}`, ".datasource is 1000"},
		{`{"datasource":{"uid":true}}`, ".datasource is true"},
		{`{"datasource":{"uid":{"a":[1,"b"]}}}`, ".datasource is map[a:[1 b]]"},
		{`{"datasource":"${datasource}"}`, ""},
		{`{"datasource":null}`, ""},
		{`{"datasource":["x"]}`, ""},
		{`{"datasource":{"uid":"$\u007bdatasource}"}}`, ""},
		{`{"\u0064atasource":{"uid":"x"}}`, ".datasource is x"},
		{`{"datasource":{"\u0075id":"x"}}`, ".datasource is x"},
		{`{"datasource":{"uid":"x","uid":"${datasource}"}}`, ""},
		{`{"datasource":{"uid":"${datasource}","uid":"x"}}`, ".datasource is x"},
		{`{"datasource":{"uid":"x"},"datasource":{"uid":"${datasource}"}}`, ""},
		{`{"datasource":{"uid":"${datasource}"},"datasource":{"uid":"y"}}`, ".datasource is y"},
		{`{"a":{"datasource":{"uid":"x"}},"a":1}`, ""},
		{`{"datasource":{"uid":"x","datasource":{"uid":"y"}}}`, ".datasource is x\n.datasource.datasource is y"},
		{`{"k.\"[":[{"datasource":{"uid":"x"}}]}`, `.k."[[0].datasource is x`},
		{` [ {"p": [ [], {"datasource" : { "uid" : "z" } } ] } ] `, "[0].p[1].datasource is z"},
		{"{\"\xff\":{\"datasource\":{\"uid\":\"\xfe\"}}}", ".\ufffd.datasource is \ufffd"},
		{`{"datasource":{"uid":"x"},"n":1e400}`, "error: json: cannot unmarshal number 1e400 into Go value of type float64"},
		{`{"datasource":{"uid":"x"}`, "error: unexpected end of JSON input"},
		{`{"datasource":{"uid":"x"}} {}`, "error: invalid character '{' after top-level value"},
		{``, "error: unexpected end of JSON input"},
		{`"datasource"`, ""},
	} {
		if got := sameAsTree(t, c.doc, []byte(c.doc)); got != c.want {
			t.Errorf("%s: found %q, want %q", c.doc, got, c.want)
		}
	}
	// Many members, with a duplicate, as dropShadowed finds them in a map.
	var b strings.Builder
	b.WriteString(`{"datasource":{"uid":"x"}`)
	for i := range 40 {
		fmt.Fprintf(&b, `,"m%d":%d`, i, i)
	}
	b.WriteString(`,"datasource":{"uid":"${datasource}"}}`)
	if got := sameAsTree(t, "40 members", []byte(b.String())); got != "" {
		t.Errorf("40 members: found %q, want nothing", got)
	}
}

// FuzzScanRefs: on any input the scan answers as the tree does.
func FuzzScanRefs(f *testing.F) {
	for _, doc := range []string{
		`{"datasource":{"uid":"${datasource}"}}`,
		`{"datasource":{"uid":"x","uid":"${datasource}"},"datasource":{"uid":1}}`,
		`[{"a":{"datasource":{"\u0075id":"$\u007bdatasource}"}}},[],{}]`,
		`{"datasource":{"uid":"x"},"n":-1e400}`,
	} {
		f.Add([]byte(doc))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		sameAsTree(t, "input", data)
	})
}

// BenchmarkRefs compares the scan with the tree over the repository's
// dashboards.
func BenchmarkRefs(b *testing.B) {
	docs := slices.Collect(maps.Values(dashboards(b)))
	for _, c := range []struct {
		name string
		refs func([]byte) ([]badRef, error)
	}{{"scan", refs}, {"tree", treeRefs}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				for _, d := range docs {
					if _, err := c.refs(d); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
