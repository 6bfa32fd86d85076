package kubeprom

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/mongen-dev/mongen/internal/corpus"
)

// inventory reads every PrometheusRule of the manifests, in file order.
func inventory(t *testing.T, dir string) []Rule {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*-prometheusRule.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	var out []Rule
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var obj struct {
			Metadata struct{ Name string } `json:"metadata"`
			Spec     struct {
				Groups []struct {
					Name  string `json:"name"`
					Rules []struct {
						Alert  string `json:"alert"`
						Record string `json:"record"`
					} `json:"rules"`
				} `json:"groups"`
			} `json:"spec"`
		}
		if err := yaml.Unmarshal(data, &obj); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for gi, g := range obj.Spec.Groups {
			for ri, r := range g.Rules {
				rule := Rule{Object: obj.Metadata.Name, Group: g.Name, GroupIndex: gi, RuleIndex: ri, Name: r.Alert}
				if r.Record != "" {
					rule.Name, rule.Record = r.Record, true
				}
				out = append(out, rule)
			}
		}
	}
	return out
}

// The embedded inventory is the corpus's, rule for rule (UPDATE_GOLDEN=1
// rewrites it).
func TestRulesAreTheManifests(t *testing.T) {
	want := inventory(t, corpus.KubePrometheusManifests(t))
	if os.Getenv("UPDATE_GOLDEN") != "" {
		data, err := json.MarshalIndent(want, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile("rules-4d719f1d.json", append(data, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := Rules()
	if err != nil {
		t.Fatal(err)
	}
	if len(want) != 234 {
		t.Errorf("the corpus has %d rules, FACTS.md says 139 alerts and 95 records", len(want))
	}
	a, _ := json.Marshal(got)
	b, _ := json.Marshal(want)
	if string(a) != string(b) {
		t.Errorf("embedded inventory (%d rules) differs from the manifests (%d): run UPDATE_GOLDEN=1 go test ./internal/platform/kubeprom", len(got), len(want))
	}
}

func TestRemovalsGoLastFirst(t *testing.T) {
	got := Removals([]Rule{{GroupIndex: 0, RuleIndex: 2}, {GroupIndex: 1, RuleIndex: 0}, {GroupIndex: 0, RuleIndex: 5}})
	want := []string{"/spec/groups/1/rules/0", "/spec/groups/0/rules/5", "/spec/groups/0/rules/2"}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("Removals = %v, want %v", got, want)
		}
	}
}
