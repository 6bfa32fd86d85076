package pipeline

import (
	"errors"
	"fmt"
	"strings"

	"github.com/mongen-dev/mongen/internal/credgate"
	"github.com/mongen-dev/mongen/internal/diag"
	"github.com/mongen-dev/mongen/internal/par"
	"github.com/mongen-dev/mongen/internal/verifycache"
)

// ErrCredential matches (errors.Is) the error that stops a build whose
// output would hold a credential: the last check before any byte reaches
// out/ (or a diff), whatever the stages before it missed. The error is a
// diag.List at the CUE each file came from, naming the file, line and
// field, never the value.
var ErrCredential = errors.New("a credential would be written")

// gate passes every file of the environment's finished tree through the
// credential gate, on every core. A file whose exact bytes passed before
// (vc, keyed by this binary, the path and the bytes) is not scanned again.
func gate(res *Result, vc *verifycache.Cache) error {
	files := res.Tree.Files()
	found := make([][]credgate.Finding, len(files))
	par.Each(len(files), func(i int) {
		f := files[i]
		key := vc.Key("credential-gate", []byte(f.Path), f.Data)
		if _, ok := vc.Passed(key); ok {
			return
		}
		if found[i] = credgate.File(f.Path, f.Data); len(found[i]) == 0 {
			vc.Pass(key, nil)
		}
	})
	var fs []credgate.Finding
	for _, f := range found {
		fs = append(fs, f...)
	}
	fs = credgate.Sort(fs)
	if len(fs) == 0 {
		return nil
	}
	env := ""
	if res.Plan != nil && res.Plan.Env != nil {
		env = res.Plan.Env.Name
	}
	var problems diag.List
	for _, f := range fs {
		file, _, _ := strings.Cut(f.Pos, ":")
		var at diag.Pos
		from := "the environment's CUE: " // no position known
		if a, ok := res.Tree.Get(file); ok && a.Origin != "" {
			at, from = diag.Origin(a.Origin), ""
		}
		field := ""
		if f.Field != "" {
			field = f.Field + ": "
		}
		problems = append(problems, diag.Diagnostic{Pos: at, Cause: ErrCredential, Msg: fmt.Sprintf(
			"%sout/%s/%s: %sa credential would be written (%s): keep it in a Kubernetes Secret and reference it; the value is not shown",
			from, env, f.Pos, field, f.What)})
	}
	return problems
}

// gated returns res when its tree passes the gate.
func gated(res *Result, vc *verifycache.Cache) (*Result, error) {
	if err := gate(res, vc); err != nil {
		return nil, err
	}
	return res, nil
}
