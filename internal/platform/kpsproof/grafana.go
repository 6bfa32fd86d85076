package kpsproof

import (
	"cmp"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	sigsyaml "sigs.k8s.io/yaml"
)

// sidecar is a k8s-sidecar container of the platform's Grafana: what it
// loads, from where.
type sidecar struct {
	container  string
	label      string
	labelValue string // "" accepts any value
	namespaces []string
	all        bool
	resource   string // configmap, secret or both
}

func envOf(c corev1.Container) map[string]string {
	out := map[string]string{}
	for _, e := range c.Env {
		out[e.Name] = e.Value
	}
	return out
}

// grafana is the platform's Grafana Deployment.
type grafana struct {
	workload
	dashboards, datasources *sidecar
}

func (w *world) grafanas() []grafana {
	var out []grafana
	for _, wl := range w.workloads {
		if wl.Kind != "Deployment" {
			continue
		}
		g := grafana{workload: wl}
		isGrafana := false
		for _, c := range append(slices.Clone(wl.pod.InitContainers), wl.pod.Containers...) {
			if c.Name == "grafana" || strings.Contains(c.Image, "grafana/grafana") {
				isGrafana = true
			}
			env := envOf(c)
			if _, ok := env["LABEL"]; !ok || !strings.Contains(c.Image, "k8s-sidecar") {
				continue
			}
			sc := &sidecar{container: c.Name, label: env["LABEL"], labelValue: env["LABEL_VALUE"], resource: cmp.Or(strings.ToLower(env["RESOURCE"]), "configmap")}
			switch ns := env["NAMESPACE"]; {
			case ns == "ALL":
				sc.all = true
			case ns == "":
				sc.namespaces = []string{wl.Namespace}
			default:
				for _, n := range strings.Split(ns, ",") {
					sc.namespaces = append(sc.namespaces, strings.TrimSpace(n))
				}
			}
			switch {
			case strings.Contains(c.Name, "datasource"):
				g.datasources = sc
			case strings.Contains(c.Name, "dashboard"):
				g.dashboards = sc
			}
		}
		if isGrafana {
			out = append(out, g)
		}
	}
	return out
}

// loads says whether a sidecar, or else a volume of the Grafana
// Deployment, loads a mongen ConfigMap, and why not.
func (g grafana) loads(sc *sidecar, o Object) (bool, string) {
	if sc == nil {
		for _, v := range g.pod.Volumes {
			if v.ConfigMap != nil && v.ConfigMap.Name == o.Name && o.Namespace == g.Namespace {
				return true, ""
			}
		}
		return false, fmt.Sprintf("Grafana %s/%s has no sidecar for it and mounts no ConfigMap %s", g.Namespace, g.Name, o.Name)
	}
	if sc.resource != "both" && sc.resource != strings.ToLower(o.Kind) {
		return false, fmt.Sprintf("sidecar %s loads RESOURCE=%s only", sc.container, sc.resource)
	}
	v, ok := o.Labels[sc.label]
	if !ok || sc.labelValue != "" && v != sc.labelValue {
		want := sc.label
		if sc.labelValue != "" {
			want += "=" + sc.labelValue
		}
		return false, fmt.Sprintf("sidecar %s of Grafana %s/%s loads objects labelled %s; labels are {%s}", sc.container, g.Namespace, g.Name, want, labels.Set(o.Labels).String())
	}
	if !sc.all && !slices.Contains(sc.namespaces, o.Namespace) {
		return false, fmt.Sprintf("sidecar %s of Grafana %s/%s watches namespaces %s only", sc.container, g.Namespace, g.Name, strings.Join(sc.namespaces, ", "))
	}
	return true, ""
}

// grafanaObject classifies a mongen ConfigMap or Secret: "dashboard" when
// it holds a *.json key, "datasource" when a key holds a datasources:
// provisioning document, "" otherwise; datasources are returned parsed.
func grafanaObject(o Object) (string, []datasource) {
	if o.Kind != "ConfigMap" {
		return "", nil
	}
	var cm corev1.ConfigMap
	if o.decode(&cm) != nil {
		return "", nil
	}
	var dss []datasource
	isDS := false
	for _, k := range sortedKeys(cm.Data) {
		if strings.HasSuffix(k, ".json") {
			return "dashboard", nil
		}
		var doc struct {
			Datasources []datasource `json:"datasources"`
		}
		if sigsyaml.Unmarshal([]byte(cm.Data[k]), &doc) == nil && doc.Datasources != nil {
			isDS = true
			dss = append(dss, doc.Datasources...)
		}
	}
	if isDS {
		return "datasource", dss
	}
	return "", nil
}

type datasource struct {
	Name string `json:"name"`
	Type string `json:"type"`
	URL  string `json:"url"`
}

// proveGrafana: the platform's Grafana loads every mongen dashboard and
// datasource, and each datasource URL names a Service that serves it.
func proveGrafana(w *world) []Problem {
	gs := w.grafanas()
	var ps []Problem
	for _, o := range w.mongen {
		kind, dss := grafanaObject(o)
		if kind == "" {
			continue
		}
		fact := FactDashboardLoaded
		if kind == "datasource" {
			fact = FactDatasourceLoaded
		}
		if len(gs) == 0 {
			ps = append(ps, Problem{o.String(), fact, w.name + " renders no Grafana"})
		}
		var why []string
		loaded := false
		for _, g := range gs {
			sc := g.dashboards
			if kind == "datasource" {
				sc = g.datasources
			}
			ok, reason := g.loads(sc, o)
			if ok {
				loaded = true
				break
			}
			why = append(why, reason)
		}
		if !loaded && len(why) > 0 {
			ps = append(ps, Problem{o.String(), fact, "not loaded: " + strings.Join(why, "; ")})
		}
		for _, ds := range dss {
			if ds.URL == "" {
				continue
			}
			ns := o.Namespace
			if len(gs) > 0 {
				ns = gs[0].Namespace
			}
			if reason := w.datasourceURL(ds.URL, ns); reason != "" {
				ps = append(ps, Problem{o.String(), FactDatasourceURL, fmt.Sprintf("datasource %q: %s", ds.Name, reason)})
			}
		}
	}
	return ps
}

// datasourceURL says why a URL does not reach a Prometheus Service, or "".
// Hosts are <svc>, <svc>.<ns>, <svc>.<ns>.svc[.<cluster domain>]; a bare
// <svc> resolves in Grafana's namespace.
func (w *world) datasourceURL(raw, grafanaNS string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return fmt.Sprintf("URL %q does not parse as an absolute URL", raw)
	}
	host, portStr := u.Hostname(), u.Port()
	if portStr == "" {
		portStr = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	port, _ := strconv.Atoi(portStr)
	if net.ParseIP(host) != nil {
		return fmt.Sprintf("URL %q names an IP address, not a Service", raw)
	}
	parts := strings.Split(host, ".")
	svcName, ns := parts[0], grafanaNS
	if len(parts) > 1 {
		ns = parts[1]
	}
	if len(parts) > 2 && parts[2] != "svc" {
		return fmt.Sprintf("URL %q is not a Service host (<svc>.<namespace>.svc...)", raw)
	}
	want := w.promServiceNames()
	i := slices.IndexFunc(w.services, func(s service) bool { return s.Namespace == ns && s.Name == svcName })
	if i < 0 || w.services[i].owner == ownerAssumed {
		return fmt.Sprintf("URL %q names Service %s/%s, which neither %s nor mongen renders; %s's Prometheus Service is %s", raw, ns, svcName, w.name, w.name, quoteList(want))
	}
	s := w.services[i]
	if s.owner == ownerPlatform && !w.frontsPrometheus(s) {
		return fmt.Sprintf("URL %q names Service %s/%s, which is not in front of %s's Prometheus (%s)", raw, ns, svcName, w.name, quoteList(want))
	}
	if !slices.ContainsFunc(s.spec.Spec.Ports, func(p corev1.ServicePort) bool { return int(p.Port) == port }) {
		var ports []string
		for _, p := range s.spec.Spec.Ports {
			ports = append(ports, strconv.Itoa(int(p.Port)))
		}
		return fmt.Sprintf("URL %q: port %s is not a port of Service %s/%s (%s)", raw, portStr, ns, svcName, quoteList(ports))
	}
	return ""
}

// promPodLabels are the labels the operator gives a Prometheus's pods.
func promPodLabels(p *monitoringv1.Prometheus) labels.Set {
	l := labels.Set{
		"app.kubernetes.io/name": "prometheus", "app.kubernetes.io/instance": p.Name,
		"app.kubernetes.io/managed-by": "prometheus-operator", "operator.prometheus.io/name": p.Name,
		"operator.prometheus.io/shard": "0", "prometheus": p.Name,
	}
	if p.Spec.PodMetadata != nil {
		for k, v := range p.Spec.PodMetadata.Labels {
			l[k] = v
		}
	}
	return l
}

// frontsPrometheus: the Service selects a platform Prometheus's pods.
func (w *world) frontsPrometheus(s service) bool {
	if len(s.spec.Spec.Selector) == 0 {
		return false
	}
	for _, p := range w.proms {
		if p.Namespace == s.Namespace && labels.SelectorFromSet(s.spec.Spec.Selector).Matches(promPodLabels(p)) {
			return true
		}
	}
	return false
}

func (w *world) promServiceNames() []string {
	var out []string
	for _, s := range w.services {
		if s.owner == ownerPlatform && w.frontsPrometheus(s) {
			for _, p := range s.spec.Spec.Ports {
				out = append(out, fmt.Sprintf("%s.%s:%d", s.Name, s.Namespace, p.Port))
			}
		}
	}
	return out
}
