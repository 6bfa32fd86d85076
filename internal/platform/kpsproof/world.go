package kpsproof

import (
	"fmt"
	"slices"
	"strings"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// Owners of an object in the world.
const (
	ownerPlatform = "platform"
	ownerMongen   = "mongen"
	ownerAssumed  = "assumed" // exists in the cluster, rendered by nobody
)

type service struct {
	Object
	owner string
	spec  corev1.Service
}

type serviceMonitor struct {
	Object
	owner string
	spec  monitoringv1.ServiceMonitor
}

type workload struct {
	Object
	podLabels map[string]string
	pod       corev1.PodSpec
}

// world is the decoded platform and mongen objects, and what is assumed
// of the cluster they land in.
type world struct {
	name     string // "the chart", "kube-prometheus"
	platform []Object
	mongen   []Object
	assumed  []Object

	decodeProblems []Problem
	namespaces     map[string]map[string]string // labels of Namespace objects

	proms         []*monitoringv1.Prometheus  // the platform's
	rulers        []*monitoringv1.ThanosRuler // mongen's and the platform's
	alertmanagers []*monitoringv1.Alertmanager
	services      []service
	monitors      []serviceMonitor
	workloads     []workload // the platform's Deployments, DaemonSets, StatefulSets
}

func newWorld(name string, platform, mongen []Object) *world {
	w := &world{name: name, platform: platform, mongen: mongen, namespaces: map[string]map[string]string{}}
	w.assumed = assumedObjects(platform)
	for _, set := range []struct {
		owner string
		objs  []Object
	}{{ownerPlatform, platform}, {ownerAssumed, w.assumed}, {ownerMongen, mongen}} {
		for _, o := range set.objs {
			if err := w.add(set.owner, o); err != nil {
				w.decodeProblems = append(w.decodeProblems, Problem{o.String(), "decode", err.Error()})
			}
		}
	}
	return w
}

func (w *world) add(owner string, o Object) error {
	switch o.Kind {
	case "Namespace":
		w.namespaces[o.Name] = o.Labels
	case "Prometheus":
		if owner != ownerPlatform {
			return nil // mongen's own Prometheus is the operator profile's business
		}
		var p monitoringv1.Prometheus
		if err := o.decode(&p); err != nil {
			return err
		}
		p.Namespace = o.Namespace
		w.proms = append(w.proms, &p)
	case "ThanosRuler":
		var r monitoringv1.ThanosRuler
		if err := o.decode(&r); err != nil {
			return err
		}
		r.Namespace = o.Namespace
		w.rulers = append(w.rulers, &r)
	case "Alertmanager":
		if owner != ownerPlatform {
			return nil
		}
		var a monitoringv1.Alertmanager
		if err := o.decode(&a); err != nil {
			return err
		}
		a.Namespace = o.Namespace
		w.alertmanagers = append(w.alertmanagers, &a)
	case "Service":
		var s corev1.Service
		if err := o.decode(&s); err != nil {
			return err
		}
		w.services = append(w.services, service{o, owner, s})
	case "ServiceMonitor":
		var s monitoringv1.ServiceMonitor
		if err := o.decode(&s); err != nil {
			return err
		}
		w.monitors = append(w.monitors, serviceMonitor{o, owner, s})
	case "Deployment", "DaemonSet", "StatefulSet":
		if owner != ownerPlatform {
			return nil
		}
		var d appsv1.Deployment // the three share metadata and spec.template
		if err := o.decode(&d); err != nil {
			return err
		}
		w.workloads = append(w.workloads, workload{o, d.Spec.Template.Labels, d.Spec.Template.Spec})
	}
	return nil
}

// namespaceLabels are a namespace's labels: its Namespace object's when
// one is given, else the label Kubernetes (1.22 and later) sets on every
// namespace, kubernetes.io/metadata.name=<name>. That is the assumption
// for namespaces neither side creates.
func (w *world) namespaceLabels(ns string) labels.Set {
	if l, ok := w.namespaces[ns]; ok {
		out := labels.Set{"kubernetes.io/metadata.name": ns}
		for k, v := range l {
			out[k] = v
		}
		return out
	}
	return labels.Set{"kubernetes.io/metadata.name": ns}
}

// matches applies a label selector with the CRD semantics of the
// Prometheus and ThanosRuler selectors: nil selects nothing, empty selects
// everything.
func matches(sel *metav1.LabelSelector, l map[string]string) (bool, error) {
	if sel == nil {
		return false, nil
	}
	s, err := metav1.LabelSelectorAsSelector(sel)
	if err != nil {
		return false, fmt.Errorf("invalid selector: %w", err)
	}
	return s.Matches(labels.Set(l)), nil
}

// namespaceMatches applies a namespace selector of a Prometheus or
// ThanosRuler whose own namespace is own: nil means own only, empty all.
func (w *world) namespaceMatches(sel *metav1.LabelSelector, own, ns string) (bool, error) {
	if sel == nil {
		return ns == own, nil
	}
	return matches(sel, w.namespaceLabels(ns))
}

// monitorSelects reports whether a ServiceMonitor selects a Service: its
// namespaceSelector (any, a list, or its own namespace when empty) and its
// label selector (empty selects every Service).
func monitorSelects(sm serviceMonitor, s service) (bool, error) {
	nsSel := sm.spec.Spec.NamespaceSelector
	switch {
	case nsSel.Any:
	case len(nsSel.MatchNames) > 0:
		if !slices.Contains(nsSel.MatchNames, s.Namespace) {
			return false, nil
		}
	default:
		if s.Namespace != sm.Namespace {
			return false, nil
		}
	}
	sel, err := metav1.LabelSelectorAsSelector(&sm.spec.Spec.Selector)
	if err != nil {
		return false, fmt.Errorf("invalid selector: %w", err)
	}
	return sel.Matches(labels.Set(s.Labels)), nil
}

// selectedServices are the Services of the world a ServiceMonitor selects.
func (w *world) selectedServices(sm serviceMonitor) ([]service, error) {
	var out []service
	for _, s := range w.services {
		ok, err := monitorSelects(sm, s)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, s)
		}
	}
	return out, nil
}

// assumedObjects are objects that exist in a cluster running the platform
// without being rendered by it: the kubelet Service the operator maintains
// (--kubelet-service), the API server's default/kubernetes Service and
// kubeadm's kube-system/kube-dns Service.
func assumedObjects(platform []Object) []Object {
	var out []Object
	svc := func(ns, name, source string, l map[string]string, ports string) {
		js := fmt.Sprintf(`{"apiVersion":"v1","kind":"Service","metadata":{"name":%q,"namespace":%q,"labels":%s},"spec":{"ports":[%s]}}`,
			name, ns, jsonLabels(l), ports)
		out = append(out, Object{APIVersion: "v1", Kind: "Service", Namespace: ns, Name: name, Labels: l, Source: "assumed: " + source, JSON: []byte(js)})
	}
	for _, o := range platform {
		if o.Kind != "Deployment" {
			continue
		}
		var d appsv1.Deployment
		if o.decode(&d) != nil {
			continue
		}
		for _, c := range d.Spec.Template.Spec.Containers {
			for _, a := range c.Args {
				ref, ok := strings.CutPrefix(a, "--kubelet-service=")
				if !ok {
					continue
				}
				ns, name, ok := strings.Cut(ref, "/")
				if !ok {
					continue
				}
				svc(ns, name, "the operator's kubelet Service ("+a+")",
					map[string]string{"app.kubernetes.io/managed-by": "prometheus-operator", "app.kubernetes.io/name": "kubelet", "k8s-app": "kubelet"},
					`{"name":"https-metrics","port":10250},{"name":"http-metrics","port":10255},{"name":"cadvisor","port":4194}`)
			}
		}
	}
	svc("default", "kubernetes", "the API server's Service",
		map[string]string{"component": "apiserver", "provider": "kubernetes"}, `{"name":"https","port":443}`)
	svc("kube-system", "kube-dns", "kubeadm's CoreDNS Service",
		map[string]string{"k8s-app": "kube-dns", "kubernetes.io/name": "CoreDNS"},
		`{"name":"dns","port":53,"protocol":"UDP"},{"name":"dns-tcp","port":53},{"name":"metrics","port":9153}`)
	sortObjects(out)
	return out
}

func jsonLabels(l map[string]string) string {
	keys := make([]string, 0, len(l))
	for k := range l {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%q:%q", k, l[k])
	}
	return "{" + strings.Join(parts, ",") + "}"
}
