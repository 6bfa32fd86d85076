package cli

import (
	"fmt"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
)

func newVersionCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print mongen's version and the upstream versions it validates with",
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageError{fmt.Errorf("version takes no arguments (got %q)", args[0])}
			}
			return nil
		},
		RunE: func(*cobra.Command, []string) error {
			v := readBuildVersion()
			fmt.Fprint(a.stdout, v.String())
			for _, m := range []string{"cuelang.org/go", "github.com/prometheus/prometheus", "github.com/prometheus/alertmanager", "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring", "sigs.k8s.io/kustomize/api"} {
				if d, ok := v.deps[m]; ok {
					fmt.Fprintf(a.stdout, "  %s %s\n", m, d)
				}
			}
			return nil
		},
	}
}

// buildVersion is what the binary knows about its own build.
type buildVersion struct {
	// Version is the module version (v0.3.1, a pseudo-version), or
	// "(devel)" for a build from a checkout without version stamping.
	Version string
	// Revision, Time and Modified come from the VCS stamp (vcs.revision,
	// vcs.time, vcs.modified); empty when the build carries none.
	Revision, Time string
	Modified       bool
	deps           map[string]string
}

func readBuildVersion() buildVersion {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return parseBuildInfo(nil)
	}
	return parseBuildInfo(info)
}

func parseBuildInfo(info *debug.BuildInfo) buildVersion {
	v := buildVersion{Version: "(devel)", deps: map[string]string{}}
	if info == nil {
		return v
	}
	if info.Main.Version != "" {
		v.Version = info.Main.Version
	}
	for _, d := range info.Deps {
		v.deps[d.Path] = d.Version
	}
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			v.Revision = s.Value
		case "vcs.time":
			v.Time = s.Value
		case "vcs.modified":
			v.Modified = s.Value == "true"
		}
	}
	return v
}

// String is the --version text: "mongen VERSION", then the revision line
// when the build is stamped.
func (v buildVersion) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "mongen %s\n", v.Version)
	if v.Revision != "" {
		fmt.Fprintf(&b, "revision %s", v.Revision)
		var notes []string
		if v.Time != "" {
			notes = append(notes, v.Time)
		}
		if v.Modified {
			notes = append(notes, "modified")
		}
		if len(notes) > 0 {
			fmt.Fprintf(&b, " (%s)", strings.Join(notes, ", "))
		}
		b.WriteString("\n")
	}
	return b.String()
}
