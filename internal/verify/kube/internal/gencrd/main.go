// Command gencrd writes crds.json.gz, the embedded prometheus-operator CRD
// schemas of package kube. Run it through `go generate` in that package.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/mongen-dev/mongen/internal/verify/kube/internal/crdbundle"
)

func main() {
	out := flag.String("o", "crds.json.gz", "output file")
	flag.Parse()
	data, err := crdbundle.Generate(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, "gencrd:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(*out, data, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "gencrd:", err)
		os.Exit(1)
	}
}
