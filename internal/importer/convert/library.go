package convert

import (
	"io/fs"
	"path"
	"sort"
	"strings"

	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/literal"
	"cuelang.org/go/cue/parser"

	"github.com/mongen-dev/mongen"
)

// libraryIndex maps every rule name of the embedded library's exporters to
// the exporter definitions that have it (#NodeExporter, in
// library/exporter), sorted. It reads the CUE syntax of library/exporter,
// so it costs no evaluation.
func libraryIndex() map[string][]string {
	index := map[string][]string{}
	names, _ := fs.Glob(mongen.CUEModule, "library/exporter/*.cue")
	for _, name := range names {
		data, err := fs.ReadFile(mongen.CUEModule, name)
		if err != nil {
			continue
		}
		f, err := parser.ParseFile(path.Base(name), data)
		if err != nil {
			continue
		}
		for _, decl := range f.Decls {
			def, ok := decl.(*ast.Field)
			if !ok {
				continue
			}
			defName := labelName(def.Label)
			if !strings.HasPrefix(defName, "#") {
				continue
			}
			for _, g := range structFields(fieldValue(def.Value, "rules")) {
				for _, r := range structFields(g.Value) {
					n := labelName(r.Label)
					index[n] = append(index[n], defName)
				}
			}
		}
	}
	for _, defs := range index {
		sort.Strings(defs)
	}
	return index
}

func labelName(l ast.Label) string {
	switch l := l.(type) {
	case *ast.Ident:
		return l.Name
	case *ast.BasicLit:
		if s, err := literal.Unquote(l.Value); err == nil {
			return s
		}
	}
	return ""
}

// fieldValue finds a field of a struct literal (or of the struct literals
// it embeds), looking through "a: b: c" shorthands.
func fieldValue(e ast.Expr, name string) ast.Expr {
	for _, f := range structFields(e) {
		if labelName(f.Label) == name {
			return f.Value
		}
	}
	return nil
}

// structFields lists the fields of a struct literal; a lone field written
// as a shorthand ("rules: "g": {...}") counts as a struct of one field.
func structFields(e ast.Expr) []*ast.Field {
	var out []*ast.Field
	switch e := e.(type) {
	case *ast.StructLit:
		for _, d := range e.Elts {
			if f, ok := d.(*ast.Field); ok {
				out = append(out, f)
			}
		}
	case *ast.BinaryExpr: // a & {...}
		out = append(structFields(e.X), structFields(e.Y)...)
	}
	return out
}
