package pipeline

import (
	"encoding/json"
	"testing"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/cuecontext"
	cueload "cuelang.org/go/cue/load"

	"github.com/mongen-dev/mongen/internal/load"
)

// BenchmarkCompileProd is a whole build of the shipped prod environment,
// everything but the write: load, expand, render and verify.
func BenchmarkCompileProd(b *testing.B) {
	root, err := load.FindRoot(".")
	if err != nil {
		b.Fatal(err)
	}
	ref := load.Ref{Name: "prod", Dir: "environments/prod"}
	for b.Loop() {
		if _, err := Compile(root, ref, load.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCUEExportProd is the reference: what `cue export -e env` does
// with the same input (load, evaluate, validate, marshal), measured in the
// same run so the ratio does not depend on the machine.
func BenchmarkCUEExportProd(b *testing.B) {
	root, err := load.FindRoot(".")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		insts := cueload.Instances([]string{"./environments/prod"}, &cueload.Config{Dir: root, ModuleRoot: root})
		v := cuecontext.New().BuildInstance(insts[0]).LookupPath(cue.ParsePath("env"))
		// A multi-cluster environment exports once per cluster, as
		// `cue export -e 'env & env.clusters.C & {cluster: "C"}'` would.
		views := []cue.Value{v}
		if clusters := v.LookupPath(cue.ParsePath("clusters")); clusters.Exists() {
			views = nil
			it, err := clusters.Fields()
			if err != nil {
				b.Fatal(err)
			}
			for it.Next() {
				views = append(views, v.Unify(it.Value()).FillPath(cue.ParsePath("cluster"), it.Selector().Unquoted()))
			}
		}
		for _, v := range views {
			if err := v.Validate(cue.Concrete(true)); err != nil {
				b.Fatal(err)
			}
			if _, err := json.Marshal(v); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkLoadProd is the load stage alone, to see where a build's time goes.
func BenchmarkLoadProd(b *testing.B) {
	root, err := load.FindRoot(".")
	if err != nil {
		b.Fatal(err)
	}
	ref := load.Ref{Name: "prod", Dir: "environments/prod"}
	for b.Loop() {
		if _, err := load.Environment(root, ref, load.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
