package operator

import (
	"fmt"
	"sort"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	monitoringv1alpha1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1alpha1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/model"
)

// probeAnnotationLabel is the discovery label of ProbeAnnotation.
const probeAnnotationLabel = "__meta_kubernetes_service_annotation_prometheus_io_probe"

// probe renders a blackbox-exporter probe: a Probe for static and ingress
// targets, and a ScrapeConfig with Kubernetes service discovery for
// annotated Services (which a Probe cannot express).
func (r *renderer) probe(j expand.Job) {
	t := j.Target
	what := fmt.Sprintf("job %q", j.Name)
	ways := 0
	for _, set := range []bool{len(t.Static) > 0, t.Ingress != nil, t.Annotated} {
		if set {
			ways++
		}
	}
	if ways != 1 {
		r.fail(j.Origin, "%s: a probe needs exactly one of static, ingress and annotated", what)
		return
	}
	if t.Module == "" {
		r.fail(j.Origin, "%s: a probe needs a module", what)
	}
	if t.Prober == "" {
		r.fail(j.Origin, "%s: a probe needs a prober address", what)
	}
	if _, ok := t.Params["module"]; ok {
		r.fail(j.Origin, "%s: params.module clashes with module %q: set module only", what, t.Module)
	}
	if t.Annotated {
		r.annotatedProbe(j)
		return
	}

	relabel := r.relabels(j.Origin, what+": relabel", t.Relabel)
	spec := monitoringv1.ProbeSpec{
		JobName:              j.Name,
		ProberSpec:           monitoringv1.ProberSpec{URL: t.Prober, Scheme: scheme(t.Scheme), Path: proberPath(t.Path)},
		Module:               t.Module,
		Interval:             monitoringv1.Duration(t.Interval),
		ScrapeTimeout:        monitoringv1.Duration(t.Timeout),
		MetricRelabelConfigs: r.relabels(j.Origin, what+": metricRelabel", t.MetricRelabel),
		Authorization:        bearer(t.BearerToken),
		Params:               probeParams(t.Params),
	}
	spec.BasicAuth = basicAuth(t.BasicAuth)
	spec.HTTPConfig.TLSConfig = safeTLS(t.TLS)
	if t.HonorLabels {
		r.fail(j.Origin, "%s: honorLabels cannot be set on a Probe", what)
	}
	hc := monitoringv1.HTTPConfig{
		HTTPConfigWithoutTLS: monitoringv1.HTTPConfigWithoutTLS{BasicAuth: spec.BasicAuth, Authorization: spec.Authorization},
		TLSConfig:            spec.HTTPConfig.TLSConfig,
	}
	if err := hc.Validate(); err != nil {
		r.fail(j.Origin, "%s: %v", what, err)
	}
	if len(t.Static) > 0 {
		spec.Targets.StaticConfig = &monitoringv1.ProbeTargetStaticConfig{
			Targets:        r.unique(j.Origin, what+": static", t.Static),
			Labels:         copyMap(t.Labels),
			RelabelConfigs: relabel,
		}
	} else {
		ns := t.Ingress.Namespaces
		if len(ns) == 0 {
			ns = r.namespaces(model.Target{Namespace: t.Namespace})
		}
		spec.Targets.Ingress = &monitoringv1.ProbeTargetIngress{
			Selector:          metav1.LabelSelector{MatchLabels: copyMap(t.Ingress.Selector)},
			NamespaceSelector: monitoringv1.NamespaceSelector{MatchNames: sortedSet(ns)},
			// An ingress target has no labels field: set them by relabelling.
			RelabelConfigs: append(labelRelabels(t.Labels), relabel...),
		}
	}
	if err := spec.Targets.Validate(); err != nil {
		r.fail(j.Origin, "%s: %v", what, err)
	}
	r.add(monitoringv1.ProbesKind, j.Name, j.Origin, &monitoringv1.Probe{
		TypeMeta:   typeMeta(monitoringV1, monitoringv1.ProbesKind),
		ObjectMeta: r.meta(j.Name, r.ns, nil),
		Spec:       spec,
	})
}

// annotatedProbe probes every Service annotated prometheus.io/probe: "true"
// through the blackbox exporter, the classic kubernetes_sd recipe.
func (r *renderer) annotatedProbe(j expand.Job) {
	t := j.Target
	what := fmt.Sprintf("job %q", j.Name)
	c := r.common(j)
	c.path = "/probe"
	if p := proberPath(t.Path); p != "" {
		c.path = p
	}
	c.params = map[string][]string{"module": {t.Module}}
	for k, v := range t.Params {
		c.params[k] = v
	}
	c.relabel = append(append([]monitoringv1.RelabelConfig{
		{Action: "keep", SourceLabels: []monitoringv1.LabelName{probeAnnotationLabel}, Regex: "true"},
		{Action: "replace", SourceLabels: []monitoringv1.LabelName{"__address__"}, TargetLabel: "__param_target"},
		// The probed Service's namespace and name, as the plain flavour's
		// job copies them: the operator adds no labels to a ScrapeConfig.
		{Action: "replace", SourceLabels: []monitoringv1.LabelName{"__meta_kubernetes_namespace"}, TargetLabel: "namespace"},
		{Action: "replace", SourceLabels: []monitoringv1.LabelName{"__meta_kubernetes_service_name"}, TargetLabel: "service"},
		{Action: "replace", SourceLabels: []monitoringv1.LabelName{"__param_target"}, TargetLabel: "instance"},
		{Action: "replace", TargetLabel: "__address__", Replacement: ptr(t.Prober)},
	}, labelRelabels(t.Labels)...), c.relabel...)
	sc := r.scrapeConfig(j.Origin, what, j.Name, c)
	sd := monitoringv1alpha1.KubernetesSDConfig{Role: monitoringv1alpha1.KubernetesRoleService}
	if len(t.Namespaces) > 0 {
		sd.Namespaces = &monitoringv1alpha1.NamespaceDiscovery{Names: sortedSet(t.Namespaces)}
	}
	sc.Spec.KubernetesSDConfigs = []monitoringv1alpha1.KubernetesSDConfig{sd}
	r.add(monitoringv1alpha1.ScrapeConfigsKind, j.Name, j.Origin, sc)
}

// proberPath is the blackbox exporter's path: the target's path unless it
// is the scrape default /metrics, which no blackbox exporter serves probes
// on (the operator's default is /probe).
func proberPath(p string) string {
	if p == "" || p == "/metrics" || p == "/probe" {
		return ""
	}
	return p
}

// labelRelabels sets fixed labels by relabelling, sorted by label name.
func labelRelabels(labels map[string]string) []monitoringv1.RelabelConfig {
	names := make([]string, 0, len(labels))
	for k := range labels {
		names = append(names, k)
	}
	sort.Strings(names)
	out := make([]monitoringv1.RelabelConfig, 0, len(names))
	for _, k := range names {
		out = append(out, monitoringv1.RelabelConfig{Action: "replace", TargetLabel: k, Replacement: ptr(labels[k])})
	}
	return out
}

func probeParams(p map[string][]string) []monitoringv1.ProbeParam {
	names := make([]string, 0, len(p))
	for k := range p {
		names = append(names, k)
	}
	sort.Strings(names)
	var out []monitoringv1.ProbeParam
	for _, k := range names {
		out = append(out, monitoringv1.ProbeParam{Name: k, Values: append([]string(nil), p[k]...)})
	}
	return out
}

// unique returns a copy of the list in its given order, reporting duplicates.
func (r *renderer) unique(origin, what string, in []string) []string {
	seen := map[string]bool{}
	out := make([]string, 0, len(in))
	for _, s := range in {
		if seen[s] {
			r.fail(origin, "%s: %q listed twice", what, s)
			continue
		}
		seen[s] = true
		out = append(out, s)
	}
	return out
}
