package e2e

import (
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/mongen-dev/mongen/internal/load"
	"github.com/mongen-dev/mongen/internal/pipeline"
	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/config"
	"github.com/prometheus/prometheus/discovery"
	"github.com/prometheus/prometheus/discovery/kubernetes"
	"github.com/prometheus/prometheus/discovery/targetgroup"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/relabel"
)

// flavourParityBody is the environment both flavours build: one target of
// each kind, and a library exporter.
const flavourParityBody = `
	prometheus: scrapeInterval: "30s"
	exporters: {
		node:    exporter.#NodeExporter
		kubelet: exporter.#Kubelet
	}
	targets: {
		web: {kind: "service", selector: app: "web", port: "metrics"}
		"web-multi": {kind: "service", selector: app: "web", port: "metrics", namespaces: ["apps", "shop"]}
		external: {kind: "service", port: "metrics", endpoints: ["10.0.9.1:2379", "10.0.9.2:2379"]}
		worker: {
			kind: "pod"
			selector: app: "worker"
			port: "http-metrics"
			relabel: [{sourceLabels: ["__meta_kubernetes_pod_label_team"], targetLabel: "team"}]
			metricRelabel: [{sourceLabels: ["__name__"], regex: "go_.*", action: "drop"}]
		}
		legacy: {kind: "static", addresses: ["10.1.2.3:9100", "10.1.2.4:9100"], labels: {tier: "db", zone: "a"}}
		"probe-static": {kind: "probe", module: "http_2xx", static: ["https://example.com/health"], labels: site: "shop"}
		"probe-static-ns": {kind: "probe", module: "http_2xx", static: ["https://example.com/ready"], labels: {site: "shop", namespace: "shop"}}
		"probe-ingress": {kind: "probe", module: "http_2xx", ingress: selector: probe: "yes", labels: site: "shop"}
		"probe-ingress-named": {kind: "probe", module: "http_2xx", ingress: selector: probe: "no", labels: {site: "shop", instance: "shop-front"}}
		"probe-annotated": {kind: "probe", module: "http_2xx", annotated: true, labels: site: "shop"}
	}
`

// labelDiff is one label on which a job's series differ between the
// flavours. Label "(target)" is a target only one flavour scrapes (its
// instance is the value on the side that has it); "" is an absent label.
type labelDiff struct {
	job, label, plain, operator string
}

// knownLabelDiffs are the differences between the flavours' series labels
// that are known and not (yet) fixed; any other difference fails
// TestFlavourParityOfSeriesLabels, and so does an entry that no longer
// happens. "op" below is prometheus-operator v0.93.1 (tools/opconfig's
// pin), pkg/prometheus/promcfg.go; "plain" is
// internal/render/plain/scrape.go.
var knownLabelDiffs = []struct {
	kind string
	labelDiff
	why string
}{}

// TestFlavourParityOfSeriesLabels builds one environment in both flavours
// with the real pipeline and proves which labels each job's series carry
// in each: plain's prometheus.yml through config.Load; the operator
// flavour's objects through the prometheus-operator's own generator
// (tools/opconfig) and config.Load. Every job's targets come from the same
// cluster (parityWorld: the Kubernetes discovery meta labels of its
// Services, Endpoints, Pods and Ingresses) or from the configuration's
// static_configs, and get their labels as Prometheus' scrape.PopulateLabels
// gives them (targetLabels: group labels, the job, instance, scheme and
// path defaults, then relabel_configs through Prometheus' own
// relabel.ProcessBuilder), then metric_relabel_configs on a sample series.
// The label sets, without __ labels, must be equal but for
// knownLabelDiffs; every job must keep a target and carry job="<key>" in
// both (docs/environments.md).
func TestFlavourParityOfSeriesLabels(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the operator's config generator")
	}
	plainCfg, opCfg, world := parityConfigs(t, flavourParityBody)
	plain := seriesByJob(t, "plain", plainCfg, world, func(name string) string { return name })
	op := seriesByJob(t, "operator", opCfg, world, operatorJobKey)

	for _, flavour := range []struct {
		name string
		jobs map[string]jobSeries
	}{{"plain", plain}, {"operator", op}} {
		for key, js := range flavour.jobs {
			if len(js.targets) == 0 {
				t.Errorf("%s: job %s keeps no target in the test's cluster: the cluster no longer exercises it", flavour.name, key)
			}
			for inst, ls := range js.targets {
				if ls["job"] != key {
					t.Errorf("%s: job %s, target %s: job=%q, want the target's key", flavour.name, key, inst, ls["job"])
				}
			}
		}
	}
	for _, key := range []string{"web", "web-multi", "external", "worker", "legacy", "probe-static", "probe-static-ns", "probe-ingress", "probe-annotated", "node-exporter", "kubelet", "cadvisor"} {
		if _, ok := plain[key]; !ok {
			t.Errorf("plain has no job %s: the test no longer covers its kind", key)
		}
	}
	got := diffSeries(plain, op)
	checkKnownDiffs(t, got)

	// A static probe's series carry the target's own namespace label or
	// else, in both flavours, the operator's default: the namespace of the
	// Probe, Prometheus's.
	for _, f := range []struct {
		name string
		jobs map[string]jobSeries
	}{{"plain", plain}, {"operator", op}} {
		for job, want := range map[string]string{"probe-static": "monitoring", "probe-static-ns": "shop"} {
			for inst, ls := range f.jobs[job].targets {
				if ls["namespace"] != want {
					t.Errorf("%s: job %s, target %s: namespace=%q, want %q", f.name, job, inst, ls["namespace"], want)
				}
			}
		}
	}

	// The comparison sees a change: one more label on one plain job, set
	// by relabelling as a renderer would, is a difference of its own.
	t.Run("catches a changed label", func(t *testing.T) {
		changed := *plainCfg
		changed.ScrapeConfigs = slices.Clone(plainCfg.ScrapeConfigs)
		for i, sc := range changed.ScrapeConfigs {
			if sc.JobName != "legacy" {
				continue
			}
			c := *sc
			step := relabel.DefaultRelabelConfig
			step.TargetLabel, step.Replacement = "zone", "b"
			c.RelabelConfigs = append(slices.Clone(sc.RelabelConfigs), &step)
			changed.ScrapeConfigs[i] = &c
		}
		diffs := diffSeries(seriesByJob(t, "plain", &changed, world, func(name string) string { return name }), op)
		if want := (labelDiff{"legacy", "zone", "b", "a"}); !slices.Contains(diffs, want) {
			t.Errorf("a zone label changed in plain is not a difference: %v", diffs)
		}
	})
	if t.Failed() {
		for _, f := range []struct {
			name string
			jobs map[string]jobSeries
		}{{"plain", plain}, {"operator", op}} {
			for _, key := range slices.Sorted(maps.Keys(f.jobs)) {
				for _, inst := range slices.Sorted(maps.Keys(f.jobs[key].targets)) {
					t.Logf("%s %s: %v", f.name, key, f.jobs[key].targets[inst])
				}
			}
		}
	}
}

// checkKnownDiffs fails on each difference not in knownLabelDiffs and on
// each entry that does not happen.
func checkKnownDiffs(t *testing.T, got []labelDiff) {
	t.Helper()
	known := map[labelDiff]bool{}
	for _, k := range knownLabelDiffs {
		known[k.labelDiff] = false
	}
	for _, d := range got {
		if _, ok := known[d]; ok {
			known[d] = true
			continue
		}
		t.Errorf("job %s: label %s is %q in plain and %q in the operator flavour: a difference that is not in knownLabelDiffs", d.job, d.label, d.plain, d.operator)
	}
	for _, k := range knownLabelDiffs {
		if !known[k.labelDiff] {
			t.Errorf("knownLabelDiffs: %s job %s label %s (%q vs %q) no longer differs: remove the entry", k.kind, k.job, k.label, k.plain, k.operator)
		}
	}
}

// parityConfigs builds the environment in both flavours and returns
// plain's configuration, the operator's (with $(SHARD) and $(POD_NAME) as
// the config-reloader expands them in the pod), and the cluster with
// mongen's own Services and Endpoints in it.
func parityConfigs(t *testing.T, body string) (plain, op *config.Config, world *kubeWorld) {
	t.Helper()
	res := buildFlavour(t, "plain", body)
	f, ok := res.Tree.Get("prometheus/prometheus.yml")
	if !ok {
		t.Fatal("the plain flavour wrote no prometheus/prometheus.yml")
	}
	plain, err := config.Load(string(f.Data), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("config.Load refuses plain's prometheus.yml: %v", err)
	}

	res = buildFlavour(t, "operator", body)
	if len(res.Clusters) != 1 {
		t.Fatalf("the operator flavour built %d clusters, want 1", len(res.Clusters))
	}
	objs := clusterObjects(t, res.Clusters[0])
	out := runOpconfig(t, opconfigBinary(t), onlyPrometheus(t, objs, "the operator flavour"), objs)
	if ps := out.problems(objs); len(ps) > 0 {
		t.Fatalf("the operator does not take mongen's objects:\n%s\n%s", strings.Join(ps, "\n"), out.log)
	}
	text := out.reloaderConfig(func(m string) {
		t.Fatalf("the operator's configuration uses %s, which the config-reloader has no value for here", m)
	})
	if op, err = config.Load(text, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatalf("config.Load refuses the operator's configuration: %v", err)
	}
	world = parityWorld()
	world.addMongenObjects(t, objs)
	return plain, op, world
}

// buildFlavour builds an environment "e2e" of the flavour with the real
// pipeline.
func buildFlavour(t *testing.T, flavour, body string) *pipeline.Result {
	t.Helper()
	root := writeUserRepo(t, `package e2e

import (
	"mongen.dev/mongen/schemas"
	"mongen.dev/mongen/library/exporter"
)

env: schemas.#Environment & {
	name:     "e2e"
	cluster:  "parity"
	flavour:  "`+flavour+`"
	selector: {}
`+body+"}\n")
	ref, err := load.Resolve(root, "e2e")
	if err != nil {
		t.Fatal(err)
	}
	res, err := pipeline.Compile(root, ref, load.Options{})
	if err != nil {
		t.Fatalf("compile the %s flavour: %v", flavour, err)
	}
	return res
}

// operatorJobKey is the mongen target key of an operator job name:
// serviceMonitor/<ns>/<name>/<i>, podMonitor/<ns>/<name>/<i>,
// probe/<ns>/<name>, scrapeConfig/<ns>/<name>; mongen names each object
// after its key.
func operatorJobKey(name string) string {
	parts := strings.Split(name, "/")
	if len(parts) < 3 {
		return name
	}
	return parts[2]
}

// jobSeries are one job's series labels by instance, and its honor_labels.
type jobSeries struct {
	honorLabels bool
	targets     map[string]map[string]string
}

// sampleMetric is the metric name of the series that metric_relabel_configs
// are applied to; no job's metric relabelling drops it.
const sampleMetric = "parity_sample_total"

// seriesByJob gives each scrape job's targets (static_configs, or the
// world's objects for kubernetes_sd_configs) their labels as Prometheus
// does, keyed by mongen's target key.
func seriesByJob(t *testing.T, flavour string, cfg *config.Config, world *kubeWorld, key func(string) string) map[string]jobSeries {
	t.Helper()
	out := map[string]jobSeries{}
	for _, sc := range cfg.ScrapeConfigs {
		k := key(sc.JobName)
		if _, dup := out[k]; dup {
			t.Fatalf("%s: two jobs for target %s", flavour, k)
		}
		js := jobSeries{honorLabels: sc.HonorLabels, targets: map[string]map[string]string{}}
		for _, g := range discoverGroups(t, flavour, sc, world) {
			for _, tl := range g.Targets {
				res, keep := targetLabels(sc, tl, g.Labels)
				if !keep {
					continue // dropped by relabelling
				}
				if res.Get(model.AddressLabel) == "" {
					t.Errorf("%s: job %s, target %v: no address after relabelling", flavour, sc.JobName, tl)
					continue
				}
				// The series: the target's labels and a metric name, through
				// metric_relabel_configs as the scrape loop applies them.
				series := labels.NewBuilder(labels.EmptyLabels())
				res.Range(func(l labels.Label) {
					if !strings.HasPrefix(l.Name, model.ReservedLabelPrefix) {
						series.Set(l.Name, l.Value)
					}
				})
				series.Set(model.MetricNameLabel, sampleMetric)
				if !relabel.ProcessBuilder(series, sc.MetricRelabelConfigs...) {
					t.Errorf("%s: job %s drops the sample series %s", flavour, sc.JobName, sampleMetric)
					continue
				}
				ls := map[string]string{}
				series.Range(func(l labels.Label) {
					if !strings.HasPrefix(l.Name, model.ReservedLabelPrefix) {
						ls[l.Name] = l.Value
					}
				})
				inst := ls[model.InstanceLabel]
				if _, dup := js.targets[inst]; dup {
					t.Fatalf("%s: job %s has two targets with instance %s: the test's cluster must make instances unique", flavour, sc.JobName, inst)
				}
				js.targets[inst] = ls
			}
		}
		out[k] = js
	}
	return out
}

// targetLabels are a discovered target's labels as Prometheus'
// scrape.PopulateLabels (scrape/target.go of the Prometheus module in
// go.mod) makes them, repeated here because importing package scrape needs
// a new requirement in mongen's go.mod (github.com/gogo/protobuf, through
// model/textparse): the target's labels, the group's where the target has
// none of that name, the job, interval, timeout, metrics path, scheme and
// first value of each param where still unset, then relabel_configs with
// Prometheus' own relabel.ProcessBuilder; after it the __meta_ labels go
// and instance defaults to __address__. keep is false when relabelling
// drops the target.
func targetLabels(sc *config.ScrapeConfig, target, group model.LabelSet) (labels.Labels, bool) {
	lb := labels.NewBuilder(labels.EmptyLabels())
	for n, v := range target {
		lb.Set(string(n), string(v))
	}
	for n, v := range group {
		if _, ok := target[n]; !ok {
			lb.Set(string(n), string(v))
		}
	}
	for _, l := range []labels.Label{
		{Name: model.JobLabel, Value: sc.JobName},
		{Name: model.ScrapeIntervalLabel, Value: sc.ScrapeInterval.String()},
		{Name: model.ScrapeTimeoutLabel, Value: sc.ScrapeTimeout.String()},
		{Name: model.MetricsPathLabel, Value: sc.MetricsPath},
		{Name: model.SchemeLabel, Value: sc.Scheme},
	} {
		if lb.Get(l.Name) == "" {
			lb.Set(l.Name, l.Value)
		}
	}
	for k, v := range sc.Params {
		if name := model.ParamLabelPrefix + k; len(v) > 0 && lb.Get(name) == "" {
			lb.Set(name, v[0])
		}
	}
	if !relabel.ProcessBuilder(lb, sc.RelabelConfigs...) {
		return labels.EmptyLabels(), false
	}
	lb.Range(func(l labels.Label) {
		if strings.HasPrefix(l.Name, model.MetaLabelPrefix) {
			lb.Del(l.Name)
		}
	})
	if lb.Get(model.InstanceLabel) == "" {
		lb.Set(model.InstanceLabel, lb.Get(model.AddressLabel))
	}
	return lb.Labels(), true
}

// discoverGroups are the target groups of a job's service discovery. Only
// what the test's cluster can answer is allowed: static_configs, and
// kubernetes_sd_configs by namespace, without selectors or metadata.
func discoverGroups(t *testing.T, flavour string, sc *config.ScrapeConfig, world *kubeWorld) []*targetgroup.Group {
	t.Helper()
	var out []*targetgroup.Group
	for _, d := range sc.ServiceDiscoveryConfigs {
		switch c := d.(type) {
		case discovery.StaticConfig:
			out = append(out, c...)
		case *kubernetes.SDConfig:
			if len(c.Selectors) > 0 || c.NamespaceDiscovery.IncludeOwnNamespace ||
				c.AttachMetadata != (kubernetes.AttachMetadataConfig{}) {
				t.Fatalf("%s: job %s: kubernetes_sd_configs with selectors, own_namespace or attach_metadata, which the test's cluster does not simulate", flavour, sc.JobName)
			}
			groups, err := world.discover(string(c.Role), c.NamespaceDiscovery.Names)
			if err != nil {
				t.Fatalf("%s: job %s: %v", flavour, sc.JobName, err)
			}
			out = append(out, groups...)
		default:
			t.Fatalf("%s: job %s: discovery %T is not simulated", flavour, sc.JobName, d)
		}
	}
	return out
}

// diffSeries lists, per job and target (by instance), each label whose
// value differs between the flavours, and each target only one has.
func diffSeries(plain, op map[string]jobSeries) []labelDiff {
	var out []labelDiff
	jobs := map[string]bool{}
	for k := range plain {
		jobs[k] = true
	}
	for k := range op {
		jobs[k] = true
	}
	for _, job := range slices.Sorted(maps.Keys(jobs)) {
		p, inP := plain[job]
		o, inO := op[job]
		if !inP || !inO {
			out = append(out, labelDiff{job, "(job)", fmt.Sprint(inP), fmt.Sprint(inO)})
			continue
		}
		if p.honorLabels != o.honorLabels {
			out = append(out, labelDiff{job, "(honor_labels)", fmt.Sprint(p.honorLabels), fmt.Sprint(o.honorLabels)})
		}
		insts := map[string]bool{}
		for i := range p.targets {
			insts[i] = true
		}
		for i := range o.targets {
			insts[i] = true
		}
		for _, inst := range slices.Sorted(maps.Keys(insts)) {
			pl, inP := p.targets[inst]
			ol, inO := o.targets[inst]
			if !inP || !inO {
				d := labelDiff{job: job, label: "(target)"}
				if inP {
					d.plain = inst
				} else {
					d.operator = inst
				}
				out = append(out, d)
				continue
			}
			names := map[string]bool{}
			for n := range pl {
				names[n] = true
			}
			for n := range ol {
				names[n] = true
			}
			for _, n := range slices.Sorted(maps.Keys(names)) {
				if pl[n] != ol[n] {
					out = append(out, labelDiff{job, n, pl[n], ol[n]})
				}
			}
		}
	}
	// The same difference on several targets is one entry.
	sort.Slice(out, func(i, j int) bool { return fmt.Sprint(out[i]) < fmt.Sprint(out[j]) })
	return slices.Compact(out)
}
