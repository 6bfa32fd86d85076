package importer

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"cuelang.org/go/cue/format"
	"cuelang.org/go/cue/literal"
)

// cueWriter builds CUE source text; format.Source then lays it out, so
// only quoting needs care here: every string goes through CUE's own
// literal quoting.
type cueWriter struct {
	b     strings.Builder
	depth int
}

func (w *cueWriter) line(format string, args ...any) {
	w.b.WriteString(strings.Repeat("\t", w.depth))
	fmt.Fprintf(&w.b, format, args...)
	w.b.WriteByte('\n')
}

func (w *cueWriter) comment(text string) {
	for _, l := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		w.line("// %s", l)
	}
}

// open starts a struct field "label: {".
func (w *cueWriter) open(label string) {
	w.line("%s: {", cueLabel(label))
	w.depth++
}

// openRaw starts a struct after text written as is ("env: rules:").
func (w *cueWriter) openRaw(text string) {
	w.line("%s {", text)
	w.depth++
}

func (w *cueWriter) close() {
	w.depth--
	w.line("}")
}

// str writes "label: "value"", multi-line strings as CUE's """ blocks.
func (w *cueWriter) str(label, value string) {
	w.line("%s: %s", cueLabel(label), w.quote(value))
}

func (w *cueWriter) quote(s string) string {
	return literal.String.WithOptionalTabIndent(w.depth + 1).Quote(s)
}

// strList writes "label: ["a", "b"]".
func (w *cueWriter) strList(label string, values []string) {
	q := make([]string, len(values))
	for i, v := range values {
		q[i] = literal.String.Quote(v)
	}
	if len(q) <= 3 {
		w.line("%s: [%s]", cueLabel(label), strings.Join(q, ", "))
		return
	}
	w.line("%s: [", cueLabel(label))
	for _, v := range q {
		w.line("\t%s,", v)
	}
	w.line("]")
}

// strMap writes a struct of strings with sorted keys.
func (w *cueWriter) strMap(label string, m map[string]string) {
	if len(m) == 0 {
		return
	}
	w.open(label)
	for _, k := range sortedKeys(m) {
		w.str(k, m[k])
	}
	w.close()
}

// source returns the formatted file.
func (w *cueWriter) source() ([]byte, error) {
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

// cueLabel is a field label: bare when it is a plain identifier, quoted
// otherwise (names with dots, dashes, colons, leading _ or #).
func cueLabel(s string) string {
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
