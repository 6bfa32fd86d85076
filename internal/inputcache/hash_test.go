package inputcache

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
)

// repo writes a small user repository: prod imports the module's lib
// package (which imports sub), staging is unrelated to prod.
func repo(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	files := map[string]string{
		"cue.mod/module.cue":            "module: \"example.com/mon@v0\"\nlanguage: version: \"v0.17.0\"\n",
		"environments/prod/main.cue":    "package prod\n\nimport \"example.com/mon/lib\"\n\nenv: name: lib.name\n",
		"environments/prod/rules.cue":   "package prod\n\nenv: rules: 1\n",
		"environments/staging/main.cue": "package staging\n\nenv: name: \"staging\"\n",
		"lib/lib.cue":                   "package lib\n\nimport \"example.com/mon/sub@v0:sub\"\n\nname: sub.x\n",
		"sub/sub.cue":                   "package sub\n\nx: \"prod\"\n",
		"other/other.cue":               "package other\n\ny: 1\n",
		"README.md":                     "# monitoring\n",
		"out/prod/prometheus.yml":       "global: {}\n",
	}
	for p, data := range files {
		write(t, root, p, data)
	}
	return root
}

func write(t *testing.T, root, rel, data string) {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func module() fstest.MapFS {
	return fstest.MapFS{
		"cue.mod/module.cue":        {Data: []byte("module: \"mongen.dev/mongen@v0\"\n")},
		"schemas/environment.cue":   {Data: []byte("package schemas\n\n#Environment: {}\n")},
		"library/exporter/node.cue": {Data: []byte("package exporter\n\nnode: {}\n")},
	}
}

func inputs(root string) Inputs {
	return Inputs{Root: root, EnvDir: "environments/prod", Module: module(), Binary: "go-build-id a/b", Settings: []string{"CUE_EXPERIMENT=x"}}
}

func mustHash(t *testing.T, in Inputs) string {
	t.Helper()
	h, err := Hash(in)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestHashChangesWithEveryInput(t *testing.T) {
	tests := []struct {
		name   string
		change func(t *testing.T, root string, in *Inputs)
	}{
		{"environment file edited", func(t *testing.T, root string, _ *Inputs) {
			write(t, root, "environments/prod/rules.cue", "package prod\n\nenv: rules: 2\n")
		}},
		{"environment file added", func(t *testing.T, root string, _ *Inputs) {
			write(t, root, "environments/prod/more.cue", "package prod\n")
		}},
		{"environment file removed", func(t *testing.T, root string, _ *Inputs) {
			if err := os.Remove(filepath.Join(root, "environments/prod/rules.cue")); err != nil {
				t.Fatal(err)
			}
		}},
		{"environment file renamed", func(t *testing.T, root string, _ *Inputs) {
			if err := os.Rename(filepath.Join(root, "environments/prod/rules.cue"), filepath.Join(root, "environments/prod/rules2.cue")); err != nil {
				t.Fatal(err)
			}
		}},
		{"same-package file added in a parent directory", func(t *testing.T, root string, _ *Inputs) {
			write(t, root, "environments/common.cue", "package prod\n\nenv: team: \"sre\"\n")
		}},
		{"same-package file added at the module root", func(t *testing.T, root string, _ *Inputs) {
			write(t, root, "common.cue", "package prod\n")
		}},
		{"imported package edited", func(t *testing.T, root string, _ *Inputs) {
			write(t, root, "lib/lib.cue", "package lib\n\nimport \"example.com/mon/sub@v0:sub\"\n\nname: sub.x + \"\"\n")
		}},
		{"transitively imported package edited", func(t *testing.T, root string, _ *Inputs) {
			write(t, root, "sub/sub.cue", "package sub\n\nx: \"prod2\"\n")
		}},
		{"file added to an imported package", func(t *testing.T, root string, _ *Inputs) {
			write(t, root, "sub/more.cue", "package sub\n")
		}},
		{"module file edited", func(t *testing.T, root string, _ *Inputs) {
			write(t, root, "cue.mod/module.cue", "module: \"example.com/mon@v0\"\nlanguage: version: \"v0.16.0\"\n")
		}},
		{"vendored package added under cue.mod/pkg", func(t *testing.T, root string, _ *Inputs) {
			write(t, root, "cue.mod/pkg/example.org/x/x.cue", "package x\n")
		}},
		{"cue.mod/usr file added", func(t *testing.T, root string, _ *Inputs) {
			write(t, root, "cue.mod/usr/example.org/x/x.cue", "package x\n")
		}},
		{"embedded library edited", func(t *testing.T, _ string, in *Inputs) {
			m := module()
			m["library/exporter/node.cue"] = &fstest.MapFile{Data: []byte("package exporter\n\nnode: {x: 1}\n")}
			in.Module = m
		}},
		{"embedded schema added", func(t *testing.T, _ string, in *Inputs) {
			m := module()
			m["schemas/slo.cue"] = &fstest.MapFile{Data: []byte("package schemas\n")}
			in.Module = m
		}},
		{"another binary", func(t *testing.T, _ string, in *Inputs) { in.Binary = "go-build-id a/c" }},
		{"a setting", func(t *testing.T, _ string, in *Inputs) { in.Settings = []string{"CUE_EXPERIMENT=y"} }},
		{"a setting added", func(t *testing.T, _ string, in *Inputs) {
			in.Settings = append(in.Settings, "GODEBUG=x=1")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := repo(t)
			in := inputs(root)
			before := mustHash(t, in)
			if again := mustHash(t, in); again != before {
				t.Fatalf("hash not stable: %s then %s", before, again)
			}
			tt.change(t, root, &in)
			if after := mustHash(t, in); after == before {
				t.Errorf("hash unchanged after: %s", tt.name)
			}
		})
	}
}

func TestHashIgnoresUnrelatedFiles(t *testing.T) {
	tests := []struct {
		name   string
		change func(t *testing.T, root string, in *Inputs)
	}{
		{"another environment edited", func(t *testing.T, root string, _ *Inputs) {
			write(t, root, "environments/staging/main.cue", "package staging\n\nenv: name: \"stg\"\n")
		}},
		{"a package nobody imports edited", func(t *testing.T, root string, _ *Inputs) {
			write(t, root, "other/other.cue", "package other\n\ny: 2\n")
		}},
		{"README edited", func(t *testing.T, root string, _ *Inputs) { write(t, root, "README.md", "changed\n") }},
		{"output edited", func(t *testing.T, root string, _ *Inputs) {
			write(t, root, "out/prod/prometheus.yml", "changed\n")
		}},
		{"non-CUE file in a parent directory", func(t *testing.T, root string, _ *Inputs) {
			write(t, root, "environments/NOTES.txt", "notes\n")
		}},
		{"settings in another order", func(t *testing.T, _ string, in *Inputs) {
			in.Settings = []string{"GODEBUG=x=1", "CUE_EXPERIMENT=x"}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := repo(t)
			in := inputs(root)
			if tt.name == "settings in another order" {
				in.Settings = []string{"CUE_EXPERIMENT=x", "GODEBUG=x=1"}
			}
			before := mustHash(t, in)
			tt.change(t, root, &in)
			if after := mustHash(t, in); after != before {
				t.Errorf("hash changed after: %s", tt.name)
			}
		})
	}
}

func TestHashRefusesEmbeddedFiles(t *testing.T) {
	root := repo(t)
	write(t, root, "environments/prod/data.cue", "@extern(embed)\n\npackage prod\n\nd: _ @embed(file=\"d.json\")\n")
	if _, err := Hash(inputs(root)); !errors.Is(err, ErrUncacheable) {
		t.Fatalf("Hash = %v, want ErrUncacheable", err)
	}
}

func TestHashFollowsTheSchemasImport(t *testing.T) {
	// In mongen's own repository the schemas come from disk: load always
	// loads the schemas package, so the caller names it as an import.
	root := t.TempDir()
	write(t, root, "cue.mod/module.cue", "module: \"mongen.dev/mongen@v0\"\nlanguage: version: \"v0.17.0\"\n")
	write(t, root, "environments/prod/main.cue", "package prod\n")
	write(t, root, "schemas/environment.cue", "package schemas\n")
	in := inputs(root)
	in.Imports = []string{"mongen.dev/mongen/schemas"}
	before := mustHash(t, in)
	write(t, root, "schemas/environment.cue", "package schemas\n\n#X: 1\n")
	if after := mustHash(t, in); after == before {
		t.Error("hash unchanged after editing schemas/ of the own module")
	}
}
