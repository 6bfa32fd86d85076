package lint

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/mongen-dev/mongen/internal/verifycache"
)

// TestTemplateVerdictsCached: a warm cache skips templates that passed,
// never one that changed, and never a failure (only passes are kept).
func TestTemplateVerdictsCached(t *testing.T) {
	path := filepath.Join(t.TempDir(), "verified.json")
	good := testPlan(t, alert("A", "up == 0", annotation("summary", "{{ $labels.instance }} is down")))
	vc := verifycache.Open(path, "test")
	if fs := Unsuppressed(good, Config{Only: []string{"template/syntax"}, Verified: vc}); len(fs) != 0 {
		t.Fatalf("the good template has findings: %v", fs)
	}
	if err := vc.Save(path); err != nil {
		t.Fatal(err)
	}

	vc = verifycache.Open(path, "test")
	if fs := Unsuppressed(good, Config{Only: []string{"template/syntax"}, Verified: vc}); len(fs) != 0 || vc.Misses() != 0 {
		t.Fatalf("the same rule again: findings %v, %d misses, want none", fs, vc.Misses())
	}

	bad := testPlan(t, alert("A", "up == 0", annotation("summary", "{{ $labels.instance }} is {{ humanise 1 }}")))
	for range 2 { // the failure is not cached: it is found every time
		vc = verifycache.Open(path, "test")
		fs := Unsuppressed(bad, Config{Only: []string{"template/syntax"}, Verified: vc})
		if len(fs) != 1 || !strings.Contains(fs[0].Message, `function "humanise" not defined`) {
			t.Fatalf("the edited template: findings %v, want the undefined function", fs)
		}
		if err := vc.Save(path); err != nil {
			t.Fatal(err)
		}
	}

	// The verdict is the rule's: the same text under another name (the
	// template's name in Prometheus) is checked again.
	renamed := testPlan(t, alert("B", "up == 0", annotation("summary", "{{ $labels.instance }} is down")))
	vc = verifycache.Open(path, "test")
	Unsuppressed(renamed, Config{Only: []string{"template/syntax"}, Verified: vc})
	if vc.Misses() == 0 {
		t.Error("a renamed rule's templates were served from the cache")
	}
}
