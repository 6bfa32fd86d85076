package cli

import (
	"errors"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"sync"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/mongen-dev/mongen/internal/lint"
	"github.com/mongen-dev/mongen/internal/load"
	"github.com/mongen-dev/mongen/internal/pipeline"
	"github.com/mongen-dev/mongen/internal/report"
)

type vetFlags struct {
	all    bool
	format string
	files  vetFileFlags // vetfiles.go
}

func newVetCmd(a *app) *cobra.Command {
	var f vetFlags
	formats := make([]string, len(report.Formats))
	for i, f := range report.Formats {
		formats[i] = string(f)
	}
	cmd := &cobra.Command{
		Use:   "vet [--all | ENV... | FILE...] [--format text|json|github|sarif]",
		Short: "Run the named lint checks on environments' rules (all environments when none is named)",
		Long: `Runs mongen's lint checks (listed in docs/lint.md) on every rule of each
environment and prints each finding with its check, severity and CUE
position; findings that vet.disable suppresses are printed with their
reason. mongen build and mongen check run the same checks. Exits 1 if any
finding is an error or an environment does not load.

Given YAML files instead (rule files, PrometheusRule manifests,
alertmanager.yml, prometheus.yml), it runs the same checks on them
without any CUE, with findings at the YAML file, line and column.`,
		Args: func(_ *cobra.Command, args []string) error {
			if f.all && len(args) > 0 {
				return usageError{errors.New("give environments or --all, not both")}
			}
			return nil
		},
		RunE: func(_ *cobra.Command, args []string) error { return a.vet(args, f) },
	}
	cmd.Flags().BoolVar(&f.all, "all", false, "vet every environment under environments/ (the default when none is named)")
	cmd.Flags().StringVar(&f.format, "format", "text", "output format: "+strings.Join(formats, ", "))
	f.files.register(cmd)
	return cmd
}

func (a *app) vet(args []string, f vetFlags) error {
	format, err := report.ParseFormat(f.format)
	if err != nil {
		return usageError{err}
	}
	if files, ok := a.fileArgs(args); ok {
		return a.vetFiles(files, format, f.files)
	}
	root, err := load.FindRoot(a.cwd)
	if err != nil {
		return err
	}
	refs, err := a.resolve(root, args, f.all || len(args) == 0)
	if err != nil {
		return err
	}
	envs := make([]report.Env, len(refs))
	var wg sync.WaitGroup
	for i, ref := range refs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			envs[i] = vetOne(root, ref)
		}()
	}
	wg.Wait()

	opts := report.Options{Color: format == report.Text && colorful(a.stdout), Rules: checkRules(), ToolVersion: toolVersion()}
	if err := report.Write(a.stdout, format, envs, opts); err != nil {
		return err
	}
	if report.HasErrors(envs) {
		return failure{ExitFailed}
	}
	return nil
}

func vetOne(root string, ref load.Ref) report.Env {
	env := report.Env{Name: ref.Name}
	res, err := pipeline.Vet(root, ref, load.Options{})
	if err != nil {
		env.Error = formatError(err)
		return env
	}
	env.Findings, env.Suppressed = res.Findings, res.Suppressed
	if res.BuildErr != nil {
		env.Error = "mongen build fails: " + formatError(res.BuildErr)
	}
	return env
}

// checkRules describes the lint checks for SARIF.
func checkRules() []report.Rule {
	var out []report.Rule
	for _, c := range lint.Checks() {
		out = append(out, report.Rule{
			ID:       c.ID,
			Severity: c.Severity,
			Summary:  c.Summary,
			HelpURI:  "https://github.com/mongen-dev/mongen/blob/main/docs/lint.md#" + anchor(c.ID),
		})
	}
	return out
}

// anchor is the GitHub heading anchor of a check's section in docs/lint.md
// ("## promql/rate-range" becomes "promqlrate-range").
func anchor(id string) string {
	return strings.ReplaceAll(id, "/", "")
}

func toolVersion() string {
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" {
		return info.Main.Version
	}
	return "(devel)"
}

// colorful reports whether w is a terminal and NO_COLOR is unset
// (https://no-color.org).
func colorful(w io.Writer) bool {
	if os.Getenv("NO_COLOR") != "" {
		return false
	}
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
