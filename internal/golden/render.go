package golden

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/mongen-dev/mongen/internal/artifact"
	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/model"
)

// The files of a renderer's golden case that are not rendered paths.
const (
	// InputFile holds a model.Environment as JSON, decoded strictly.
	InputFile = "input.json"
	// SourcesFile optionally holds the environment's Sources (CUE
	// positions) as JSON.
	SourcesFile = "sources.json"
	// OriginsFile lists every rendered path with its File.Origin ("-" when
	// empty); see Origins.
	OriginsFile = "origins.txt"
)

// EnvInputs are the input files of a renderer's golden case.
var EnvInputs = []string{InputFile, SourcesFile}

// Environment decodes the archive's input.json (rejecting unknown fields)
// and, if present, its sources.json into a model.Environment. It fails the
// test if input.json is missing or either does not decode.
func Environment(t testing.TB, ar *txtar.Archive) *model.Environment {
	t.Helper()
	var env model.Environment
	var haveInput bool
	for _, f := range ar.Files {
		switch f.Name {
		case InputFile:
			haveInput = true
			dec := json.NewDecoder(bytes.NewReader(f.Data))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&env); err != nil {
				t.Fatalf("%s: %v", InputFile, err)
			}
		case SourcesFile:
			if err := json.Unmarshal(f.Data, &env.Sources); err != nil {
				t.Fatalf("%s: %v", SourcesFile, err)
			}
		}
	}
	if !haveInput {
		t.Fatalf("archive has no %s", InputFile)
	}
	return &env
}

// Plan decodes the case's environment (see Environment) and expands it,
// failing the test if either fails. Each call decodes it afresh.
func (c *Case) Plan(t testing.TB) *expand.Plan {
	t.Helper()
	p, err := expand.Expand(Environment(t, c.Archive))
	if err != nil {
		t.Fatalf("expand: %v", err)
	}
	return p
}

// Render renders p into a new tree with render (a renderer's Render),
// failing the test if it fails.
func Render(t testing.TB, p *expand.Plan, render func(*expand.Plan, *artifact.Tree) error) *artifact.Tree {
	t.Helper()
	tree := artifact.NewTree()
	if err := render(p, tree); err != nil {
		t.Fatalf("Render: %v", err)
	}
	return tree
}

// Deterministic fails the test unless rendering each of plans with render
// gives the same tree as first: run with the plan first came from, and with
// a freshly decoded one, it shows the output depends on nothing else.
func Deterministic(t testing.TB, first *artifact.Tree, render func(*expand.Plan, *artifact.Tree) error, plans ...*expand.Plan) {
	t.Helper()
	for i, p := range plans {
		if !SameTree(first, Render(t, p, render)) {
			t.Fatalf("render %d differs from the first: output is not deterministic", i+2)
		}
	}
}

// SameTree reports whether a and b hold the same paths with the same
// origins and bytes.
func SameTree(a, b *artifact.Tree) bool {
	fa, fb := a.Files(), b.Files()
	if len(fa) != len(fb) {
		return false
	}
	for i := range fa {
		if fa[i].Path != fb[i].Path || fa[i].Origin != fb[i].Origin || !bytes.Equal(fa[i].Data, fb[i].Data) {
			return false
		}
	}
	return true
}

// Origins lists every file of tree, by path, with its Origin ("-" when
// empty), one "path origin" per line: the content of origins.txt.
func Origins(tree *artifact.Tree) []byte {
	var b strings.Builder
	for _, f := range tree.Files() {
		o := f.Origin
		if o == "" {
			o = "-"
		}
		fmt.Fprintf(&b, "%s %s\n", f.Path, o)
	}
	return []byte(b.String())
}

// TreeFiles returns tree's files, by path, as archive files.
func TreeFiles(tree *artifact.Tree) []txtar.File {
	var out []txtar.File
	for _, f := range tree.Files() {
		out = append(out, txtar.File{Name: f.Path, Data: f.Data})
	}
	return out
}
