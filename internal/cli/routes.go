package cli

import (
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/load"
	"github.com/mongen-dev/mongen/internal/pipeline"
	"github.com/mongen-dev/mongen/internal/render/alertmanager"
	"github.com/mongen-dev/mongen/internal/verify/amcheck"
)

func newRoutesCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "routes ENV [label=value ...]",
		Short: "Print the alert routing tree, or which receivers a label set reaches and why",
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageError{errors.New("name an environment: mongen routes env/prod [label=value ...]")}
			}
			return nil
		},
		RunE: func(_ *cobra.Command, args []string) error { return a.routes(args[0], args[1:]) },
	}
}

func (a *app) routes(envArg string, labelArgs []string) error {
	labels := map[string]string{}
	for _, arg := range labelArgs {
		k, v, ok := strings.Cut(arg, "=")
		if !ok || k == "" {
			return usageError{fmt.Errorf("label %q: write label=value", arg)}
		}
		labels[k] = strings.Trim(v, `"`)
	}
	root, err := load.FindRoot(a.cwd)
	if err != nil {
		return err
	}
	ref, err := load.Resolve(root, envArg)
	if err != nil {
		return usageError{err}
	}
	res, err := pipeline.Compile(root, ref, load.Options{})
	if err != nil {
		fmt.Fprintf(a.stderr, "%s: %s\n", ref.Name, indentAfterFirst(err.Error()))
		return failure{ExitFailed}
	}
	// A multi-cluster environment routes per cluster: the alert's cluster
	// label picks one, else the first; a shared Alertmanager routes for all.
	cluster := res.Clusters[0]
	for _, c := range res.Clusters {
		if c.Name != "" && c.Name == labels["cluster"] {
			cluster = c
		}
	}
	for _, c := range res.Clusters {
		if !cluster.Plan.Env.RunsAlertmanager() && c.Plan.Env.RunsAlertmanager() {
			cluster = c
		}
	}
	plan := cluster.Plan.Alerting
	if plan == nil {
		fmt.Fprintf(a.stderr, "%s: the environment has no alerting section\n", ref.Name)
		return failure{ExitFailed}
	}
	endpoints := map[string][]string{}
	for _, r := range plan.Receivers {
		endpoints[r.Name] = r.Endpoints
	}
	if len(labels) == 0 {
		printRoute(a.stdout, plan.Route, endpoints, "", "", true)
		return nil
	}
	f, _ := cluster.Tree.Get(alertmanager.ConfigPath)
	cfg, err := amcheck.Load(f.Data)
	if err != nil {
		return err
	}
	matches := amcheck.NewTree(cfg).Match(labels)
	for _, m := range matches {
		fmt.Fprintf(a.stdout, "%s → %s\n", m.Receiver, strings.Join(endpoints[m.Receiver], ", "))
		fmt.Fprintf(a.stdout, "  path:     %s\n", strings.Join(m.Path, " > "))
		fmt.Fprintf(a.stdout, "  group_by: %s\n", strings.Join(m.GroupBy, ", "))
		if len(m.ActiveTimeIntervals) > 0 {
			fmt.Fprintf(a.stdout, "  active:   %s\n", strings.Join(m.ActiveTimeIntervals, ", "))
		}
	}
	return nil
}

// printRoute draws the routing tree with the endpoints of each receiver.
func printRoute(w io.Writer, r expand.Route, endpoints map[string][]string, indent, branch string, root bool) {
	var opts []string
	if len(r.GroupBy) > 0 {
		opts = append(opts, "group_by="+strings.Join(r.GroupBy, ","))
	}
	for _, o := range []struct{ k, v string }{{"wait", r.GroupWait}, {"interval", r.GroupInterval}, {"repeat", r.RepeatInterval}} {
		if o.v != "" {
			opts = append(opts, o.k+"="+o.v)
		}
	}
	if len(r.ActiveTimeIntervals) > 0 {
		opts = append(opts, "active="+strings.Join(r.ActiveTimeIntervals, ","))
	}
	if len(r.MuteTimeIntervals) > 0 {
		opts = append(opts, "mute="+strings.Join(r.MuteTimeIntervals, ","))
	}
	if r.Continue {
		opts = append(opts, "continue")
	}
	eps := append([]string(nil), endpoints[r.Receiver]...)
	sort.Strings(eps)
	what := r.Describe()
	if root {
		what = "root"
	}
	fmt.Fprintf(w, "%s%s%s → %s (%s)", indent, branch, what, r.Receiver, strings.Join(eps, ", "))
	if len(opts) > 0 {
		fmt.Fprintf(w, "  [%s]", strings.Join(opts, " "))
	}
	fmt.Fprintln(w)
	child := indent
	switch branch {
	case "├─ ":
		child += "│  "
	case "└─ ":
		child += "   "
	}
	for i, c := range r.Routes {
		b := "├─ "
		if i == len(r.Routes)-1 {
			b = "└─ "
		}
		printRoute(w, c, endpoints, child, b, false)
	}
}
