package pipeline

import (
	"bytes"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/mongen-dev/mongen/internal/artifact"
	"github.com/mongen-dev/mongen/internal/load"
	"github.com/mongen-dev/mongen/internal/write"
)

func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := load.FindRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

func compileAll(t *testing.T, root string) map[string]*artifact.Tree {
	t.Helper()
	refs, err := load.All(root)
	if err != nil {
		t.Fatal(err)
	}
	if len(refs) < 2 {
		t.Fatalf("expected the shipped environments, found %v", refs)
	}
	out := map[string]*artifact.Tree{}
	for _, ref := range refs {
		tree, err := Compile(root, ref, load.Options{})
		if err != nil {
			t.Fatalf("compile %s: %v", ref.Name, err)
		}
		out[ref.Name] = tree.Tree
	}
	return out
}

// TestDeterministic builds every shipped environment twice at each of
// GOMAXPROCS 1 and 8: all trees must be byte-identical.
func TestDeterministic(t *testing.T) {
	root := repoRoot(t)
	prev := runtime.GOMAXPROCS(0)
	defer runtime.GOMAXPROCS(prev)
	var first map[string]*artifact.Tree
	for _, procs := range []int{1, 8, 1, 8} {
		runtime.GOMAXPROCS(procs)
		got := compileAll(t, root)
		if first == nil {
			first = got
			continue
		}
		for env, tree := range got {
			assertSameTree(t, env, first[env], tree)
		}
	}
}

// TestShippedOutputIsCurrent is `mongen check` as a test: the committed
// out/ must be what the committed sources compile to.
func TestShippedOutputIsCurrent(t *testing.T) {
	root := repoRoot(t)
	for env, tree := range compileAll(t, root) {
		d, err := write.Compare(filepath.Join(root, "out", env), tree)
		if err != nil {
			t.Fatal(err)
		}
		d.Dir = "out/" + env
		if !d.Empty() {
			t.Errorf("out/%s is stale; run `go run ./cmd/mongen build --all`:\n%s", env, d)
		}
	}
}

func assertSameTree(t *testing.T, env string, a, b *artifact.Tree) {
	t.Helper()
	if a.Len() != b.Len() {
		t.Fatalf("%s: %d files, then %d", env, a.Len(), b.Len())
	}
	for _, f := range a.Files() {
		g, ok := b.Get(f.Path)
		if !ok || !bytes.Equal(f.Data, g.Data) {
			t.Errorf("%s: %s differs between builds", env, f.Path)
		}
	}
}
