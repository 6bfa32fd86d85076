package cli

import (
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/mongen-dev/mongen/internal/gitrepo"
	"github.com/mongen-dev/mongen/internal/semdiff"
)

// commitPlan is what mongen build --commit settled before building.
type commitPlan struct {
	root   string
	repo   *gitrepo.Repo
	author gitrepo.Signature
	when   time.Time
	// out is the output directory relative to the repository root.
	out string
}

// prepareCommit opens the repository, settles the author and refuses to
// go on when the index holds staged changes outside the output directory:
// the commit would sweep them in.
func prepareCommit(root string, f buildFlags) (*commitPlan, error) {
	out := f.out
	if filepath.IsAbs(out) {
		rel, err := filepath.Rel(root, out)
		if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return nil, usageError{fmt.Errorf("--commit: --out %s is outside the repository", f.out)}
		}
		out = rel
	}
	out = filepath.ToSlash(filepath.Clean(out))
	if out == "." || strings.HasPrefix(out, "../") {
		return nil, usageError{fmt.Errorf("--commit: --out must name a directory inside the repository")}
	}
	repo, err := gitrepo.Open(root)
	if err != nil {
		return nil, err
	}
	var author gitrepo.Signature
	if f.author != "" {
		if author, err = gitrepo.ParseSignature(f.author); err != nil {
			return nil, usageError{err}
		}
	} else if author, err = repo.Author(); err != nil {
		return nil, err
	}
	when, err := gitrepo.CommitTime()
	if err != nil {
		return nil, usageError{err}
	}
	staged, err := repo.Staged()
	if err != nil {
		return nil, err
	}
	var unrelated []string
	for _, p := range staged {
		if !gitrepo.Under(p, out) {
			unrelated = append(unrelated, p)
		}
	}
	if len(unrelated) > 0 {
		const show = 10
		list := unrelated
		more := ""
		if len(list) > show {
			more = fmt.Sprintf("\n  ... and %d more", len(list)-show)
			list = list[:show]
		}
		return nil, fmt.Errorf("--commit: the index has staged changes outside %s/, which the commit would include:\n  %s%s\ncommit or unstage them first (git restore --staged PATH)", out, strings.Join(list, "\n  "), more)
	}
	return &commitPlan{root: root, repo: repo, author: author, when: when, out: out}, nil
}

// commitOut stages out/<env> for every environment built and commits it,
// with the semantic diff since the output's last commit as the message.
func (a *app) commitOut(cp *commitPlan, results []result) error {
	var names []string
	for _, r := range results {
		names = append(names, r.ref.Name)
	}
	for _, name := range names {
		if _, err := cp.repo.Stage(cp.out + "/" + name); err != nil {
			return err
		}
	}
	staged, err := cp.repo.Staged()
	if err != nil {
		return err
	}
	if len(staged) == 0 {
		fmt.Fprintf(a.stdout, "nothing to commit: %s matches HEAD\n", outList(cp.out, names))
		return nil
	}
	// Each environment's base is the commit its committed output came
	// from: the newest one that changed out/<env>. Sources committed since
	// without a rebuild are then part of what this commit brings.
	var dirs []string
	compiled := map[string]clusterSides{}
	for _, r := range results {
		dirs = append(dirs, cp.out+"/"+r.ref.Name)
		compiled[r.ref.Name] = sidesOf(r.clusters)
	}
	last, err := cp.repo.LastChanged(dirs)
	if err != nil {
		return err
	}
	head := side{name: "working tree", compiled: compiled}
	var envs []semdiff.Env
	var bases []string
	byBase := map[string][]string{} // base label -> environments
	baseSide := map[string]side{}
	for i, name := range names {
		b := side{name: "no earlier build", fsys: gitrepo.Empty}
		if rev, ok := last[dirs[i]]; ok {
			fsys, err := rev.FS()
			if err != nil {
				return err
			}
			b = side{name: rev.Short(), fsys: fsys}
		}
		if _, ok := byBase[b.name]; !ok {
			bases = append(bases, b.name)
			baseSide[b.name] = b
		}
		byBase[b.name] = append(byBase[b.name], name)
	}
	var labels []string
	for _, b := range bases {
		r, err := compareSides(cp.root, baseSide[b], head, byBase[b], cp.out)
		if err != nil {
			return err
		}
		envs = append(envs, r.Environments...)
		labels = append(labels, fmt.Sprintf("%s (%s)", b, outList(cp.out, byBase[b])))
	}
	sort.Slice(envs, func(i, j int) bool { return envs[i].Name < envs[j].Name })
	report := semdiff.NewReport(strings.Join(labels, ", "), "working tree", envs)
	msg := semdiff.CommitMessage(report, names)
	h, err := cp.repo.Commit(msg, cp.author, cp.when)
	if errors.Is(err, gitrepo.ErrNothingToCommit) {
		fmt.Fprintf(a.stdout, "nothing to commit: %s matches HEAD\n", outList(cp.out, names))
		return nil
	}
	if err != nil {
		return err
	}
	subject, _, _ := strings.Cut(msg, "\n")
	fmt.Fprintf(a.stdout, "committed %s (%d files): %s\n", h.String()[:7], len(staged), subject)
	return nil
}

func outList(out string, names []string) string {
	dirs := make([]string, len(names))
	for i, n := range names {
		dirs[i] = out + "/" + n
	}
	return strings.Join(dirs, ", ")
}
