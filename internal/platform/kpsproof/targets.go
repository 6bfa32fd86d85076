package kpsproof

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
)

func names(ss []service) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = s.Namespace + "/" + s.Name
	}
	return out
}

// proveTargets: mongen's ServiceMonitors select the Services they are meant
// for, exactly, on ports those Services have and with the scheme their
// server needs; nothing is scraped twice.
func proveTargets(w *world) []Problem {
	var ps []Problem
	for _, sm := range w.monitors {
		if sm.owner != ownerMongen {
			continue
		}
		selected, err := w.selectedServices(sm)
		if err != nil {
			ps = append(ps, Problem{sm.String(), FactTarget, err.Error()})
			continue
		}
		var platform, own []service
		for _, s := range selected {
			if s.owner == ownerMongen {
				own = append(own, s)
			} else {
				platform = append(platform, s)
			}
		}
		switch {
		case len(platform) > 1:
			ps = append(ps, Problem{sm.String(), FactTarget, fmt.Sprintf("selects %d Services of %s (%s); a monitor of a platform Service must select exactly that one", len(platform), w.name, quoteList(names(platform)))})
		case len(platform) == 1 && len(own) > 0:
			ps = append(ps, Problem{sm.String(), FactTarget, fmt.Sprintf("selects %s's Service %s besides mongen's %s", w.name, names(platform)[0], quoteList(names(own)))})
		case len(selected) == 0:
			ps = append(ps, w.proveMeant(sm)...)
		}
		for _, ep := range sm.spec.Spec.Endpoints {
			if ep.Port == "" {
				continue
			}
			for _, s := range selected {
				port, ok := servicePort(s, ep.Port)
				if !ok {
					ps = append(ps, Problem{sm.String(), FactPort, fmt.Sprintf("endpoint port %q is not a port of Service %s/%s (ports: %s)", ep.Port, s.Namespace, s.Name, quoteList(portNames(s)))})
					continue
				}
				if s.owner != ownerMongen {
					ps = append(ps, w.proveScheme(sm, ep, s, port)...)
				}
			}
		}
	}
	return append(ps, proveScrapedOnce(w)...)
}

// staticJob is the job label a monitor's relabelings set to a constant,
// or "".
func staticJob(sm serviceMonitor) string {
	for _, ep := range sm.spec.Spec.Endpoints {
		for _, r := range ep.RelabelConfigs {
			if r.TargetLabel == "job" && (r.Action == "" || strings.EqualFold(r.Action, "replace")) && len(r.SourceLabels) == 0 && r.Replacement != nil {
				return *r.Replacement
			}
		}
	}
	return ""
}

// serviceJobs are the names a platform Service is known by as a job: its
// name, its jobLabel, app.kubernetes.io/name and k8s-app labels, and the
// job each platform ServiceMonitor selecting it gives it.
func (w *world) serviceJobs(s service) []string {
	out := []string{s.Name}
	for _, k := range []string{"jobLabel", "app.kubernetes.io/name", "k8s-app"} {
		if v := s.Labels[k]; v != "" {
			out = append(out, v)
		}
	}
	for _, sm := range w.monitors {
		if sm.owner == ownerMongen {
			continue
		}
		if ok, err := monitorSelects(sm, s); err == nil && ok {
			if v := s.Labels[sm.spec.Spec.JobLabel]; sm.spec.Spec.JobLabel != "" && v != "" {
				out = append(out, v)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// proveMeant: a mongen monitor that selects no Service at all, whose job
// is a platform Service's, was meant for that Service.
func (w *world) proveMeant(sm serviceMonitor) []Problem {
	job := staticJob(sm)
	if job == "" {
		return nil
	}
	var ps []Problem
	for _, s := range w.services {
		if s.owner == ownerMongen || !slices.Contains(w.serviceJobs(s), job) {
			continue
		}
		ps = append(ps, Problem{sm.String(), FactTarget, fmt.Sprintf("scrapes job %q, %s's Service %s/%s, but does not select it: selector %s in %s, Service labels {%s}",
			job, w.name, s.Namespace, s.Name, selectorString(sm), namespaceSelectorString(sm), labels.Set(s.Labels).String())})
	}
	return ps
}

func selectorString(sm serviceMonitor) string {
	return "{" + metav1.FormatLabelSelector(&sm.spec.Spec.Selector) + "}"
}

func namespaceSelectorString(sm serviceMonitor) string {
	ns := sm.spec.Spec.NamespaceSelector
	switch {
	case ns.Any:
		return "any namespace"
	case len(ns.MatchNames) > 0:
		return "namespaces " + strings.Join(ns.MatchNames, ", ")
	}
	return "namespace " + sm.Namespace
}

func servicePort(s service, name string) (corev1.ServicePort, bool) {
	for _, p := range s.spec.Spec.Ports {
		if p.Name == name {
			return p, true
		}
	}
	return corev1.ServicePort{}, false
}

func portNames(s service) []string {
	var out []string
	for _, p := range s.spec.Spec.Ports {
		out = append(out, p.Name)
	}
	return out
}

// proveScheme: when a platform Service's port leads to a kube-rbac-proxy
// container, the endpoint must speak https with a bearer token and a TLS
// config (kube-rbac-proxy refuses anything else).
func (w *world) proveScheme(sm serviceMonitor, ep monitoringv1.Endpoint, s service, port corev1.ServicePort) []Problem {
	c, ok := w.backingContainer(s, port)
	if !ok || !strings.Contains(c.Image, "kube-rbac-proxy") {
		return nil
	}
	var missing []string
	if ep.Scheme == nil || strings.ToLower(string(*ep.Scheme)) != "https" {
		missing = append(missing, "scheme https")
	}
	//lint:ignore SA1019 the chart and kube-prometheus still write bearerTokenFile; a proof must read it
	if ep.BearerTokenFile == "" && ep.Authorization == nil {
		missing = append(missing, "a bearer token (bearerTokenFile or authorization)")
	}
	if ep.TLSConfig == nil || (ep.TLSConfig.InsecureSkipVerify == nil || !*ep.TLSConfig.InsecureSkipVerify) && ep.TLSConfig.CAFile == "" && ep.TLSConfig.CA.Secret == nil && ep.TLSConfig.CA.ConfigMap == nil {
		missing = append(missing, "a tlsConfig (insecureSkipVerify or a CA)")
	}
	if len(missing) == 0 {
		return nil
	}
	return []Problem{{sm.String(), FactScheme, fmt.Sprintf("port %q of Service %s/%s is served by kube-rbac-proxy (container %s): the endpoint needs %s", ep.Port, s.Namespace, s.Name, c.Name, strings.Join(missing, ", "))}}
}

// backingContainer finds the platform container a Service port sends to:
// a workload whose pod labels the Service selects, with a container port
// named (or numbered) as the Service port's targetPort.
func (w *world) backingContainer(s service, port corev1.ServicePort) (corev1.Container, bool) {
	if len(s.spec.Spec.Selector) == 0 {
		return corev1.Container{}, false
	}
	target := port.TargetPort
	if target.Type == intstr.Int && target.IntVal == 0 && target.StrVal == "" {
		target = intstr.FromInt32(port.Port)
	}
	sel := labels.SelectorFromSet(s.spec.Spec.Selector)
	for _, wl := range w.workloads {
		if wl.Namespace != s.Namespace || !sel.Matches(labels.Set(wl.podLabels)) {
			continue
		}
		for _, c := range wl.pod.Containers {
			for _, cp := range c.Ports {
				if target.Type == intstr.String && cp.Name == target.StrVal || target.Type == intstr.Int && cp.ContainerPort == target.IntVal {
					return c, true
				}
			}
		}
	}
	return corev1.Container{}, false
}

// proveScrapedOnce: no Service port and path is scraped by two monitors
// that a platform Prometheus selects, when one of them is mongen's.
func proveScrapedOnce(w *world) []Problem {
	type key struct{ svc, port, path string }
	by := map[key][]serviceMonitor{}
	var order []key
	for _, sm := range w.monitors {
		if !w.promSelects(sm.Object) {
			continue
		}
		selected, err := w.selectedServices(sm)
		if err != nil {
			continue // reported by proveTargets
		}
		for _, s := range selected {
			for _, ep := range sm.spec.Spec.Endpoints {
				k := key{s.Namespace + "/" + s.Name, ep.Port, cmp.Or(ep.Path, "/metrics")}
				if ep.Port == "" && ep.TargetPort != nil {
					k.port = ep.TargetPort.String()
				}
				if !slices.ContainsFunc(by[k], func(o serviceMonitor) bool { return o.owner == sm.owner && o.String() == sm.String() }) {
					if len(by[k]) == 0 {
						order = append(order, k)
					}
					by[k] = append(by[k], sm)
				}
			}
		}
	}
	var ps []Problem
	for _, k := range order {
		sms := by[k]
		if len(sms) < 2 {
			continue
		}
		var all []string
		for _, sm := range sms {
			all = append(all, sm.owner+" "+sm.String())
		}
		for _, sm := range sms {
			if sm.owner == ownerMongen {
				ps = append(ps, Problem{sm.String(), FactScrapedOnce, fmt.Sprintf("Service %s port %q path %s is scraped %d times: %s", k.svc, k.port, k.path, len(sms), strings.Join(all, ", "))})
			}
		}
	}
	return ps
}

// promSelects: some platform Prometheus selects this monitoring object.
func (w *world) promSelects(o Object) bool {
	for _, p := range w.proms {
		sel, nsSel, _ := selectors(p, o.Kind)
		if ok, _, err := w.selectedBy(sel, nsSel, p.Namespace, o); err == nil && ok {
			return true
		}
	}
	return false
}
