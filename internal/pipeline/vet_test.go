package pipeline

import (
	"testing"

	"github.com/mongen-dev/mongen/internal/load"
)

// TestShippedEnvironmentsVetClean is `mongen vet --all` as a test: the
// shipped environments carry no finding, and every suppression they
// configure states its reason.
func TestShippedEnvironmentsVetClean(t *testing.T) {
	root := repoRoot(t)
	refs, err := load.All(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, ref := range refs {
		res, err := Vet(root, ref, load.Options{})
		if err != nil {
			t.Fatalf("vet %s: %v", ref.Name, err)
		}
		if res.BuildErr != nil {
			t.Errorf("%s: build fails: %v", ref.Name, res.BuildErr)
		}
		for _, f := range res.Findings {
			t.Errorf("%s: %s", ref.Name, f)
		}
		for _, s := range res.Suppressed {
			if s.Reason == "" {
				t.Errorf("%s: suppressed without a reason: %s", ref.Name, s.Finding)
			}
		}
	}
}
