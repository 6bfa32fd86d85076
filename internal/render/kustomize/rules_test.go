package kustomize

import (
	"fmt"
	"strings"
	"testing"

	"github.com/mongen-dev/mongen/internal/artifact"
	"github.com/mongen-dev/mongen/internal/render/plain"
)

// TestRulesConfigMaps: files go in path order into prometheus-rules,
// prometheus-rules-1, ..., a new ConfigMap starting where the next file
// would pass the budget (counted with JSON escaping: a > weighs 6 bytes);
// other directories are ignored; one file over the budget is an error
// naming its origin.
func TestRulesConfigMaps(t *testing.T) {
	tree := artifact.NewTree()
	// Each file: 50,000 '>' (300,000 escaped bytes) would not fit; 9,000
	// '>' plus newline is 54,000-odd bytes, so four fit one ConfigMap.
	body := strings.Repeat(">", 9000) + "\n"
	for i := range 10 {
		if err := tree.Add(artifact.File{Path: fmt.Sprintf("%s/g%02d.yaml", plain.RulesDir, i), Data: []byte(body)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := tree.Add(artifact.File{Path: plain.GlobalRulesDir + "/x.yaml", Data: []byte(body)}); err != nil {
		t.Fatal(err)
	}
	cms, err := RulesConfigMaps(tree, plain.RulesDir, ConfigMapRules)
	if err != nil {
		t.Fatal(err)
	}
	per := dataEntrySize("g00.yaml", []byte(body))
	if per < 54000 {
		t.Fatalf("entry size %d does not count escaping", per)
	}
	fit := RulesDataBudget / per
	var got []string
	for _, cm := range cms {
		got = append(got, fmt.Sprintf("%s:%d", cm.Name, len(cm.Files)))
	}
	var want []string
	for i, left := 0, 10; left > 0; i++ {
		n := min(fit, left)
		name := ConfigMapRules
		if i > 0 {
			name = fmt.Sprintf("%s-%d", ConfigMapRules, i)
		}
		want = append(want, fmt.Sprintf("%s:%d", name, n))
		left -= n
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("ConfigMaps %v, want %v", got, want)
	}
	if cms[0].Files[0] != plain.RulesDir+"/g00.yaml" || cms[len(cms)-1].Files[len(cms[len(cms)-1].Files)-1] != plain.RulesDir+"/g09.yaml" {
		t.Errorf("files out of order: %v", cms)
	}

	big := artifact.NewTree()
	if err := big.Add(artifact.File{Path: plain.RulesDir + "/huge.yaml", Origin: "environments/dev/slo.cue:3:1", Data: []byte(strings.Repeat(">", 50000))}); err != nil {
		t.Fatal(err)
	}
	_, err = RulesConfigMaps(big, plain.RulesDir, ConfigMapRules)
	if err == nil || !strings.HasPrefix(err.Error(), "environments/dev/slo.cue:3:1: prometheus/rules/huge.yaml is 300") || !strings.Contains(err.Error(), "split the rule group") {
		t.Errorf("oversized file: %v", err)
	}
}
