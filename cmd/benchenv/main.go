// Command benchenv writes the synthetic large environment that
// docs/performance.md measures (internal/benchenv) into a new repository:
//
//	go run ./cmd/benchenv -o /tmp/big && cd /tmp/big && mongen build big
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/mongen-dev/mongen/internal/benchenv"
	"github.com/mongen-dev/mongen/internal/load"
)

func main() {
	out := flag.String("o", "", "directory to create (must not exist)")
	spec := benchenv.Large()
	flag.IntVar(&spec.Services, "services", spec.Services, "service targets")
	flag.IntVar(&spec.Rules, "rules", spec.Rules, "alerting rules")
	flag.IntVar(&spec.Groups, "groups", spec.Groups, "rule groups")
	flag.IntVar(&spec.SLOs, "slos", spec.SLOs, "SLOs")
	flag.IntVar(&spec.Dashboards, "dashboards", spec.Dashboards, "own dashboards")
	flag.Parse()
	if err := run(*out, spec); err != nil {
		fmt.Fprintln(os.Stderr, "benchenv:", err)
		os.Exit(1)
	}
}

func run(out string, spec benchenv.Spec) error {
	if out == "" {
		return fmt.Errorf("-o DIR is required")
	}
	if _, err := os.Stat(out); err == nil {
		return fmt.Errorf("%s exists; choose a new directory", out)
	}
	src, err := load.FindRoot(".")
	if err != nil {
		return fmt.Errorf("run it inside the mongen repository: %w", err)
	}
	return benchenv.Write(out, src, spec)
}
