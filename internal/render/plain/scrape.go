package plain

import (
	"fmt"
	"maps"
	"regexp"
	"sort"
	"strings"

	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/model"
)

func ptr[T any](v T) *T { return &v }

var metaUnsafe = regexp.MustCompile(`[^a-zA-Z0-9_]`)

// metaLabel is the discovery meta label Prometheus derives from a Kubernetes
// label key: every character outside [a-zA-Z0-9_] becomes "_".
func metaLabel(prefix, key string) string {
	return prefix + metaUnsafe.ReplaceAllString(key, "_")
}

// keepSelector keeps only objects carrying every selector label, as a
// ServiceMonitor's matchLabels would.
func keepSelector(prefix string, sel map[string]string) []relabel {
	keys := make([]string, 0, len(sel))
	for k := range sel {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []relabel
	for _, k := range keys {
		out = append(out, relabel{
			SourceLabels: []string{metaLabel(prefix, k)},
			Regex:        ptr(regexp.QuoteMeta(sel[k])),
			Action:       "keep",
		})
	}
	return out
}

// dropFinished drops the targets of Pods that have finished (a Job's, say)
// but keep their IP for a while: they serve no metrics, and the operator
// drops them too (its filterRunning default).
var dropFinished = relabel{SourceLabels: []string{"__meta_kubernetes_pod_phase"}, Regex: ptr("(Failed|Succeeded)"), Action: "drop"}

// nodeLabel sets node to the Node an Endpoints address points at (the
// kubelet's do), as a ServiceMonitor does.
var nodeLabel = relabel{
	SourceLabels: []string{"__meta_kubernetes_endpoint_address_target_kind", "__meta_kubernetes_endpoint_address_target_name"},
	Separator:    ptr(";"),
	Regex:        ptr("Node;(.*)"),
	TargetLabel:  "node",
	Replacement:  ptr("${1}"),
}

// endpointLabel sets endpoint to the scraped port's name, as a
// ServiceMonitor or PodMonitor does for every target.
func endpointLabel(port string) []relabel {
	if port == "" {
		return nil
	}
	return []relabel{{TargetLabel: "endpoint", Replacement: ptr(port)}}
}

func copyLabel(from, to string) relabel {
	return relabel{SourceLabels: []string{from}, TargetLabel: to}
}

// outsideLabels are the labels a service target outside the cluster has
// in the operator flavour, where its ServiceMonitor discovers the headless
// Service mongen writes for it (render/operator/external.go): the
// Service's namespace and name (the job's) and the port's name.
func outsideLabels(j expand.Job) map[string]string {
	ls := map[string]string{"service": j.Name}
	if j.Target.Namespace != "" {
		ls["namespace"] = j.Target.Namespace
	}
	if j.Target.Port != "" {
		ls["endpoint"] = j.Target.Port
	}
	return ls
}

func namespacesOf(t model.Target) []string {
	if len(t.Namespaces) > 0 {
		return t.Namespaces
	}
	return []string{t.Namespace}
}

func common(j expand.Job) scrapeConfig {
	t := j.Target
	sc := scrapeConfig{
		JobName:        j.Name,
		HonorLabels:    t.HonorLabels,
		ScrapeInterval: t.Interval,
		ScrapeTimeout:  t.Timeout,
		Params:         maps.Clone(t.Params), // probe adds to it; the plan stays untouched
		BasicAuth:      basic(t.BasicAuth),
		Authorization:  bearer(t.BearerToken),
		TLSConfig:      tls(t.TLS),
	}
	if t.ServiceAccountToken && sc.Authorization == nil {
		sc.Authorization = &authorization{CredentialsFile: model.ServiceAccountTokenFile}
	}
	if t.Path != "" && t.Path != "/metrics" {
		sc.MetricsPath = t.Path
	}
	if t.Scheme != "" && t.Scheme != "http" {
		sc.Scheme = t.Scheme
	}
	if len(sc.Params) == 0 {
		sc.Params = nil
	}
	return sc
}

// scrape renders one job; promNamespace is the Prometheus server's
// namespace, a static probe's namespace label ("" leaves it out).
func scrape(j expand.Job, promNamespace string) (scrapeConfig, error) {
	t := j.Target
	sc := common(j)
	var discovery []relabel
	switch t.Kind {
	case model.KindService:
		if len(t.Endpoints) > 0 {
			// Outside the cluster: scrape the addresses directly; the
			// operator flavour builds a headless Service named after the
			// job, whose ServiceMonitor gives these labels.
			sc.StaticConfigs = []staticConfig{{Targets: t.Endpoints, Labels: outsideLabels(j)}}
			break
		}
		// The steps and their order are a ServiceMonitor's as the
		// prometheus-operator generates them (pkg/prometheus/promcfg.go),
		// so a job's series carry the same labels in both flavours.
		sc.KubernetesSDConfigs = []kubernetesSD{{Role: "endpoints", Namespaces: &namespaces{Names: namespacesOf(t)}}}
		discovery = append(keepSelector("__meta_kubernetes_service_label_", t.Selector),
			relabel{SourceLabels: []string{"__meta_kubernetes_endpoint_port_name"}, Regex: ptr(regexp.QuoteMeta(t.Port)), Action: "keep"},
			nodeLabel,
			copyLabel("__meta_kubernetes_namespace", "namespace"),
			copyLabel("__meta_kubernetes_service_name", "service"),
			copyLabel("__meta_kubernetes_pod_name", "pod"),
			copyLabel("__meta_kubernetes_pod_container_name", "container"),
			dropFinished,
		)
		discovery = append(discovery, endpointLabel(t.Port)...)
	case model.KindPod:
		// A PodMonitor's steps in the operator's order: finished Pods go
		// first.
		sc.KubernetesSDConfigs = []kubernetesSD{{Role: "pod", Namespaces: &namespaces{Names: namespacesOf(t)}}}
		discovery = append([]relabel{dropFinished}, keepSelector("__meta_kubernetes_pod_label_", t.Selector)...)
		discovery = append(discovery,
			relabel{SourceLabels: []string{"__meta_kubernetes_pod_container_port_name"}, Regex: ptr(regexp.QuoteMeta(t.Port)), Action: "keep"},
			copyLabel("__meta_kubernetes_namespace", "namespace"),
			copyLabel("__meta_kubernetes_pod_name", "pod"),
			copyLabel("__meta_kubernetes_pod_container_name", "container"),
		)
		discovery = append(discovery, endpointLabel(t.Port)...)
	case model.KindStatic:
		sc.StaticConfigs = []staticConfig{{Targets: t.Addresses, Labels: t.Labels}}
	case model.KindProbe:
		var err error
		discovery, err = probe(&sc, t, promNamespace)
		if err != nil {
			return sc, err
		}
	default:
		return sc, fmt.Errorf("unknown target kind %q", t.Kind)
	}
	sc.RelabelConfigs = append(discovery, relabels(t.Relabel)...)
	sc.MetricRelabelConfigs = relabels(t.MetricRelabel)
	return sc, nil
}

// probe configures the blackbox-exporter pattern: the probed address moves
// to the target parameter and the instance label, and the scrape goes to the
// prober.
func probe(sc *scrapeConfig, t model.Target, promNamespace string) ([]relabel, error) {
	sc.MetricsPath = "/probe"
	if sc.Params == nil {
		sc.Params = map[string][]string{}
	}
	sc.Params["module"] = []string{t.Module}
	var find []relabel
	ways := 0
	if len(t.Static) > 0 {
		ways++
		sc.StaticConfigs = []staticConfig{{Targets: t.Static, Labels: staticProbeLabels(t.Labels, promNamespace)}}
		find = []relabel{copyLabel("__address__", "__param_target")}
	}
	if t.Ingress != nil {
		ways++
		ns := t.Ingress.Namespaces
		if len(ns) == 0 {
			ns = []string{t.Namespace}
		}
		sc.KubernetesSDConfigs = []kubernetesSD{{Role: "ingress", Namespaces: &namespaces{Names: ns}}}
		find = append(keepSelector("__meta_kubernetes_ingress_label_", t.Ingress.Selector),
			relabel{
				SourceLabels: []string{"__meta_kubernetes_ingress_scheme", "__address__", "__meta_kubernetes_ingress_path"},
				Separator:    ptr(";"),
				Regex:        ptr("(.+);(.+);(.+)"),
				TargetLabel:  "__param_target",
				Replacement:  ptr("${1}://${2}${3}"),
			},
			copyLabel("__meta_kubernetes_namespace", "namespace"),
			copyLabel("__meta_kubernetes_ingress_name", "ingress"),
		)
	}
	if t.Annotated {
		ways++
		sd := kubernetesSD{Role: "service"}
		if len(t.Namespaces) > 0 {
			sd.Namespaces = &namespaces{Names: t.Namespaces}
		}
		sc.KubernetesSDConfigs = []kubernetesSD{sd}
		find = []relabel{
			{SourceLabels: []string{"__meta_kubernetes_service_annotation_prometheus_io_probe"}, Regex: ptr("true"), Action: "keep"},
			copyLabel("__address__", "__param_target"),
			copyLabel("__meta_kubernetes_namespace", "namespace"),
			copyLabel("__meta_kubernetes_service_name", "service"),
		}
	}
	if ways != 1 {
		return nil, fmt.Errorf("a probe needs exactly one of static, ingress or annotated (has %d)", ways)
	}
	find = append(find,
		copyLabel("__param_target", "instance"),
		relabel{TargetLabel: "__address__", Replacement: ptr(t.Prober)},
	)
	if len(t.Static) == 0 {
		// Discovered probes have no static_configs to carry labels: they
		// are set last, as the operator flavour's Probe and ScrapeConfig
		// set them, so labels.instance names the target in both.
		find = append(find, labelSteps(t.Labels)...)
	}
	return find, nil
}

// staticProbeLabels are a static probe's target labels: its own, and the
// namespace the operator flavour's Probe lives in (Prometheus's) unless
// they set one, as the prometheus-operator labels a Probe's static targets
// (pkg/prometheus/promcfg.go, generateProbeConfig). Dropping the label in
// the operator flavour instead would change the series of every Probe
// imported from, or moved off, kube-prometheus, and their alerts' routing
// by namespace.
func staticProbeLabels(labels map[string]string, promNamespace string) map[string]string {
	if _, ok := labels["namespace"]; ok || promNamespace == "" {
		return labels
	}
	out := maps.Clone(labels)
	if out == nil {
		out = map[string]string{}
	}
	out["namespace"] = promNamespace
	return out
}

// labelSteps sets fixed labels through relabelling, sorted by name.
func labelSteps(labels map[string]string) []relabel {
	names := make([]string, 0, len(labels))
	for k := range labels {
		names = append(names, k)
	}
	sort.Strings(names)
	var out []relabel
	for _, k := range names {
		out = append(out, relabel{TargetLabel: k, Replacement: ptr(labels[k])})
	}
	return out
}

func federate(f expand.FederationJob) scrapeConfig {
	fd := f.Federation
	sc := scrapeConfig{
		JobName:        f.Name,
		HonorLabels:    true, // keep the federated series' own job and instance
		ScrapeInterval: fd.Interval,
		ScrapeTimeout:  fd.Timeout,
		MetricsPath:    "/federate",
		Params:         map[string][]string{"match[]": fd.Match},
		BasicAuth:      basic(fd.BasicAuth),
		TLSConfig:      tls(fd.TLS),
		StaticConfigs:  []staticConfig{{Targets: fd.Addresses, Labels: fd.Labels}},
	}
	if fd.Scheme != "" && fd.Scheme != "http" {
		sc.Scheme = fd.Scheme
	}
	if len(sc.StaticConfigs[0].Labels) == 0 {
		sc.StaticConfigs[0].Labels = nil
	}
	return sc
}

// ruleFile names a group's file; group names are DNS labels, so safe.
func ruleFile(group string) string {
	return RulesDir + "/" + strings.ToLower(group) + ".yaml"
}

// ScrapeConfigFile renders one job as the only scrape config of a
// prometheus.yml with the given global scrape interval, exactly as Render
// writes it, so a caller can load it with Prometheus's parser: mongen
// import proves a conversion that way. The one exception: a static probe
// lacks the namespace label of the server's namespace, which needs the
// environment.
func ScrapeConfigFile(j expand.Job, scrapeInterval string) ([]byte, error) {
	sc, err := scrape(j, "")
	if err != nil {
		return nil, fmt.Errorf("render job %s: %w", j.Name, err)
	}
	return marshal(struct {
		Global        map[string]string `yaml:"global"`
		ScrapeConfigs []scrapeConfig    `yaml:"scrape_configs"`
	}{map[string]string{"scrape_interval": scrapeInterval}, []scrapeConfig{sc}})
}
