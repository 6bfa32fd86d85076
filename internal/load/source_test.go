package load

import (
	"io/fs"
	"os"
	"strings"
	"testing"
	"testing/fstest"
)

// TestEnvironmentFromSource loads a repository tree given as an fs.FS (as
// mongen diff does with a git revision): the tree's files are used, files
// on disk under the same root are not, and positions stay relative to the
// root.
func TestEnvironmentFromSource(t *testing.T) {
	// On disk: a broken environment and a stray file the tree lacks.
	root := writeFiles(t, map[string]string{
		"cue.mod/module.cue":          userModule,
		"environments/prod/prod.cue":  envFile(`	name: "prod"` + "\n\tcluster: 42"),
		"environments/prod/stray.cue": "package prod\nenv: bogus: true\n",
	})
	src := fstest.MapFS{
		"cue.mod/module.cue":          {Data: []byte(userModule)},
		"environments/prod/prod.cue":  {Data: []byte(envFile(`	name: "prod"` + "\n\texporters: node: exporter.#NodeExporter & {job: \"from-git\"}"))},
		"environments/dev/dev.cue":    {Data: []byte("package dev\n")},
		"out/prod/ignored.cue":        {Data: []byte("not CUE at all {")},
		"environments/prod/README.md": {Data: []byte("not loaded")},
	}
	env, err := Environment(root, Ref{Name: "prod", Dir: "environments/prod"}, Options{Source: src})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := env.Exporters["node"].Targets["from-git"]; !ok {
		t.Errorf("the tree's environment was not the one loaded: %v", env.Exporters)
	}
	if got := env.Source("exporters", "node"); !strings.HasPrefix(got, "environments/prod/prod.cue:") {
		t.Errorf("position %q is not relative to the root", got)
	}
	if got := env.Source("exporters", "node", "rules", "node-exporter", "NodeDown"); !strings.HasPrefix(got, "mongen.dev/mongen@v0.1.0/library/") {
		t.Errorf("embedded library position %q", got)
	}

	// Errors in the tree are reported at their position in it.
	src["environments/prod/prod.cue"] = &fstest.MapFile{Data: []byte(envFile(`	name: "prod"` + "\n\tcluster: 42"))}
	_, err = Environment(root, Ref{Name: "prod", Dir: "environments/prod"}, Options{Source: src})
	if err == nil || !strings.Contains(err.Error(), "environments/prod/prod.cue:") || strings.Contains(err.Error(), sourceDir) {
		t.Errorf("error from the tree: %v", err)
	}
}

// TestEnvironmentFromSourceOfThisRepository: in this repository the module is
// the repository itself, so a revision brings its own schemas and library.
func TestEnvironmentFromSourceOfThisRepository(t *testing.T) {
	env, err := Environment("../..", Ref{Name: "dev", Dir: "environments/dev"}, Options{Source: os.DirFS("../..")})
	if err != nil {
		t.Fatal(err)
	}
	if env.Name != "dev" || len(env.Exporters) == 0 {
		t.Errorf("env = %s with %d exporters", env.Name, len(env.Exporters))
	}
	if got := env.Source("exporters", "node", "rules", "node-exporter", "NodeDown"); !strings.HasPrefix(got, "library/exporter/node.cue:") {
		t.Errorf("library position %q", got)
	}
}

func TestAllIn(t *testing.T) {
	src := fstest.MapFS{
		"environments/prod/a.cue":     {Data: []byte("package prod\n")},
		"environments/dev/dev.cue":    {Data: []byte("package dev\n")},
		"environments/docs/README.md": {Data: []byte("no cue")},
		"environments/notes.cue":      {Data: []byte("package x\n")},
	}
	refs, err := AllIn(src)
	if err != nil {
		t.Fatal(err)
	}
	if len(refs) != 2 || refs[0] != (Ref{"dev", "environments/dev"}) || refs[1] != (Ref{"prod", "environments/prod"}) {
		t.Errorf("AllIn = %v", refs)
	}
	if refs, err := AllIn(fstest.MapFS{}); err != nil || refs != nil {
		t.Errorf("no environments/: %v, %v", refs, err)
	}
	var _ fs.FS = src
}

func TestParseRef(t *testing.T) {
	for _, arg := range []string{"prod", "env/prod", "environments/prod", "./environments/prod/", "envs/prod"} {
		if ref, err := ParseRef(arg); err != nil || ref != (Ref{"prod", "environments/prod"}) {
			t.Errorf("%s: %v %v", arg, ref, err)
		}
	}
	for _, bad := range []string{"", "a/b", "..", "env/prod/x"} {
		if _, err := ParseRef(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
