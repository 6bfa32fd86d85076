package load

import (
	"strings"

	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/build"
	"cuelang.org/go/cue/token"

	"github.com/mongen-dev/mongen/internal/diag"
)

// fieldPositions maps the label path of every field the environment's own
// files write ("env/exporters/node") to its position; the first file and
// field win, in file order.
func fieldPositions(root string, inst *build.Instance) map[string]string {
	out := map[string]string{}
	pos := positioner(root)
	walkFields(inst, func(key string, f *ast.Field) {
		if _, seen := out[key]; !seen {
			out[key] = pos(f.Pos())
		}
	})
	return out
}

// literalPositions maps the label path of every field the environment's
// own files write exactly once, as a string, number or interpolation, to
// the position of that value: where CUE places the evaluated value too,
// so sources can take it without asking the evaluated graph. A field a
// cluster also writes (env/clusters/<name>/...) is left out: its value
// in that cluster's view may come from there.
func literalPositions(root string, inst *build.Instance) map[string]string {
	out := map[string]string{}
	seen, twice := map[string]bool{}, map[string]bool{}
	pos := positioner(root)
	walkFields(inst, func(key string, f *ast.Field) {
		if seen[key] {
			twice[key] = true
			return
		}
		seen[key] = true
		switch f.Value.(type) {
		case *ast.BasicLit, *ast.Interpolation:
			out[key] = pos(f.Value.Pos())
		case *ast.StructLit:
			// A struct is placed at its field's label.
			out[key] = pos(f.Pos())
		}
	})
	for key := range twice {
		delete(out, key)
	}
	for key := range out {
		// env/clusters/<name>/<rest>: the cluster's view of env/<rest>
		// may take its value from there, and the cluster's own field is
		// not a path sources records.
		if parts := strings.SplitN(key, "/", 4); len(parts) == 4 && parts[0] == EnvField && parts[1] == "clusters" {
			delete(out, key)
			delete(out, EnvField+"/"+parts[3])
		}
	}
	return out
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
			p := append(path[:len(path):len(path)], name)
			fn(strings.Join(p, "/"), f)
			visit(f.Value, p)
		}
	}
	for _, f := range inst.Files {
		visit(f, nil)
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
