package load

import (
	"errors"
	"maps"
	"path/filepath"
	"sort"
	"testing"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/cuecontext"
	cueload "cuelang.org/go/cue/load"

	"github.com/mongen-dev/mongen/internal/benchenv"
)

// TestLiteralPositionsChangeNoSource holds the shortcut of sources (a
// value written once as a literal takes the syntax tree's position) to
// the positions the evaluated value gives, on the shipped environments
// (prod has two clusters) and a small synthetic one with rules, SLOs and
// dashboards.
func TestLiteralPositionsChangeNoSource(t *testing.T) {
	repo, err := FindRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	synthetic := t.TempDir()
	if err := benchenv.Write(synthetic, repo, benchenv.Spec{Services: 3, Rules: 40, Groups: 4, SLOs: 6, Dashboards: 2}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ root, env string }{{repo, "dev"}, {repo, "prod"}, {synthetic, benchenv.Name}} {
		t.Run(c.env, func(t *testing.T) {
			insts := cueload.Instances([]string{"./" + filepath.ToSlash(filepath.Join(EnvironmentsDir, c.env))}, &cueload.Config{Dir: c.root})
			if err := insts[0].Err; err != nil {
				t.Fatal(err)
			}
			envV := cuecontext.New().BuildInstance(insts[0]).LookupPath(cue.ParsePath(EnvField))
			written, literals := syntaxPositions(c.root, insts[0])
			if len(literals) == 0 {
				t.Fatal("no literal positions: the shortcut is not exercised")
			}
			views := []cue.Value{envV}
			if clusters := envV.LookupPath(cue.ParsePath("clusters")); clusters.Exists() {
				views = nil
				it, err := clusters.Fields()
				if err != nil {
					t.Fatal(err)
				}
				for it.Next() {
					views = append(views, envV.Unify(it.Value()).FillPath(cue.ParsePath("cluster"), it.Selector().Unquoted()))
				}
			}
			for i, view := range views {
				env, verr, err := decodeModel(view)
				if err := errors.Join(verr, err); err != nil {
					t.Fatal(err)
				}
				fast, walked := sources(c.root, view, written, literals, env), sources(c.root, view, written, nil, nil)
				if maps.Equal(fast, walked) {
					continue
				}
				var diffs []string
				for k := range walked {
					if fast[k] != walked[k] {
						diffs = append(diffs, k+": "+fast[k]+" != "+walked[k])
					}
				}
				for k := range fast {
					if _, ok := walked[k]; !ok {
						diffs = append(diffs, k+": only with literals")
					}
				}
				sort.Strings(diffs)
				t.Errorf("view %d: %d sources differ, first: %v", i, len(diffs), diffs[:min(5, len(diffs))])
			}
		})
	}
}
