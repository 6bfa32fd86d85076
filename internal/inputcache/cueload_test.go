package inputcache

import (
	"path/filepath"
	"testing"

	"cuelang.org/go/cue/build"
	cueload "cuelang.org/go/cue/load"
)

// TestFilesCoverWhatCUELoads checks Files against CUE's own loader: every
// file of every instance it loads for the environment (the package with its
// parent-directory files, and each import, transitively) is hashed.
func TestFilesCoverWhatCUELoads(t *testing.T) {
	shipped, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	user := repo(t)
	write(t, user, "environments/common.cue", "package prod\n\nenv: team: \"sre\"\n")
	write(t, user, "common.cue", "package prod\n")
	cases := []struct {
		root, env string
		imports   []string
		// must be among what CUE loads, so the case tests something
		want []string
	}{
		{shipped, "environments/prod", []string{"mongen.dev/mongen/schemas"}, []string{"schemas/environment.cue", "library/exporter/node.cue", "environments/prod/main.cue"}},
		{shipped, "environments/dev", []string{"mongen.dev/mongen/schemas"}, []string{"schemas/environment.cue"}},
		{user, "environments/prod", nil, []string{"environments/common.cue", "common.cue", "lib/lib.cue", "sub/sub.cue"}},
	}
	for _, c := range cases {
		t.Run(c.env, func(t *testing.T) {
			files, err := Files(Inputs{Root: c.root, EnvDir: c.env, Imports: c.imports})
			if err != nil {
				t.Fatal(err)
			}
			hashed := map[string]bool{}
			for _, f := range files {
				hashed[f.Path] = true
			}
			args := append([]string{"./" + c.env}, c.imports...)
			insts := cueload.Instances(args, &cueload.Config{Dir: c.root, ModuleRoot: c.root})
			loaded := map[string]bool{}
			var walk func(inst *build.Instance)
			walk = func(inst *build.Instance) {
				if inst.Err != nil {
					t.Fatalf("CUE cannot load %s: %v", inst.ImportPath, inst.Err)
				}
				for _, f := range inst.BuildFiles {
					rel, err := filepath.Rel(c.root, f.Filename)
					if err != nil {
						t.Fatal(err)
					}
					loaded[filepath.ToSlash(rel)] = true
				}
				for _, imp := range inst.Imports {
					walk(imp)
				}
			}
			for _, inst := range insts {
				walk(inst)
			}
			for _, p := range c.want {
				if !loaded[p] {
					t.Fatalf("CUE did not load %s: the case does not test what it should (%v)", p, loaded)
				}
			}
			for p := range loaded {
				if !hashed[p] {
					t.Errorf("CUE loads %s, the hash does not cover it", p)
				}
			}
		})
	}
}
