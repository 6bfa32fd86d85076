// Package cuetext writes CUE source text for the importer's cuewrite
// stage: a line-by-line Writer whose strings and labels go through CUE's
// own quoting, laid out by CUE's formatter.
package cuetext

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"cuelang.org/go/cue/format"
	"cuelang.org/go/cue/literal"
)

// Writer builds CUE source text; format.Source then lays it out, so
// only quoting needs care here: every string goes through CUE's own
// literal quoting.
type Writer struct {
	b     strings.Builder
	depth int
}

// Line writes one line at the current indentation.
func (w *Writer) Line(format string, args ...any) {
	w.b.WriteString(strings.Repeat("\t", w.depth))
	fmt.Fprintf(&w.b, format, args...)
	w.b.WriteByte('\n')
}

// Comment writes text as // comment lines.
func (w *Writer) Comment(text string) {
	for _, l := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		w.Line("// %s", l)
	}
}

// Open starts a struct field "label: {".
func (w *Writer) Open(label string) {
	w.Line("%s: {", Label(label))
	w.depth++
}

// OpenRaw starts a struct after text written as is ("env: rules:").
func (w *Writer) OpenRaw(text string) {
	w.Line("%s {", text)
	w.depth++
}

// Indent and Dedent move the indentation of the lines that follow, for
// structures Open and Close do not write (lists of structs).
func (w *Writer) Indent() { w.depth++ }

// Dedent undoes one Indent.
func (w *Writer) Dedent() { w.depth-- }

// Close ends the struct the last Open or OpenRaw started.
func (w *Writer) Close() {
	w.depth--
	w.Line("}")
}

// Str writes "label: "value"", multi-line strings as CUE's """ blocks.
func (w *Writer) Str(label, value string) {
	w.Line("%s: %s", Label(label), w.Quote(value))
}

// Quote is s as a CUE string literal at the current indentation.
func (w *Writer) Quote(s string) string {
	return literal.String.WithOptionalTabIndent(w.depth + 1).Quote(s)
}

// OptStr writes "label: "value"" unless value is empty.
func (w *Writer) OptStr(label, v string) {
	if v != "" {
		w.Str(label, v)
	}
}

// StrList writes "label: ["a", "b"]".
func (w *Writer) StrList(label string, values []string) {
	q := make([]string, len(values))
	for i, v := range values {
		q[i] = literal.String.Quote(v)
	}
	if len(q) <= 3 {
		w.Line("%s: [%s]", Label(label), strings.Join(q, ", "))
		return
	}
	w.Line("%s: [", Label(label))
	for _, v := range q {
		w.Line("\t%s,", v)
	}
	w.Line("]")
}

// StrMap writes a struct of strings with sorted keys.
func (w *Writer) StrMap(label string, m map[string]string) {
	if len(m) == 0 {
		return
	}
	w.Open(label)
	for _, k := range sortedKeys(m) {
		w.Str(k, m[k])
	}
	w.Close()
}

// Source returns the formatted file.
func (w *Writer) Source() ([]byte, error) {
	out, err := format.Source([]byte(w.b.String()), format.Simplify())
	if err != nil {
		return nil, fmt.Errorf("format generated CUE: %w\n%s", err, w.b.String())
	}
	return out, nil
}

var cueIdent = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)

// cueKeywords are quoted as labels to be safe (quoting is always correct);
// `for` stays bare as the schemas write it.
var cueKeywords = map[string]bool{
	"package": true, "import": true, "in": true, "if": true, "let": true,
	"true": true, "false": true, "null": true, "func": true,
}

// Label is a field label: bare when it is a plain identifier, quoted
// otherwise (names with dots, dashes, colons, leading _ or #).
func Label(s string) string {
	if cueIdent.MatchString(s) && !cueKeywords[s] {
		return s
	}
	return literal.Label.Quote(s)
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
