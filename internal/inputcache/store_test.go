package inputcache

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/mongen-dev/mongen/internal/artifact"
	"github.com/mongen-dev/mongen/internal/finding"
)

func TestStoreRoundTrip(t *testing.T) {
	s := &Store{Dir: filepath.Join(t.TempDir(), "c")}
	key := Key("/repo", "/repo/out/prod", "prod")
	if s.Load(key) != nil {
		t.Fatal("Load of an empty store found a record")
	}
	rec := &Record{Env: "prod", Inputs: "abc", Files: []OutFile{{Path: "a.yml", SHA256: "00"}},
		Findings:    []finding.Finding{{Check: "promql/counter", Severity: finding.Warning, Position: "environments/prod/main.cue:3:4", Message: "m"}},
		TestsPassed: true, Tests: []Test{{ID: "g/r/t", Origin: "environments/prod/main.cue:9:2"}}}
	if err := s.Save(key, rec); err != nil {
		t.Fatal(err)
	}
	got := s.Load(key)
	if got == nil || got.Inputs != "abc" || len(got.Files) != 1 || len(got.Findings) != 1 || got.Findings[0] != rec.Findings[0] || !got.TestsPassed || got.Tests[0] != rec.Tests[0] {
		t.Fatalf("Load = %+v, want %+v", got, rec)
	}
	if Key("/repo", "/repo/out/prod", "prod") == Key("/repo", "/elsewhere/prod", "prod") || Key("/a", "/a/out/p", "p") == Key("/b", "/a/out/p", "p") {
		t.Error("keys of different repositories or output directories collide")
	}
	// A record written by another cache format is a miss.
	if err := os.WriteFile(s.path(key), []byte(`{"version":"old","inputs":"abc"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if s.Load(key) != nil {
		t.Error("Load accepted a record of another version")
	}
}

func TestMatches(t *testing.T) {
	tree := artifact.NewTree()
	for p, data := range map[string]string{"prod-sh1/prometheus.yml": "a\n", "prod-bj1/prometheus.yml": "b\n", "kustomization.yaml": "k\n"} {
		if err := tree.Add(artifact.File{Path: p, Data: []byte(data)}); err != nil {
			t.Fatal(err)
		}
	}
	want := Manifest(tree)
	fresh := func(t *testing.T) string {
		dir := filepath.Join(t.TempDir(), "prod")
		for _, f := range tree.Files() {
			write(t, dir, f.Path, string(f.Data))
		}
		return dir
	}
	if !Matches(fresh(t), want) {
		t.Fatal("an identical tree does not match")
	}
	for name, change := range map[string]func(t *testing.T, dir string){
		"file edited":  func(t *testing.T, dir string) { write(t, dir, "prod-bj1/prometheus.yml", "c\n") },
		"file added":   func(t *testing.T, dir string) { write(t, dir, "prod-bj1/extra.yml", "x\n") },
		"file removed": func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, "kustomization.yaml")) },
		"dir removed":  func(t *testing.T, dir string) { os.RemoveAll(dir) },
		"symlink": func(t *testing.T, dir string) {
			p := filepath.Join(dir, "kustomization.yaml")
			os.Remove(p)
			if err := os.Symlink(filepath.Join(dir, "prod-sh1/prometheus.yml"), p); err != nil {
				t.Skip(err)
			}
		},
	} {
		t.Run(name, func(t *testing.T) {
			dir := fresh(t)
			change(t, dir)
			if Matches(dir, want) {
				t.Errorf("Matches after %s", name)
			}
		})
	}
}

func TestBuildID(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Skip(err)
	}
	id, err := buildID(exe)
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := buildID(exe); again != id || id == "" {
		t.Fatalf("build ID %q then %q", id, again)
	}
	// A file that is no Go executable is hashed whole.
	other := filepath.Join(t.TempDir(), "x")
	write(t, filepath.Dir(other), "x", "not a program")
	got, err := buildID(other)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte("not a program"))
	if want := "sha256 " + hex.EncodeToString(sum[:]); got != want {
		t.Errorf("buildID of a plain file = %q, want %q", got, want)
	}
	if runtime.GOOS == "linux" && !strings.HasPrefix(id, "go-build-id ") {
		t.Errorf("the test binary's build ID was not found in its ELF note: %q", id)
	}

}
