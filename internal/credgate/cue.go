package credgate

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/literal"
	"cuelang.org/go/cue/token"
)

// Positioner renders a CUE position as file:line:col (relative to the
// repository), or "" when it has none.
type Positioner func(token.Pos) string

// SecretRefFields collects, from schema files, the names of the fields
// typed as a Secret reference (#SecretRef): a string written there is a
// credential's value, and CUE's conflict messages about it must not quote
// it.
func SecretRefFields(files []*ast.File) map[string]bool {
	out := map[string]bool{}
	for _, f := range files {
		ast.Walk(f, func(n ast.Node) bool {
			fd, ok := n.(*ast.Field)
			if !ok {
				return true
			}
			if isSecretRef(fd.Value) {
				if name, _, err := ast.LabelName(fd.Label); err == nil {
					out[name] = true
				}
			}
			return true
		}, nil)
	}
	return out
}

func isSecretRef(e ast.Expr) bool {
	switch x := e.(type) {
	case *ast.Ident:
		return x.Name == "#SecretRef"
	case *ast.SelectorExpr:
		name, _, err := ast.LabelName(x.Sel)
		return err == nil && name == "#SecretRef"
	case *ast.UnaryExpr:
		return isSecretRef(x.X)
	case *ast.BinaryExpr:
		return isSecretRef(x.X) || isSecretRef(x.Y)
	case *ast.ParenExpr:
		return isSecretRef(x.X)
	}
	return false
}

// Syntax scans a CUE file before evaluation: every string literal and
// interpolation for credential shapes, and every field named like a
// credential, or typed as a Secret reference (secretRefs), whose value
// is a string expression (a literal, an interpolation or a
// concatenation). Findings point at the literal.
func Syntax(f *ast.File, pos Positioner, secretRefs map[string]bool) []Finding {
	var out []Finding
	var path []string
	labels := map[ast.Node]bool{}
	ast.Walk(f, func(n ast.Node) bool {
		if labels[n] {
			return false // a field's name is not its value
		}
		switch x := n.(type) {
		case *ast.Field:
			labels[x.Label] = true
			name, _, err := ast.LabelName(x.Label)
			if err != nil {
				name = "?"
			}
			path = append(path, name)
			// A key-named label's literal is judged by its value (Field):
			// routing_key: "myteam" names a team, not a key.
			_, label := keyLabel(path)
			if lit, ok := x.Value.(*ast.BasicLit); ok && label && lit.Kind == token.STRING && !secretRefs[name] {
				return true
			}
			if isStringExpr(x.Value) && (Key(name) || secretRefs[name]) {
				what := "a credential field (" + name + ")"
				if secretRefs[name] {
					what = name + " takes a Secret reference, not a value"
				}
				out = append(out, Finding{Pos: pos(x.Value.Pos()), Field: strings.Join(path, "."), What: what})
				// Walk does not call after when before returns false.
				path = path[:len(path)-1]
				return false
			}
		case *ast.Interpolation:
			if what := Shape(interpolated(x)); what != "" {
				out = append(out, Finding{Pos: pos(x.Pos()), Field: strings.Join(path, "."), What: what})
			}
			return false
		case *ast.BasicLit:
			if x.Kind != token.STRING {
				return true
			}
			if s, err := literal.Unquote(x.Value); err == nil {
				out = append(out, str(path, s, func() string { return strings.Join(path, ".") }, func() string { return pos(x.Pos()) })...)
			}
		}
		return true
	}, func(n ast.Node) {
		if _, ok := n.(*ast.Field); ok {
			path = path[:len(path)-1]
		}
	})
	return out
}

// isStringExpr reports whether e is a string written in place: a
// literal, an interpolation, or a concatenation of them.
func isStringExpr(e ast.Expr) bool {
	switch x := e.(type) {
	case *ast.BasicLit:
		return x.Kind == token.STRING
	case *ast.Interpolation:
		return true
	case *ast.ParenExpr:
		return isStringExpr(x.X)
	case *ast.BinaryExpr:
		return x.Op == token.ADD && (isStringExpr(x.X) || isStringExpr(x.Y))
	}
	return false
}

// interpolated is an interpolation's literal text with each expression
// replaced by a placeholder, so a URL built around a variable is still
// seen as one.
func interpolated(x *ast.Interpolation) string {
	var b strings.Builder
	for _, e := range x.Elts {
		if lit, ok := e.(*ast.BasicLit); ok && lit.Kind == token.STRING {
			s := lit.Value
			s = strings.TrimPrefix(strings.TrimPrefix(s, `"""`), `"`)
			s = strings.TrimSuffix(strings.TrimSuffix(s, `"""`), `"`)
			s = strings.TrimSuffix(strings.TrimPrefix(s, ")"), `\(`)
			b.WriteString(s)
			continue
		}
		b.WriteString("x1")
	}
	return b.String()
}

// str checks one string at path: a string holding a YAML document (a raw
// scrape config) is scanned as one, its findings on the document's lines;
// any other through Field. field and pos give the string's dotted path
// and position, made only when needed: most strings hold nothing.
func str(path []string, s string, field, pos func() string) []Finding {
	if strings.Contains(s, ":") && (strings.Contains(s, "\n") || slices.Contains(path, "rawScrapeConfigs")) {
		file, line := splitPos(pos())
		if fs, err := YAML(file, []byte(s), line); err == nil {
			if len(fs) > 0 {
				prefix := field() + ">"
				for i := range fs {
					fs[i].Field = prefix + fs[i].Field
					// Columns inside the document are not the file's.
					fs[i].Pos = fmt.Sprintf("%s:%d", file, lineOf(fs[i].Pos))
				}
			}
			if len(fs) > 0 || Shape(s) == "" {
				return fs
			}
		}
	}
	if what := Field(path, s); what != "" {
		return []Finding{{Pos: pos(), Field: field(), What: what}}
	}
	return nil
}

// splitPos splits file:line[:col] into the file and line.
func splitPos(pos string) (string, int) {
	parts := strings.Split(pos, ":")
	if len(parts) < 2 {
		return pos, 0
	}
	if len(parts) >= 3 {
		if line, err := strconv.Atoi(parts[len(parts)-2]); err == nil {
			return strings.Join(parts[:len(parts)-2], ":"), line
		}
	}
	line, _ := strconv.Atoi(parts[len(parts)-1])
	return strings.Join(parts[:len(parts)-1], ":"), line
}

// Value walks an evaluated CUE value (regular fields and list elements):
// every concrete string through Field (a string holding YAML is scanned
// as YAML), every struct through Relabel. This sees what evaluation
// built: concatenations, interpolations and values from imported
// packages. prefix names v's path.
func Value(v cue.Value, prefix []string, pos Positioner) []Finding {
	w := valueWalker{pos: pos}
	w.walk(v, prefix, "")
	return w.out
}

type valueWalker struct {
	pos Positioner
	out []Finding
}

func (w *valueWalker) at(v cue.Value, parent string) string {
	if p := w.pos(v.Pos()); p != "" {
		return p
	}
	return parent
}

func (w *valueWalker) walk(v cue.Value, path []string, parent string) {
	switch v.IncompleteKind() {
	case cue.StructKind:
		it, err := v.Fields()
		if err != nil {
			return
		}
		here := w.at(v, parent)
		strs := map[string]cue.Value{}
		for it.Next() {
			name := it.Selector().Unquoted()
			fv := it.Value()
			if fv.Kind() == cue.StringKind {
				strs[name] = fv
			}
			w.walk(fv, append(path[:len(path):len(path)], name), here)
		}
		field, what := Relabel(func(f string) (string, bool) {
			fv, ok := strs[f]
			if !ok {
				return "", false
			}
			s, err := fv.String()
			return s, err == nil
		})
		if what != "" {
			w.out = append(w.out, Finding{Pos: w.at(strs[field], here), Field: dotted(append(path[:len(path):len(path)], field)), What: what})
		}
	case cue.ListKind:
		it, err := v.List()
		if err != nil {
			return
		}
		here := w.at(v, parent)
		for it.Next() {
			w.walk(it.Value(), append(path[:len(path):len(path)], Index), here)
		}
	case cue.StringKind:
		s, err := v.String()
		if err != nil || s == "" {
			return
		}
		w.out = append(w.out, str(path, s, func() string { return dotted(path) }, func() string { return w.at(v, parent) })...)
	}
}

// quoted matches a CUE or Go double-quoted string in a message.
var quoted = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)

// Message redacts a CUE error message about the value at path: every
// quoted string when a field on the path is named like a credential or
// typed as a Secret reference (a literal there is the credential), and
// every credential shape anywhere.
func Message(path []string, msg string, secretRefs map[string]bool) string {
	for _, p := range path {
		if Key(p) || secretRefs[p] || norm(p) == "secrets" {
			msg = redactQuoted(msg)
			break
		}
	}
	return Redact(msg)
}

// redactQuoted replaces every quoted string of msg but the schema's
// patterns (=~"..." and !~"...", which are no value).
func redactQuoted(msg string) string {
	var b strings.Builder
	last := 0
	for _, m := range quoted.FindAllStringIndex(msg, -1) {
		b.WriteString(msg[last:m[0]])
		if strings.HasSuffix(msg[:m[0]], "=~") || strings.HasSuffix(msg[:m[0]], "!~") {
			b.WriteString(msg[m[0]:m[1]])
		} else {
			b.WriteString(`"` + Redacted + `"`)
		}
		last = m[1]
	}
	b.WriteString(msg[last:])
	return b.String()
}
