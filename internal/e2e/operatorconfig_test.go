package e2e

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mongen-dev/mongen/internal/corpus"
	"github.com/mongen-dev/mongen/internal/e2e/promserver"
	"github.com/mongen-dev/mongen/internal/load"
	"github.com/mongen-dev/mongen/internal/pipeline"
	"github.com/mongen-dev/mongen/internal/platform/kpsproof"
	"github.com/mongen-dev/mongen/internal/render/helmvalues"
	sigsyaml "sigs.k8s.io/yaml"
)

// TestOperatorConfigOfProdLoadsInPrometheus builds environments/prod with
// the real pipeline and, for each cluster, runs the prometheus-operator's
// own code (tools/opconfig, operator v0.93.1) on the platform's Prometheus
// CR and mongen's objects: the chart's Prometheus (kube-prometheus-stack
// rendered with the helm-values.yaml mongen writes, or the corpus' default
// render when the output has none) and every Prometheus CR mongen itself
// emits. For each it proves that the operator selects and accepts every
// monitor and rule, that every monitor is a scrape job and every rule group
// is in the rule files, that Prometheus' config.Load accepts the
// configuration, that promtool accepts configuration and rules, and that
// the real Prometheus server starts on them with the operator's flags and
// loads every rule group and holds every job.
func TestOperatorConfigOfProdLoadsInPrometheus(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the operator's config generator and starts Prometheus servers")
	}
	opconfig := opconfigBinary(t)
	root, err := promserver.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	ref, err := load.Resolve(root, "prod")
	if err != nil {
		t.Fatal(err)
	}
	res, err := pipeline.Compile(root, ref, load.Options{})
	if err != nil {
		t.Fatalf("compile prod: %v", err)
	}
	ran := 0
	for _, c := range res.Clusters {
		mongen := clusterObjects(t, c)
		if len(mongen) == 0 {
			t.Fatalf("cluster %q: no manifests in the output", c.Name)
		}
		// The chart's Prometheus with the chart's own monitors and rules
		// beside mongen's, as in the cluster; then every Prometheus CR
		// mongen emits itself (the operator profile) with mongen's objects.
		helmValues, haveValues := c.Tree.Get(helmvalues.Path)
		chart := chartObjects(t, c, helmValues.Data, haveValues)
		cases := []struct {
			name string
			prom kpsproof.Object
			objs []kpsproof.Object
		}{{"kube-prometheus-stack", onlyPrometheus(t, chart, "the chart"), append(monitoringObjects(chart), mongen...)}}
		for _, o := range mongen {
			if o.Kind == "Prometheus" {
				cases = append(cases, struct {
					name string
					prom kpsproof.Object
					objs []kpsproof.Object
				}{"own-" + o.Name, o, mongen})
			}
		}
		for _, tc := range cases {
			t.Run(strings.Trim(c.Name+"/"+tc.name, "/"), func(t *testing.T) {
				out := runOpconfig(t, opconfig, tc.prom, tc.objs)
				if out.report.OperatorVersion != "v0.93.1" {
					t.Errorf("opconfig ran operator %s, want v0.93.1 (what kube-prometheus-stack 88.5.3 deploys)", out.report.OperatorVersion)
				}
				for _, problem := range out.problems(mongen) {
					t.Error(problem)
				}
				if t.Failed() {
					t.Logf("opconfig log:\n%s", out.log)
					return
				}
				runOperatorConfig(t, out)
			})
			ran++
		}
	}
	if ran == 0 {
		t.Fatal("no cluster to prove")
	}
}

// TestOperatorConfigReportsWhatThePlatformDrops runs the operator's code on
// the chart's Prometheus CR with objects it must not take: a ServiceMonitor
// and a PrometheusRule without the chart's release label, a ServiceMonitor
// whose TLS CA Secret does not exist and a PrometheusRule with broken
// PromQL. The check the prod test relies on must report each of them, and
// not the valid objects beside them; opconfig -strict must exit 1.
func TestOperatorConfigReportsWhatThePlatformDrops(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the operator's config generator")
	}
	opconfig := opconfigBinary(t)
	chart := defaultChartPrometheus(t)
	objs, err := kpsproof.ParseObjects([]byte(dropCases), "monitoring", "dropCases")
	if err != nil {
		t.Fatal(err)
	}
	out := runOpconfig(t, opconfig, chart, objs, "no-such-secret")
	if out.exitCode != 1 {
		t.Errorf("opconfig -strict exited %d, want 1\n%s", out.exitCode, out.log)
	}

	got := out.problems(objs)
	want := map[string]string{
		"ServiceMonitor monitoring/wrong-label:":   "not selected",
		"PrometheusRule monitoring/wrong-label:":   "not selected",
		"ServiceMonitor monitoring/missing-secret": "rejected",
		"PrometheusRule monitoring/bad-promql":     "rejected",
	}
	for prefix, what := range want {
		found := false
		for _, p := range got {
			if strings.Contains(p, prefix) && strings.Contains(p, what) {
				found = true
			}
		}
		if !found {
			t.Errorf("no %q problem for %s in:\n%s", what, prefix, strings.Join(got, "\n"))
		}
	}
	for _, p := range got {
		if strings.Contains(p, "/good") {
			t.Errorf("the selected, valid objects are reported: %s", p)
		}
	}
	// The label mismatch is explained with the selector.
	if !slices.ContainsFunc(out.report.NotSelected, func(e opEntry) bool {
		return e.Object == "monitoring/wrong-label" && strings.Contains(e.Reason, "release=kube-prometheus-stack")
	}) {
		t.Errorf("not selected entries %+v do not name the chart's selector", out.report.NotSelected)
	}
	// The accepted monitor and rule are still generated.
	if !slices.Contains(out.jobs(), "serviceMonitor/monitoring/good/0") {
		t.Errorf("jobs %v lack serviceMonitor/monitoring/good/0", out.jobs())
	}
	if _, ok := out.ruleGroups["good"]; !ok {
		t.Errorf("rule groups %v lack good", out.ruleGroups)
	}
}

const dropCases = `
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: good, namespace: monitoring, labels: {release: kube-prometheus-stack}}
spec:
  selector: {matchLabels: {app: good}}
  endpoints: [{port: metrics}]
---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: wrong-label, namespace: monitoring, labels: {release: prometheus}}
spec:
  selector: {matchLabels: {app: wrong}}
  endpoints: [{port: metrics}]
---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: missing-secret, namespace: monitoring, labels: {release: kube-prometheus-stack}}
spec:
  selector: {matchLabels: {app: tls}}
  endpoints:
  - port: metrics
    scheme: https
    tlsConfig: {ca: {secret: {name: no-such-secret, key: ca.crt}}}
---
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata: {name: good, namespace: monitoring, labels: {release: kube-prometheus-stack}}
spec:
  groups:
  - name: good
    rules: [{alert: Good, expr: up == 0}]
---
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata: {name: wrong-label, namespace: monitoring, labels: {team: a}}
spec:
  groups:
  - name: wrong-label
    rules: [{alert: Wrong, expr: up == 0}]
---
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata: {name: bad-promql, namespace: monitoring, labels: {release: kube-prometheus-stack}}
spec:
  groups:
  - name: bad-promql
    rules: [{alert: Bad, expr: "sum(up"}]
`

// runOperatorConfig lays out the files the operator's Prometheus pod
// sees, runs config.Load and promtool on them, and starts the real
// Prometheus, at the version the CR names, with the operator's feature
// flags: every rule group must load, the server must hold every job, and
// its log may hold no error but the one Kubernetes discovery gives outside
// a cluster.
func runOperatorConfig(t *testing.T, out *opOutput) {
	t.Helper()
	version := releaseOf(out.report.PrometheusVersion)
	prom, promtool := promserver.BinariesAt(t, version)
	if len(out.ruleGroups) == 0 || len(out.jobs()) == 0 {
		t.Fatalf("the operator's output has %d rule groups and %d jobs: nothing to load", len(out.ruleGroups), len(out.jobs()))
	}
	pod := layOutPod(t, out)
	promserver.CheckConfig(t, promtool, pod.config)
	promserver.CheckRules(t, promtool, pod.ruleFiles...)
	loadConfig(t, pod.config)

	srv := promserver.Start(t, prom, pod.config, promserver.Options{Args: out.featureArgs()})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	assertRulesLoaded(ctx, t, srv, out.ruleGroups)
	jobs, err := loadedJobs(ctx, srv.URL)
	if err != nil {
		t.Fatalf("loaded configuration: %v\n%s", err, srv.Log())
	}
	if want := out.jobs(); !slices.Equal(jobs, want) {
		t.Errorf("Prometheus %s holds jobs\n%v\nwant the configuration's\n%v", version, jobs, want)
	}
	for _, line := range strings.Split(srv.Log(), "\n") {
		if strings.Contains(line, "level=ERROR") && !strings.Contains(line, inClusterOnly) {
			t.Errorf("Prometheus %s: %s", version, line)
		}
	}
}

// inClusterOnly is the error Kubernetes service discovery logs outside a
// cluster (client-go's in-cluster configuration needs the service
// environment and the absolute token path): it is the only error expected.
const inClusterOnly = "unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined"

// releaseOf turns the CR's version (an image tag such as
// v3.14.0-distroless) into the release it is (v3.14.0).
func releaseOf(version string) string {
	v, _, _ := strings.Cut(version, "-")
	if !strings.HasPrefix(v, "v") {
		v = "v" + v
	}
	return v
}

// opconfigEnv names the environment variable that, when set, is the path
// of a prebuilt tools/opconfig binary to use instead.
const opconfigEnv = "MONGEN_OPCONFIG"

// opconfigBinary builds tools/opconfig with scripts/install-opconfig.sh (a
// no-op when the build is current) and returns its path.
func opconfigBinary(t *testing.T) string {
	t.Helper()
	if bin := os.Getenv(opconfigEnv); bin != "" {
		return bin
	}
	root, err := promserver.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	return installOpconfig(t, root)
}

// clusterObjects parses the Kubernetes objects of one cluster's output.
func clusterObjects(t *testing.T, c pipeline.Cluster) []kpsproof.Object {
	t.Helper()
	var objs []kpsproof.Object
	for _, f := range c.Tree.Files() {
		if !strings.HasPrefix(f.Path, "manifests/") || filepath.Ext(f.Path) != ".yaml" {
			continue
		}
		parsed, err := kpsproof.ParseObjects(f.Data, "", f.Path)
		if err != nil {
			t.Fatal(err)
		}
		objs = append(objs, parsed...)
	}
	return objs
}

// chartObjects are the kube-prometheus-stack chart's objects: rendered with
// the cluster's helm-values.yaml when it has one, else the corpus' render
// with default values.
func chartObjects(t *testing.T, c pipeline.Cluster, helmValues []byte, haveValues bool) []kpsproof.Object {
	t.Helper()
	if !haveValues {
		path := filepath.Join(corpus.KubePrometheusStack(t), "rendered-default.yaml")
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		objs, err := kpsproof.ParseObjects(data, "monitoring", path)
		if err != nil {
			t.Fatal(err)
		}
		return objs
	}
	var values map[string]any
	if err := sigsyaml.Unmarshal(helmValues, &values); err != nil {
		t.Fatalf("%s: %v", helmvalues.Path, err)
	}
	chart := kpsproof.Chart{Dir: corpus.KubePrometheusStackChart(t), Release: "kube-prometheus-stack", Namespace: "monitoring"}
	if pf := c.Plan.Env.Platform; pf.Release != "" {
		chart.Release = pf.Release
	}
	if pf := c.Plan.Env.Platform; pf.Namespace != "" {
		chart.Namespace = pf.Namespace
	}
	objs, err := chart.Render(values)
	if err != nil {
		t.Fatalf("render the chart with %s: %v", helmvalues.Path, err)
	}
	return objs
}

// monitoringObjects are the objects the operator's Prometheus controller
// selects from.
func monitoringObjects(objs []kpsproof.Object) []kpsproof.Object {
	var out []kpsproof.Object
	for _, o := range objs {
		switch o.Kind {
		case "ServiceMonitor", "PodMonitor", "Probe", "ScrapeConfig", "PrometheusRule":
			out = append(out, o)
		}
	}
	return out
}

func defaultChartPrometheus(t *testing.T) kpsproof.Object {
	t.Helper()
	return onlyPrometheus(t, chartObjects(t, pipeline.Cluster{}, nil, false), "rendered-default.yaml")
}

func onlyPrometheus(t *testing.T, objs []kpsproof.Object, what string) kpsproof.Object {
	t.Helper()
	var found []kpsproof.Object
	for _, o := range objs {
		if o.Kind == "Prometheus" {
			found = append(found, o)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%s has %d Prometheus CRs, want 1", what, len(found))
	}
	return found[0]
}
