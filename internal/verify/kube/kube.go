// Package kube validates generated Kubernetes objects before mongen writes
// them, so that a typo or a wrong type fails the build instead of an apply.
//
// Prometheus Operator objects (monitoring.coreos.com) are checked against the
// operator's CRD schemas with the API server's own code
// (k8s.io/apiextensions-apiserver): unknown fields, value validation,
// list-type invariants and CEL rules. Unknown fields are errors, where the
// API server would silently prune them. The handful of built-in kinds mongen
// emits are decoded strictly into the k8s.io/api types and get the basic
// checks the API server would apply.
package kube

//go:generate go run ./internal/gencrd -o crds.json.gz

import (
	"bufio"
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"

	"k8s.io/apimachinery/pkg/runtime/schema"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"k8s.io/apimachinery/pkg/util/validation/field"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"

	"github.com/mongen-dev/mongen/internal/verify/kube/internal/crdbundle"
)

// OperatorVersion is the prometheus-operator release whose CRD schemas are
// embedded.
const OperatorVersion = crdbundle.OperatorVersion

//go:embed crds.json.gz
var embeddedCRDs []byte

// FieldError is one problem found in one object. Validate joins all of them
// with errors.Join, sorted by field path.
type FieldError struct {
	Kind  string // e.g. "ServiceMonitor"; empty if the document has none
	Name  string // metadata.name; empty if missing
	Field string // e.g. "spec.endpoints[0].interval"; empty for the whole document
	// Detail says what is wrong, e.g. "unknown field".
	Detail string
	// Err is the underlying error, if any (a YAML syntax error, say).
	Err error
}

func (e *FieldError) Error() string {
	var b strings.Builder
	switch {
	case e.Kind != "" && e.Name != "":
		b.WriteString(e.Kind + " " + e.Name + ": ")
	case e.Kind != "":
		b.WriteString(e.Kind + " (unnamed): ")
	}
	if e.Field != "" {
		b.WriteString(e.Field + ": ")
	}
	b.WriteString(e.Detail)
	return b.String()
}

func (e *FieldError) Unwrap() error { return e.Err }

// Validator checks objects against the embedded schemas. It is safe for
// concurrent use; build one and reuse it.
type Validator struct {
	crds map[schema.GroupVersionKind]*crdType
}

// NewValidator parses the embedded CRD bundle. The per-kind schema
// validators are built on first use of each kind, because the large kinds
// (Prometheus, Alertmanager, ...) take much longer to prepare than the ones
// mongen emits most (ServiceMonitor, PrometheusRule).
func NewValidator() (*Validator, error) {
	b, err := crdbundle.Decode(embeddedCRDs)
	if err != nil {
		return nil, fmt.Errorf("loading embedded CRD schemas: %w", err)
	}
	v := &Validator{crds: make(map[schema.GroupVersionKind]*crdType, len(b.CRDs))}
	for _, e := range b.CRDs {
		gvk := schema.GroupVersionKind{Group: e.Group, Version: e.Version, Kind: e.Kind}
		v.crds[gvk] = &crdType{entry: e}
	}
	return v, nil
}

// Kinds lists every group/version/kind the validator accepts, sorted.
func (v *Validator) Kinds() []schema.GroupVersionKind {
	var out []schema.GroupVersionKind
	for gvk := range v.crds {
		out = append(out, gvk)
	}
	for gvk := range builtins {
		out = append(out, gvk)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out
}

var (
	defaultOnce      sync.Once
	defaultValidator *Validator
	defaultErr       error
)

// Validate checks one YAML document with a shared Validator built on first
// use.
func Validate(doc []byte) error {
	defaultOnce.Do(func() { defaultValidator, defaultErr = NewValidator() })
	if defaultErr != nil {
		return defaultErr
	}
	return defaultValidator.Validate(doc)
}

// Validate checks one YAML (or JSON) document holding one Kubernetes object.
// The returned error joins one *FieldError per problem, sorted; nil means
// the object is valid.
func (v *Validator) Validate(doc []byte) error {
	obj, err := Parse(doc)
	if err != nil {
		return err
	}
	return v.ValidateObject(obj)
}

// Parse reads one YAML (or JSON) document as Validate does: strictly (a
// duplicated key is an error), exactly one object, empty or comment-only
// documents skipped. Its error is the one Validate returns for doc; a
// caller that reads the object itself parses it once and hands it to
// ValidateObject.
func Parse(doc []byte) (map[string]any, error) {
	obj, _, err := ParseJSON(doc)
	return obj, err
}

// ParseJSON is Parse that also returns the JSON the object was decoded
// from, when that is sigs.k8s.io/yaml.YAMLToJSONStrict(doc) itself: the
// document reader gave doc whole, unchanged (no separator it split at,
// no line ending it rewrote). Otherwise js is nil. A caller decodes what
// it needs of doc from js without parsing the YAML again; decoded into a
// struct, js differs from sigs.k8s.io/yaml.Unmarshal where that turns a
// number or boolean into the string a field wants (js gives a decoding
// error there: fall back to the YAML).
func ParseJSON(doc []byte) (obj map[string]any, js []byte, err error) {
	obj, js, err = parseDoc(doc)
	if err != nil {
		return nil, nil, &FieldError{Detail: err.Error(), Err: err}
	}
	return obj, js, nil
}

// ValidateObject is Validate for an object Parse returned: Validate(doc)
// is ValidateObject of Parse(doc). It does not modify obj (the checks that
// prune or drop fields work on copies), so the caller may read it after.
func (v *Validator) ValidateObject(obj map[string]any) error {
	r := &report{}
	apiVersion, okA := obj["apiVersion"].(string)
	kind, okK := obj["kind"].(string)
	r.kind = kind
	if md, ok := obj["metadata"].(map[string]any); ok {
		r.name, _ = md["name"].(string)
	}
	if apiVersion == "" || kind == "" {
		for _, f := range []struct {
			name     string
			isString bool
		}{{"apiVersion", okA}, {"kind", okK}} {
			switch v, present := obj[f.name]; {
			case !present:
				r.add(f.name, "required value")
			case !f.isString:
				r.add(f.name, "must be a string")
			case v == "":
				r.add(f.name, "must not be empty")
			}
		}
		return r.err()
	}
	gv, err := schema.ParseGroupVersion(apiVersion)
	if err != nil {
		r.addErr("apiVersion", err)
		return r.err()
	}
	gvk := gv.WithKind(kind)
	if c, ok := v.crds[gvk]; ok {
		c.validate(r, obj)
	} else if b, ok := builtins[gvk]; ok {
		b.validate(r, obj)
	} else {
		r.add("", fmt.Sprintf("no schema for %s/%s", apiVersion, kind))
	}
	return r.err()
}

// parseDoc turns one YAML document into the unstructured form the API
// server works on (integers as int64, as its JSON decoder produces), and
// returns the JSON it decoded when that is YAMLToJSONStrict(doc) (see
// ParseJSON).
func parseDoc(doc []byte) (map[string]any, []byte, error) {
	var js []byte
	whole := false
	rd := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(doc)))
	for {
		chunk, err := rd.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, fmt.Errorf("reading YAML: %w", err)
		}
		// Strict: a duplicated key is an error, as in kubectl.
		j, err := yaml.YAMLToJSONStrict(chunk)
		if err != nil {
			return nil, nil, fmt.Errorf("parsing YAML: %w", err)
		}
		if bytes.Equal(bytes.TrimSpace(j), []byte("null")) {
			continue // empty or comment-only document
		}
		if js != nil {
			return nil, nil, errors.New("more than one YAML document; want exactly one object")
		}
		// The reader drops separator lines (but a leading one) and \r
		// before \n, and ends the last line with \n: a chunk equal to
		// doc is all of doc, unchanged.
		js, whole = j, bytes.Equal(chunk, doc)
	}
	if js == nil {
		return nil, nil, errors.New("empty document")
	}
	var v any
	if err := utiljson.Unmarshal(js, &v); err != nil {
		return nil, nil, fmt.Errorf("decoding object: %w", err)
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, nil, fmt.Errorf("document is a %s, not an object", jsonTypeName(v))
	}
	if !whole {
		js = nil
	}
	return obj, js, nil
}

func jsonTypeName(v any) string {
	switch v.(type) {
	case []any:
		return "list"
	case string:
		return "string"
	case bool:
		return "boolean"
	case int64, float64:
		return "number"
	default:
		return "scalar"
	}
}

// report collects the problems of one object.
type report struct {
	kind, name string
	errs       []*FieldError
	seen       map[string]bool // field+detail, to drop duplicates
}

func (r *report) add(fieldPath, detail string) { r.addWrapped(fieldPath, detail, nil) }

func (r *report) addErr(fieldPath string, err error) { r.addWrapped(fieldPath, err.Error(), err) }

func (r *report) addWrapped(fieldPath, detail string, err error) {
	key := fieldPath + "\x00" + detail
	if r.seen[key] {
		return
	}
	if r.seen == nil {
		r.seen = map[string]bool{}
	}
	r.seen[key] = true
	r.errs = append(r.errs, &FieldError{Kind: r.kind, Name: r.name, Field: fieldPath, Detail: detail, Err: err})
}

// addFieldErrors takes the API server's field.ErrorList.
func (r *report) addFieldErrors(errs field.ErrorList) {
	for _, e := range errs {
		if e == nil {
			continue
		}
		f := e.Field
		if f == "<nil>" { // field.Path(nil).String()
			f = ""
		}
		r.add(f, e.ErrorBody())
	}
}

func (r *report) err() error {
	if len(r.errs) == 0 {
		return nil
	}
	sort.SliceStable(r.errs, func(i, j int) bool {
		a, b := r.errs[i], r.errs[j]
		if a.Field != b.Field {
			return a.Field < b.Field
		}
		return a.Detail < b.Detail
	})
	errs := make([]error, len(r.errs))
	for i, e := range r.errs {
		errs[i] = e
	}
	return errors.Join(errs...)
}
