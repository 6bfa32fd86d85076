package promcheck

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"github.com/mongen-dev/mongen/internal/diag"
	"log/slog"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql/parser"
	"go.yaml.in/yaml/v3"
)

// located is one problem found in a rule file, on its way to a
// diag.Diagnostic.
//
// Line and Column are 1-based positions in the file (0 when unknown). For
// errors reported by rulefmt they are rulefmt's own position, kept verbatim.
// Msg is the message without the file and position prefix; for PromQL
// errors it ends with the exact position of the error in the file.
type located struct {
	File   string
	Line   int
	Column int
	Msg    string
	// Err is the underlying error (a *rulefmt.Error, a *yaml.TypeError, ...).
	Err error
}

// Rules parses data as a Prometheus rule file the way the rule manager does
// (rulefmt.Parse with strict fields, UTF-8 name validation and the default
// PromQL parser), which checks every expression and every alerting rule's
// label and annotation templates. Errors are *located values, sorted by
// position and joined; filename prefixes every message.
func Rules(filename string, data []byte) error {
	_, err := ParseRules(filename, data)
	return err
}

// ParseRules is Rules that also returns the parsed groups. The groups are
// nil when the file is not valid YAML of the expected shape, and may be
// non-nil together with an error when only validation failed.
func ParseRules(filename string, data []byte) (*rulefmt.RuleGroups, error) {
	var warned warnings
	logger := slog.New(&warnHandler{w: &warned})
	p := parser.NewParser(parser.Options{})

	groups, errs := rulefmt.Parse(data, false, model.UTF8Validation, p, logger)

	var out []*located
	var idx *index // built lazily: only needed to place errors
	for _, err := range errs {
		if idx == nil {
			idx = newIndex(data)
		}
		out = append(out, describe(filename, err, idx, p)...)
	}
	for _, msg := range warned {
		if groups == nil {
			// The multiple-document warning is spurious when the first
			// document does not decode.
			break
		}
		// rulefmt only warns about this, and Prometheus then silently drops
		// every rule after the first document.
		out = append(out, &located{File: filename, Msg: "rulefmt: " + msg, Err: errors.New(msg)})
	}
	if len(out) == 0 {
		return groups, nil
	}
	return groups, joinSorted(out)
}

// joinSorted returns the errors as a diag.List sorted by position then
// message, duplicates dropped (rulefmt decodes the file twice, so YAML
// errors can appear twice): diag.List.Err.
func joinSorted(in []*located) error {
	out := make(diag.List, len(in))
	for i, e := range in {
		out[i] = diag.Diagnostic{Pos: diag.Pos{File: e.File, Line: e.Line, Col: e.Column}, Msg: e.Msg, Cause: e.Err}
	}
	return out.Err()
}

// describe turns one error from rulefmt.Parse into positioned Errors.
func describe(file string, err error, idx *index, p parser.Parser) []*located {
	if te, ok := errors.AsType[*yaml.TypeError](err); ok {
		// One error per line, each with its own position.
		out := make([]*located, 0, len(te.Errors))
		for _, msg := range te.Errors {
			e := &located{File: file, Msg: msg, Err: err}
			if rest, ok := strings.CutPrefix(msg, "line "); ok {
				if n, after, ok := leadingInt(rest); ok && strings.HasPrefix(after, ": ") {
					e.Line, e.Msg = n, after[2:]
				}
			}
			out = append(out, e)
		}
		return out
	}

	msg := err.Error()
	e := &located{File: file, Msg: msg, Err: err}
	if l, c, rest, ok := leadingPos(msg); ok {
		e.Line, e.Column, e.Msg = l, c, rest
		// rulefmt prints 0:0 for a field that is absent (expr, alert and
		// record): drop it and place the error on the rule below.
		for e.Line == 0 {
			if l, c, rest, ok := leadingPos(e.Msg); ok {
				e.Line, e.Column, e.Msg = l, c, rest
				continue
			}
			break
		}
	} else if rest, ok := strings.CutPrefix(msg, "yaml: line "); ok {
		// Syntax errors: "yaml: line 3: did not find ..." becomes
		// "file:3: yaml: did not find ...".
		if n, after, ok := leadingInt(rest); ok && strings.HasPrefix(after, ": ") {
			e.Line, e.Msg = n, "yaml: "+after[2:]
		}
	}

	re, ok := errors.AsType[*rulefmt.Error](err)
	if !ok {
		if e.Line == 0 {
			// rulefmt's group errors print 0:0 (the group node's position is
			// never filled in): find the group they are about.
			if l, c, ok := idx.placeGroup(e.Msg); ok {
				e.Line, e.Column = l, c
			}
		}
		return []*located{e}
	}
	if strings.Contains(e.Msg, "could not parse expression: ") && e.Line > 0 {
		if expr := idx.exprAt[[2]int{e.Line, e.Column}]; expr != nil {
			e.Msg += promqlPosition(file, expr, idx.lines, p)
		}
		return []*located{e}
	}
	if e.Line == 0 {
		// rulefmt gives no position for template, label and annotation name
		// errors: point at the value (templates) or the rule.
		if l, c, ok := idx.place(re); ok {
			e.Line, e.Column = l, c
		}
	}
	return []*located{e}
}

// promqlPosition re-parses the expression in node and returns the exact
// file position of its PromQL error, formatted to append to rulefmt's
// message (which gives the position of the expr value and the position
// inside the expression, but not where that is in the file).
func promqlPosition(file string, node *yaml.Node, lines []string, p parser.Parser) string {
	value := resolve(node)
	_, err := p.ParseExpr(value.Value)
	var pe *parser.ParseErr
	if perrs, ok := errors.AsType[parser.ParseErrors](err); ok && len(perrs) > 0 {
		// Only the first error, as rulefmt and promtool print: later ones
		// are usually consequences of it.
		pe = &perrs[0]
	} else if pe, ok = errors.AsType[*parser.ParseErr](err); !ok {
		return ""
	}
	line, col := exprPos(value.Value, int(pe.PositionRange.Start))
	fl, fc, exact := locate(value, lines, line, col)
	if !exact {
		return ""
	}
	return fmt.Sprintf(" (at %s:%d:%d)", file, fl, fc)
}

// exprPos converts a byte offset in s to a 1-based line and a 1-based column
// counted in runes, as YAML positions are.
func exprPos(s string, off int) (line, col int) {
	off = max(0, min(off, len(s)))
	before := s[:off]
	line = 1 + strings.Count(before, "\n")
	if i := strings.LastIndexByte(before, '\n'); i >= 0 {
		before = before[i+1:]
	}
	return line, 1 + utf8.RuneCountInString(before)
}

// locate maps a position inside a scalar's value to a position in the file,
// when the scalar's style makes that mapping exact; it checks the source
// text before trusting the mapping.
func locate(n *yaml.Node, lines []string, line, col int) (fileLine, fileCol int, ok bool) {
	vlines := strings.Split(n.Value, "\n")
	if n.Line < 1 || line < 1 || line > len(vlines) {
		return 0, 0, false
	}
	// The value's text on that line up to the error.
	want := prefixRunes(vlines[line-1], col-1)
	switch style := n.Style &^ yaml.TaggedStyle; style {
	case 0, yaml.DoubleQuotedStyle, yaml.SingleQuotedStyle:
		if line != 1 || n.Line > len(lines) {
			return 0, 0, false
		}
		// The node starts at its anchor or tag, if any, then the quote.
		src := lines[n.Line-1]
		start := len(prefixRunes(src, n.Column-1)) // byte offset
		rest := src[start:]
		for {
			trimmed := rest
			if n.Anchor != "" {
				trimmed = strings.TrimPrefix(trimmed, "&"+n.Anchor)
			}
			if strings.HasPrefix(trimmed, "!") {
				if i := strings.IndexAny(trimmed, " \t"); i > 0 {
					trimmed = trimmed[i:]
				}
			}
			trimmed = strings.TrimLeft(trimmed, " \t")
			if trimmed == rest {
				break
			}
			rest = trimmed
		}
		if style != 0 {
			rest = rest[1:] // the quote
			if rest == "" && want != "" {
				return 0, 0, false
			}
		}
		if !strings.HasPrefix(rest, want) {
			return 0, 0, false
		}
		return n.Line, utf8.RuneCountInString(src[:len(src)-len(rest)]) + col, true
	case yaml.LiteralStyle:
		// Value line k is file line n.Line+k: the indicator is on n.Line.
		fl := n.Line + line
		if fl > len(lines) {
			return 0, 0, false
		}
		// A block scalar's line is its indentation followed by the value's
		// line (which may start with more spaces); no comments follow it.
		src := strings.TrimSuffix(lines[fl-1], "\r")
		indent, found := strings.CutSuffix(src, vlines[line-1])
		if !found || strings.Trim(indent, " ") != "" {
			return 0, 0, false
		}
		return fl, len(indent) + col, true
	}
	// Folded scalars join lines: no exact mapping.
	return 0, 0, false
}

// prefixRunes returns the first n runes of s.
func prefixRunes(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

// leadingPos splits "L:C: rest" into its parts.
func leadingPos(s string) (line, col int, rest string, ok bool) {
	line, s, ok = leadingInt(s)
	if !ok || !strings.HasPrefix(s, ":") {
		return 0, 0, "", false
	}
	col, s, ok = leadingInt(s[1:])
	if !ok || !strings.HasPrefix(s, ": ") {
		return 0, 0, "", false
	}
	return line, col, s[2:], true
}

// leadingInt parses the decimal number that starts s.
func leadingInt(s string) (n int, rest string, ok bool) {
	i := 0
	for i < len(s) && i < 9 && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 0 {
		return 0, s, false
	}
	n, err := strconv.Atoi(s[:i])
	return n, s[i:], err == nil
}

// resolve follows an alias to the node it names.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && n.Alias != nil && i < 100; i++ {
		n = n.Alias
	}
	return n
}

// index holds the YAML nodes of a rule file, to give errors positions.
type index struct {
	lines  []string
	exprAt map[[2]int]*yaml.Node
	groups []groupNodes
	// seen counts the group errors placed so far, by message: the n-th
	// report of a repeated or empty name is about the n-th such group.
	seen map[string]int
}

type groupNodes struct {
	node  *yaml.Node
	name  string
	rules []ruleNodes
}

type ruleNodes struct {
	node        *yaml.Node
	name        string
	labels      map[string]*yaml.Node
	annotations map[string]*yaml.Node
}

// newIndex parses data as plain YAML. It never fails: a file that does not
// parse yields an empty index (rulefmt reports why).
func newIndex(data []byte) *index {
	idx := &index{
		lines:  strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n"),
		exprAt: map[[2]int]*yaml.Node{},
		seen:   map[string]int{},
	}
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) != nil || len(doc.Content) == 0 {
		return idx
	}
	for _, g := range mappingSeq(resolve(doc.Content[0]), "groups") {
		gn := groupNodes{node: g, name: scalar(lookup(g, "name"))}
		for _, r := range mappingSeq(g, "rules") {
			rn := ruleNodes{
				node:        r,
				name:        cmp.Or(scalar(lookup(r, "alert")), scalar(lookup(r, "record"))),
				labels:      mapValues(lookup(r, "labels")),
				annotations: mapValues(lookup(r, "annotations")),
			}
			if e := lookup(r, "expr"); e != nil {
				idx.exprAt[[2]int{e.Line, e.Column}] = e
			}
			gn.rules = append(gn.rules, rn)
		}
		idx.groups = append(idx.groups, gn)
	}
	return idx
}

// place finds a position for a rulefmt error that has none: the label or
// annotation value a template error is about, else the rule.
func (idx *index) place(re *rulefmt.Error) (line, col int, ok bool) {
	for _, g := range idx.groups {
		if g.name != re.Group || re.Rule < 1 || re.Rule > len(g.rules) {
			continue
		}
		r := g.rules[re.Rule-1]
		if r.name != re.RuleName {
			continue
		}
		n := r.node
		msg := re.Err.Error()
		for _, kind := range []struct {
			prefix string
			values map[string]*yaml.Node
		}{{"annotation ", r.annotations}, {"label ", r.labels}} {
			rest, found := strings.CutPrefix(msg, kind.prefix)
			if !found {
				continue
			}
			if q, err := strconv.QuotedPrefix(rest); err == nil {
				if key, err := strconv.Unquote(q); err == nil && kind.values[key] != nil {
					n = kind.values[key]
				}
			}
		}
		return n.Line, n.Column, true
	}
	return 0, 0, false
}

// placeGroup finds the group that a rulefmt group-name error is about.
func (idx *index) placeGroup(msg string) (line, col int, ok bool) {
	var name string
	skip := idx.seen[msg] // earlier reports of the same message
	switch {
	case msg == "Groupname must not be empty":
	case strings.HasPrefix(msg, "groupname: ") && strings.HasSuffix(msg, " is repeated in the same file"):
		q, err := strconv.QuotedPrefix(strings.TrimPrefix(msg, "groupname: "))
		if err != nil {
			return 0, 0, false
		}
		if name, err = strconv.Unquote(q); err != nil {
			return 0, 0, false
		}
		skip++ // the first group with the name is not the repeat
	default:
		return 0, 0, false
	}
	idx.seen[msg]++
	for _, g := range idx.groups {
		if g.name != name {
			continue
		}
		if skip == 0 {
			return g.node.Line, g.node.Column, true
		}
		skip--
	}
	return 0, 0, false
}

// lookup returns the value of key in mapping m, or nil.
func lookup(m *yaml.Node, key string) *yaml.Node {
	m = resolve(m)
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

// mappingSeq returns the items of the sequence under key in m.
func mappingSeq(m *yaml.Node, key string) []*yaml.Node {
	s := resolve(lookup(m, key))
	if s == nil || s.Kind != yaml.SequenceNode {
		return nil
	}
	return s.Content
}

func mapValues(m *yaml.Node) map[string]*yaml.Node {
	m = resolve(m)
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	out := make(map[string]*yaml.Node, len(m.Content)/2)
	for i := 0; i+1 < len(m.Content); i += 2 {
		out[m.Content[i].Value] = m.Content[i+1]
	}
	return out
}

func scalar(n *yaml.Node) string {
	n = resolve(n)
	if n == nil || n.Kind != yaml.ScalarNode {
		return ""
	}
	return n.Value
}

// warnings collects what rulefmt logs at warning level or above.
type warnings []string

type warnHandler struct{ w *warnings }

func (h *warnHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelWarn }

func (h *warnHandler) Handle(_ context.Context, r slog.Record) error {
	*h.w = append(*h.w, r.Message)
	return nil
}

func (h *warnHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *warnHandler) WithGroup(string) slog.Handler      { return h }
