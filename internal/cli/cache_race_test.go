package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mongen-dev/mongen/internal/inputcache"
	"github.com/mongen-dev/mongen/internal/load"
	"github.com/mongen-dev/mongen/internal/write"
)

const raceModule = `module: "example.com/monitoring@v0"
language: version: "v0.17.0"
deps: "mongen.dev/mongen@v0": v: "v0.1.0"
`

// raceEnv is an environment with one alert whose threshold is given.
func raceEnv(threshold string) string {
	return `package dev

import "mongen.dev/mongen/schemas"

env: schemas.#Environment & {
	name:     "dev"
	cluster:  "dev-local"
	flavour:  "plain"
	selector: {}
	targets: app: {
		kind:      "static"
		addresses: ["127.0.0.1:8080"]
	}
	rules: app: DiskFull: {
		tier: "P2"
		expr: "disk_used_percent{job=\"app\"} > ` + threshold + `"
		for:  "5m"
		annotations: summary: "disk of {{ $labels.instance }} is full"
	}
}
`
}

func raceRepo(t *testing.T) (root, envFile string) {
	t.Helper()
	root = t.TempDir()
	envFile = filepath.Join(root, "environments", "dev", "dev.cue")
	for p, data := range map[string]string{
		filepath.Join(root, "cue.mod", "module.cue"): raceModule,
		envFile: raceEnv("95"),
	} {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root, envFile
}

// outContains reports whether any file under dir contains s.
func outContains(t *testing.T, dir, s string) bool {
	t.Helper()
	found := false
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if strings.Contains(string(data), s) {
			found = true
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return found
}

// TestCacheEditDuringEvaluation is the race of issue 17: a file edited
// while the build evaluates (after its inputs were hashed) and reverted
// before the record is saved. The build must evaluate the bytes it hashed,
// so the record never pairs the sources' hash with output built from
// other sources, and the next build is never "up to date" with out/
// saying 94 while the sources say 95.
func TestCacheEditDuringEvaluation(t *testing.T) {
	t.Setenv(inputcache.DirEnv, t.TempDir())
	root, envFile := raceRepo(t)
	outBase := filepath.Join(root, "out")
	ref, err := load.ParseRef("dev")
	if err != nil {
		t.Fatal(err)
	}

	// mongen build's steps (build.go), with the edit in the middle.
	cache := newInputCache(root, outBase, false)
	if cache == nil {
		t.Fatal("no input cache")
	}
	cache.afterHash = func(load.Ref) {
		if err := os.WriteFile(envFile, []byte(raceEnv("94")), 0o644); err != nil {
			t.Error(err)
		}
	}
	r := compileAll(root, []load.Ref{ref}, cache, false)[0]
	if r.err != nil {
		t.Fatal(r.err)
	}
	if _, err := write.Apply(filepath.Join(outBase, "dev"), r.tree); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(envFile, []byte(raceEnv("95")), 0o644); err != nil { // reverted
		t.Fatal(err)
	}
	cache.save(r, nil)

	// The build evaluated what it hashed: 95.
	out := filepath.Join(outBase, "dev")
	if outContains(t, out, "> 94") || !outContains(t, out, "> 95") {
		t.Error("the build evaluated the file as edited after hashing, not the hashed bytes")
	}

	// The next build, whatever the cache says, leaves out/ as the
	// sources say.
	code, stdout, stderr := runMain(t, root, "build", "dev")
	if code != ExitOK {
		t.Fatalf("build: exit %d\n%s%s", code, stdout, stderr)
	}
	if outContains(t, out, "> 94") || !outContains(t, out, "> 95") {
		t.Errorf("after %q out/dev does not hold the sources' threshold 95", strings.TrimSpace(stdout))
	}
	// And an evaluation from scratch agrees byte for byte.
	code, stdout, stderr = runMain(t, root, "build", "--check", "--no-cache", "dev")
	if code != ExitOK || !strings.Contains(stdout, "dev: out/dev is up to date") {
		t.Errorf("build --check --no-cache: exit %d\n%s%s", code, stdout, stderr)
	}
}

// A CUE file created after the inputs were hashed is not evaluated: the
// build fails, says why, and writes nothing.
func TestCacheFileAddedDuringEvaluation(t *testing.T) {
	t.Setenv(inputcache.DirEnv, t.TempDir())
	root, envFile := raceRepo(t)
	late := filepath.Join(filepath.Dir(envFile), "late.cue")
	cache := newInputCache(root, filepath.Join(root, "out"), false)
	if cache == nil {
		t.Fatal("no input cache")
	}
	cache.afterHash = func(load.Ref) {
		if err := os.WriteFile(late, []byte("package dev\n\nenv: rules: app: LateRule: {tier: \"P2\", expr: \"up == 0\", for: \"1m\", annotations: summary: \"late\"}\n"), 0o644); err != nil {
			t.Error(err)
		}
	}
	ref, _ := load.ParseRef("dev")
	r := compileAll(root, []load.Ref{ref}, cache, false)[0]
	want := "environments/dev/late.cue: appeared while mongen was reading environments/dev's inputs, after it had hashed them: run the command again"
	if r.err == nil || !strings.Contains(r.err.Error(), want) {
		t.Errorf("error = %v, want %q", r.err, want)
	}
	// Run again, as it says: the file is an input now.
	code, stdout, stderr := runMain(t, root, "build", "dev")
	if code != ExitOK || !outContains(t, filepath.Join(root, "out", "dev"), "LateRule") {
		t.Errorf("build: exit %d\n%s%s", code, stdout, stderr)
	}
}
