package cli

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mongen-dev/mongen/internal/importer"
	"github.com/mongen-dev/mongen/internal/load"
)

type importFlags struct {
	env, cluster, flavour string
	platform, release     string
	selector              map[string]string
	severityMap           []string
	force, check          bool
	noLibrary             bool
}

func newImportCmd(a *app) *cobra.Command {
	var f importFlags
	cmd := &cobra.Command{
		Use:   "import [--env NAME] [--check] FILE...",
		Short: "Turn Prometheus rule files and PrometheusRule manifests into an environment's CUE",
		Long: `Reads Prometheus rule files and PrometheusRule manifests (one or many
documents per file) and writes environments/NAME/ (NAME.cue and rules.cue),
which builds back to the same rules after normalisation. Each alert's tier
is inferred from its severity label (critical P0, warning P1, info P2;
--severity-map maps other values) and printed. An alert that is a library
exporter's rule (same name, same PromQL once job and threshold are the
input's) becomes an override of that rule, and its exporter is adopted
(library.cue); --no-library keeps copies instead. Existing files are not
overwritten unless --force is given; a file that does not parse stops the
import with its position, and nothing is written.

With --check, nothing is written: the environment as it is now is built and
every difference from the input files is printed, normalisations (with their
reason) and real differences; exits 1 if there is any real difference.

Sloth specs (prometheus/v1, PrometheusServiceLevel) and Pyrra
ServiceLevelObjectives become SLOs in environments/NAME/slos.cue; with
--check and the rules Sloth generated from them, the first firing minute
of each page and ticket alert is compared (docs/slo.md#importing-sloth-and-pyrra-slos).

See docs/migrating.md.`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageError{errors.New("give the files to import")}
			}
			return nil
		},
		RunE: func(_ *cobra.Command, args []string) error { return a.importFiles(args, f) },
	}
	cmd.Flags().StringVar(&f.env, "env", "imported", "environment to write (environments/NAME)")
	cmd.Flags().StringVar(&f.cluster, "cluster", "", "cluster name (default: the environment's name)")
	cmd.Flags().StringVar(&f.flavour, "flavour", "", "output flavour: operator or plain (default operator, or plain when scrape configs must stay raw)")
	cmd.Flags().StringVar(&f.platform, "platform", "", "what the environment lands on: kube-prometheus-stack, kube-prometheus, operator or plain (docs/platforms.md); library exporters are then matched against the platform's Services")
	cmd.Flags().StringVar(&f.release, "release", "", "the kube-prometheus-stack Helm release (with --platform kube-prometheus-stack)")
	cmd.Flags().StringToStringVar(&f.selector, "selector", nil, "selector labels of the environment, e.g. release=kube-prometheus-stack")
	cmd.Flags().StringSliceVar(&f.severityMap, "severity-map", nil, "map more severity values to tiers, e.g. none=P2 or other=P2 (critical=P0, warning=P1, info=P2 always)")
	cmd.Flags().BoolVar(&f.force, "force", false, "overwrite existing files of the environment")
	cmd.Flags().BoolVar(&f.noLibrary, "no-library", false, "keep rules that are library exporters' rules as copies instead of overrides of the library")
	cmd.Flags().BoolVar(&f.check, "check", false, "write nothing; build the environment and report how it differs from the files")
	return cmd
}

func (a *app) importFiles(files []string, f importFlags) error {
	tiering, err := importer.ParseSeverityMap(f.severityMap)
	if err != nil {
		return usageError{err}
	}
	root, err := load.FindRoot(a.cwd)
	if err != nil {
		return err
	}
	if docs, ok, err := a.sloInputs(files); err != nil {
		return err
	} else if ok {
		return a.importSLOs(root, docs, files, f) // Sloth and Pyrra SLOs: importslo.go
	}
	in, err := a.readInputs(files)
	if err != nil {
		return err
	}
	imp, err := importer.Convert(in, importer.Options{Env: f.env, Cluster: f.cluster, Flavour: f.flavour, Platform: f.platform, Release: f.release, Selector: f.selector, Tiering: tiering, NoLibrary: f.noLibrary})
	if err != nil {
		return err
	}
	dir := filepath.Join(root, load.EnvironmentsDir, f.env)
	rel := filepath.ToSlash(filepath.Join(load.EnvironmentsDir, f.env))
	if f.check {
		return a.importCheck(root, rel, in, imp)
	}
	for _, n := range imp.Notes {
		fmt.Fprintln(a.stdout, n)
	}
	if err := imp.Builds(root, rel); err != nil {
		return err
	}
	written, err := imp.Write(dir, f.force)
	if err != nil {
		return err
	}
	if len(imp.Secrets) > 0 {
		fmt.Fprintln(a.stdout, "credentials checklist: the input held credentials, which mongen never copies; create these Secret keys before deploying (scrape-* beside Prometheus, alertmanager-receivers beside Alertmanager):")
		for _, s := range imp.Secrets {
			fmt.Fprintf(a.stdout, "  %s\n", s)
		}
	}
	alerts, records := importer.RuleCount(in.Groups)
	for _, w := range written {
		r, _ := filepath.Rel(root, w)
		fmt.Fprintf(a.stdout, "wrote %s\n", filepath.ToSlash(r))
	}
	check := []string{"mongen", "import", "--check", "--env", f.env}
	if len(f.severityMap) > 0 {
		check = append(check, "--severity-map", strings.Join(f.severityMap, ","))
	}
	if f.noLibrary {
		check = append(check, "--no-library")
	}
	library := ""
	if n := len(imp.Adopted); n > 0 {
		rules := 0
		for _, ad := range imp.Adopted {
			rules += ad.Rules
		}
		library = fmt.Sprintf(" (%d of them as overrides of %d library %s)", rules, n, map[bool]string{true: "exporter", false: "exporters"}[n == 1])
	}
	fmt.Fprintf(a.stdout, "imported %d alerting%s and %d recording rules in %d groups, %d targets, %d federation and %d raw scrape configs into %s; compare with: %s\n",
		alerts, library, records, len(in.Groups), len(imp.Env.Targets), len(imp.Env.Federation), len(imp.Env.RawScrapeConfigs), rel, strings.Join(append(check, files...), " "))
	return nil
}

// importCheck builds the environment as it is, compares it with the
// input and prints every difference.
func (a *app) importCheck(root, rel string, in *importer.Input, imp *importer.Import) error {
	diffs, err := importer.Check(root, rel, in, imp)
	if err != nil {
		return err
	}
	for _, d := range diffs {
		fmt.Fprintln(a.stdout, d)
	}
	n := importer.Unexplained(diffs)
	fmt.Fprintf(a.stdout, "%s: %d normalised, %d different\n", rel, len(diffs)-n, n)
	if n > 0 {
		return failure{ExitFailed}
	}
	return nil
}
