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
	for rev, want := range map[string]string{
		"HEAD~1":      `revision "HEAD~1": the history of this shallow clone ends at HEAD (`,
		"origin/base": `revision "origin/base": no branch, tag or commit "origin/base" in this repository; this is a shallow clone: fetch it first, e.g. git fetch --depth=1 origin base`,
	} {
		if _, err := r.Resolve(rev); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s in a shallow clone: %v, want %s", rev, err, want)
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

// TestResolveErrors: a revision that does not exist is named, with where
// the history ends and what to do, never go-git's bare "EOF".
func TestResolveErrors(t *testing.T) {
	tr := newTestRepo(t)
	r, err := Open(tr.dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Resolve("HEAD~1"); err == nil || err.Error() != `revision "HEAD~1": the repository has no commits yet: commit first, then compare` {
		t.Errorf("HEAD~1 without commits: %v", err)
	}
	first := tr.commit("one", map[string]string{"cue.mod/module.cue": "module: \"x@v0\"\n"})
	tr.commit("two", map[string]string{"a.cue": "package a\n"})
	tr.commit("three\n\nbody", map[string]string{"a.cue": "package a\n// 3\n"})
	short := first.String()[:7]
	for rev, want := range map[string]string{
		"HEAD~10":    `revision "HEAD~10": the history ends at HEAD~2 (` + short + ` "one"), the first commit: compare with it (--base ` + short + `) or a nearer revision`,
		"main~3":     `revision "main~3": the history ends at main~2 (` + short + ` "one"), the first commit: compare with it (--base ` + short + `) or a nearer revision`,
		"HEAD~1^2":   `revision "HEAD~1^2": HEAD~1 (`,
		"HEAD^^^":    `revision "HEAD^^^": the history ends at HEAD^1^1 (` + short + ` "one"), the first commit`,
		"nope":       `revision "nope": no branch, tag or commit "nope" in this repository; git branch -a and git tag list what exists (a remote's branch is origin/NAME once fetched)`,
		"origin/x~1": `revision "origin/x~1": no branch, tag or commit "origin/x" in this repository;`,
	} {
		_, err := r.Resolve(rev)
		if err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("Resolve(%q) = %v, want %s...", rev, err, want)
		}
		if err != nil && strings.Contains(err.Error(), "EOF") {
			t.Errorf("Resolve(%q) says EOF: %v", rev, err)
		}
	}
	if _, err := r.Resolve("HEAD~1^2"); err == nil || !strings.Contains(err.Error(), "has 1 parent(s), not 2") {
		t.Errorf("HEAD~1^2: %v", err)
	}
	// Revisions that exist still resolve.
	for _, rev := range []string{"HEAD~2", "main^", "HEAD^1~1", short} {
		rv, err := r.Resolve(rev)
		if err != nil {
			t.Errorf("Resolve(%q): %v", rev, err)
			continue
		}
		if rev != "HEAD^" && rev != "main^" && rv.Commit.Hash != first {
			t.Errorf("Resolve(%q) = %s, want %s", rev, rv.Commit.Hash, first)
		}
	}
}

func TestRefNames(t *testing.T) {
	tr := newTestRepo(t)
	h := tr.commit("one", map[string]string{"a.cue": "package a\n"})
	for _, ref := range []*plumbing.Reference{
		plumbing.NewHashReference("refs/heads/feature", h),
		plumbing.NewHashReference("refs/tags/v1.0.0", h),
		plumbing.NewHashReference("refs/remotes/origin/main", h),
		plumbing.NewSymbolicReference("refs/remotes/origin/HEAD", "refs/remotes/origin/main"),
	} {
		if err := tr.repo.Storer.SetReference(ref); err != nil {
			t.Fatal(err)
		}
	}
	r, err := Open(tr.dir)
	if err != nil {
		t.Fatal(err)
	}
	got, err := r.RefNames()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"HEAD", "feature", "main", "origin/main", "v1.0.0"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("RefNames = %q, want %q", got, want)
	}
}
