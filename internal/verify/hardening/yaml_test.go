package hardening

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	yamlv2 "go.yaml.in/yaml/v2"

	"github.com/mongen-dev/mongen/internal/artifact"
)

// webSpec is the spec of Deployment web, unhardened: its image is pinned
// by tag only, which the check reports.
const webSpec = `spec:
  replicas: 1
  template:
    spec:
      containers:
        - name: web
          image: example.org/web:v1
`

const web = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n" + webSpec

// anyYAML are manifests holding Deployment web written in other ways than
// mongen's encoder writes them, and the objects in each.
var anyYAML = []struct {
	name, data string
	ids        []string
}{
	{"block", web, []string{"Deployment/web"}},
	{"quoted", "apiVersion: \"apps/v1\"\nkind: \"Deployment\"\nmetadata:\n  name: 'web'\n" + webSpec, []string{"Deployment/web"}},
	{"commented", "# kind: ConfigMap\napiVersion: apps/v1 # v1\nkind: Deployment # not a ConfigMap\nmetadata: # the workload's\n  # name: cm\n  name: web\n" + webSpec, []string{"Deployment/web"}},
	{"flow", `{apiVersion: apps/v1, kind: Deployment, metadata: {name: web}, spec: {replicas: 1, template: {spec: {containers: [{name: web, image: "example.org/web:v1"}]}}}}`, []string{"Deployment/web"}},
	// A flow mapping's and a quoted scalar's lines may start in column
	// 0, where a line reads like a top-level key.
	{"flow across lines", "apiVersion: apps/v1\nnote: {a: 1,\nkind: ConfigMap\n}\nkind: Deployment\nmetadata:\n  name: web\n" + webSpec, []string{"Deployment/web"}},
	{"quoted across lines", "apiVersion: apps/v1\nnote: \"a\nkind: ConfigMap\nmetadata:\n  name: cm\n\"\nkind: Deployment\nmetadata:\n  name: web\n" + webSpec, []string{"Deployment/web"}},
	// sigs.k8s.io/yaml keeps the last of two equal keys.
	{"kind twice", "apiVersion: apps/v1\nkind: ConfigMap\nmetadata:\n  name: web\n" + webSpec + "kind: Deployment\n", []string{"Deployment/web"}},
	{"merged kind", "apiVersion: apps/v1\nkind: ConfigMap\nmetadata:\n  name: web\n" + webSpec + "<<: {kind: Deployment}\n", []string{"Deployment/web"}},
	// yaml.v2 breaks lines at a carriage return (and NEL, LS, PS) too.
	{"line broken by a carriage return", "apiVersion: apps/v1\nkind: ConfigMap\nmetadata:\n  name: web\n" + webSpec + "x: y\rkind: Deployment\n", []string{"Deployment/web"}},
	{"line broken by LS", "apiVersion: apps/v1\nkind: ConfigMap\nmetadata:\n  name: web\n" + webSpec + "x: y\u2028kind: Deployment\n", []string{"Deployment/web"}},
	{"after a ConfigMap", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n---\n" + web, []string{"ConfigMap/cm", "Deployment/web"}},
	{"before a ConfigMap", web + "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n", []string{"Deployment/web", "ConfigMap/cm"}},
	{"after an empty document", "---\n# nothing yet\n---\n" + web, []string{"Deployment/web"}},
	{"after a document end", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n...\n---\n" + web, []string{"ConfigMap/cm", "Deployment/web"}},
	{"markers with comments", "--- # the ConfigMap\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n---\t# the workload\n" + web, []string{"ConfigMap/cm", "Deployment/web"}},
	{"CRLF line breaks", strings.ReplaceAll("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n---\n"+web, "\n", "\r\n"), []string{"ConfigMap/cm", "Deployment/web"}},
}

// Each object of a manifest is found as a decoding finds it, and checked,
// however its YAML is written.
func TestObjectsInAnyYAML(t *testing.T) {
	for _, c := range anyYAML {
		t.Run(c.name, func(t *testing.T) {
			tree := artifact.NewTree()
			if err := tree.Add(artifact.File{Path: "manifests/x.yaml", Data: []byte(c.data), Origin: "environments/x/main.cue:1:1"}); err != nil {
				t.Fatal(err)
			}
			objs, _ := objects(tree)
			var ids []string
			for _, o := range objs {
				ids = append(ids, o.id())
				if o.kind == "Deployment" && o.body == nil {
					t.Errorf("%s not decoded", o.id())
				}
			}
			if strings.Join(ids, " ") != strings.Join(c.ids, " ") {
				t.Errorf("objects %q, want %q", ids, c.ids)
			}
			found := false
			for _, f := range Check(plan(nil), tree) {
				found = found || f.Check == CheckImageDigest && f.Subject == "Deployment/web"
			}
			if !found {
				t.Error("Deployment/web is not checked: no image-digest finding on it")
			}
		})
	}
}

// checkInert holds inert to documents on data: where inert knows a kind
// and name, a decoding of the whole file reads them too (or the file does
// not decode). It returns whether inert knew them.
func checkInert(t *testing.T, data []byte) bool {
	t.Helper()
	kind, name, ok := inert(data)
	if !ok {
		return false
	}
	bodies, err := documents(data)
	if err != nil {
		return true // no object; verify's parsers report the file
	}
	if len(bodies) != 1 || str(bodies[0], "kind") != kind || str(mapAt(bodies[0], "metadata"), "name") != name {
		var ids []string
		for _, b := range bodies {
			ids = append(ids, str(b, "kind")+"/"+str(mapAt(b, "metadata"), "name"))
		}
		t.Errorf("inert reads %s/%s, decoding reads %q, in:\n%s", kind, name, ids, data)
	}
	return true
}

// mongenManifests are the manifests of out/.
func mongenManifests(t testing.TB) map[string][]byte {
	paths, _ := filepath.Glob(filepath.Join("..", "..", "..", "out", "*", "manifests", "*.yaml"))
	more, _ := filepath.Glob(filepath.Join("..", "..", "..", "out", "*", "*", "manifests", "*.yaml"))
	out := map[string][]byte{}
	for _, p := range append(paths, more...) {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out[p] = data
	}
	if len(out) < 20 {
		t.Fatalf("only %d manifests in out/", len(out))
	}
	return out
}

// Every rule group and ConfigMap mongen writes is known from its head,
// as decoding knows it; nothing else is.
func TestInertOnMongenOutput(t *testing.T) {
	n := 0
	for p, data := range mongenManifests(t) {
		bodies, err := documents(data)
		if err != nil || len(bodies) != 1 {
			t.Fatalf("%s: %d documents, %v", p, len(bodies), err)
		}
		want := str(bodies[0], "kind")
		kind, name, ok := inert(data)
		if ok != (want == "PrometheusRule" || want == "ConfigMap") {
			t.Errorf("%s: a %s, inert %v", p, want, ok)
		}
		if ok {
			n++
			checkInert(t, data)
		}
		if !ok && kind+name != "" {
			t.Errorf("%s: inert refuses, but reads %s/%s", p, kind, name)
		}
	}
	if n == 0 {
		t.Fatal("no rule group or ConfigMap in out/")
	}
}

// Each of these is only the rest of a file: a line that may change what
// its head says, or not.
var mutations = []string{
	"---", "...", "--- |", "kind: Deployment", "metadata:", "  name: other", "metadata: {name: other}", "<<: {kind: Deployment}",
	"x: \"", "\"", "x: '", "'", "x: {", "}", "x: [", "]", "# kind: Deployment", "", "\tkind: Deployment", "  kind: Deployment",
	"kind: \"ConfigMap\"", "\"kind\": Deployment", "? kind", ": Deployment", "x: |", "x: >-", "  y", "name: on", "kind:Deployment",
	"kind : Deployment", "%YAML 1.1", "&a kind: Deployment", "*a : x", "!!str kind: Deployment", "kind: Deployment\r", "x: y\rkind: Deployment",
	"x: y\u2028kind: Deployment", "x: y\u0085kind: Deployment", "- a", "extra: value", "  - b", "data:", "spec: {}",
}

// Random lines put into rule groups and ConfigMaps mongen writes, and
// into Deployment web: inert never reads what decoding does not, and
// both knows and refuses many of them.
func TestInertAsDecodedMutated(t *testing.T) {
	var seeds [][]byte
	for _, data := range mongenManifests(t) {
		if _, _, ok := inert(data); ok && len(seeds) < 12 && len(data) < 20000 {
			seeds = append(seeds, data)
		}
	}
	seeds = append(seeds, []byte(web), []byte(strings.Replace(web, "Deployment", "ConfigMap", 1)))
	r := rand.New(rand.NewPCG(5, 6))
	knew, refused := 0, 0
	for range 8000 {
		lines := strings.SplitAfter(string(seeds[r.IntN(len(seeds))]), "\n")
		for range 1 + r.IntN(3) {
			at := r.IntN(len(lines) + 1)
			m := mutations[r.IntN(len(mutations))] + "\n"
			lines = append(lines[:at], append([]string{m}, lines[at:]...)...)
		}
		if checkInert(t, []byte(strings.Join(lines, ""))) {
			knew++
		} else {
			refused++
		}
	}
	if knew < 500 || refused < 500 {
		t.Fatalf("knew %d, refused %d: the test checks too little", knew, refused)
	}
}

func FuzzInertAsDecoded(f *testing.F) {
	for _, c := range anyYAML {
		f.Add([]byte(c.data))
	}
	f.Add([]byte("# Generated\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dash\n  namespace: monitoring\ndata:\n  d.json: |\n    {}\n"))
	f.Add([]byte("apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata:\n  name: app\nspec:\n  groups:\n  - name: g\n    rules:\n    - alert: A\n      expr: up == 0\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkInert(t, data)
		checkDocuments(t, data)
	})
}

// checkDocuments holds documents to yaml.v2's own reading of a stream of
// documents: where both read all of data, they find the same objects.
// The reader kubectl cuts with (and documents) starts a document only at
// a "---" line after '\n': where yaml.v2 starts one elsewhere (after a
// lone '\r', NEL, LS or PS, or a bare document after "..."), kubectl does
// not read it, and neither is compared.
func checkDocuments(t *testing.T, data []byte) {
	t.Helper()
	if kubectlSkips(data) {
		return
	}
	bodies, err := documents(data)
	if err != nil {
		return
	}
	var got, want []string
	for _, b := range bodies {
		got = append(got, str(b, "kind")+"/"+str(mapAt(b, "metadata"), "name"))
	}
	dec := yamlv2.NewDecoder(bytes.NewReader(data))
	for {
		var doc any
		if err := dec.Decode(&doc); err == io.EOF {
			break
		} else if err != nil {
			return
		}
		if m, ok := doc.(map[any]any); ok {
			md, _ := m["metadata"].(map[any]any)
			kind, _ := m["kind"].(string)
			name, _ := md["name"].(string)
			want = append(want, kind+"/"+name)
		}
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("documents finds %q, yaml.v2 %q, in %q", got, want, data)
	}
}

// kubectlSkips reports whether yaml.v2 may start a document in data
// where the YAMLReader does not cut: a line break other than '\n' (or
// "\r\n"), or a "..." line not followed by a "---" line.
func kubectlSkips(data []byte) bool {
	if bytes.Contains(bytes.ReplaceAll(data, []byte("\r\n"), nil), []byte("\r")) {
		return true
	}
	for _, brk := range unicodeBreaks {
		if bytes.Contains(data, []byte(brk)) {
			return true
		}
	}
	ended := false
	for line := range strings.Lines(strings.ReplaceAll(string(data), "\r\n", "\n")) {
		switch {
		case strings.HasPrefix(line, "..."):
			ended = true
		case strings.HasPrefix(line, "---"):
			ended = false
		case ended && strings.TrimSpace(line) != "" && !strings.HasPrefix(line, "#"):
			return true
		}
	}
	return false
}

// documents finds each object of anyYAML as yaml.v2 reads the stream.
func TestDocumentsAsYAMLv2(t *testing.T) {
	for _, c := range anyYAML {
		if kubectlSkips([]byte(c.data)) && !strings.Contains(c.name, "line broken") {
			t.Errorf("%s is not compared", c.name)
		}
		checkDocuments(t, []byte(c.data))
	}
	for _, data := range []string{"---\n---\nkind: A\n", "kind: A\n...\n---\nkind: B\n", "\ufeff---\nkind: A\n---\nkind: B\n", "kind: A\n--- # b\nkind: B\n---   \nkind: C\n"} {
		if kubectlSkips([]byte(data)) {
			t.Errorf("%q is not compared", data)
		}
		checkDocuments(t, []byte(data))
	}
}

// documents reads a manifest file as kubectl does: each document, none
// twice, a separator only where kubectl cuts, and past a document that
// does not decode.
func TestDocuments(t *testing.T) {
	const a, b = "kind: A\nmetadata: {name: a}\n", "kind: B\nmetadata: {name: b}\n"
	for _, c := range []struct {
		name, data string
		ids        []string
		err        string // in the error returned, if any
	}{
		{"one", a, []string{"A/a"}, ""},
		{"two", a + "---\n" + b, []string{"A/a", "B/b"}, ""},
		{"three, the first with a marker", "---\n" + a + "---\n" + b + "---\nkind: C\nmetadata: {name: c}\n", []string{"A/a", "B/b", "C/c"}, ""},
		{"CRLF", strings.ReplaceAll(a+"---\n"+b, "\n", "\r\n"), []string{"A/a", "B/b"}, ""},
		{"no final line break", a + "---\n" + strings.TrimSuffix(b, "\n"), []string{"A/a", "B/b"}, ""},
		{"marker in a block scalar", a + "data:\n  x: |\n    ---\n    --- {y: 1}\n---\n" + b, []string{"A/a", "B/b"}, ""},
		{"marker in a quoted scalar", a + "note: \"x\n  --- y\"\n---\n" + b, []string{"A/a", "B/b"}, ""},
		{"empty documents", "---\n---\n# nothing\n---\n\n" + "---\n" + a + "---\n---\n", []string{"A/a"}, ""},
		{"a document end", a + "...\n---\n" + b, []string{"A/a", "B/b"}, ""},
		{"a byte order mark", "\ufeff" + a + "---\n\ufeff" + b, []string{"A/a", "B/b"}, ""},
		{"one does not decode", a + "---\nkind: [\n---\n" + b, []string{"A/a", "B/b"}, "YAML"},
		{"one is a list", "- x\n---\n" + a + "---\n" + b, []string{"A/a", "B/b"}, "cannot unmarshal"},
		{"two do not decode: the first is returned", "kind: [\n---\n" + a + "---\nx: : y\n", []string{"A/a"}, "did not find expected node content"},
		// kubectl reads these so too.
		{"a separator with content", a + "--- " + strings.TrimSpace(b) + "\n", nil, "invalid Yaml document separator"},
		{"reading stops at a bad separator", a + "---\n" + b + "----\n" + a, []string{"A/a"}, "invalid Yaml document separator: -"},
		{"a marker after a carriage return", strings.ReplaceAll(a+"---\n"+b, "\n", "\r"), []string{"A/a"}, ""},
		{"a marker after LS", a + "\u2028---\n" + b, []string{"A/a"}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			bodies, err := documents([]byte(c.data))
			var ids []string
			for _, b := range bodies {
				ids = append(ids, str(b, "kind")+"/"+str(mapAt(b, "metadata"), "name"))
			}
			if strings.Join(ids, " ") != strings.Join(c.ids, " ") {
				t.Errorf("documents finds %q, want %q", ids, c.ids)
			}
			if c.err == "" && err != nil || c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)) {
				t.Errorf("error %v, want one with %q", err, c.err)
			}
		})
	}
}

func TestInert(t *testing.T) {
	const cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: %s\ndata:\n  a: b\n"
	for _, c := range []struct {
		data, kind, name string
	}{
		{fmt.Sprintf(cm, "web"), "ConfigMap", "web"},
		{"# Generated\napiVersion: v1\nkind: \"ConfigMap\" # quoted\nmetadata: {name: 'web'}\ndata:\n  a: b\n", "ConfigMap", "web"},
		{"apiVersion: v1\nkind: PrometheusRule\nmetadata:\n  name: web\n", "PrometheusRule", "web"},
		{fmt.Sprintf(cm, "!!binary d2Vi"), "ConfigMap", "web"},
		// Decoded whole: the name reads as no string, or not as written.
		{fmt.Sprintf(cm, "on"), "", ""},
		{fmt.Sprintf(cm, "0x1F"), "", ""},
		{fmt.Sprintf(cm, "!!binary /w=="), "", ""},
		// Decoded whole: the rest may say otherwise, or not read as it looks.
		{fmt.Sprintf(cm, "web") + "kind: ConfigMap\n", "", ""},
		{fmt.Sprintf(cm, "web") + "---\n", "", ""},
		{strings.ReplaceAll(fmt.Sprintf(cm, "web"), "\n", "\r\n"), "", ""},
		{"  apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: web\n", "", ""},
		{strings.Replace(web, "kind: Deployment", "kind: ConfigMap", 1) + "<<: {kind: Deployment}\n", "", ""},
	} {
		kind, name, ok := inert([]byte(c.data))
		if kind != c.kind || name != c.name || ok != (c.kind != "") {
			t.Errorf("inert(%q) = %s, %s, %v; want %s, %s", c.data, kind, name, ok, c.kind, c.name)
		}
		checkInert(t, []byte(c.data))
	}
}
