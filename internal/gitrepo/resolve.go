package gitrepo

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// resolveError explains why rev does not resolve, in place of go-git's
// own error (an ancestor past the first commit reads "EOF"): which part
// of the revision does not exist, and what to do about it.
func (r *Repo) resolveError(rev string, cause error) error {
	shallow := r.isShallow()
	base, steps, ok := splitAncestry(rev)
	if !ok {
		return fmt.Errorf("revision %q: %v", rev, cause)
	}
	h, err := r.repo.ResolveRevision(plumbing.Revision(base))
	if err != nil {
		msg := fmt.Sprintf("revision %q: no branch, tag or commit %q in this repository", rev, base)
		if base == "HEAD" {
			msg = fmt.Sprintf("revision %q: the repository has no commits yet: commit first, then compare", rev)
		} else if shallow {
			msg += fmt.Sprintf("; this is a shallow clone: fetch it first, e.g. git fetch --depth=1 origin %s", strings.TrimPrefix(base, "origin/"))
		} else {
			msg += "; git branch -a and git tag list what exists (a remote's branch is origin/NAME once fetched)"
		}
		return errors.New(msg)
	}
	c, err := r.repo.CommitObject(*h)
	if err != nil {
		return fmt.Errorf("revision %q: %s is not a commit: %v", rev, base, err)
	}
	// Walk the ancestry step by step to find where it ends; at names the
	// commit reached so far (prefix~tilde).
	prefix, tilde := base, 0
	at := func() string {
		if tilde == 0 {
			return prefix
		}
		return fmt.Sprintf("%s~%d", prefix, tilde)
	}
	for _, s := range steps {
		if s.parent {
			if s.n > c.NumParents() {
				return ancestryError(rev, at(), c, s, false)
			}
			p, err := c.Parent(s.n - 1)
			if err != nil {
				// Named but not present: a shallow clone's boundary.
				return ancestryError(rev, at(), c, s, true)
			}
			prefix, tilde, c = fmt.Sprintf("%s^%d", at(), s.n), 0, p
			continue
		}
		for range s.n {
			if c.NumParents() == 0 {
				return ancestryError(rev, at(), c, s, false)
			}
			p, err := c.Parent(0)
			if err != nil {
				return ancestryError(rev, at(), c, s, true)
			}
			c = p
			tilde++
		}
	}
	return fmt.Errorf("revision %q: %v", rev, cause)
}

// ancestryError says the history ends at commit c (reached as at).
func ancestryError(rev, at string, c *object.Commit, s step, shallow bool) error {
	where := fmt.Sprintf("%s (%s %q)", at, c.Hash.String()[:7], firstLine(c.Message))
	var msg string
	switch {
	case shallow:
		msg = fmt.Sprintf("revision %q: the history of this shallow clone ends at %s: fetch more of it (git fetch --deepen=50, or git fetch --unshallow), or compare with a nearer revision", rev, where)
	case s.parent && c.NumParents() > 0:
		msg = fmt.Sprintf("revision %q: %s has %d parent(s), not %d", rev, where, c.NumParents(), s.n)
	default:
		msg = fmt.Sprintf("revision %q: the history ends at %s, the first commit: compare with it (--base %s) or a nearer revision", rev, where, c.Hash.String()[:7])
	}
	return errors.New(msg)
}

// step is one ancestry operator: ~n (n first parents) or ^n (the n-th
// parent).
type step struct {
	n      int
	parent bool
}

// splitAncestry splits "HEAD~10^2" into "HEAD" and its steps; ok is false
// for revisions with other syntax (@{...}, :/text).
func splitAncestry(rev string) (base string, steps []step, ok bool) {
	i := strings.IndexAny(rev, "~^")
	if i < 0 {
		return rev, nil, !strings.ContainsAny(rev, "@:{")
	}
	base, rest := rev[:i], rev[i:]
	if base == "" || strings.ContainsAny(base, "@:{") {
		return "", nil, false
	}
	for rest != "" {
		op := rest[0]
		rest = rest[1:]
		j := 0
		for j < len(rest) && rest[j] >= '0' && rest[j] <= '9' {
			j++
		}
		n := 1
		if j > 0 {
			v, err := strconv.Atoi(rest[:j])
			if err != nil {
				return "", nil, false
			}
			n = v
		}
		rest = rest[j:]
		switch op {
		case '~':
			steps = append(steps, step{n: n})
		case '^':
			if n == 0 {
				continue // ^0 is the commit itself
			}
			steps = append(steps, step{n: n, parent: true})
		default:
			return "", nil, false
		}
	}
	return base, steps, true
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}

func (r *Repo) isShallow() bool {
	s, _ := r.repo.Storer.Shallow()
	return len(s) > 0
}

// RefNames lists the names a revision can be given by: local and remote
// branches and tags, short ("main", "origin/main", "v1.0.0"), sorted, and
// HEAD.
func (r *Repo) RefNames() ([]string, error) {
	refs, err := r.repo.References()
	if err != nil {
		return nil, fmt.Errorf("list references: %w", err)
	}
	set := map[string]bool{"HEAD": true}
	err = refs.ForEach(func(ref *plumbing.Reference) error {
		n := ref.Name()
		if n.IsBranch() || n.IsRemote() || n.IsTag() {
			if short := n.Short(); !strings.HasSuffix(short, "/HEAD") {
				set[short] = true
			}
		}
		return nil
	})
	if err != nil && !errors.Is(err, storer.ErrStop) {
		return nil, fmt.Errorf("list references: %w", err)
	}
	out := make([]string, 0, len(set))
	for n := range set {
		out = append(out, n)
	}
	sort.Strings(out)
	return out, nil
}
