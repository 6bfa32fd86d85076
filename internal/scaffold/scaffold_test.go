package scaffold

import (
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestPinnedVersion: the Makefile and both workflows install the pinned
// mongen, CI caches it under a key that carries that version (so a new
// pin is a new cache entry), and nothing installs latest.
func TestPinnedVersion(t *testing.T) {
	files, err := Files(Options{MongenVersion: "v1.2.3"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(files["Makefile"]), "go install github.com/mongen-dev/mongen/cmd/mongen@v1.2.3\n") {
		t.Errorf("Makefile does not install v1.2.3:\n%s", files["Makefile"])
	}
	for _, p := range []string{".github/workflows/main.yml", ".github/workflows/pr.yml"} {
		var wf struct {
			Env  map[string]string `yaml:"env"`
			Jobs map[string]struct {
				Steps []struct {
					Name string            `yaml:"name"`
					Uses string            `yaml:"uses"`
					With map[string]string `yaml:"with"`
					Run  string            `yaml:"run"`
				} `yaml:"steps"`
			} `yaml:"jobs"`
		}
		if err := yaml.Unmarshal(files[p], &wf); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if wf.Env["MONGEN_VERSION"] != "v1.2.3" {
			t.Errorf("%s: MONGEN_VERSION = %q, want v1.2.3", p, wf.Env["MONGEN_VERSION"])
		}
		caches := 0
		for name, job := range wf.Jobs {
			for _, s := range job.Steps {
				if strings.HasPrefix(s.Uses, "actions/cache@") && s.With["path"] == "~/go/bin/mongen" {
					caches++
					if !strings.Contains(s.With["key"], "${{ env.MONGEN_VERSION }}") {
						t.Errorf("%s job %s: cache key %q does not carry the pinned version", p, name, s.With["key"])
					}
				}
				if strings.Contains(s.Run, "@latest") {
					t.Errorf("%s job %s: step %q installs latest", p, name, s.Name)
				}
			}
		}
		if caches == 0 {
			t.Errorf("%s: no step caches mongen", p)
		}
	}
	for _, v := range []string{"", "latest"} {
		if _, err := Files(Options{MongenVersion: v}); err == nil || !strings.Contains(err.Error(), "no mongen version to pin") {
			t.Errorf("MongenVersion %q: %v, want an error", v, err)
		}
	}
}

// TestBranch: the branch Flux and Argo CD follow is the one CI runs on and
// make diff compares with.
func TestBranch(t *testing.T) {
	files, err := Files(Options{MongenVersion: "v1.2.3", Branch: "trunk"})
	if err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]string{
		"Makefile":                       "$(MONGEN) diff --base trunk\n",
		".github/workflows/main.yml":     "    branches:\n      - \"trunk\"\n",
		".github/workflows/pr.yml":       "    branches:\n      - \"trunk\"\n",
		"deploy/flux/gitrepository.yaml": "branch: trunk",
	} {
		if !strings.Contains(string(files[p]), want) {
			t.Errorf("%s does not contain %q:\n%s", p, want, files[p])
		}
	}
	for p, b := range files {
		if strings.Contains(string(b), "main\n") && !strings.HasPrefix(p, "environments/") {
			t.Errorf("%s still names main:\n%s", p, b)
		}
	}
}
