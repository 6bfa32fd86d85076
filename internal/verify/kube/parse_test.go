package kube

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"k8s.io/apimachinery/pkg/runtime"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"sigs.k8s.io/yaml"
)

// mutatingDocs are objects whose checks drop or prune fields: unknown
// fields of a custom resource, a builtin's wrong types and bad base64.
var mutatingDocs = []string{
	serviceMonitorHead + "  endpoints:\n    - port: metrics\n      intervall: 30s\nspce: {}\n",
	serviceMonitorHead + "  endpoints: [{port: true, intervall: 1}]\n",
	serviceHead + "spec: {ports: [{port: true}, {port: 80, name: [x]}], Selector: {a: 1}}\n",
	"apiVersion: v1\nkind: Secret\nmetadata: {name: a, labels: {x: 1}}\ndata: {a: '!', b: 'Yg=='}\n",
	"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, lables: {}}\ndata: {a: 1}\n",
}

// TestValidateObjectLeavesObject: checkManifest reads the object after
// ValidateObject checked it, so the check must not change it; and it
// finds what Validate finds.
func TestValidateObjectLeavesObject(t *testing.T) {
	v := newValidator(t)
	docs := append([]string(nil), mutatingDocs...)
	files, err := filepath.Glob("testdata/valid/*.yaml")
	if err != nil || len(files) < 10 {
		t.Fatalf("testdata/valid: %d files, %v", len(files), err)
	}
	for _, f := range files {
		d, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, string(d))
	}
	for i, doc := range docs {
		obj, err := Parse([]byte(doc))
		if err != nil {
			t.Fatalf("doc %d: %v", i, err)
		}
		before := runtime.DeepCopyJSON(obj)
		got := v.ValidateObject(obj)
		if !reflect.DeepEqual(obj, before) {
			t.Errorf("doc %d: ValidateObject changed the object:\n%#v\nwas\n%#v", i, obj, before)
		}
		if i < len(mutatingDocs) && got == nil {
			t.Errorf("doc %d: no error", i)
		}
		if want := v.Validate([]byte(doc)); errString(got) != errString(want) {
			t.Errorf("doc %d: ValidateObject %v, Validate %v", i, got, want)
		}
	}
}

func errString(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

// TestParseErrorsAreValidates: what Parse refuses, Validate refuses with
// the same *FieldError.
func TestParseErrorsAreValidates(t *testing.T) {
	v := newValidator(t)
	for _, doc := range []string{
		"a: 1\na: 2\n",
		serviceHead + "---\n" + serviceHead,
		"# nothing\n",
		"",
		"- a\n",
		"a: [\n",
	} {
		_, err := Parse([]byte(doc))
		if _, ok := err.(*FieldError); !ok {
			t.Fatalf("%q: Parse gives %T %v, want a *FieldError", doc, err, err)
		}
		if want := v.Validate([]byte(doc)); errString(err) != errString(want) {
			t.Errorf("%q: Parse %v, Validate %v", doc, err, want)
		}
	}
}

// parseJSONDocs are documents ParseJSON reads whole (whole true) or not.
var parseJSONDocs = []struct {
	doc   string
	whole bool
}{
	{serviceHead, true},
	{"a: 1\n", true},
	{"a: 1", false},       // the reader ends the last line with \n
	{"a: |+\n  x", false}, // which a kept block scalar would read
	{"a: 1\r\nb: 2\r\n", false},
	{"a: 1\rb: 2\n", true}, // a lone \r is left as it is
	{"---\na: 1\n", true},  // a first marker stays in the chunk
	{"---\n---\na: 1\n", false},
	{"a: 1\n---\n", false},
	{"# c\n---\na: 1\n", false},
	{"a: 1\n--- # c\n", false},
	{"a: 1\n...\n", true}, // no separator to the reader, the end to yaml.v2
	{"a: |\n  ---\n", true},
	{"{\"a\": [1, 2.5, \"x\"]}\n", true},
	{"# c\na: {b: null}\n# d\n", true},
}

// TestParseJSON: ParseJSON gives the object Parse gives, and its JSON is
// YAMLToJSONStrict of the document exactly when the reader gave the
// document whole; an edit the reader would undo (a marker, \r\n, a
// missing last newline) withholds it.
func TestParseJSON(t *testing.T) {
	for _, d := range parseJSONDocs {
		assertParseJSON(t, []byte(d.doc))
		_, js, err := ParseJSON([]byte(d.doc))
		if err != nil {
			t.Fatalf("%q: %v", d.doc, err)
		}
		if (js != nil) != d.whole {
			t.Errorf("%q: JSON given %v, want %v", d.doc, js != nil, d.whole)
		}
	}
}

func assertParseJSON(t testing.TB, doc []byte) {
	t.Helper()
	obj, js, err := ParseJSON(doc)
	pobj, perr := Parse(doc)
	if errString(err) != errString(perr) || !reflect.DeepEqual(obj, pobj) {
		t.Fatalf("%q: ParseJSON %v %v, Parse %v %v", doc, obj, err, pobj, perr)
	}
	if js == nil {
		return
	}
	want, werr := yaml.YAMLToJSONStrict(doc)
	if werr != nil || !bytes.Equal(js, want) {
		t.Fatalf("%q: JSON %s, YAMLToJSONStrict %s %v", doc, js, want, werr)
	}
	var v any
	if err := utiljson.Unmarshal(js, &v); err != nil || !reflect.DeepEqual(v, obj) {
		t.Fatalf("%q: JSON %s decodes to %v %v, object %v", doc, js, v, err, obj)
	}
}

func FuzzParseJSON(f *testing.F) {
	for _, d := range parseJSONDocs {
		f.Add([]byte(d.doc))
	}
	f.Add([]byte(serviceMonitorHead + "  endpoints: [{port: metrics}]\n"))
	f.Fuzz(func(t *testing.T, doc []byte) {
		// Aliases can expand a small document without bound.
		if len(doc) > 4096 || bytes.ContainsAny(doc, "*&") {
			return
		}
		assertParseJSON(t, doc)
	})
}
