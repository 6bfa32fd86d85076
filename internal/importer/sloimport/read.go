// Package sloimport turns SLOs written for Sloth (prometheus/v1 specs and
// the PrometheusServiceLevel CRD, sloth.slok.dev/v1) and Pyrra
// (ServiceLevelObjective, pyrra.dev/v1alpha1) into mongen SLO CUE, in
// stages with one direction of data: Read (YAML documents, positioned) →
// Convert (plain data: model.SLO and notes) → Write (CUE text). Check
// compares when the alerts fire: mongen's generated rules and the source
// tool's own generated rules (Sloth's output), evaluated by Prometheus's
// rule engine over the same synthetic outages (docs/slo.md#importing).
package sloimport

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/mongen-dev/mongen/internal/diag"
)

// Kind is what one YAML document is.
type Kind string

// Document kinds.
const (
	// SlothSpec is a Sloth prometheus/v1 spec (version: "prometheus/v1").
	SlothSpec Kind = "sloth prometheus/v1"
	// SlothCRD is Sloth's PrometheusServiceLevel (sloth.slok.dev/v1).
	SlothCRD Kind = "sloth PrometheusServiceLevel"
	// PyrraSLO is Pyrra's ServiceLevelObjective (pyrra.dev/v1alpha1).
	PyrraSLO Kind = "pyrra ServiceLevelObjective"
	// SlothRules is a rule file or PrometheusRule Sloth generated
	// (groups sloth-slo-*): not imported, compared by Check.
	SlothRules Kind = "sloth generated rules"
)

// Doc is one YAML document of an input file with its kind.
type Doc struct {
	File string // as given, for positions
	Kind Kind
	Node *yaml.Node // the document's root mapping
}

// pos is the position of n in the document's file.
func (d Doc) pos(n *yaml.Node) diag.Pos {
	if n == nil {
		return diag.Pos{File: d.File}
	}
	return diag.Pos{File: d.File, Line: n.Line, Col: n.Column}
}

// Detect reports whether data holds an SLO spec or rules generated from
// one (the first document that says what it is decides), so the import
// command can send the file here rather than to the rule importer.
func Detect(data []byte) (Kind, bool) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var n yaml.Node
		if err := dec.Decode(&n); err != nil {
			return "", false
		}
		if k := kindOf(root(&n)); k != "" {
			return k, true
		}
		if root(&n) != nil {
			return "", false
		}
	}
}

// Read splits a file into its documents and says what each is. Empty
// documents are skipped; a document of another kind is an error at its
// first line: SLO specs and rule files are imported in separate runs.
func Read(file string, data []byte) ([]Doc, error) {
	var out []Doc
	var errs diag.List
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			errs.Add(yamlErrPos(file, err), "%v", err)
			break
		}
		r := root(&n)
		if r == nil {
			continue
		}
		k := kindOf(r)
		if k == "" {
			errs.Add(diag.Pos{File: file, Line: r.Line, Col: r.Column}, "not a Sloth spec (version: prometheus/v1, or kind PrometheusServiceLevel), a Pyrra ServiceLevelObjective or rules Sloth generated: import rule files and SLO specs in separate runs")
			continue
		}
		out = append(out, Doc{File: file, Kind: k, Node: r})
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, diag.List{diag.At(diag.Pos{File: file}, "no SLO spec in the file")}
	}
	return out, nil
}

// yamlErrPos reads the line from a YAML error ("yaml: line 3: ...").
func yamlErrPos(file string, err error) diag.Pos {
	var line int
	if _, scanErr := fmt.Sscanf(strings.TrimPrefix(err.Error(), "yaml: "), "line %d:", &line); scanErr == nil {
		return diag.Pos{File: file, Line: line}
	}
	return diag.Pos{File: file}
}

func root(n *yaml.Node) *yaml.Node {
	if n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		n = n.Content[0]
	}
	if n.Kind != yaml.MappingNode || len(n.Content) == 0 {
		return nil
	}
	return n
}

func kindOf(m *yaml.Node) Kind {
	if m == nil {
		return ""
	}
	str := func(key string) string {
		if v := get(m, key); v != nil && v.Kind == yaml.ScalarNode {
			return v.Value
		}
		return ""
	}
	api, kind := str("apiVersion"), str("kind")
	switch {
	case str("version") == "prometheus/v1":
		return SlothSpec
	case strings.HasPrefix(api, "sloth.slok.dev/") && kind == "PrometheusServiceLevel":
		return SlothCRD
	case strings.HasPrefix(api, "pyrra.dev/") && kind == "ServiceLevelObjective":
		return PyrraSLO
	case kind == "PrometheusRule" && slothGroups(get(get(m, "spec"), "groups")):
		return SlothRules
	case api == "" && kind == "" && slothGroups(get(m, "groups")):
		return SlothRules
	}
	return ""
}

// slothGroups reports whether a groups list holds Sloth's groups.
func slothGroups(groups *yaml.Node) bool {
	if groups == nil || groups.Kind != yaml.SequenceNode {
		return false
	}
	for _, g := range groups.Content {
		if name := get(g, "name"); name != nil && strings.HasPrefix(name.Value, "sloth-slo-") {
			return true
		}
	}
	return false
}

// get is the value of key in mapping m, or nil.
func get(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// decode decodes n into v and reports the fields v has no place for, at
// their keys: mongen import reads every field it knows and names every
// one it drops.
func (d Doc) decode(n *yaml.Node, v any, path string, notes *[]Note) error {
	if err := n.Decode(v); err != nil {
		return diag.List{diag.At(d.pos(n), "%s: %v", path, err)}
	}
	d.unknown(n, reflect.TypeOf(v).Elem(), path, notes)
	return nil
}

func (d Doc) unknown(n *yaml.Node, t reflect.Type, path string, notes *[]Note) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case n.Kind == yaml.SequenceNode && t.Kind() == reflect.Slice:
		for i, c := range n.Content {
			d.unknown(c, t.Elem(), fmt.Sprintf("%s[%d]", path, i), notes)
		}
	case n.Kind == yaml.MappingNode && t.Kind() == reflect.Struct:
		fields := map[string]reflect.Type{}
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			if name != "" && name != "-" {
				fields[name] = f.Type
			}
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			ft, ok := fields[k.Value]
			if !ok {
				*notes = append(*notes, Note{Pos: d.pos(k), Msg: fmt.Sprintf("%s is not imported: mongen has no such setting; what it does is lost", strings.TrimPrefix(path+"."+k.Value, "."))})
				continue
			}
			d.unknown(n.Content[i+1], ft, strings.TrimPrefix(path+"."+k.Value, "."), notes)
		}
	}
}

// locate is the node at a dotted path of keys and list indexes below n
// ("slos", 0, "objective"), or the deepest one found.
// A scalar is positioned at its value, a mapping or list at its key.
func locate(n *yaml.Node, path ...any) *yaml.Node {
	cur, key := n, (*yaml.Node)(nil)
	for _, p := range path {
		var next, nextKey *yaml.Node
		switch x := p.(type) {
		case string:
			nextKey, next = keyValue(cur, x)
		case int:
			if cur != nil && cur.Kind == yaml.SequenceNode && x < len(cur.Content) {
				next = cur.Content[x]
			}
		}
		if next == nil {
			break
		}
		cur, key = next, nextKey
	}
	if key != nil && cur.Kind != yaml.ScalarNode {
		return key
	}
	return cur
}

// locateKey is the key of the last element of path (a label's name).
func locateKey(n *yaml.Node, path ...any) *yaml.Node {
	if len(path) == 0 {
		return n
	}
	parent := locate(n, path[:len(path)-1]...)
	if name, ok := path[len(path)-1].(string); ok {
		if parentValue := valueAt(n, path[:len(path)-1]...); parentValue != nil {
			if k, _ := keyValue(parentValue, name); k != nil {
				return k
			}
		}
	}
	return parent
}

// valueAt is the node at path, or nil.
func valueAt(n *yaml.Node, path ...any) *yaml.Node {
	cur := n
	for _, p := range path {
		switch x := p.(type) {
		case string:
			_, cur = keyValue(cur, x)
		case int:
			if cur == nil || cur.Kind != yaml.SequenceNode || x >= len(cur.Content) {
				return nil
			}
			cur = cur.Content[x]
		}
		if cur == nil {
			return nil
		}
	}
	return cur
}

func keyValue(m *yaml.Node, key string) (*yaml.Node, *yaml.Node) {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil, nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i], m.Content[i+1]
		}
	}
	return nil, nil
}
