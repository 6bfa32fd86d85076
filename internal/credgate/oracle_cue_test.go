package credgate

import (
	"fmt"
	"slices"
	"strings"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/literal"
	"cuelang.org/go/cue/token"
)

// oldSyntax, oldStr and the old value walker: Syntax and Value as they
// were, computing each literal's position and field path before knowing
// whether there is a finding.
func oldSyntax(f *ast.File, pos Positioner, secretRefs map[string]bool) []Finding {
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
			_, label := oldKeyLabel(path)
			if lit, ok := x.Value.(*ast.BasicLit); ok && label && lit.Kind == token.STRING && !secretRefs[name] {
				return true
			}
			if isStringExpr(x.Value) && (oldKey(name) || secretRefs[name]) {
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
			if what := oldShape(interpolated(x)); what != "" {
				out = append(out, Finding{Pos: pos(x.Pos()), Field: strings.Join(path, "."), What: what})
			}
			return false
		case *ast.BasicLit:
			if x.Kind != token.STRING {
				return true
			}
			if s, err := literal.Unquote(x.Value); err == nil {
				out = append(out, oldStr(path, s, strings.Join(path, "."), pos(x.Pos()))...)
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

func oldStr(path []string, s, field, pos string) []Finding {
	if strings.Contains(s, ":") && (strings.Contains(s, "\n") || slices.Contains(path, "rawScrapeConfigs")) {
		file, line := splitPos(pos)
		if fs, err := oldYAML(file, []byte(s), line); err == nil {
			for i := range fs {
				fs[i].Field = field + ">" + fs[i].Field
				// Columns inside the document are not the file's.
				fs[i].Pos = fmt.Sprintf("%s:%d", file, lineOf(fs[i].Pos))
			}
			if len(fs) > 0 || oldShape(s) == "" {
				return fs
			}
		}
	}
	if what := oldField(path, s); what != "" {
		return []Finding{{Pos: pos, Field: field, What: what}}
	}
	return nil
}

func oldValue(v cue.Value, prefix []string, pos Positioner) []Finding {
	w := oldValueWalker{pos: pos}
	w.walk(v, prefix, "")
	return w.out
}

type oldValueWalker struct {
	pos Positioner
	out []Finding
}

func (w *oldValueWalker) at(v cue.Value, parent string) string {
	if p := w.pos(v.Pos()); p != "" {
		return p
	}
	return parent
}

func (w *oldValueWalker) walk(v cue.Value, path []string, parent string) {
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
		field, what := oldRelabel(func(f string) (string, bool) {
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
		w.out = append(w.out, oldStr(path, s, dotted(path), w.at(v, parent))...)
	}
}
