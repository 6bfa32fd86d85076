package ruletest

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/load"
	"github.com/mongen-dev/mongen/internal/model"
)

// loadPlan evaluates environments/<name> under root and expands it.
func loadPlan(t *testing.T, root, name string) *expand.Plan {
	t.Helper()
	ref, err := load.Resolve(root, name)
	if err != nil {
		t.Fatal(err)
	}
	env, err := load.Environment(root, ref, load.Options{})
	if err != nil {
		t.Fatalf("load %s: %v", name, err)
	}
	plan, err := expand.Expand(env)
	if err != nil {
		t.Fatalf("expand %s: %v", name, err)
	}
	return plan
}

func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// libraryRoot is a user's repository using every library exporter, served
// the schemas and library embedded in the binary.
var libraryRoot = func() string {
	root, err := filepath.Abs(filepath.Join("testdata", "library"))
	if err != nil {
		panic(err)
	}
	return root
}()

func failures(res *Result) string {
	var b strings.Builder
	for _, tr := range res.Tests {
		if !tr.OK() {
			b.WriteString(tr.ID + ":\n" + failureText(tr))
		}
	}
	return b.String()
}

// TestShippedEnvironments is `mongen test --all` on the shipped
// environments: every test passes and every alerting rule has one.
func TestShippedEnvironments(t *testing.T) {
	root := repoRoot(t)
	refs, err := load.All(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, ref := range refs {
		t.Run(ref.Name, func(t *testing.T) {
			t.Parallel()
			res, err := Run(loadPlan(t, root, ref.Name), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if res.Failed() > 0 {
				t.Errorf("%s\n%s", res.Summary(), failures(res))
			}
			if len(res.Tests) == 0 || len(res.Untested) > 0 {
				t.Errorf("%s", res.Summary())
			}
			t.Log(res.Summary())
		})
	}
}

// TestLibraryRules runs the library's tests in an environment that uses
// every exporter, and in one that renames every job and overrides
// thresholds, durations, tiers, labels and annotations; and checks that
// every library alerting rule ships a test where it fires and one where it
// does not.
func TestLibraryRules(t *testing.T) {
	lib := loadPlan(t, libraryRoot, "lib")
	renamed := loadPlan(t, libraryRoot, "renamed")
	for _, p := range []*expand.Plan{lib, renamed} {
		res, err := Run(p, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Failed() > 0 || len(res.Untested) > 0 {
			t.Errorf("%s\n%s", res.Summary(), failures(res))
		}
		t.Log(res.Summary())
	}

	// The environment must name every exporter the library defines.
	defs := libraryExporters(t)
	src, err := os.ReadFile(filepath.Join(libraryRoot, "environments", "lib", "lib.cue"))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range defs {
		if !strings.Contains(string(src), "exporter.#"+d) {
			t.Errorf("library exporter #%s is not in %s/environments/lib: its rules' tests do not run", d, libraryRoot)
		}
	}

	rules := 0
	for _, g := range lib.Groups {
		for _, r := range g.Rules {
			if g.Exporter == "" || r.Kind != model.RuleAlert {
				continue
			}
			rules++
			firing, quiet := false, false
			for _, tc := range r.Tests {
				for _, c := range tc.Alerts {
					if len(c.Expect) > 0 {
						firing = true
					} else {
						quiet = true
					}
				}
			}
			if !firing || !quiet {
				t.Errorf("library rule %s/%s (%s): want a test where it fires and one where it does not (firing %v, quiet %v)", g.Name, r.Key, r.Origin, firing, quiet)
			}
		}
	}
	if rules < 70 {
		t.Errorf("only %d library alerting rules found", rules)
	}
	t.Logf("%d library alerting rules, each with a firing and a quiet test", rules)
}

// libraryExporters lists the exporter definitions in library/exporter.
func libraryExporters(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(repoRoot(t), "library", "exporter", "*.cue"))
	if err != nil || len(files) == 0 {
		t.Fatalf("library files: %v", err)
	}
	def := regexp.MustCompile(`(?m)^#(\w+): \{\n\tschemas\.#Exporter$`)
	var out []string
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range def.FindAllStringSubmatch(string(data), -1) {
			out = append(out, m[1])
		}
	}
	sort.Strings(out)
	if len(out) < 13 {
		t.Fatalf("found only exporters %v", out)
	}
	return out
}
