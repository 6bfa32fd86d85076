package kube

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"k8s.io/apimachinery/pkg/runtime"
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
