package cli

import (
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mongen-dev/mongen/internal/gitrepo"
	"github.com/mongen-dev/mongen/internal/platform"
	"github.com/mongen-dev/mongen/internal/scaffold"
)

type initFlags struct {
	scaffold.Options
	// version is --mongen-version: what the Makefile and CI install.
	version string
}

func newInitCmd(a *app) *cobra.Command {
	var f initFlags
	cmd := &cobra.Command{
		Use:   "init DIR [--module PATH] [--env NAME] [--repo-url URL] [--mongen-version VERSION]",
		Short: "Create a monitoring repository: CUE module, one environment, Makefile, workflows, Flux and Argo CD manifests",
		Long: `Creates DIR (or fills it, if none of the files exists yet) with a
monitoring repository that imports mongen's schemas and library from the
binary: cue.mod/module.cue, environments/<env>/ with the library's node and
kube-state-metrics exporters and the standard tier policy, a Makefile,
GitHub workflows (mongen check and diff on pull requests, a stale out/
check on main) and deploy/ manifests for Flux and Argo CD. DIR becomes a
git repository on the branch --branch names (main), unless it is inside
one already. Run mongen build --all in it next.

The Makefile and workflows install, and CI caches, the mongen version this
binary was installed as (go install ...@VERSION); a development build that
does not know its version needs --mongen-version.`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageError{errors.New("name the directory to create: mongen init my-monitoring")}
			}
			return nil
		},
		RunE: func(_ *cobra.Command, args []string) error { return a.init(args[0], f) },
	}
	o := &f.Options
	cmd.Flags().StringVar(&o.Module, "module", "example.com/monitoring@v0", "the repository's CUE module path")
	cmd.Flags().StringVar(&o.Env, "env", "prod", "the first environment's name")
	cmd.Flags().StringVar(&o.Cluster, "cluster", "", "the environment's cluster name (default: the environment's name)")
	cmd.Flags().StringVar(&o.RepoURL, "repo-url", "https://github.com/OWNER/monitoring.git", "the git URL Flux and Argo CD pull from")
	cmd.Flags().StringVar(&o.Branch, "branch", "main", "the repository's main branch: git's first commit lands on it, Flux and Argo CD follow it, CI and make diff compare with it")
	cmd.Flags().StringVar(&o.Platform, "platform", "kube-prometheus-stack", "what the output lands on: kube-prometheus-stack, kube-prometheus, operator or plain (docs/platforms.md)")
	cmd.Flags().StringVar(&f.version, "mongen-version", "", "the mongen release the Makefile and CI install and cache, e.g. v1.2.3 (default: this binary's version)")
	return cmd
}

func (a *app) init(dir string, f initFlags) error {
	o := f.Options
	if o.Platform != "" && !slices.Contains(platform.Profiles(), o.Platform) {
		return usageError{fmt.Errorf("--platform %q: the known platforms are %s", o.Platform, strings.Join(platform.Profiles(), ", "))}
	}
	version, err := pinVersion(f.version, readBuildVersion())
	if err != nil {
		return usageError{err}
	}
	o.MongenVersion = version
	if o.Branch == "" {
		o.Branch = "main"
	}
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(a.cwd, dir)
	}
	paths, err := scaffold.Write(dir, o)
	if err != nil {
		if errors.Is(err, scaffold.ErrExists) {
			return usageError{err}
		}
		return err
	}
	for _, p := range paths {
		fmt.Fprintf(a.stdout, "created %s\n", p)
	}
	repo, err := gitrepo.Init(dir, o.Branch)
	if err != nil {
		return err
	}
	rel, err := filepath.Rel(a.cwd, dir)
	if err != nil || strings.HasPrefix(rel, "..") {
		rel = dir
	}
	switch {
	case repo.Created:
		fmt.Fprintf(a.stdout, "created a git repository on branch %s\n", repo.Branch)
	case repo.Branch != o.Branch:
		fmt.Fprintf(a.stderr, "mongen init: %s is inside the git repository %s, whose branch is %s, but the Makefile, workflows and deploy/ name %s: rename it (git branch -m %s) or run mongen init again with --branch %s\n", rel, repo.Top, repo.Branch, o.Branch, o.Branch, repo.Branch)
	}
	env := o.Env
	if env == "" {
		env = "prod"
	}
	fmt.Fprintf(a.stdout, "mongen %s is pinned in the Makefile and workflows\n", version)
	fmt.Fprintf(a.stdout, "next: cd %s && mongen build --all && git add . && git commit -m 'monitoring: %s'\n", rel, env)
	return nil
}

// releaseVersion is a version go install accepts: a release or a
// pseudo-version, without +build metadata (+dirty is not installable).
var releaseVersion = regexp.MustCompile(`^v\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$`)

// pinVersion is the version the scaffolded Makefile and workflows install
// and CI caches by: --mongen-version, else this binary's own. Never
// "latest": a cache keyed by it would never upgrade.
func pinVersion(flag string, v buildVersion) (string, error) {
	if flag != "" {
		if !releaseVersion.MatchString(flag) {
			return "", fmt.Errorf("--mongen-version %q: give a release tag such as v1.2.3 (go install needs it; latest would be cached once and never upgraded)", flag)
		}
		return flag, nil
	}
	if releaseVersion.MatchString(v.Version) {
		return v.Version, nil
	}
	return "", fmt.Errorf("this mongen is a development build (version %s) and cannot pin itself in the Makefile and CI: pass --mongen-version VERSION (a release tag, such as v1.2.3), or install a release first: go install github.com/mongen-dev/mongen/cmd/mongen@VERSION", v.Version)
}
