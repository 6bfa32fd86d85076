// Command mongen compiles CUE monitoring definitions into validated
// Prometheus, Alertmanager, Grafana and Kubernetes configuration.
package main

import (
	"os"

	"github.com/mongen-dev/mongen/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
}
