package gitrepo

import (
	"errors"
	"fmt"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
)

// Initialised is what Init found or made.
type Initialised struct {
	// Created is true when Init made a new repository; false when dir
	// was already inside one, which Init leaves as it is.
	Created bool
	// Top is the working tree's root.
	Top string
	// Branch is the branch HEAD names (before or after its first
	// commit): the branch the next commit lands on.
	Branch string
}

// Init makes dir a git repository whose HEAD names refs/heads/<branch>, so
// its first commit lands on that branch whatever git's init.defaultBranch
// says. A dir already inside a git repository is left as it is.
func Init(dir, branch string) (Initialised, error) {
	if branch == "" {
		return Initialised{}, errors.New("git init: no branch name")
	}
	r, err := git.PlainOpenWithOptions(dir, &git.PlainOpenOptions{DetectDotGit: true, EnableDotGitCommonDir: true})
	if err == nil {
		return existing(r)
	}
	if !errors.Is(err, git.ErrRepositoryNotExists) {
		return Initialised{}, fmt.Errorf("git repository around %s: %w", dir, err)
	}
	ref := plumbing.NewBranchReferenceName(branch)
	if err := ref.Validate(); err != nil {
		return Initialised{}, fmt.Errorf("branch %q: %w", branch, err)
	}
	r, err = git.PlainInitWithOptions(dir, &git.PlainInitOptions{InitOptions: git.InitOptions{DefaultBranch: ref}})
	if err != nil {
		return Initialised{}, fmt.Errorf("git init %s: %w", dir, err)
	}
	out, err := existing(r)
	out.Created = true
	return out, err
}

func existing(r *git.Repository) (Initialised, error) {
	wt, err := r.Worktree()
	if err != nil {
		return Initialised{}, fmt.Errorf("git repository: %w", err)
	}
	top, err := canonical(wt.Filesystem.Root())
	if err != nil {
		return Initialised{}, err
	}
	head, err := r.Storer.Reference(plumbing.HEAD)
	if err != nil {
		return Initialised{}, fmt.Errorf("git repository %s: HEAD: %w", top, err)
	}
	out := Initialised{Top: top}
	if head.Type() == plumbing.SymbolicReference && head.Target().IsBranch() {
		out.Branch = head.Target().Short()
	}
	return out, nil
}
