package gitrepo

import (
	"errors"
	"fmt"
	"io/fs"
	"net/mail"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// Signature is a commit's author.
type Signature struct {
	Name, Email string
}

func (s Signature) String() string { return fmt.Sprintf("%s <%s>", s.Name, s.Email) }

// ParseSignature reads "Name <email>".
func ParseSignature(s string) (Signature, error) {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name == "" {
		return Signature{}, fmt.Errorf("author %q: write \"Name <email>\"", s)
	}
	return Signature{Name: a.Name, Email: a.Address}, nil
}

// Author is the author git itself would use: GIT_AUTHOR_NAME and
// GIT_AUTHOR_EMAIL, else author.* or user.* from the repository's, the
// user's and the system's git configuration.
func (r *Repo) Author() (Signature, error) {
	cfg, err := r.repo.ConfigScoped(config.SystemScope)
	if err != nil {
		return Signature{}, fmt.Errorf("read git config: %w", err)
	}
	pick := func(env string, vals ...string) string {
		if v := os.Getenv(env); v != "" {
			return v
		}
		for _, v := range vals {
			if v != "" {
				return v
			}
		}
		return ""
	}
	s := Signature{
		Name:  pick("GIT_AUTHOR_NAME", cfg.Author.Name, cfg.User.Name),
		Email: pick("GIT_AUTHOR_EMAIL", cfg.Author.Email, cfg.User.Email),
	}
	if s.Name == "" || s.Email == "" {
		return Signature{}, errors.New("no commit author: pass --author \"Name <email>\" or set git config user.name and user.email")
	}
	return s, nil
}

type indexed struct {
	hash plumbing.Hash
	mode filemode.FileMode
}

// headFiles lists the files of HEAD's tree (empty before the first commit).
func (r *Repo) headFiles() (map[string]indexed, error) {
	out := map[string]indexed{}
	head, err := r.Head()
	if err != nil || head == nil {
		return out, err
	}
	tree, err := head.Commit.Tree()
	if err != nil {
		return nil, fmt.Errorf("HEAD: %w", err)
	}
	err = tree.Files().ForEach(func(f *object.File) error {
		out[f.Name] = indexed{hash: f.Hash, mode: f.Mode}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("HEAD: %w", err)
	}
	return out, nil
}

// Staged lists the paths (relative to the mongen root when inside it, else
// to the git top, sorted) whose index entry differs from HEAD: what the
// next commit would contain.
func (r *Repo) Staged() ([]string, error) {
	head, err := r.headFiles()
	if err != nil {
		return nil, err
	}
	idx, err := r.repo.Storer.Index()
	if err != nil {
		return nil, fmt.Errorf("read git index: %w", err)
	}
	seen := map[string]bool{}
	var out []string
	add := func(p string) {
		if !seen[p] {
			seen[p] = true
			out = append(out, r.rel(p))
		}
	}
	inIndex := map[string]bool{}
	for _, e := range idx.Entries {
		inIndex[e.Name] = true
		h, ok := head[e.Name]
		if e.Stage != 0 || !ok || h.hash != e.Hash || h.mode != e.Mode {
			add(e.Name)
		}
	}
	for p := range head {
		if !inIndex[p] {
			add(p) // staged deletion
		}
	}
	sort.Strings(out)
	return out, nil
}

// rel turns a git path into one relative to the mongen root when it is
// inside it.
func (r *Repo) rel(p string) string {
	if r.prefix == "" {
		return p
	}
	if rest, ok := strings.CutPrefix(p, r.prefix+"/"); ok {
		return rest
	}
	return "/" + p // outside the mongen root: keep it recognisable
}

// Stage makes the index match the working tree under dir (relative to the
// mongen root): new and changed files are added, deleted ones removed. It
// returns the paths it staged, relative to the mongen root.
func (r *Repo) Stage(dir string) ([]string, error) {
	wt, err := r.repo.Worktree()
	if err != nil {
		return nil, err
	}
	idx, err := r.repo.Storer.Index()
	if err != nil {
		return nil, fmt.Errorf("read git index: %w", err)
	}
	gitDir := r.Path(dir)
	entries := map[string]plumbing.Hash{}
	for _, e := range idx.Entries {
		if strings.HasPrefix(e.Name, gitDir+"/") {
			entries[e.Name] = e.Hash
		}
	}
	var changed []string
	onDisk := map[string]bool{}
	abs := filepath.Join(r.top, filepath.FromSlash(gitDir))
	err = filepath.WalkDir(abs, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p == abs {
				return nil
			}
			return err
		}
		if strings.HasPrefix(d.Name(), ".") && p != abs {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil // lock files and temporary trees of mongen build
		}
		if d.IsDir() || !d.Type().IsRegular() {
			return nil
		}
		rel, err := filepath.Rel(r.top, p)
		if err != nil {
			return err
		}
		name := filepath.ToSlash(rel)
		onDisk[name] = true
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if h, ok := entries[name]; ok && h == plumbing.ComputeHash(plumbing.BlobObject, data) {
			return nil
		}
		changed = append(changed, name)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("stage %s: %w", dir, err)
	}
	var staged []string
	for _, name := range changed {
		if err := wt.AddWithOptions(&git.AddOptions{Path: name, SkipStatus: true}); err != nil {
			return nil, fmt.Errorf("git add %s: %w", name, err)
		}
		staged = append(staged, r.rel(name))
	}
	var gone []string
	for name := range entries {
		if !onDisk[name] {
			gone = append(gone, name)
		}
	}
	sort.Strings(gone)
	for _, name := range gone {
		if _, err := wt.Remove(name); err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("git rm %s: %w", name, err)
		}
		staged = append(staged, r.rel(name))
	}
	sort.Strings(staged)
	return staged, nil
}

// CommitTime is when a commit is made: GIT_AUTHOR_DATE when set (RFC 3339
// or git's "@<unix seconds> [+zzzz]"), as git itself allows for
// reproducible commits, else now.
func CommitTime() (time.Time, error) {
	s := os.Getenv("GIT_AUTHOR_DATE")
	if s == "" {
		return time.Now(), nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if rest, ok := strings.CutPrefix(s, "@"); ok {
		secs, zone, _ := strings.Cut(rest, " ")
		if n, err := strconv.ParseInt(secs, 10, 64); err == nil {
			t := time.Unix(n, 0).UTC()
			if zone != "" {
				z, err := time.Parse("-0700", zone)
				if err != nil {
					return time.Time{}, fmt.Errorf("GIT_AUTHOR_DATE %q: %w", s, err)
				}
				t = t.In(z.Location())
			}
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("GIT_AUTHOR_DATE %q: write RFC 3339 (2026-01-02T15:04:05Z) or @<unix seconds> +0000", s)
}

// ErrNothingToCommit is returned by Commit when the index equals HEAD.
var ErrNothingToCommit = errors.New("nothing to commit")

// Commit records the index as a new commit on the current branch.
func (r *Repo) Commit(msg string, author Signature, when time.Time) (plumbing.Hash, error) {
	wt, err := r.repo.Worktree()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	sig := &object.Signature{Name: author.Name, Email: author.Email, When: when}
	h, err := wt.Commit(msg, &git.CommitOptions{Author: sig, Committer: sig})
	if errors.Is(err, git.ErrEmptyCommit) {
		return plumbing.ZeroHash, ErrNothingToCommit
	}
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("git commit: %w", err)
	}
	return h, nil
}

// Under reports whether p (slash-separated, relative to the mongen root)
// is dir or inside it.
func Under(p, dir string) bool {
	dir = path.Clean(dir)
	return p == dir || strings.HasPrefix(p, dir+"/")
}
