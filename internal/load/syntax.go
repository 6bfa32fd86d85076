package load

import (
	"strings"

	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/build"
)

// fieldPositions maps the label path of every field the environment's own
// files write ("env/exporters/node") to its position; the first file and
// field win, in file order.
func fieldPositions(root string, inst *build.Instance) map[string]string {
	out := map[string]string{}
	var visit func(n ast.Node, path []string)
	visit = func(n ast.Node, path []string) {
		var elts []ast.Decl
		switch x := n.(type) {
		case *ast.File:
			elts = x.Decls
		case *ast.StructLit:
			elts = x.Elts
		case *ast.BinaryExpr: // env: schemas.#Environment & {...}
			visit(x.X, path)
			visit(x.Y, path)
			return
		default:
			return
		}
		for _, d := range elts {
			f, ok := d.(*ast.Field)
			if !ok {
				continue
			}
			name, _, err := ast.LabelName(f.Label)
			if err != nil {
				continue
			}
			p := append(append([]string{}, path...), name)
			key := strings.Join(p, "/")
			if _, seen := out[key]; !seen {
				out[key] = position(root, f.Pos())
			}
			visit(f.Value, p)
		}
	}
	for _, f := range inst.Files {
		visit(f, nil)
	}
	return out
}

// declaresSchema reports whether some file of the environment writes
// `env: <pkg>.#Environment & ...`.
func declaresSchema(inst *build.Instance) bool {
	found := false
	for _, f := range inst.Files {
		for _, d := range f.Decls {
			fd, ok := d.(*ast.Field)
			if !ok {
				continue
			}
			if name, _, err := ast.LabelName(fd.Label); err != nil || name != EnvField {
				continue
			}
			ast.Walk(fd.Value, func(n ast.Node) bool {
				if sel, ok := n.(*ast.SelectorExpr); ok {
					if id, ok := sel.Sel.(*ast.Ident); ok && id.Name == "#Environment" {
						found = true
					}
				}
				return !found
			}, nil)
		}
	}
	return found
}
