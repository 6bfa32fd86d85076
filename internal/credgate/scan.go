package credgate

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Finding is one credential the gate found: where it is and what it looks
// like. It never holds the value.
type Finding struct {
	// Pos is file:line:col (or file:line) of the value.
	Pos string
	// Field is the dotted path of the value inside its document, when
	// known.
	Field string
	What  string
}

func (f Finding) String() string {
	var b strings.Builder
	if f.Pos != "" {
		b.WriteString(f.Pos)
		b.WriteString(": ")
	}
	if f.Field != "" {
		b.WriteString(f.Field)
		b.WriteString(": ")
	}
	b.WriteString(f.What)
	return b.String()
}

// Sort orders findings by position, then field and kind, and drops
// repeats.
func Sort(fs []Finding) []Finding {
	sort.Slice(fs, func(i, j int) bool {
		if a, b := posKey(fs[i].Pos), posKey(fs[j].Pos); a != b {
			return a < b
		}
		if fs[i].Field != fs[j].Field {
			return fs[i].Field < fs[j].Field
		}
		return fs[i].What < fs[j].What
	})
	out := fs[:0]
	for i, f := range fs {
		if i == 0 || f != fs[i-1] {
			out = append(out, f)
		}
	}
	return out
}

// posKey sorts file:line:col numerically by padding the numbers.
func posKey(pos string) string {
	parts := strings.Split(pos, ":")
	for i, p := range parts {
		if p != "" && strings.Trim(p, "0123456789") == "" {
			parts[i] = fmt.Sprintf("%09s", p)
		}
	}
	return strings.Join(parts, ":")
}

// dotted joins a path for messages.
func dotted(p []string) string {
	var b strings.Builder
	for _, e := range p {
		if e == Index {
			b.WriteString("[]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(e)
	}
	return b.String()
}

// File scans one file about to be written: YAML and JSON structurally
// (field names and shapes, embedded YAML and JSON documents included),
// then every line of any file for shapes. name is used in positions.
func File(name string, data []byte) []Finding {
	var out []Finding
	switch strings.ToLower(path.Ext(name)) {
	case ".yaml", ".yml":
		fs, err := YAML(name, data, 0)
		if err == nil {
			out = append(out, fs...)
		}
	case ".json":
		fs, err := JSON(name, data, 0)
		if err == nil {
			out = append(out, fs...)
		}
	}
	seen := map[int]bool{}
	for _, f := range out {
		seen[lineOf(f.Pos)] = true
	}
	for _, f := range Text(name, data) {
		if !seen[lineOf(f.Pos)] {
			out = append(out, f)
		}
	}
	return Sort(out)
}

// lineOf reads the line of a file:line[:col] position; 0 when absent.
func lineOf(pos string) int {
	parts := strings.Split(pos, ":")
	if len(parts) < 2 {
		return 0
	}
	n := 0
	for _, r := range parts[1] {
		if r < '0' || r > '9' {
			return 0
		}
		n = n*10 + int(r-'0')
	}
	return n
}

// Text scans data line by line for credential shapes.
func Text(name string, data []byte) []Finding {
	var out []Finding
	line := 0
	for len(data) > 0 {
		line++
		l := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			l, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		if what := lineShape(l); what != "" {
			out = append(out, Finding{Pos: fmt.Sprintf("%s:%d", name, line), What: what})
		}
	}
	return out
}

// lineShape is Shape(string(l)), by the same prefilter, without making
// the string for a line that holds none of the shapes' substrings (most
// of them).
func lineShape(l []byte) string {
	if len(l) < shapeMinLen {
		return ""
	}
	c := prefilter(l)
	if c.bits == 0 {
		return ""
	}
	if c.made { // the string prefilter made of a line beyond ASCII
		return c.shape(c.str)
	}
	return c.shape(string(l))
}

// YAML scans every document of a YAML (or JSON) stream structurally. Line
// numbers are offset by base (the line before the document's first, when
// it is embedded in another file).
func YAML(name string, data []byte, base int) ([]Finding, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var out []Finding
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return out, err
		}
		w := walker{name: name, base: base}
		w.yaml(&doc, nil)
		out = append(out, w.out...)
	}
	return out, nil
}

type walker struct {
	name string
	base int
	out  []Finding
}

func (w *walker) add(line, col int, p []string, what string) {
	pos := fmt.Sprintf("%s:%d", w.name, w.base+line)
	if col > 0 {
		pos = fmt.Sprintf("%s:%d", pos, col)
	}
	w.out = append(w.out, Finding{Pos: pos, Field: dotted(p), What: what})
}

func (w *walker) yaml(n *yaml.Node, p []string) {
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			w.yaml(c, p)
		}
	case yaml.AliasNode:
		// The anchor is scanned where it is defined.
	case yaml.SequenceNode:
		for _, c := range n.Content {
			w.yaml(c, append(p, Index))
		}
	case yaml.MappingNode:
		scalars := map[string]*yaml.Node{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if v.Kind == yaml.ScalarNode {
				scalars[k.Value] = v
			}
			w.yaml(v, append(p[:len(p):len(p)], k.Value))
		}
		field, what := Relabel(func(f string) (string, bool) {
			v, ok := scalars[f]
			if !ok {
				return "", false
			}
			return v.Value, true
		})
		if what != "" {
			v := scalars[field]
			w.add(v.Line, v.Column, append(p[:len(p):len(p)], field), what)
		}
	case yaml.ScalarNode:
		if n.ShortTag() != "!!str" || n.Value == "" {
			return
		}
		if what := Field(p, n.Value); what != "" {
			w.add(n.Line, n.Column, p, what)
			return
		}
		w.embedded(n.Value, n.Line, n.Style, p)
	}
}

// embedded scans a string that is itself a YAML or JSON document (a
// Secret's alertmanager.yaml, a ConfigMap's dashboard, a raw scrape
// config), its positions counted from the string's line.
func (w *walker) embedded(s string, line int, style yaml.Style, p []string) {
	t := strings.TrimSpace(s)
	isJSON := strings.HasPrefix(t, "{") && strings.HasSuffix(t, "}") || strings.HasPrefix(t, "[") && strings.HasSuffix(t, "]")
	if !isJSON && !strings.Contains(s, "\n") {
		return
	}
	base := w.base + line - 1
	if style == yaml.LiteralStyle || style == yaml.FoldedStyle {
		base++
	}
	inner := w.name
	var fs []Finding
	var err error
	if isJSON {
		fs, err = JSON(inner, []byte(s), base)
	} else if strings.Contains(s, ":") {
		fs, err = YAML(inner, []byte(s), base)
	}
	if err != nil {
		return
	}
	for _, f := range fs {
		if f.Field != "" {
			f.Field = dotted(p) + ">" + f.Field
		}
		w.out = append(w.out, f)
	}
}

// JSON scans a JSON stream structurally, with positions.
func JSON(name string, data []byte, base int) ([]Finding, error) {
	j := &jsonWalker{walker: walker{name: name, base: base}, data: data, lines: newLineIndex(data), dec: json.NewDecoder(bytes.NewReader(data))}
	j.dec.UseNumber()
	for {
		if err := j.value(nil, nil); err != nil {
			if errors.Is(err, io.EOF) {
				return j.out, nil
			}
			return j.out, err
		}
	}
}

type jsonWalker struct {
	walker
	data  []byte
	lines lineIndex
	dec   *json.Decoder
}

type lineIndex []int

func newLineIndex(data []byte) lineIndex {
	idx := lineIndex{0}
	for i, b := range data {
		if b == '\n' {
			idx = append(idx, i+1)
		}
	}
	return idx
}

// at turns a byte offset into line and column (1-based).
func (l lineIndex) at(off int64) (int, int) {
	i := sort.Search(len(l), func(i int) bool { return int64(l[i]) > off }) - 1
	return i + 1, int(off-int64(l[i])) + 1
}

// next is the offset of the next token: the decoder's offset is before
// the separators and spaces that precede it.
func (j *jsonWalker) next() int64 {
	off := j.dec.InputOffset()
	for off < int64(len(j.data)) && strings.IndexByte(" \t\r\n,:", j.data[off]) >= 0 {
		off++
	}
	return off
}

// value walks one value, telling onString about a string.
func (j *jsonWalker) value(p []string, onString func(s string, off int64)) error {
	start := j.next()
	tok, err := j.dec.Token()
	if err != nil {
		return err
	}
	switch t := tok.(type) {
	case json.Delim:
		return j.delim(p, t)
	case string:
		if onString != nil {
			onString(t, start)
		}
		j.str(t, start, p)
	}
	return nil
}

// delim walks the rest of an object or array whose opening token was
// read.
func (j *jsonWalker) delim(p []string, d json.Delim) error {
	switch d {
	case '{':
		scalars := map[string]string{}
		scalarPos := map[string]int64{}
		for j.dec.More() {
			kt, err := j.dec.Token()
			if err != nil {
				return err
			}
			k, _ := kt.(string)
			if err := j.value(append(p[:len(p):len(p)], k), func(s string, off int64) { scalars[k], scalarPos[k] = s, off }); err != nil {
				return err
			}
		}
		if _, err := j.dec.Token(); err != nil {
			return err
		}
		field, what := Relabel(func(f string) (string, bool) { v, ok := scalars[f]; return v, ok })
		if what != "" {
			l, c := j.lines.at(scalarPos[field])
			j.add(l, c, append(p[:len(p):len(p)], field), what)
		}
	case '[':
		for j.dec.More() {
			if err := j.value(append(p[:len(p):len(p)], Index), nil); err != nil {
				return err
			}
		}
		if _, err := j.dec.Token(); err != nil {
			return err
		}
	}
	return nil
}

func (j *jsonWalker) str(s string, start int64, p []string) {
	if s == "" {
		return
	}
	if what := Field(p, s); what != "" {
		l, c := j.lines.at(start)
		j.add(l, c, p, what)
		return
	}
	if strings.Contains(s, "\n") {
		l, _ := j.lines.at(start)
		j.embedded(s, l, yaml.DoubleQuotedStyle, p)
	}
}

// Holds reports whether a JSON document holds a credential, by the rules
// of JSON but without positions: the cheap first pass before a positioned
// scan.
//
// No json.Valid pass comes first. Holds' caller (load's credentialFree)
// gives it json.Marshal output, valid by construction: encoding/json
// writes every value itself, and checks what a json.Marshaler or a
// json.RawMessage gives (compacting it), failing rather than writing
// invalid JSON. That pass would read every byte a second time to say yes.
// Other input is still answered as Unmarshal answers it: holdsScan checks
// the grammar as it walks, as json.Valid does (jsonscan's tests and
// FuzzHoldsScan hold it to that).
func Holds(data []byte) (bool, error) {
	if found, ok := holdsScan(data); ok {
		return found, nil
	}
	// What holdsScan does not take (invalid JSON, a number out of
	// float64's range) Unmarshal refuses: its error. Should the two ever
	// disagree, the answer is "holds": a caller then looks closer instead
	// of taking the document as clean.
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return false, err
	}
	return true, nil
}

// embeddedFindings scans a string that may be a YAML or JSON document.
func (w *walker) embeddedFindings(s string) []Finding {
	w.embedded(s, 1, yaml.DoubleQuotedStyle, nil)
	return w.out
}
