package cli

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/mongen-dev/mongen/internal/importer"
	"github.com/mongen-dev/mongen/internal/inputlimit"
	"github.com/mongen-dev/mongen/internal/report"
)

// vetFileFlags are the flags of `mongen vet FILE...`.
type vetFileFlags struct {
	severityMap    []string
	scrapeInterval string
}

func (f *vetFileFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringSliceVar(&f.severityMap, "severity-map", nil, "with FILE arguments: map more severity values to tiers, e.g. none=P2 or other=P2 (critical=P0, warning=P1, info=P2 always)")
	cmd.Flags().StringVar(&f.scrapeInterval, "scrape-interval", "", "with FILE arguments and no prometheus.yml: the scrape interval rate ranges are checked against (default 30s)")
}

// fileArgs reports whether the arguments name YAML files rather than
// environments: any argument that exists and is not a directory makes them
// files (an environment is a directory or a name); readInputs refuses
// those that are not regular files.
func (a *app) fileArgs(args []string) ([]string, bool) {
	for _, arg := range args {
		if st, err := os.Stat(a.abs(arg)); err == nil && !st.IsDir() {
			return args, true
		}
	}
	return nil, false
}

func (a *app) abs(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(a.cwd, p)
}

// readInputs reads the files given to mongen import, within its input
// limits (internal/inputlimit).
func (a *app) readInputs(files []string) (*importer.Input, error) {
	return a.readInputsWithin(files, inputlimit.Import(), inputlimit.ImportBudget())
}

// readInputsWithin reads every file given on the command line, each
// within limit and all within budget; the first error (with its file,
// line and column) stops.
func (a *app) readInputsWithin(files []string, limit inputlimit.Limit, budget *inputlimit.Budget) (*importer.Input, error) {
	in := &importer.Input{}
	for _, name := range files {
		data, err := limit.ReadFile(a.abs(name), name)
		if err == nil {
			err = budget.Take(name, int64(len(data)))
		}
		if inputlimit.Refused(err) {
			return nil, err
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		if err := in.Read(filepath.ToSlash(name), data); err != nil {
			return nil, err
		}
	}
	return in, nil
}

// vetFiles is `mongen vet FILE...`: the lint checks and routing proofs on
// plain YAML.
func (a *app) vetFiles(files []string, format report.Format, f vetFileFlags) error {
	tiering, err := importer.ParseSeverityMap(f.severityMap)
	if err != nil {
		return usageError{err}
	}
	env := report.Env{Name: "files"}
	in, err := a.readInputsWithin(files, inputlimit.YAML(), inputlimit.YAMLBudget())
	if err == nil {
		res, verr := importer.Vet(in, importer.VetOptions{Tiering: tiering, ScrapeInterval: f.scrapeInterval})
		env.Findings, env.Suppressed, err = res.Findings, res.Suppressed, verr
	}
	if err != nil {
		env.Error = formatError(err)
	}
	opts := report.Options{Color: format == report.Text && colorful(a.stdout), Rules: checkRules(), ToolVersion: toolVersion()}
	if err := report.Write(a.stdout, format, []report.Env{env}, opts); err != nil {
		return err
	}
	if report.HasErrors([]report.Env{env}) {
		return failure{ExitFailed}
	}
	return nil
}
