// Package read is the importer's first stage: it reads the YAML a team
// already runs (Prometheus rule files, PrometheusRule manifests,
// ServiceMonitor, PodMonitor and Probe manifests, alertmanager.yml,
// prometheus.yml, kube-prometheus-stack values) into an Input: rule groups
// as plain Go data, the other files as YAML documents, each with the
// position of every node. Malformed input is refused here, at its
// position, as a diag.List; later stages (convert, vet, roundtrip) read
// the Input and never parse YAML themselves.
package read

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/mongen-dev/mongen/internal/diag"
	"go.yaml.in/yaml/v3"
)

// Doc is one YAML document of a file: its nodes keep their lines and
// columns, so every later stage can name the input position of what it
// reports.
type Doc struct {
	File string     // the file as given on the command line
	Root *yaml.Node // the document's top-level node (not the DocumentNode)
}

// Pos renders n's position as "file:line:col" (the file alone for nil).
func (d Doc) Pos(n *yaml.Node) string {
	return d.At(n).String()
}

// At is n's position (the file alone for nil).
func (d Doc) At(n *yaml.Node) diag.Pos {
	if n == nil {
		return diag.Pos{File: d.File}
	}
	return diag.Pos{File: d.File, Line: n.Line, Col: n.Column}
}

// Errorf is a problem at n, as a diag.List of one diagnostic.
func (d Doc) Errorf(n *yaml.Node, format string, args ...any) error {
	return diag.List{diag.At(d.At(n), format, args...)}
}

// splitDocs parses every document of a (possibly multi-document) YAML file.
// Empty documents are skipped. A syntax error names the file and line.
func splitDocs(file string, data []byte) ([]Doc, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var out []Doc
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, yamlError(file, data, err)
		}
		if n.Kind != yaml.DocumentNode || len(n.Content) == 0 {
			continue
		}
		root := n.Content[0]
		if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
			continue
		}
		out = append(out, Doc{File: file, Root: root})
	}
	return out, nil
}

// yamlError turns the YAML library's "yaml: line 3: ..." into file:3:1.
// The library names the line where the enclosing construct starts; for a
// tab in indentation, the commonest slip, the tab itself is found.
func yamlError(file string, data []byte, err error) error {
	msg := err.Error()
	var line int
	if n, _ := fmt.Sscanf(msg, "yaml: line %d:", &line); n == 1 {
		rest := strings.TrimSpace(strings.TrimPrefix(msg, fmt.Sprintf("yaml: line %d:", line)))
		col := 1
		if strings.Contains(rest, "tab character") {
			if l, c, ok := indentTab(data); ok {
				line, col = l, c
			}
		}
		return diag.List{{Pos: diag.Pos{File: file, Line: line, Col: col}, Msg: "invalid YAML: " + rest}}
	}
	return diag.List{{Pos: diag.Pos{File: file}, Msg: "invalid YAML: " + strings.TrimPrefix(msg, "yaml: ")}}
}

// indentTab finds the first tab in a line's indentation.
func indentTab(data []byte) (line, col int, ok bool) {
	for i, l := range strings.Split(string(data), "\n") {
		for j, c := range l {
			if c == '\t' {
				return i + 1, j + 1, true
			}
			if c != ' ' {
				break
			}
		}
	}
	return 0, 0, false
}

// get returns the value under key in a mapping node, or nil. Keys merged
// in with YAML's merge key (`<<: *anchor`) count, as for every YAML loader
// Prometheus and Alertmanager use.
func Get(n *yaml.Node, key string) *yaml.Node {
	for _, kv := range Fields(n) {
		if kv[0].Value == key {
			return kv[1]
		}
	}
	return nil
}

// fields iterates a mapping's key and value nodes in file order, with the
// keys of merged mappings (`<<: *a` or `<<: [*a, *b]`) after the mapping's
// own; a key the mapping sets itself, or an earlier merged mapping sets,
// wins.
func Fields(n *yaml.Node) [][2]*yaml.Node {
	n = ResolveAlias(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	out := make([][2]*yaml.Node, 0, len(n.Content)/2)
	var merged []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		if isMergeKey(n.Content[i]) {
			v := ResolveAlias(n.Content[i+1])
			if v.Kind == yaml.SequenceNode {
				merged = append(merged, v.Content...)
			} else {
				merged = append(merged, v)
			}
			continue
		}
		out = append(out, [2]*yaml.Node{n.Content[i], n.Content[i+1]})
	}
	if len(merged) == 0 {
		return out
	}
	set := map[string]bool{}
	for _, kv := range out {
		set[kv[0].Value] = true
	}
	for _, m := range merged {
		for _, kv := range Fields(m) {
			if !set[kv[0].Value] {
				set[kv[0].Value] = true
				out = append(out, kv)
			}
		}
	}
	return out
}

func isMergeKey(k *yaml.Node) bool {
	return k.Kind == yaml.ScalarNode && k.Value == "<<" && (k.Tag == "!!merge" || k.Tag == "")
}

// expect checks a node's kind; nil (absent) passes.
func (d Doc) Expect(n *yaml.Node, kind yaml.Kind, what string) error {
	if n == nil {
		return nil
	}
	n = ResolveAlias(n)
	if n.Kind != kind {
		return d.Errorf(n, "%s must be %s, not %s", what, kindName(kind), DescribeNode(n))
	}
	return nil
}

func ResolveAlias(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

func kindName(k yaml.Kind) string {
	switch k {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return "a string"
	}
	return "a value"
}

func DescribeNode(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "null"
		}
		return fmt.Sprintf("%q", n.Value)
	}
	return "an alias"
}

// scalar reads a string-valued field; absent is "".
func (d Doc) Scalar(n *yaml.Node, what string) (string, error) {
	if n == nil {
		return "", nil
	}
	n = ResolveAlias(n)
	if n.Kind != yaml.ScalarNode {
		return "", d.Errorf(n, "%s must be a string, not %s", what, DescribeNode(n))
	}
	if n.Tag == "!!null" {
		return "", nil
	}
	return n.Value, nil
}

// stringMap reads a mapping of strings (labels, annotations) with each
// value's position.
func (d Doc) StringMap(n *yaml.Node, what string) (map[string]string, map[string]string, error) {
	if n == nil {
		return nil, nil, nil
	}
	n = ResolveAlias(n)
	if n.Tag == "!!null" {
		return nil, nil, nil
	}
	if err := d.Expect(n, yaml.MappingNode, what); err != nil {
		return nil, nil, err
	}
	vals, pos := map[string]string{}, map[string]string{}
	for _, kv := range Fields(n) {
		k, err := d.Scalar(kv[0], what+" key")
		if err != nil {
			return nil, nil, err
		}
		if _, dup := vals[k]; dup {
			return nil, nil, d.Errorf(kv[0], "%s: duplicate key %q", what, k)
		}
		v, err := d.Scalar(kv[1], fmt.Sprintf("%s.%s", what, k))
		if err != nil {
			return nil, nil, err
		}
		vals[k], pos[k] = v, d.Pos(kv[1])
	}
	return vals, pos, nil
}

func Seq(n *yaml.Node) []*yaml.Node {
	n = ResolveAlias(n)
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	out := make([]*yaml.Node, len(n.Content))
	for i, c := range n.Content {
		out[i] = ResolveAlias(c)
	}
	return out
}
