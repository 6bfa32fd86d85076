// Package promcheck runs generated Prometheus files through the parsers the
// Prometheus server itself uses: config.Load for prometheus.yml and
// rulefmt.Parse (with the PromQL parser and the template engine) for rule
// files. It holds no state; every function is safe for concurrent use.
package promcheck

import (
	"errors"
	"fmt"
	"log/slog"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/prometheus/prometheus/config"
	"go.yaml.in/yaml/v3"

	// Service discovery mechanisms register their config types by import.
	// Only the ones mongen emits: static_configs is built in; discovery/install
	// would pull in every cloud SDK.
	_ "github.com/prometheus/prometheus/discovery/file"
	_ "github.com/prometheus/prometheus/discovery/kubernetes"
)

// Config loads data as a Prometheus configuration file exactly as the
// Prometheus server does (config.Load, strict YAML, full validation).
//
// It also checks that every rule_files entry is a clean relative path that
// stays inside the configuration's directory, and returns those entries in
// file order so the caller can check that each exists. Prometheus resolves
// them against the directory of the configuration file, and entries may be
// glob patterns (path.Match syntax).
//
// Paths in *_file fields (TLS, basic auth, bearer token) are not checked:
// they name files mounted where Prometheus runs.
func Config(data []byte) (ruleFiles []string, err error) {
	cfg, err := config.Load(string(data), slog.New(slog.DiscardHandler))
	if err != nil {
		return nil, fmt.Errorf("prometheus config: %w", err)
	}
	var errs []error
	for _, f := range cfg.RuleFiles {
		if err := checkRelative(f); err != nil {
			errs = append(errs, fmt.Errorf("prometheus config: rule_files: %w", err))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return slices.Clone(cfg.RuleFiles), nil
}

// checkRelative reports whether p is a clean, relative, slash-separated path
// that does not leave its base directory.
func checkRelative(p string) error {
	switch {
	case p == "":
		return errors.New("empty path")
	case path.IsAbs(p) || filepath.IsAbs(p) || strings.HasPrefix(p, `\`):
		return fmt.Errorf("%q is absolute; mongen emits paths relative to the configuration file", p)
	case strings.Contains(p, `\`):
		return fmt.Errorf("%q contains a backslash; use slash-separated paths", p)
	case path.Clean(p) != p:
		return fmt.Errorf("%q is not a clean path (want %q)", p, path.Clean(p))
	case p == ".." || strings.HasPrefix(p, "../"):
		return fmt.Errorf("%q leaves the configuration's directory", p)
	}
	return nil
}

// ScrapeConfig loads one scrape config, written as YAML (an entry of
// scrape_configs), exactly as Prometheus loads it inside a configuration:
// unknown fields, bad durations, a timeout over the interval and relabel
// regexes are errors. The job name must be jobName, the key it is stored
// under. Errors are Prometheus's own, without the wrapping configuration.
func ScrapeConfig(jobName, data string) error {
	var doc any
	if err := yaml.Unmarshal([]byte(data), &doc); err != nil {
		return fmt.Errorf("not YAML: %w", err)
	}
	m, ok := doc.(map[string]any)
	if !ok {
		return errors.New("not a mapping: write the scrape config's fields (job_name, static_configs, ...)")
	}
	if got, ok := m["job_name"]; !ok || fmt.Sprint(got) != jobName {
		return fmt.Errorf("job_name must be %q, the key it is stored under", jobName)
	}
	wrapped, err := yaml.Marshal(map[string]any{"scrape_configs": []any{m}})
	if err != nil {
		return err
	}
	if _, err := config.Load(string(wrapped), slog.New(slog.DiscardHandler)); err != nil {
		msg := err.Error()
		// Line numbers would point into the wrapper, not the user's text.
		msg = strings.TrimPrefix(msg, "parsing YAML file : ")
		return errors.New(msg)
	}
	return nil
}
