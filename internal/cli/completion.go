package cli

import (
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mongen-dev/mongen/internal/gitrepo"
	"github.com/mongen-dev/mongen/internal/load"
	"github.com/mongen-dev/mongen/internal/platform"
	"github.com/mongen-dev/mongen/internal/report"
	"github.com/mongen-dev/mongen/internal/semdiff"
)

// registerCompletions teaches shell completion (mongen completion bash|zsh|
// fish|powershell) the environment names of the repository the shell is in,
// the values of enumerated flags and git revisions; cobra completes the
// flags themselves.
func registerCompletions(a *app, root *cobra.Command) {
	for _, c := range root.Commands() {
		switch c.Name() {
		case "build", "check", "test", "diff":
			c.ValidArgsFunction = a.completeEnvs(false)
		case "vet":
			// Environments, or YAML files to lint.
			c.ValidArgsFunction = a.completeEnvs(true)
		case "routes":
			envs := a.completeEnvs(false)
			c.ValidArgsFunction = func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
				if len(args) > 0 {
					return nil, cobra.ShellCompDirectiveNoFileComp // label=value
				}
				return envs(cmd, args, toComplete)
			}
		}
		for flag, values := range flagValues()[c.Name()] {
			if c.Flags().Lookup(flag) == nil {
				continue
			}
			_ = c.RegisterFlagCompletionFunc(flag, completeFixed(values))
		}
		if c.Name() == "diff" {
			for _, flag := range []string{"base", "head"} {
				_ = c.RegisterFlagCompletionFunc(flag, a.completeRevisions)
			}
		}
	}
}

// completeFixed offers the values that start with what was typed.
func completeFixed(values []string) cobra.CompletionFunc {
	return func(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		var out []cobra.Completion
		for _, v := range values {
			if strings.HasPrefix(v, toComplete) {
				out = append(out, v)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

// flagValues are the values of each command's enumerated flags.
func flagValues() map[string]map[string][]string {
	strs := func(vs ...string) []string { return vs }
	vet := make([]string, len(report.Formats))
	for i, f := range report.Formats {
		vet[i] = string(f)
	}
	diff := make([]string, len(semdiff.Formats))
	for i, f := range semdiff.Formats {
		diff[i] = string(f)
	}
	return map[string]map[string][]string{
		"check":  {"format": strs(string(report.Text), string(report.GitHub))},
		"vet":    {"format": vet},
		"diff":   {"format": diff},
		"init":   {"platform": platform.Profiles()},
		"import": {"platform": platform.Profiles(), "flavour": strs("operator", "plain")},
	}
}

// completeEnvs offers the environments under environments/ of the
// repository around the working directory, less those already named;
// files too when withFiles.
func (a *app) completeEnvs(withFiles bool) cobra.CompletionFunc {
	return func(_ *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		directive := cobra.ShellCompDirectiveNoFileComp
		if withFiles {
			directive = cobra.ShellCompDirectiveDefault
		}
		root, err := load.FindRoot(a.cwd)
		if err != nil {
			return nil, directive
		}
		refs, err := load.All(root)
		if err != nil {
			return nil, directive
		}
		var out []cobra.Completion
		for _, r := range refs {
			if slices.Contains(args, r.Name) || !strings.HasPrefix(r.Name, toComplete) {
				continue
			}
			out = append(out, r.Name)
		}
		return out, directive
	}
}

// completeRevisions offers the repository's branches, remote branches and
// tags for --base and --head.
func (a *app) completeRevisions(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	root, err := load.FindRoot(a.cwd)
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	repo, err := gitrepo.Open(root)
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	names, err := repo.RefNames()
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var out []cobra.Completion
	for _, n := range names {
		if strings.HasPrefix(n, toComplete) {
			out = append(out, n)
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}
