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
