package load

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/build"
	"cuelang.org/go/cue/parser"
	"cuelang.org/go/cue/token"

	"github.com/mongen-dev/mongen"
	"github.com/mongen-dev/mongen/internal/credgate"
	"github.com/mongen-dev/mongen/internal/diag"
	"github.com/mongen-dev/mongen/internal/model"
)

// ErrCredential matches (errors.Is) the error for a literal credential in
// an environment's CUE.
var ErrCredential = errors.New("a literal credential in CUE")

// credentialAdvice ends every credential problem.
const credentialAdvice = `keep it in a Kubernetes Secret and reference it (urlSecret, apiURL, routingKey, password ... take {secret: "name", key: "key"}; raw scrape configs read *_file paths); the value is not shown`

// credentialError lists the credentials found in an environment's CUE,
// each at its position, none quoted; errors.Is(err, ErrCredential) tells
// it from other load errors.
func credentialError(fs []credgate.Finding) error {
	if len(fs) == 0 {
		return nil
	}
	fs = credgate.Sort(fs)
	problems := make(diag.List, 0, len(fs))
	for _, f := range fs {
		var b strings.Builder
		if f.Field != "" {
			b.WriteString(f.Field + ": ")
		}
		fmt.Fprintf(&b, "a literal credential in CUE (%s): %s", f.What, credentialAdvice)
		problems = append(problems, diag.Diagnostic{Pos: diag.Origin(f.Pos), Msg: b.String(), Cause: ErrCredential})
	}
	return problems
}

// scanCredentials looks at every string literal, interpolation and
// credential-named field of the environment's own files and of the user's
// packages it imports, before evaluation, so that no CUE error message
// can quote one. secretRefs are the fields the schema types as Secret
// references.
func scanCredentials(root string, inst *build.Instance, secretRefs map[string]bool) error {
	pos := func(p token.Pos) string { return position(root, p) }
	embedded := strings.TrimSuffix(mongen.CUEModulePath, "@v0")
	var fs []credgate.Finding
	seen := map[*build.Instance]bool{}
	var visit func(in *build.Instance)
	visit = func(in *build.Instance) {
		if seen[in] {
			return
		}
		seen[in] = true
		if in != inst && (in.ImportPath == embedded || strings.HasPrefix(in.ImportPath, embedded+"/")) {
			return // mongen's own schemas and library
		}
		for _, f := range in.Files {
			fs = append(fs, credgate.Syntax(f, pos, secretRefs)...)
		}
		for _, imp := range in.Imports {
			visit(imp)
		}
	}
	visit(inst)
	return credentialError(fs)
}

// scanValues looks at every string the evaluated environment holds: what
// concatenation and interpolation built, and values from imported
// packages, at the position that produced each. The decoded environments
// (what the output is made of) are scanned first, which costs little
// (credentialFree, while decode reads positions); clean says that pass
// found nothing in all of them. Only when they hold a credential, or when
// decoding failed, is the CUE value walked for the positions, which costs
// about as much as decoding.
func scanValues(root string, envV cue.Value, envs []*model.Environment, clean bool) error {
	if clean && len(envs) > 0 && envs[0] != nil {
		return nil
	}
	data, err := json.Marshal(envs)
	fs := credgate.Value(envV, []string{EnvField}, func(p token.Pos) string { return position(root, p) })
	if len(fs) == 0 && err == nil && len(envs) > 0 && envs[0] != nil {
		// Only the decoded form shows it (a value the schema or the
		// platform filled in): name the field.
		fs, _ = credgate.JSON("", data, 0)
		for i := range fs {
			fs[i].Pos = ""
			fs[i].Field = EnvField + "." + strings.TrimPrefix(fs[i].Field, "[].")
		}
	}
	return credentialError(fs)
}

// credentialFree reports whether the decoded environment holds no
// credential by the output gate's rules.
func credentialFree(env *model.Environment) bool {
	data, err := json.Marshal([]*model.Environment{env})
	if err != nil {
		return false
	}
	found, err := credgate.Holds(data)
	return err == nil && !found
}

// secretRefFields are the names of the schema's Secret reference fields.
func secretRefFields(schemas *build.Instance) map[string]bool {
	if schemas == nil {
		return nil
	}
	return credgate.SecretRefFields(schemas.Files)
}

// embeddedSecretRefs are the Secret reference fields of the schemas
// compiled into this binary, for redacting CUE's messages (read only when
// there are errors to print).
func embeddedSecretRefs() map[string]bool {
	var files []*ast.File
	matches, _ := fs.Glob(mongen.CUEModule, "schemas/*.cue")
	for _, m := range matches {
		data, err := fs.ReadFile(mongen.CUEModule, m)
		if err != nil {
			continue
		}
		if f, err := parser.ParseFile(m, data); err == nil {
			files = append(files, f)
		}
	}
	return credgate.SecretRefFields(files)
}
