package gitrepo

import (
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// testRepo is a repository in a temporary directory, made with go-git.
type testRepo struct {
	t    *testing.T
	dir  string
	repo *git.Repository
	when time.Time
}

func newTestRepo(t *testing.T) *testRepo {
	t.Helper()
	dir := t.TempDir()
	r, err := git.PlainInitWithOptions(dir, &git.PlainInitOptions{InitOptions: git.InitOptions{DefaultBranch: plumbing.NewBranchReferenceName("main")}})
	if err != nil {
		t.Fatal(err)
	}
	return &testRepo{t: t, dir: dir, repo: r, when: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
}

func (tr *testRepo) write(files map[string]string) {
	tr.t.Helper()
	for p, content := range files {
		name := filepath.Join(tr.dir, filepath.FromSlash(p))
		if content == "" {
			if err := os.Remove(name); err != nil {
				tr.t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			tr.t.Fatal(err)
		}
		if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
			tr.t.Fatal(err)
		}
	}
}

// commit writes files ("" deletes one), stages everything and commits.
func (tr *testRepo) commit(msg string, files map[string]string) plumbing.Hash {
	tr.t.Helper()
	tr.write(files)
	wt, err := tr.repo.Worktree()
	if err != nil {
		tr.t.Fatal(err)
	}
	if err := wt.AddWithOptions(&git.AddOptions{All: true}); err != nil {
		tr.t.Fatal(err)
	}
	tr.when = tr.when.Add(time.Minute)
	sig := &object.Signature{Name: "T", Email: "t@example.com", When: tr.when}
	h, err := wt.Commit(msg, &git.CommitOptions{Author: sig, Committer: sig})
	if err != nil {
		tr.t.Fatal(err)
	}
	return h
}

func readAll(t *testing.T, fsys fs.FS) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		out[p] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestRevisionFS(t *testing.T) {
	tr := newTestRepo(t)
	first := tr.commit("one", map[string]string{
		"cue.mod/module.cue":          "module: \"x@v0\"\n",
		"environments/dev/dev.cue":    "package dev\n",
		"environments/prod/prod.cue":  "package prod\n",
		"docs/readme.md":              "hello\n",
		"environments/dev/notes.txt":  "notes\n",
		"scripts/run.sh":              "#!/bin/sh\n",
		"environments/prod/extra.cue": "package prod\n// v1\n",
	})
	tr.commit("two", map[string]string{
		"environments/prod/extra.cue": "package prod\n// v2\n",
		"environments/dev/notes.txt":  "",
	})
	tr.write(map[string]string{"environments/prod/extra.cue": "package prod\n// working tree\n"})

	r, err := Open(tr.dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, rev := range []string{"HEAD~1", "main~1", first.String(), first.String()[:7]} {
		rv, err := r.Resolve(rev)
		if err != nil {
			t.Fatalf("%s: %v", rev, err)
		}
		if rv.Commit.Hash != first {
			t.Errorf("%s resolved to %s, want %s", rev, rv.Commit.Hash, first)
		}
	}
	rv, err := r.Resolve("HEAD~1")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := rv.String(), "HEAD~1 ("+first.String()[:7]+")"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	fsys, err := rv.FS()
	if err != nil {
		t.Fatal(err)
	}
	if err := fstest.TestFS(fsys, "cue.mod/module.cue", "environments/dev/dev.cue", "environments/dev/notes.txt", "scripts/run.sh"); err != nil {
		t.Fatal(err)
	}
	files := readAll(t, fsys)
	if files["environments/prod/extra.cue"] != "package prod\n// v1\n" {
		t.Errorf("extra.cue at HEAD~1 = %q", files["environments/prod/extra.cue"])
	}
	head, err := r.Resolve("HEAD")
	if err != nil {
		t.Fatal(err)
	}
	hfs, err := head.FS()
	if err != nil {
		t.Fatal(err)
	}
	files = readAll(t, hfs)
	if _, ok := files["environments/dev/notes.txt"]; ok {
		t.Error("a file deleted in HEAD is still in its tree")
	}
	if files["environments/prod/extra.cue"] != "package prod\n// v2\n" {
		t.Errorf("extra.cue at HEAD = %q (the working tree must not leak in)", files["environments/prod/extra.cue"])
	}

	if _, err := r.Resolve("no-such-branch"); err == nil || !strings.Contains(err.Error(), `revision "no-such-branch"`) {
		t.Errorf("unknown revision: %v", err)
	}
}

// TestSubdirectoryRoot: the mongen root may be a directory inside the git
// repository; its revisions' trees start there.
func TestSubdirectoryRoot(t *testing.T) {
	tr := newTestRepo(t)
	tr.commit("one", map[string]string{
		"monitoring/cue.mod/module.cue":       "module: \"x@v0\"\n",
		"monitoring/environments/dev/dev.cue": "package dev\n",
		"app/main.go":                         "package main\n",
	})
	r, err := Open(filepath.Join(tr.dir, "monitoring"))
	if err != nil {
		t.Fatal(err)
	}
	if r.Path("out/dev") != "monitoring/out/dev" {
		t.Errorf("Path = %q", r.Path("out/dev"))
	}
	rv, err := r.Resolve("HEAD")
	if err != nil {
		t.Fatal(err)
	}
	fsys, err := rv.FS()
	if err != nil {
		t.Fatal(err)
	}
	got := readAll(t, fsys)
	want := map[string]string{"cue.mod/module.cue": "module: \"x@v0\"\n", "environments/dev/dev.cue": "package dev\n"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("tree = %v, want %v", got, want)
	}
}

// TestShallowClone: in a clone of depth 1 only HEAD is there; the base
// branch, fetched at depth 1 as the pull-request workflow does, resolves
// and reads. Before the fetch, the error says what to do.
func TestShallowClone(t *testing.T) {
	tr := newTestRepo(t)
	base := tr.commit("one", map[string]string{"cue.mod/module.cue": "module: \"x@v0\"\n", "a.cue": "package a\n// 1\n"})
	tr.commit("two", map[string]string{"a.cue": "package a\n// 2\n"})
	if err := tr.repo.Storer.SetReference(plumbing.NewHashReference("refs/heads/base", base)); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	clone, err := git.PlainClone(dir, false, &git.CloneOptions{URL: tr.dir, Depth: 1, SingleBranch: true, ReferenceName: plumbing.NewBranchReferenceName("main")})
	if err != nil {
		t.Skipf("shallow clone over the file transport: %v", err)
	}
	r, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, rev := range []string{"HEAD~1", "origin/base"} {
		if _, err := r.Resolve(rev); err == nil || !strings.Contains(err.Error(), "shallow clone: fetch the base first") {
			t.Errorf("%s in a shallow clone: %v", rev, err)
		}
	}
	err = clone.Fetch(&git.FetchOptions{RefSpecs: []config.RefSpec{"+refs/heads/base:refs/remotes/origin/base"}, Depth: 1})
	if err != nil {
		t.Fatal(err)
	}
	// mongen runs after the fetch, in a process of its own.
	if r, err = Open(dir); err != nil {
		t.Fatal(err)
	}
	rv, err := r.Resolve("origin/base")
	if err != nil {
		t.Fatalf("after fetching: %v", err)
	}
	if rv.Commit.Hash != base {
		t.Errorf("origin/base = %s, want %s", rv.Commit.Hash, base)
	}
	fsys, err := rv.FS()
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := fs.ReadFile(fsys, "a.cue"); string(b) != "package a\n// 1\n" {
		t.Errorf("a.cue at origin/base = %q", b)
	}
}
