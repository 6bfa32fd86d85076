package cli

import (
	"errors"
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

// readInputs reads every file given on the command line, within the
// input limits (internal/inputlimit); the first error (with its file, line
// and column) stops.
func (a *app) readInputs(files []string) (*importer.Input, error) {
	in := &importer.Input{}
	budget := inputlimit.YAMLBudget()
	for _, name := range files {
		data, err := inputlimit.YAML().ReadFile(a.abs(name), name)
		if err == nil {
			err = budget.Take(name, int64(len(data)))
		}
		var limited *inputlimit.Error
		if errors.As(err, &limited) {
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
	in, err := a.readInputs(files)
	if err == nil {
		res, verr := importer.Vet(in, importer.VetOptions{Tiering: tiering, ScrapeInterval: f.scrapeInterval})
		env.Findings, env.Suppressed, err = res.Findings, res.Suppressed, verr
	}
	if err != nil {
		env.Error = err.Error()
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
