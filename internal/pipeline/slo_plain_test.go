package pipeline

import (
	"path"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/mongen-dev/mongen/internal/load"
	"github.com/mongen-dev/mongen/internal/render/kustomize"
	"github.com/mongen-dev/mongen/internal/render/plain"
	"github.com/mongen-dev/mongen/internal/verify"
	"github.com/mongen-dev/mongen/internal/verify/kustomizecheck"
)

// TestPlainThousandSLOs: a plain environment with 1,000 SLOs (about 9 MB
// of rule files) builds, its rule files spread over ConfigMaps
// prometheus-rules, prometheus-rules-1, ... that each weigh under the
// 262,144-byte limit as kustomize builds them, and every rule file is in
// exactly one of them, so the projected mount at rules/ holds every file
// prometheus.yml's rule_files loads.
func TestPlainThousandSLOs(t *testing.T) {
	if testing.Short() {
		t.Skip("a whole build of 1,000 SLOs")
	}
	res, err := Compile(thousandSLOsRepo(t, "plain"), bigRef, load.Options{})
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	var ruleFiles []string
	ruleBytes := 0
	for _, f := range res.Tree.Files() {
		files[f.Path] = f.Data
		if path.Dir(f.Path) == plain.RulesDir {
			ruleFiles = append(ruleFiles, f.Path)
			ruleBytes += len(f.Data)
		}
	}
	if ruleBytes < 4*verify.MaxApplySize {
		t.Fatalf("rule files total %d bytes: too few to need a split", ruleBytes)
	}
	var k struct {
		ConfigMapGenerator []struct {
			Name  string   `yaml:"name"`
			Files []string `yaml:"files"`
		} `yaml:"configMapGenerator"`
	}
	if err := yaml.Unmarshal(files[kustomize.Path], &k); err != nil {
		t.Fatal(err)
	}
	var names, generated []string
	for _, g := range k.ConfigMapGenerator {
		if g.Name == kustomize.ConfigMapRules || strings.HasPrefix(g.Name, kustomize.ConfigMapRules+"-") {
			names = append(names, g.Name)
			generated = append(generated, g.Files...)
		}
	}
	slices.Sort(ruleFiles)
	if !slices.Equal(generated, ruleFiles) {
		t.Errorf("rule ConfigMaps hold %d files, the tree %d (each file once, in order)", len(generated), len(ruleFiles))
	}
	ids, sizes, err := kustomizecheck.ResourcesWithSizes(files)
	if err != nil {
		t.Fatal(err)
	}
	built, largest := 0, 0
	for _, id := range ids {
		if id.Kind != "ConfigMap" || !slices.Contains(names, id.Name) {
			continue
		}
		built++
		largest = max(largest, sizes[id])
		if sizes[id] >= verify.MaxApplySize {
			t.Errorf("%s is %d bytes, over %d", id, sizes[id], verify.MaxApplySize)
		}
		if sizes[id] < verify.MaxApplySize/2 && id.Name != names[len(names)-1] {
			t.Errorf("%s is only %d bytes: the split wastes ConfigMaps", id, sizes[id])
		}
	}
	if built != len(names) || built < 2 {
		t.Errorf("kustomize built %d rules ConfigMaps of %d generators (%v)", built, len(names), names)
	}
	t.Logf("%d rule files, %d bytes, in %d ConfigMaps, the largest %d bytes as JSON", len(ruleFiles), ruleBytes, len(names), largest)
}
