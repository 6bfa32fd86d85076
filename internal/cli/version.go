package cli

import (
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"
)

func newVersionCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print mongen's version and the upstream versions it validates with",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			version := "(devel)"
			deps := map[string]string{}
			if info, ok := debug.ReadBuildInfo(); ok {
				if info.Main.Version != "" {
					version = info.Main.Version
				}
				for _, d := range info.Deps {
					deps[d.Path] = d.Version
				}
			}
			fmt.Fprintf(a.stdout, "mongen %s\n", version)
			for _, m := range []string{"cuelang.org/go", "github.com/prometheus/prometheus", "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring", "sigs.k8s.io/kustomize/api"} {
				if v, ok := deps[m]; ok {
					fmt.Fprintf(a.stdout, "  %s %s\n", m, v)
				}
			}
			return nil
		},
	}
}
