// Command opconfig runs the prometheus-operator's own code (the module pinned
// in go.mod, v0.93.1: the operator that kube-prometheus-stack 88.5.3 and
// kube-prometheus deploy) on a set of Kubernetes objects, and writes what the
// operator would write for one Prometheus CR:
//
//	DIR/prometheus.yaml           the configuration, as the operator stores it
//	                              (gzipped) in Secret prometheus-<name>
//	DIR/rules/<configmap>/<file>  the rule files, as ConfigMaps
//	                              prometheus-<name>-rulefiles-<n> hold them;
//	                              mounted at /etc/prometheus/rules/<configmap>/
//	DIR/certs/<file>              the TLS assets, mounted at /etc/prometheus/certs/
//	DIR/secrets/<name>/<key>      spec.secrets, mounted at /etc/prometheus/secrets/<name>/
//	DIR/configmaps/<name>/<key>   spec.configMaps, mounted at /etc/prometheus/configmaps/<name>/
//	DIR/report.json               what was selected, rejected, not selected or
//	                              ignored, the rule files, and the server flags
//
// Usage:
//
//	opconfig -o DIR [-prometheus NAMESPACE/NAME] [-kubernetes-version V] [-strict] PATH...
//
// Each PATH is a YAML (or JSON) stream of objects, or a directory whose
// *.yaml, *.yml and *.json files are read in name order. The objects are one
// or more Prometheus CRs (-prometheus picks one when there are several),
// ServiceMonitors, PodMonitors, Probes, ScrapeConfigs, PrometheusRules, and
// the Secrets, ConfigMaps and Namespaces they need. Namespaces that objects
// live in but that are not given are created with the label
// kubernetes.io/metadata.name, as the API server does. Objects of other kinds
// are listed in the report as ignored.
//
// The objects are served to the operator through client-go's fake
// clientsets and the operator's own informers. The selection, the validity
// checks, the rule files and the configuration are the operator's exported
// code (pkg/prometheus ResourceSelector and ConfigGenerator, pkg/operator
// PrometheusRuleSelector and PrometheusRuleSyncer). The operator's
// reconcile loop (pkg/prometheus/server Operator.sync) is unexported and
// needs a live API server, so this program repeats its sequence of calls:
// see generate.
//
// With -strict the exit code is 1 when any monitor or rule in the input is
// rejected or not selected; it is 2 on errors.
package main

import (
	"flag"
	"fmt"
	"os"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	fs := flag.NewFlagSet("opconfig", flag.ContinueOnError)
	out := fs.String("o", "", "output directory (required; created, and emptied of earlier output)")
	prom := fs.String("prometheus", "", "the Prometheus CR to generate for, as NAMESPACE/NAME (needed when the input holds several)")
	kubeVersion := fs.String("kubernetes-version", defaultKubernetesVersion, "the Kubernetes version the operator sees; decides EndpointSlice and pod topology label support as the operator's main does")
	strict := fs.Bool("strict", false, "exit 1 when a monitor or rule is rejected or not selected")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *out == "" || fs.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: opconfig -o DIR [-prometheus NAMESPACE/NAME] [-kubernetes-version V] [-strict] PATH...")
		return 2
	}
	objs, err := readPaths(fs.Args())
	if err != nil {
		fmt.Fprintln(os.Stderr, "opconfig:", err)
		return 2
	}
	res, err := generate(objs, options{prometheus: *prom, kubernetesVersion: *kubeVersion, logTo: os.Stderr})
	if err != nil {
		fmt.Fprintln(os.Stderr, "opconfig:", err)
		return 2
	}
	if err := res.write(*out); err != nil {
		fmt.Fprintln(os.Stderr, "opconfig:", err)
		return 2
	}
	for _, p := range res.Report.Problems() {
		fmt.Fprintln(os.Stderr, "opconfig:", p)
	}
	if *strict && len(res.Report.Problems()) > 0 {
		return 1
	}
	return 0
}
