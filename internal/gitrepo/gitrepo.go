// Package gitrepo reads revisions of the monitoring repository and commits
// generated output, with go-git: no checkout and no git binary. A revision's
// files are offered as an fs.FS, so the load stage can compile a base
// revision in memory next to the working tree.
package gitrepo

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// Repo is the git repository holding a mongen repository root.
type Repo struct {
	repo *git.Repository
	// top is the git working tree's root; prefix is the mongen root
	// relative to it ("" or "sub/dir", slash-separated).
	top    string
	prefix string
}

// Open finds the git repository that contains root (a directory with
// cue.mod/module.cue), walking up as git does.
func Open(root string) (*Repo, error) {
	r, err := git.PlainOpenWithOptions(root, &git.PlainOpenOptions{DetectDotGit: true, EnableDotGitCommonDir: true})
	if err != nil {
		if errors.Is(err, git.ErrRepositoryNotExists) {
			return nil, fmt.Errorf("%s is not inside a git repository", root)
		}
		return nil, fmt.Errorf("open git repository: %w", err)
	}
	wt, err := r.Worktree()
	if err != nil {
		return nil, fmt.Errorf("open git repository: %w", err)
	}
	top, err := canonical(wt.Filesystem.Root())
	if err != nil {
		return nil, err
	}
	croot, err := canonical(root)
	if err != nil {
		return nil, err
	}
	rel, err := filepath.Rel(top, croot)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return nil, fmt.Errorf("%s is outside the git working tree %s", root, top)
	}
	prefix := filepath.ToSlash(rel)
	if prefix == "." {
		prefix = ""
	}
	return &Repo{repo: r, top: top, prefix: prefix}, nil
}

func canonical(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		return real, nil
	}
	return abs, nil
}

// Top is the root of the git working tree.
func (r *Repo) Top() string { return r.top }

// Path returns the repository-relative git path of p, a slash-separated
// path relative to the mongen root.
func (r *Repo) Path(p string) string {
	if r.prefix == "" {
		return p
	}
	return path.Join(r.prefix, p)
}

// Revision is one resolved commit.
type Revision struct {
	// Name is what the user asked for: "origin/main", "HEAD~1", a hash.
	Name   string
	Commit *object.Commit
	repo   *Repo
}

// Short is the abbreviated commit hash.
func (rv *Revision) Short() string { return rv.Commit.Hash.String()[:7] }

// String is "origin/main (1a2b3c4)", or the hash alone when it was named.
func (rv *Revision) String() string {
	if strings.HasPrefix(rv.Commit.Hash.String(), rv.Name) {
		return rv.Short()
	}
	return fmt.Sprintf("%s (%s)", rv.Name, rv.Short())
}

// Resolve resolves a revision as git rev-parse does: branches, remote
// branches (origin/main), tags, HEAD~1, HEAD^2, full or abbreviated hashes.
func (r *Repo) Resolve(rev string) (*Revision, error) {
	h, err := r.repo.ResolveRevision(plumbing.Revision(rev))
	if err != nil {
		return nil, r.resolveError(rev, err)
	}
	c, err := r.repo.CommitObject(*h)
	if err != nil {
		return nil, fmt.Errorf("revision %q: %w", rev, err)
	}
	return &Revision{Name: rev, Commit: c, repo: r}, nil
}

// Head resolves HEAD; it returns nil and no error in a repository without
// commits.
func (r *Repo) Head() (*Revision, error) {
	ref, err := r.repo.Head()
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("HEAD: %w", err)
	}
	c, err := r.repo.CommitObject(ref.Hash())
	if err != nil {
		return nil, fmt.Errorf("HEAD: %w", err)
	}
	return &Revision{Name: "HEAD", Commit: c, repo: r}, nil
}

// FS returns the revision's files under the mongen root. Reading it never
// touches the working tree; it is safe for concurrent use.
func (rv *Revision) FS() (fs.FS, error) {
	tree, err := rv.Commit.Tree()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", rv, err)
	}
	tfs, err := newTreeFS(rv.repo.repo, tree, rv.Commit.Committer.When)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", rv, err)
	}
	if rv.repo.prefix == "" {
		return tfs, nil
	}
	if _, err := fs.Stat(tfs, rv.repo.prefix); err != nil {
		// The mongen root did not exist at this revision: an empty tree.
		return emptyFS{}, nil
	}
	return fs.Sub(tfs, rv.repo.prefix)
}

// Empty is the file tree of a repository without commits.
var Empty fs.FS = emptyFS{}

type emptyFS struct{}

func (emptyFS) Open(name string) (fs.File, error) {
	if name == "." {
		return &dirFile{info: fileInfo{name: ".", dir: true}}, nil
	}
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}

// maxHistory bounds the commits LastChanged looks at.
const maxHistory = 2000

// LastChanged finds, for each dir (relative to the mongen root), the
// newest commit on HEAD's first-parent line that changed it: the revision
// whose sources the committed dir was generated from, when it was built and
// committed together. A dir that no commit changed (within maxHistory
// commits, or before a shallow clone's boundary) is absent from the result.
func (r *Repo) LastChanged(dirs []string) (map[string]*Revision, error) {
	out := map[string]*Revision{}
	head, err := r.Head()
	if err != nil || head == nil {
		return out, err
	}
	subtree := func(c *object.Commit, dir string) (plumbing.Hash, bool) {
		t, err := c.Tree()
		if err != nil {
			return plumbing.ZeroHash, false
		}
		e, err := t.FindEntry(r.Path(dir))
		if err != nil {
			return plumbing.ZeroHash, false
		}
		return e.Hash, true
	}
	c := head.Commit
	for i := 0; i < maxHistory && len(out) < len(dirs) && c != nil; i++ {
		var parent *object.Commit
		if c.NumParents() > 0 {
			if parent, err = c.Parent(0); err != nil {
				parent = nil // a shallow clone's boundary: stop after this one
			}
		}
		for _, d := range dirs {
			if _, done := out[d]; done {
				continue
			}
			h, ok := subtree(c, d)
			if !ok {
				continue
			}
			if parent != nil {
				if ph, pok := subtree(parent, d); pok && ph == h {
					continue
				}
			} else if c.NumParents() > 0 {
				continue // unknown parent: cannot tell
			}
			out[d] = &Revision{Name: c.Hash.String()[:7], Commit: c, repo: r}
		}
		c = parent
	}
	return out, nil
}
