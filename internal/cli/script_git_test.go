package cli

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/rogpeppe/go-internal/testscript"
)

// gogit is the testscript command that builds test repositories with
// go-git, so scripts need no git binary:
//
//	gogit init
//	gogit add PATH...          (. for everything, as git add -A)
//	gogit commit MESSAGE       (fixed author and times: hashes are stable)
//	gogit config KEY VALUE     (user.name, user.email)
//	gogit show                 (HEAD's author, message and files changed)
//	gogit status               (staged and unstaged changes, git status --short)
func gogit(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) == 0 {
		ts.Fatalf("usage: gogit init|add|commit|config|show|status")
	}
	err := gogitRun(ts, args)
	switch {
	case err != nil && !neg:
		ts.Fatalf("gogit %s: %v", args[0], err)
	case err == nil && neg:
		ts.Fatalf("gogit %s: unexpected success", args[0])
	}
}

// scriptEpoch is the time of a test repository's first commit; each later
// commit is a minute after its parent.
var scriptEpoch = time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)

func gogitRun(ts *testscript.TestScript, args []string) error {
	dir := ts.MkAbs(".")
	if args[0] == "init" {
		_, err := git.PlainInitWithOptions(dir, &git.PlainInitOptions{
			InitOptions: git.InitOptions{DefaultBranch: plumbing.NewBranchReferenceName("main")},
		})
		return err
	}
	repo, err := git.PlainOpen(dir)
	if err != nil {
		return err
	}
	wt, err := repo.Worktree()
	if err != nil {
		return err
	}
	switch args[0] {
	case "add":
		for _, p := range args[1:] {
			if p == "." {
				if err := wt.AddWithOptions(&git.AddOptions{All: true}); err != nil {
					return err
				}
				continue
			}
			if _, err := wt.Add(p); err != nil {
				return err
			}
		}
		return nil
	case "commit":
		if len(args) != 2 {
			return fmt.Errorf("usage: gogit commit MESSAGE")
		}
		when := scriptEpoch
		if head, err := repo.Head(); err == nil {
			c, err := repo.CommitObject(head.Hash())
			if err != nil {
				return err
			}
			when = c.Committer.When.Add(time.Minute)
		}
		sig := &object.Signature{Name: "Test", Email: "test@example.com", When: when}
		_, err := wt.Commit(args[1], &git.CommitOptions{Author: sig, Committer: sig})
		return err
	case "config":
		if len(args) != 3 {
			return fmt.Errorf("usage: gogit config KEY VALUE")
		}
		cfg, err := repo.Config()
		if err != nil {
			return err
		}
		switch args[1] {
		case "user.name":
			cfg.User.Name = args[2]
		case "user.email":
			cfg.User.Email = args[2]
		default:
			return fmt.Errorf("gogit config: unsupported key %s", args[1])
		}
		return repo.SetConfig(cfg)
	case "show":
		head, err := repo.Head()
		if err != nil {
			return err
		}
		c, err := repo.CommitObject(head.Hash())
		if err != nil {
			return err
		}
		fmt.Fprintf(ts.Stdout(), "author %s <%s>\n", c.Author.Name, c.Author.Email)
		fmt.Fprintf(ts.Stdout(), "parents %d\n\n", c.NumParents())
		for _, l := range strings.Split(strings.TrimRight(c.Message, "\n"), "\n") {
			fmt.Fprintf(ts.Stdout(), "    %s\n", l)
		}
		fmt.Fprintln(ts.Stdout())
		tree, err := c.Tree()
		if err != nil {
			return err
		}
		var parent *object.Tree
		if c.NumParents() > 0 {
			p, err := c.Parent(0)
			if err != nil {
				return err
			}
			if parent, err = p.Tree(); err != nil {
				return err
			}
		}
		changes, err := object.DiffTree(parent, tree)
		if err != nil {
			return err
		}
		var lines []string
		for _, ch := range changes {
			action, err := ch.Action()
			if err != nil {
				return err
			}
			name := ch.To.Name
			if name == "" {
				name = ch.From.Name
			}
			code := map[string]string{"Insert": "A", "Modify": "M", "Delete": "D"}[action.String()]
			lines = append(lines, fmt.Sprintf("%s %s", code, name))
		}
		sort.Strings(lines)
		for _, l := range lines {
			fmt.Fprintln(ts.Stdout(), l)
		}
		return nil
	case "status":
		st, err := wt.Status()
		if err != nil {
			return err
		}
		var lines []string
		for p, s := range st {
			lines = append(lines, fmt.Sprintf("%c%c %s", s.Staging, s.Worktree, p))
		}
		sort.Strings(lines)
		for _, l := range lines {
			fmt.Fprintln(ts.Stdout(), l)
		}
		return nil
	}
	return fmt.Errorf("unknown subcommand %q", args[0])
}
