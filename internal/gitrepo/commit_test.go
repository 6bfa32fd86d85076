package gitrepo

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestStageAndCommit(t *testing.T) {
	tr := newTestRepo(t)
	first := tr.commit("sources", map[string]string{
		"cue.mod/module.cue":   "module: \"x@v0\"\n",
		"out/dev/a.yaml":       "a: 1\n",
		"out/dev/gone.yaml":    "x\n",
		"out/prod/p.yaml":      "p: 1\n",
		"environments/x/x.cue": "package x\n",
	})
	r, err := Open(tr.dir)
	if err != nil {
		t.Fatal(err)
	}
	if st, err := r.Staged(); err != nil || len(st) != 0 {
		t.Fatalf("Staged on a clean tree = %v, %v", st, err)
	}
	// A rebuild: one file changes, one appears, one goes; a lock file and
	// an unrelated edit are left alone.
	tr.write(map[string]string{
		"out/dev/a.yaml":       "a: 2\n",
		"out/dev/new.yaml":     "n\n",
		"out/dev/gone.yaml":    "",
		"out/.dev.lock":        "locked",
		"environments/x/x.cue": "package x\n// edited\n",
	})
	staged, err := r.Stage("out/dev")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"out/dev/a.yaml", "out/dev/gone.yaml", "out/dev/new.yaml"}
	if !reflect.DeepEqual(staged, want) {
		t.Errorf("Stage = %v, want %v", staged, want)
	}
	if st, _ := r.Staged(); !reflect.DeepEqual(st, want) {
		t.Errorf("Staged = %v, want %v", st, want)
	}
	h, err := r.Commit("mongen build: dev\n", Signature{Name: "Bot", Email: "bot@example.com"}, time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	c, err := tr.repo.CommitObject(h)
	if err != nil {
		t.Fatal(err)
	}
	if c.Author.Name != "Bot" || c.Message != "mongen build: dev\n" || c.ParentHashes[0] != first {
		t.Errorf("commit = %+v", c)
	}
	if _, err := c.File("environments/x/x.cue"); err != nil {
		t.Fatal(err)
	}
	if f, _ := c.File("environments/x/x.cue"); f != nil {
		if s, _ := f.Contents(); strings.Contains(s, "edited") {
			t.Error("an unstaged edit outside out/dev was committed")
		}
	}
	if st, _ := r.Staged(); len(st) != 0 {
		t.Errorf("after the commit, Staged = %v", st)
	}
	if _, err := r.Commit("again", Signature{Name: "Bot", Email: "bot@example.com"}, time.Now()); err != ErrNothingToCommit {
		t.Errorf("empty commit: %v", err)
	}

	// LastChanged: out/dev last changed by the bot's commit, out/prod by
	// the first, out/none by nothing.
	tr.commit("docs", map[string]string{"README.md": "hi\n"})
	last, err := r.LastChanged([]string{"out/dev", "out/prod", "out/none"})
	if err != nil {
		t.Fatal(err)
	}
	if last["out/dev"] == nil || last["out/dev"].Commit.Hash != h {
		t.Errorf("out/dev last changed at %v, want %s", last["out/dev"], h)
	}
	if last["out/prod"] == nil || last["out/prod"].Commit.Hash != first {
		t.Errorf("out/prod last changed at %v, want %s", last["out/prod"], first)
	}
	if _, ok := last["out/none"]; ok {
		t.Error("out/none was never committed")
	}
}

func TestAuthor(t *testing.T) {
	tr := newTestRepo(t)
	t.Setenv("HOME", t.TempDir())
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("GIT_AUTHOR_NAME", "")
	t.Setenv("GIT_AUTHOR_EMAIL", "")
	r, err := Open(tr.dir)
	if err != nil {
		t.Fatal(err)
	}
	if a, err := r.Author(); err == nil {
		t.Logf("the system git config names an author (%s): not checking the error", a)
	} else if !strings.Contains(err.Error(), "--author") {
		t.Errorf("no configured author: %v", err)
	}
	cfg, _ := tr.repo.Config()
	cfg.User.Name, cfg.User.Email = "Config User", "config@example.com"
	if err := tr.repo.SetConfig(cfg); err != nil {
		t.Fatal(err)
	}
	if a, err := r.Author(); err != nil || a != (Signature{"Config User", "config@example.com"}) {
		t.Errorf("Author from config = %v, %v", a, err)
	}
	t.Setenv("GIT_AUTHOR_NAME", "Env User")
	if a, _ := r.Author(); a != (Signature{"Env User", "config@example.com"}) {
		t.Errorf("GIT_AUTHOR_NAME is not preferred: %v", a)
	}
}

func TestParseSignature(t *testing.T) {
	s, err := ParseSignature("Build Bot <bot@example.com>")
	if err != nil || s != (Signature{"Build Bot", "bot@example.com"}) {
		t.Errorf("ParseSignature = %v, %v", s, err)
	}
	if s.String() != "Build Bot <bot@example.com>" {
		t.Errorf("String = %q", s)
	}
	for _, bad := range []string{"bot@example.com", "Bot", "<bot@example.com>", ""} {
		if _, err := ParseSignature(bad); err == nil {
			t.Errorf("ParseSignature(%q) accepted", bad)
		}
	}
}

func TestCommitTime(t *testing.T) {
	for in, want := range map[string]time.Time{
		"2026-01-02T10:00:00Z":      time.Date(2026, 1, 2, 10, 0, 0, 0, time.UTC),
		"@1767348000 +0000":         time.Date(2026, 1, 2, 10, 0, 0, 0, time.UTC),
		"@1767348000 +0800":         time.Date(2026, 1, 2, 18, 0, 0, 0, time.FixedZone("", 8*3600)),
		"2026-01-02T18:00:00+08:00": time.Date(2026, 1, 2, 10, 0, 0, 0, time.UTC),
	} {
		t.Setenv("GIT_AUTHOR_DATE", in)
		got, err := CommitTime()
		if err != nil || !got.Equal(want) {
			t.Errorf("%s: %v, %v; want %v", in, got, err, want)
		}
	}
	t.Setenv("GIT_AUTHOR_DATE", "yesterday")
	if _, err := CommitTime(); err == nil {
		t.Error("GIT_AUTHOR_DATE=yesterday accepted")
	}
	t.Setenv("GIT_AUTHOR_DATE", "")
	if got, err := CommitTime(); err != nil || time.Since(got) > time.Minute {
		t.Errorf("unset: %v, %v", got, err)
	}
}
