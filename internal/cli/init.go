package cli

import (
	"errors"
	"fmt"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mongen-dev/mongen/internal/platform"
	"github.com/mongen-dev/mongen/internal/scaffold"
)

func newInitCmd(a *app) *cobra.Command {
	var o scaffold.Options
	cmd := &cobra.Command{
		Use:   "init DIR [--module PATH] [--env NAME] [--repo-url URL]",
		Short: "Create a monitoring repository: CUE module, one environment, Makefile, workflows, Flux and Argo CD manifests",
		Long: `Creates DIR (or fills it, if none of the files exists yet) with a
monitoring repository that imports mongen's schemas and library from the
binary: cue.mod/module.cue, environments/<env>/ with the library's node and
kube-state-metrics exporters and the standard tier policy, a Makefile,
GitHub workflows (mongen check and diff on pull requests, a stale out/
check on main) and deploy/ manifests for Flux and Argo CD. Run
mongen build --all in it next.`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageError{errors.New("name the directory to create: mongen init my-monitoring")}
			}
			return nil
		},
		RunE: func(_ *cobra.Command, args []string) error { return a.init(args[0], o) },
	}
	cmd.Flags().StringVar(&o.Module, "module", "example.com/monitoring@v0", "the repository's CUE module path")
	cmd.Flags().StringVar(&o.Env, "env", "prod", "the first environment's name")
	cmd.Flags().StringVar(&o.Cluster, "cluster", "", "the environment's cluster name (default: the environment's name)")
	cmd.Flags().StringVar(&o.RepoURL, "repo-url", "https://github.com/OWNER/monitoring.git", "the git URL Flux and Argo CD pull from")
	cmd.Flags().StringVar(&o.Branch, "branch", "main", "the branch Flux and Argo CD follow")
	cmd.Flags().StringVar(&o.Platform, "platform", "kube-prometheus-stack", "what the output lands on: kube-prometheus-stack, kube-prometheus, operator or plain (docs/platforms.md)")
	return cmd
}

func (a *app) init(dir string, o scaffold.Options) error {
	if o.Platform != "" && !slices.Contains(platform.Profiles(), o.Platform) {
		return usageError{fmt.Errorf("--platform %q: the known platforms are %s", o.Platform, strings.Join(platform.Profiles(), ", "))}
	}
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(a.cwd, dir)
	}
	o.MongenVersion = installVersion()
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
	env := o.Env
	if env == "" {
		env = "prod"
	}
	rel, err := filepath.Rel(a.cwd, dir)
	if err != nil || strings.HasPrefix(rel, "..") {
		rel = dir
	}
	fmt.Fprintf(a.stdout, "next: cd %s && mongen build --all && git init && git add . && git commit -m 'monitoring: %s'\n", rel, env)
	return nil
}

// installVersion is the version the scaffolded Makefile and workflows
// install: this binary's own release, or latest for a development build.
func installVersion() string {
	if info, ok := debug.ReadBuildInfo(); ok {
		// A +dirty (or other +build) version cannot be installed.
		if v := info.Main.Version; v != "" && v != "(devel)" && !strings.Contains(v, "+") {
			return v
		}
	}
	return "latest"
}
