// Package operator renders a plan as Prometheus Operator resources: one
// Kubernetes object per file under manifests/, named
// manifests/<kind-lowercase>-<name>.yaml.
//
// Every object is built from the upstream Go types (prometheus-operator's
// monitoring v1 and v1alpha1, k8s.io/api core and rbac), marshalled with
// sigs.k8s.io/yaml and then cleaned (see marshal.go) so the output carries no
// status, no nulls and no empty values, except the empty label selectors that
// mean "select everything".
package operator

import (
	"errors"
	"fmt"
	"github.com/mongen-dev/mongen/internal/diag"
	"sort"
	"strings"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	monitoringv1alpha1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1alpha1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/mongen-dev/mongen/internal/artifact"
	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/model"
)

const (
	// Dir is the output directory of every manifest.
	Dir = "manifests"

	// ManagedByLabel marks every object mongen generates.
	ManagedByLabel = "app.kubernetes.io/managed-by"
	// ManagedByValue is ManagedByLabel's value.
	ManagedByValue = "mongen"
	// JobLabel ties the headless Service and Endpoints generated for an
	// out-of-cluster component to the ServiceMonitor that selects them.
	JobLabel = "mongen.dev/job"

	// ProbeAnnotation is the Service annotation that a target with
	// `annotated: true` probes.
	ProbeAnnotation = "prometheus.io/probe"
)

// Object is one rendered Kubernetes object before marshalling.
type Object struct {
	// Kind is the object's kind (ServiceMonitor, Service, ...).
	Kind string
	// Name is metadata.name.
	Name string
	// Origin is the CUE position the object comes from.
	Origin string
	// Obj is the typed object: a pointer to one of the upstream types.
	Obj runtime.Object
}

// Path is the object's file in the output tree.
func (o Object) Path() string { return FilePath(o.Kind, o.Name) }

// FilePath is the output path of an object of the given kind and name.
func FilePath(kind, name string) string {
	return Dir + "/" + strings.ToLower(kind) + "-" + name + ".yaml"
}

// RenderWith emits every object of the plan into t, one file each,
// reusing unchanged objects' YAML (memo, may be nil).
func RenderWith(p *expand.Plan, t *artifact.Tree, memo *Memo) error {
	if p != nil && p.Env != nil && len(p.Env.RawScrapeConfigs) > 0 {
		return diag.List{diag.At(diag.Origin(p.Env.Source("rawScrapeConfigs")), "rawScrapeConfigs are rendered by the plain flavour only: write them as targets, or use flavour \"plain\"")}
	}
	objs, err := Objects(p)
	if err != nil {
		return err
	}
	for _, o := range objs {
		data, err := memo.marshal(o.Path(), o.Obj)
		if err != nil {
			return fmt.Errorf("render operator: %s %q: %w", o.Kind, o.Name, err)
		}
		if err := t.Add(artifact.File{Path: o.Path(), Data: data, Origin: o.Origin}); err != nil {
			return fmt.Errorf("render operator: %w", err)
		}
	}
	return renderSharedAlertmanagers(p, t)
}

// Objects builds and validates every object of the plan, sorted by file path.
// All problems found are reported together, each with its CUE position.
func Objects(p *expand.Plan) ([]Object, error) {
	if p == nil || p.Env == nil {
		return nil, errors.New("render operator: no environment")
	}
	r := &renderer{plan: p, env: p.Env, ns: p.Env.Prometheus.Namespace}
	if r.ns == "" {
		r.fail(p.Env.Source("prometheus"), "prometheus: namespace is empty")
	}
	r.prometheus()
	for _, j := range p.Jobs {
		r.job(j)
	}
	for _, f := range p.Federation {
		r.federation(f)
	}
	for _, g := range p.ClusterGroups() {
		r.rules(g)
	}
	r.globalView()
	for _, o := range r.objs {
		r.checkObject(o)
	}
	if err := r.problems.Err(); err != nil {
		return nil, err
	}
	sort.Slice(r.objs, func(i, j int) bool { return r.objs[i].Path() < r.objs[j].Path() })
	return r.objs, nil
}

// PlatformPrometheus is what the environment needs of the Prometheus its
// platform runs (kube-prometheus-stack, kube-prometheus): the settings
// mongen would otherwise render into its own Prometheus resource, for the
// platform's configuration. It is nil when mongen owns the Prometheus.
func PlatformPrometheus(p *expand.Plan) (*monitoringv1.PrometheusSpec, error) {
	if p == nil || p.Env == nil || p.Env.Platform.OwnsServers() {
		return nil, nil
	}
	r := &renderer{plan: p, env: p.Env, ns: p.Env.Prometheus.Namespace}
	r.prometheus()
	if err := r.problems.Err(); err != nil {
		return nil, err
	}
	return r.platformSpec, nil
}

type renderer struct {
	plan     *expand.Plan
	env      *model.Environment
	ns       string
	objs     []Object
	problems diag.List // each at the CUE position it concerns (when known)
	// platformSpec is what the environment needs of a Prometheus the
	// platform runs (nil when mongen renders the Prometheus itself).
	platformSpec *monitoringv1.PrometheusSpec
}

func (r *renderer) fail(origin, format string, args ...any) {
	r.problems.Add(diag.Origin(origin), format, args...)
}

func (r *renderer) add(kind, name, origin string, obj runtime.Object) {
	r.objs = append(r.objs, Object{Kind: kind, Name: name, Origin: origin, Obj: obj})
}

// labels are the labels of every object: the environment's selector (what
// the Prometheus selects by) plus the managed-by marker plus extra. The
// selector wins any clash, since without it the Prometheus would not select
// the object.
func (r *renderer) labels(extra map[string]string) map[string]string {
	l := map[string]string{ManagedByLabel: ManagedByValue}
	for k, v := range extra {
		l[k] = v
	}
	for k, v := range r.env.Selector {
		l[k] = v
	}
	return l
}

func (r *renderer) meta(name, namespace string, extra map[string]string) metav1.ObjectMeta {
	return metav1.ObjectMeta{Name: name, Namespace: namespace, Labels: r.labels(extra)}
}

func typeMeta(gv, kind string) metav1.TypeMeta {
	return metav1.TypeMeta{APIVersion: gv, Kind: kind}
}

var (
	monitoringV1      = monitoringv1.SchemeGroupVersion.String()
	monitoringV1alpha = monitoringv1alpha1.SchemeGroupVersion.String()
	coreV1            = corev1.SchemeGroupVersion.String()
	rbacV1            = rbacv1.SchemeGroupVersion.String()
)

// prometheus renders the Prometheus resource and the RBAC it runs with.
func (r *renderer) prometheus() {
	pr := r.env.Prometheus
	origin := r.env.Source("prometheus")
	if pr.Name == "" {
		r.fail(origin, "prometheus: name is empty")
	}
	if pr.ServiceAccount == "" {
		r.fail(origin, "prometheus: serviceAccount is empty")
	}
	r.checkTimeout(origin, "prometheus", pr.ScrapeInterval, pr.ScrapeTimeout)

	var sel *metav1.LabelSelector
	if len(r.env.Selector) == 0 {
		sel = &metav1.LabelSelector{} // {}: select every object
	} else {
		sel = &metav1.LabelSelector{MatchLabels: copyMap(r.env.Selector)}
	}
	selector := func() *metav1.LabelSelector { return sel.DeepCopy() }
	all := func() *metav1.LabelSelector { return &metav1.LabelSelector{} }

	spec := monitoringv1.PrometheusSpec{
		CommonPrometheusFields: monitoringv1.CommonPrometheusFields{
			Version:                         pr.Version,
			ScrapeInterval:                  monitoringv1.Duration(pr.ScrapeInterval),
			ScrapeTimeout:                   monitoringv1.Duration(pr.ScrapeTimeout),
			ExternalLabels:                  copyMap(r.env.ExternalLabels),
			ExternalURL:                     pr.ExternalURL,
			ServiceAccountName:              pr.ServiceAccount,
			Secrets:                         append([]string(nil), r.plan.Secrets...),
			ServiceMonitorSelector:          selector(),
			ServiceMonitorNamespaceSelector: all(),
			PodMonitorSelector:              selector(),
			PodMonitorNamespaceSelector:     all(),
			ProbeSelector:                   selector(),
			ProbeNamespaceSelector:          all(),
			ScrapeConfigSelector:            selector(),
			ScrapeConfigNamespaceSelector:   all(),
		},
		Retention:             monitoringv1.Duration(pr.Retention),
		EvaluationInterval:    monitoringv1.Duration(pr.EvaluationInterval),
		RuleSelector:          selector(),
		RuleNamespaceSelector: all(),
	}
	if pr.Replicas != 0 {
		n, ok := int32Of(int64(pr.Replicas))
		if !ok || n < 0 {
			r.fail(origin, "prometheus: replicas %d out of range", pr.Replicas)
		}
		spec.Replicas = &n
	}
	for _, d := range []struct{ field, v string }{
		{"scrapeInterval", pr.ScrapeInterval},
		{"scrapeTimeout", pr.ScrapeTimeout},
		{"retention", pr.Retention},
		{"evaluationInterval", pr.EvaluationInterval},
	} {
		r.checkDuration(origin, "prometheus: "+d.field, d.v)
	}
	if r.env.RunsAlertmanager() {
		// The operator's governing Service of every Alertmanager.
		am := r.plan.Alerting.Policy.Alertmanager
		spec.Alerting = &monitoringv1.AlertingSpec{Alertmanagers: []monitoringv1.AlertmanagerEndpoints{{
			Namespace: ptr(am.Namespace),
			Name:      "alertmanager-operated",
			Port:      intstr.FromString("web"),
		}}}
	}
	for i, rw := range r.env.RemoteWrite {
		what := fmt.Sprintf("remoteWrite[%d]", i)
		if rw.Name != "" {
			what = fmt.Sprintf("remoteWrite %q", rw.Name)
		}
		spec.RemoteWrite = append(spec.RemoteWrite, r.remoteWrite(r.env.Source("remoteWrite"), what, rw))
	}
	r.scaleOut(origin, &spec)
	if !r.env.Platform.OwnsServers() {
		// The platform runs the Prometheus: what it needs of it goes into
		// the platform's own configuration (helm-values.yaml).
		r.platformSpec = &spec
		return
	}
	// Persistent storage: a restart keeps the retention's data
	// (workload.go); the operator makes no PodDisruptionBudget.
	storage, err := Storage(pr.Storage)
	if err != nil {
		r.fail(origin, "prometheus: %v", err)
	}
	spec.Storage = storage
	r.add(monitoringv1.PrometheusesKind, pr.Name, origin, &monitoringv1.Prometheus{
		TypeMeta:   typeMeta(monitoringV1, monitoringv1.PrometheusesKind),
		ObjectMeta: r.meta(pr.Name, r.ns, nil),
		Spec:       spec,
	})
	if spec.Replicas == nil || *spec.Replicas > 1 {
		// The operator's default is one replica.
		n := int32(1)
		if spec.Replicas != nil {
			n = *spec.Replicas
		}
		r.operatorPDB("prometheus", pr.Name, origin, n)
	}

	// RBAC: the ServiceAccount Prometheus runs as, allowed to discover
	// targets in every namespace.
	r.add("ServiceAccount", pr.ServiceAccount, origin, &corev1.ServiceAccount{
		TypeMeta:   typeMeta(coreV1, "ServiceAccount"),
		ObjectMeta: r.meta(pr.ServiceAccount, r.ns, nil),
	})
	role := ClusterRoleName(pr.Name)
	read := []string{"get", "list", "watch"}
	r.add("ClusterRole", role, origin, &rbacv1.ClusterRole{
		TypeMeta:   typeMeta(rbacV1, "ClusterRole"),
		ObjectMeta: r.meta(role, "", nil),
		Rules: []rbacv1.PolicyRule{
			{APIGroups: []string{""}, Resources: []string{"endpoints", "nodes", "nodes/metrics", "pods", "services"}, Verbs: read},
			{APIGroups: []string{"discovery.k8s.io"}, Resources: []string{"endpointslices"}, Verbs: read},
			{APIGroups: []string{"networking.k8s.io"}, Resources: []string{"ingresses"}, Verbs: read},
			{NonResourceURLs: []string{"/metrics"}, Verbs: []string{"get"}},
		},
	})
	r.add("ClusterRoleBinding", role, origin, &rbacv1.ClusterRoleBinding{
		TypeMeta:   typeMeta(rbacV1, "ClusterRoleBinding"),
		ObjectMeta: r.meta(role, "", nil),
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: role},
		Subjects: []rbacv1.Subject{{
			Kind:      rbacv1.ServiceAccountKind,
			Name:      pr.ServiceAccount,
			Namespace: r.ns,
		}},
	})
}

// ClusterRoleName is the ClusterRole (and ClusterRoleBinding) of the
// Prometheus named name.
func ClusterRoleName(name string) string { return "mongen-prometheus-" + name }

func (r *renderer) remoteWrite(origin, what string, rw model.RemoteWrite) monitoringv1.RemoteWriteSpec {
	spec := monitoringv1.RemoteWriteSpec{
		URL:                 monitoringv1.URL(rw.URL),
		BasicAuth:           basicAuth(rw.BasicAuth),
		WriteRelabelConfigs: r.relabels(origin, what+": writeRelabel", rw.WriteRelabel),
	}
	if rw.URL == "" {
		r.fail(origin, "%s: url is empty", what)
	}
	if rw.Name != "" {
		spec.Name = ptr(rw.Name)
	}
	if a := bearer(rw.BearerToken); a != nil {
		spec.Authorization = &monitoringv1.Authorization{SafeAuthorization: *a}
	}
	if tls := safeTLS(rw.TLS); tls != nil {
		spec.TLSConfig = &monitoringv1.TLSConfig{SafeTLSConfig: *tls}
	}
	// The same rules the operator applies to any HTTP client config.
	hc := monitoringv1.HTTPConfigWithTLSFiles{
		HTTPConfigWithoutTLS: monitoringv1.HTTPConfigWithoutTLS{BasicAuth: spec.BasicAuth},
		TLSConfig:            spec.TLSConfig,
	}
	if spec.Authorization != nil {
		hc.Authorization = &spec.Authorization.SafeAuthorization
	}
	if err := hc.Validate(); err != nil {
		r.fail(origin, "%s: %v", what, err)
	}
	return spec
}

// job renders one scrape job according to its target kind.
func (r *renderer) job(j expand.Job) {
	t := j.Target
	what := fmt.Sprintf("job %q", j.Name)
	r.checkTimeout(j.Origin, what, t.Interval, t.Timeout)
	r.checkDuration(j.Origin, what+": interval", t.Interval)
	r.checkDuration(j.Origin, what+": timeout", t.Timeout)
	switch t.Kind {
	case model.KindService:
		if len(t.Endpoints) > 0 {
			r.external(j)
		} else {
			r.serviceMonitor(j, t.Selector, r.namespaces(t))
		}
	case model.KindPod:
		r.podMonitor(j)
	case model.KindStatic:
		r.static(j)
	case model.KindProbe:
		r.probe(j)
	default:
		r.fail(j.Origin, "%s: unknown target kind %q", what, t.Kind)
	}
}

// namespaces are the namespaces a service or pod target discovers in: its
// namespaces list, or else its own namespace. The list is a set: sorted and
// without duplicates.
func (r *renderer) namespaces(t model.Target) []string {
	if len(t.Namespaces) > 0 {
		return sortedSet(t.Namespaces)
	}
	if t.Namespace != "" {
		return []string{t.Namespace}
	}
	return []string{r.ns}
}

// jobRelabel makes the job label the job's name: without it the operator
// uses the Service's (or the PodMonitor's) name, and the rules select on
// job="<name>".
func jobRelabel(name string) monitoringv1.RelabelConfig {
	return monitoringv1.RelabelConfig{Action: "replace", TargetLabel: "job", Replacement: ptr(name)}
}

func (r *renderer) serviceMonitor(j expand.Job, selector map[string]string, namespaces []string) {
	t := j.Target
	what := fmt.Sprintf("job %q", j.Name)
	ep := monitoringv1.Endpoint{
		Port:                 t.Port,
		Path:                 path(t.Path),
		Scheme:               scheme(t.Scheme),
		Params:               params(t.Params),
		Interval:             monitoringv1.Duration(t.Interval),
		ScrapeTimeout:        monitoringv1.Duration(t.Timeout),
		HonorLabels:          t.HonorLabels,
		RelabelConfigs:       append([]monitoringv1.RelabelConfig{jobRelabel(j.Name)}, r.relabels(j.Origin, what+": relabel", t.Relabel)...),
		MetricRelabelConfigs: r.relabels(j.Origin, what+": metricRelabel", t.MetricRelabel),
	}
	if t.Port == "" {
		r.fail(j.Origin, "%s: a service target needs a port name", what)
	}
	hc := &ep.HTTPConfigWithProxyAndTLSFiles.HTTPConfigWithTLSFiles
	hc.BasicAuth = basicAuth(t.BasicAuth)
	hc.Authorization = bearer(t.BearerToken)
	if t.ServiceAccountToken && hc.Authorization == nil {
		// The operator's only way to send Prometheus's own token, as
		// kube-prometheus does for the kubelet and API server.
		//lint:ignore SA1019 no non-deprecated field carries a file-based token
		ep.BearerTokenFile = model.ServiceAccountTokenFile
	}
	if tls := safeTLS(t.TLS); tls != nil {
		hc.TLSConfig = &monitoringv1.TLSConfig{SafeTLSConfig: *tls}
	}
	if t.TLS != nil && t.TLS.CAFromServiceAccount && t.TLS.Secret == "" {
		if hc.TLSConfig == nil {
			hc.TLSConfig = &monitoringv1.TLSConfig{}
		}
		hc.TLSConfig.CAFile = model.ServiceAccountCAFile
	}
	if err := ep.HTTPConfigWithProxyAndTLSFiles.Validate(); err != nil {
		r.fail(j.Origin, "%s: %v", what, err)
	}
	r.add(monitoringv1.ServiceMonitorsKind, j.Name, j.Origin, &monitoringv1.ServiceMonitor{
		TypeMeta:   typeMeta(monitoringV1, monitoringv1.ServiceMonitorsKind),
		ObjectMeta: r.meta(j.Name, r.ns, nil),
		Spec: monitoringv1.ServiceMonitorSpec{
			Endpoints:         []monitoringv1.Endpoint{ep},
			Selector:          metav1.LabelSelector{MatchLabels: copyMap(selector)},
			NamespaceSelector: monitoringv1.NamespaceSelector{MatchNames: namespaces},
		},
	})
}

func (r *renderer) podMonitor(j expand.Job) {
	t := j.Target
	what := fmt.Sprintf("job %q", j.Name)
	ep := monitoringv1.PodMetricsEndpoint{
		Path:                 path(t.Path),
		Scheme:               scheme(t.Scheme),
		Params:               params(t.Params),
		Interval:             monitoringv1.Duration(t.Interval),
		ScrapeTimeout:        monitoringv1.Duration(t.Timeout),
		HonorLabels:          t.HonorLabels,
		RelabelConfigs:       append([]monitoringv1.RelabelConfig{jobRelabel(j.Name)}, r.relabels(j.Origin, what+": relabel", t.Relabel)...),
		MetricRelabelConfigs: r.relabels(j.Origin, what+": metricRelabel", t.MetricRelabel),
	}
	if t.Port == "" {
		r.fail(j.Origin, "%s: a pod target needs a port name", what)
	} else {
		ep.Port = ptr(t.Port)
	}
	hc := &ep.HTTPConfigWithProxy.HTTPConfig
	hc.BasicAuth = basicAuth(t.BasicAuth)
	hc.Authorization = bearer(t.BearerToken)
	hc.TLSConfig = safeTLS(t.TLS)
	if err := ep.HTTPConfigWithProxy.Validate(); err != nil {
		r.fail(j.Origin, "%s: %v", what, err)
	}
	r.add(monitoringv1.PodMonitorsKind, j.Name, j.Origin, &monitoringv1.PodMonitor{
		TypeMeta:   typeMeta(monitoringV1, monitoringv1.PodMonitorsKind),
		ObjectMeta: r.meta(j.Name, r.ns, nil),
		Spec: monitoringv1.PodMonitorSpec{
			PodMetricsEndpoints: []monitoringv1.PodMetricsEndpoint{ep},
			Selector:            metav1.LabelSelector{MatchLabels: copyMap(t.Selector)},
			NamespaceSelector:   monitoringv1.NamespaceSelector{MatchNames: r.namespaces(t)},
		},
	})
}

// scrapeConfig starts a ScrapeConfig with the settings every kind shares.
func (r *renderer) scrapeConfig(origin, what, name string, c scrapeCommon) *monitoringv1alpha1.ScrapeConfig {
	spec := monitoringv1alpha1.ScrapeConfigSpec{
		JobName:              ptr(name),
		MetricsPath:          optional(path(c.path)),
		Scheme:               scheme(c.scheme),
		Params:               params(c.params),
		ScrapeInterval:       optional(monitoringv1.Duration(c.interval)),
		ScrapeTimeout:        optional(monitoringv1.Duration(c.timeout)),
		BasicAuth:            basicAuth(c.basicAuth),
		Authorization:        bearer(c.bearer),
		TLSConfig:            safeTLS(c.tls),
		RelabelConfigs:       c.relabel,
		MetricRelabelConfigs: c.metricRelabel,
	}
	if c.honorLabels {
		spec.HonorLabels = ptr(true)
	}
	hc := monitoringv1.HTTPConfig{
		HTTPConfigWithoutTLS: monitoringv1.HTTPConfigWithoutTLS{BasicAuth: spec.BasicAuth, Authorization: spec.Authorization},
		TLSConfig:            spec.TLSConfig,
	}
	if err := hc.Validate(); err != nil {
		r.fail(origin, "%s: %v", what, err)
	}
	return &monitoringv1alpha1.ScrapeConfig{
		TypeMeta:   typeMeta(monitoringV1alpha, monitoringv1alpha1.ScrapeConfigsKind),
		ObjectMeta: r.meta(name, r.ns, nil),
		Spec:       spec,
	}
}

type scrapeCommon struct {
	path, scheme      string
	params            map[string][]string
	interval, timeout string
	honorLabels       bool
	tls               *model.TLS
	basicAuth         *model.BasicAuth
	bearer            *model.SecretRef
	relabel           []monitoringv1.RelabelConfig
	metricRelabel     []monitoringv1.RelabelConfig
}

func (r *renderer) common(j expand.Job) scrapeCommon {
	t := j.Target
	what := fmt.Sprintf("job %q", j.Name)
	return scrapeCommon{
		path: t.Path, scheme: t.Scheme, params: t.Params,
		interval: t.Interval, timeout: t.Timeout, honorLabels: t.HonorLabels,
		tls: t.TLS, basicAuth: t.BasicAuth, bearer: t.BearerToken,
		relabel:       r.relabels(j.Origin, what+": relabel", t.Relabel),
		metricRelabel: r.relabels(j.Origin, what+": metricRelabel", t.MetricRelabel),
	}
}

func (r *renderer) static(j expand.Job) {
	what := fmt.Sprintf("job %q", j.Name)
	sc := r.scrapeConfig(j.Origin, what, j.Name, r.common(j))
	sc.Spec.StaticConfigs = []monitoringv1alpha1.StaticConfig{{
		Targets: r.targets(j.Origin, what+": addresses", j.Target.Addresses),
		Labels:  copyMap(j.Target.Labels),
	}}
	r.add(monitoringv1alpha1.ScrapeConfigsKind, j.Name, j.Origin, sc)
}

func (r *renderer) federation(f expand.FederationJob) {
	fed := f.Federation
	what := fmt.Sprintf("federation job %q", f.Name)
	r.checkTimeout(f.Origin, what, fed.Interval, fed.Timeout)
	r.checkDuration(f.Origin, what+": interval", fed.Interval)
	r.checkDuration(f.Origin, what+": timeout", fed.Timeout)
	if len(fed.Match) == 0 {
		r.fail(f.Origin, "%s: match is empty: federation needs at least one selector", what)
	}
	sc := r.scrapeConfig(f.Origin, what, f.Name, scrapeCommon{
		path: "/federate", scheme: fed.Scheme,
		params:   map[string][]string{"match[]": fed.Match},
		interval: fed.Interval, timeout: fed.Timeout, honorLabels: true,
		tls: fed.TLS, basicAuth: fed.BasicAuth,
	})
	sc.Spec.StaticConfigs = []monitoringv1alpha1.StaticConfig{{
		Targets: r.targets(f.Origin, what+": addresses", fed.Addresses),
		Labels:  copyMap(fed.Labels),
	}}
	r.add(monitoringv1alpha1.ScrapeConfigsKind, f.Name, f.Origin, sc)
}

// targets converts addresses, which the CRD holds as a set.
func (r *renderer) targets(origin, what string, addrs []string) []monitoringv1alpha1.Target {
	if len(addrs) == 0 {
		r.fail(origin, "%s: empty", what)
	}
	seen := map[string]bool{}
	out := make([]monitoringv1alpha1.Target, 0, len(addrs))
	for _, a := range addrs {
		if a == "" {
			r.fail(origin, "%s: empty address", what)
		}
		if seen[a] {
			r.fail(origin, "%s: %q listed twice", what, a)
			continue
		}
		seen[a] = true
		out = append(out, monitoringv1alpha1.Target(a))
	}
	return out
}

func (r *renderer) rules(g expand.Group) {
	group := monitoringv1.RuleGroup{Name: g.Name}
	if g.Interval != "" {
		r.checkDuration(g.Origin, fmt.Sprintf("rule group %q: interval", g.Name), g.Interval)
		group.Interval = ptr(monitoringv1.Duration(g.Interval))
	}
	if g.QueryOffset != "" {
		r.checkDuration(g.Origin, fmt.Sprintf("rule group %q: queryOffset", g.Name), g.QueryOffset)
		group.QueryOffset = ptr(monitoringv1.Duration(g.QueryOffset))
	}
	if g.Limit > 0 {
		group.Limit = ptr(g.Limit)
	}
	for _, rule := range g.Rules {
		what := fmt.Sprintf("rule group %q: rule %q", g.Name, rule.Key)
		origin := rule.Origin
		if origin == "" {
			origin = g.Origin
		}
		out := monitoringv1.Rule{
			Expr:        intstrString(rule.Expr),
			Labels:      copyMap(rule.Labels),
			Annotations: copyMap(rule.Annotations),
		}
		switch rule.Kind {
		case model.RuleRecord:
			out.Record = rule.Name
			if rule.For != "" || rule.KeepFiringFor != "" || len(rule.Annotations) > 0 {
				r.fail(origin, "%s: a recording rule takes no for, keepFiringFor or annotations", what)
			}
		case model.RuleAlert:
			out.Alert = rule.Name
			if rule.For != "" {
				r.checkDuration(origin, what+": for", rule.For)
				out.For = ptr(monitoringv1.Duration(rule.For))
			}
			if rule.KeepFiringFor != "" {
				r.checkDuration(origin, what+": keepFiringFor", rule.KeepFiringFor)
				out.KeepFiringFor = ptr(monitoringv1.NonEmptyDuration(rule.KeepFiringFor))
			}
			if rule.Team != "" {
				if _, ok := out.Labels["team"]; !ok {
					if out.Labels == nil {
						out.Labels = map[string]string{}
					}
					out.Labels["team"] = rule.Team
				}
			}
		default:
			r.fail(origin, "%s: unknown rule kind %q", what, rule.Kind)
		}
		if rule.Name == "" {
			r.fail(origin, "%s: name is empty", what)
		}
		if rule.Expr == "" {
			r.fail(origin, "%s: expr is empty", what)
		}
		group.Rules = append(group.Rules, out)
	}
	r.add(monitoringv1.PrometheusRuleKind, g.Name, g.Origin, &monitoringv1.PrometheusRule{
		TypeMeta:   typeMeta(monitoringV1, monitoringv1.PrometheusRuleKind),
		ObjectMeta: r.meta(g.Name, r.ns, nil),
		Spec:       monitoringv1.PrometheusRuleSpec{Groups: []monitoringv1.RuleGroup{group}},
	})
}
