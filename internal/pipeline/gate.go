package pipeline

import (
	"fmt"
	"strings"

	"github.com/mongen-dev/mongen/internal/credgate"
)

// CredentialError stops a build whose output would hold a credential:
// the last check before any byte reaches out/ (or a diff), whatever the
// stages before it missed. It names each file, line and field, and the
// CUE the file came from, never the value.
type CredentialError struct{ Problems []string }

func (e *CredentialError) Error() string { return strings.Join(e.Problems, "\n") }

// gate passes every file of the environment's finished tree through the
// credential gate.
func gate(res *Result) error {
	fs := credgate.Tree(res.Tree)
	if len(fs) == 0 {
		return nil
	}
	env := ""
	if res.Plan != nil && res.Plan.Env != nil {
		env = res.Plan.Env.Name
	}
	var problems []string
	for _, f := range fs {
		file, _, _ := strings.Cut(f.Pos, ":")
		from := "the environment's CUE"
		if a, ok := res.Tree.Get(file); ok && a.Origin != "" {
			from = a.Origin
		}
		field := ""
		if f.Field != "" {
			field = f.Field + ": "
		}
		problems = append(problems, fmt.Sprintf("%s: out/%s/%s: %sa credential would be written (%s): keep it in a Kubernetes Secret and reference it; the value is not shown",
			from, env, f.Pos, field, f.What))
	}
	return &CredentialError{Problems: problems}
}

// gated returns res when its tree passes the gate.
func gated(res *Result) (*Result, error) {
	if err := gate(res); err != nil {
		return nil, err
	}
	return res, nil
}
