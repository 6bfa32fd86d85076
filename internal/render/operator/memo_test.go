package operator

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/mongen-dev/mongen/internal/artifact"
	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/model"
	"github.com/mongen-dev/mongen/internal/verifycache"
)

// memoEnv has two rule groups, so an edit to one leaves the other's
// PrometheusRule unchanged.
func memoEnv(threshold string) *model.Environment {
	env := withTarget("api", model.Target{Kind: model.KindService, Namespace: "web", Selector: map[string]string{"app": "api"}, Port: "metrics", Path: "/metrics", Scheme: "http"})
	env.Rules = map[string]model.RuleGroup{
		"api":   {"APIErrors": {Kind: model.RuleAlert, Name: "APIErrors", Expr: "rate(errors_total[5m]) > " + threshold, Enabled: true, For: "5m"}},
		"other": {"OtherDown": {Kind: model.RuleAlert, Name: "OtherDown", Expr: "up{job=\"other\"} == 0", Enabled: true, For: "5m"}},
	}
	return env
}

// memoRender renders env with a memo over previous (the output tree
// before) and returns the tree and how many objects were marshalled.
func memoRender(t *testing.T, env *model.Environment, cachePath string, previous map[string][]byte) (*artifact.Tree, int) {
	t.Helper()
	p, err := expand.Expand(env)
	if err != nil {
		t.Fatalf("expand: %v", err)
	}
	vc := verifycache.Open(cachePath, "test")
	memo := &Memo{Verified: vc, Previous: func(path string) ([]byte, bool) { d, ok := previous[path]; return d, ok }}
	tree := artifact.NewTree()
	if err := RenderWith(p, tree, memo); err != nil {
		t.Fatal(err)
	}
	if err := vc.Save(cachePath); err != nil {
		t.Fatal(err)
	}
	return tree, vc.Misses()
}

func filesOf(tree *artifact.Tree) map[string][]byte {
	out := map[string][]byte{}
	for _, f := range tree.Files() {
		out[f.Path] = f.Data
	}
	return out
}

// TestMemoReusesOnlyUnchangedObjects: a warm memo gives exactly the bytes
// a plain render gives, marshals again only the edited object, and never
// takes a file whose bytes are not the ones it recorded.
func TestMemoReusesOnlyUnchangedObjects(t *testing.T) {
	cachePath := filepath.Join(t.TempDir(), "verified.json")
	fresh := func(env *model.Environment) map[string][]byte {
		tree, err := renderEnv(t, env)
		if err != nil {
			t.Fatal(err)
		}
		return filesOf(tree)
	}
	same := func(what string, got *artifact.Tree, want map[string][]byte) {
		t.Helper()
		files := filesOf(got)
		if len(files) != len(want) {
			t.Fatalf("%s: %d files, want %d", what, len(files), len(want))
		}
		for path, data := range want {
			if !bytes.Equal(files[path], data) {
				t.Errorf("%s: %s differs from a render without the memo:\n%s\nwant:\n%s", what, path, files[path], data)
			}
		}
	}

	cold, objects := memoRender(t, memoEnv("5"), cachePath, nil)
	same("cold", cold, fresh(memoEnv("5")))
	if objects < 3 {
		t.Fatalf("only %d objects marshalled cold: the test needs several", objects)
	}
	previous := filesOf(cold)

	warm, misses := memoRender(t, memoEnv("5"), cachePath, previous)
	same("unchanged", warm, fresh(memoEnv("5")))
	if misses != 0 {
		t.Errorf("nothing changed, but %d objects were marshalled again", misses)
	}

	edited, misses := memoRender(t, memoEnv("6"), cachePath, filesOf(warm))
	same("one rule edited", edited, fresh(memoEnv("6")))
	if misses != 1 {
		t.Errorf("one PrometheusRule changed, but %d objects were marshalled again", misses)
	}

	// A file of the previous tree edited by hand (or by another build)
	// is not what the cache recorded: that object is marshalled again.
	tampered := filesOf(edited)
	var victim string
	for path := range tampered {
		victim = path
		break
	}
	tampered[victim] = append([]byte("# edited\n"), tampered[victim]...)
	again, misses := memoRender(t, memoEnv("6"), cachePath, tampered)
	same("previous file edited", again, fresh(memoEnv("6")))
	if misses != 0 {
		t.Errorf("the edited file's object is a cache hit whose bytes are refused; %d misses", misses)
	}
	delete(tampered, victim)
	gone, _ := memoRender(t, memoEnv("6"), cachePath, tampered)
	same("previous file removed", gone, fresh(memoEnv("6")))
}
