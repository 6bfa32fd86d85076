package load

import (
	"strings"

	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/build"
	"cuelang.org/go/cue/token"

	"github.com/mongen-dev/mongen/internal/diag"
)

// syntaxPositions reads, in one walk of the environment's own files:
//
//   - written: the label path of every field they write
//     ("env/exporters/node") and its position; the first file and field
//     win, in file order;
//   - literals: the label path of every field they write exactly once, as
//     a string, number or interpolation, with the position of that value,
//     or as a struct, with its label's: where CUE places the evaluated
//     value too, so sources can take it without asking the evaluated
//     graph. A field a cluster also writes (env/clusters/<name>/...) is
//     left out: its value in that cluster's view may come from there.
func syntaxPositions(root string, inst *build.Instance) (written, literals map[string]string) {
	written, literals = map[string]string{}, map[string]string{}
	twice := map[string]bool{}
	pos := positioner(root)
	walkFields(inst, func(key string, f *ast.Field) {
		if _, seen := written[key]; seen {
			twice[key] = true
			return
		}
		label := pos(f.Pos())
		written[key] = label
		switch f.Value.(type) {
		case *ast.BasicLit, *ast.Interpolation:
			literals[key] = pos(f.Value.Pos())
		case *ast.StructLit:
			literals[key] = label
		}
	})
	for key := range twice {
		delete(literals, key)
	}
	for key := range literals {
		// env/clusters/<name>/<rest>: the cluster's view of env/<rest>
		// may take its value from there, and the cluster's own field is
		// not a path sources records.
		if parts := strings.SplitN(key, "/", 4); len(parts) == 4 && parts[0] == EnvField && parts[1] == "clusters" {
			delete(literals, key)
			delete(literals, EnvField+"/"+parts[3])
		}
	}
	return written, literals
}

// positioner is position for many positions in few files: each file's
// relative name is worked out once.
func positioner(root string) func(token.Pos) string {
	names := map[string]string{}
	return func(p token.Pos) string {
		if !p.IsValid() {
			return ""
		}
		name, ok := names[p.Filename()]
		if !ok {
			name = posOf(root, p).File
			names[p.Filename()] = name
		}
		return diag.Pos{File: name, Line: p.Line(), Col: p.Column()}.String()
	}
}

// walkFields calls fn with the label path ("env/rules/g/r/expr") of every
// field with a plain label in the files of inst, in file order.
func walkFields(inst *build.Instance, fn func(key string, f *ast.Field)) {
	var visit func(n ast.Node, prefix string)
	visit = func(n ast.Node, prefix string) {
		var elts []ast.Decl
		switch x := n.(type) {
		case *ast.File:
			elts = x.Decls
		case *ast.StructLit:
			elts = x.Elts
		case *ast.BinaryExpr: // env: schemas.#Environment & {...}
			visit(x.X, prefix)
			visit(x.Y, prefix)
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
			key := name
			if prefix != "" {
				key = prefix + "/" + name
			}
			fn(key, f)
			visit(f.Value, key)
		}
	}
	for _, f := range inst.Files {
		visit(f, "")
	}
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
