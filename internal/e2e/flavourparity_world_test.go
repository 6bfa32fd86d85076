//lint:file-ignore SA1019 Endpoints, not EndpointSlice: both flavours discover with role endpoints, whose target groups this file builds from Endpoints objects.
package e2e

import (
	"encoding/json"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/mongen-dev/mongen/internal/platform/kpsproof"
	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/discovery/targetgroup"
	"github.com/prometheus/prometheus/util/strutil"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

// kubeWorld is a small cluster both flavours discover in: the same objects
// give each flavour's kubernetes_sd_configs their target groups, built with
// the meta labels Prometheus' Kubernetes discovery (discovery/kubernetes of
// the Prometheus module in go.mod: buildEndpoints, buildPod, buildService,
// buildIngress) gives them without attach_metadata. The discovery code
// itself needs client-go informers, which mongen's module has only as an
// indirect requirement, so the labels are built here, field by field as
// that code does.
type kubeWorld struct {
	services  []corev1.Service
	endpoints []corev1.Endpoints
	pods      []corev1.Pod
	ingresses []networkingv1.Ingress
}

func (w *kubeWorld) pod(ns, name string) *corev1.Pod {
	for i := range w.pods {
		if w.pods[i].Namespace == ns && w.pods[i].Name == name {
			return &w.pods[i]
		}
	}
	return nil
}

func (w *kubeWorld) service(ns, name string) *corev1.Service {
	for i := range w.services {
		if w.services[i].Namespace == ns && w.services[i].Name == name {
			return &w.services[i]
		}
	}
	return nil
}

// addMongenObjects adds the Services and Endpoints mongen itself writes
// (the headless Service of a service target with endpoints).
func (w *kubeWorld) addMongenObjects(t *testing.T, objs []kpsproof.Object) {
	t.Helper()
	for _, o := range objs {
		switch o.Kind {
		case "Service":
			var s corev1.Service
			if err := json.Unmarshal(o.JSON, &s); err != nil {
				t.Fatalf("%s: %v", o, err)
			}
			w.services = append(w.services, s)
		case "Endpoints":
			var e corev1.Endpoints
			if err := json.Unmarshal(o.JSON, &e); err != nil {
				t.Fatalf("%s: %v", o, err)
			}
			w.endpoints = append(w.endpoints, e)
		}
	}
}

// discover gives the target groups of one role in the namespaces (all
// namespaces when names is empty).
func (w *kubeWorld) discover(role string, names []string) ([]*targetgroup.Group, error) {
	in := func(ns string) bool { return len(names) == 0 || slices.Contains(names, ns) }
	var out []*targetgroup.Group
	switch role {
	case "endpoints":
		for _, e := range w.endpoints {
			if in(e.Namespace) {
				out = append(out, w.buildEndpoints(e))
			}
		}
	case "pod":
		for _, p := range w.pods {
			if in(p.Namespace) {
				out = append(out, buildPod(p))
			}
		}
	case "service":
		for _, s := range w.services {
			if in(s.Namespace) {
				out = append(out, buildService(s))
			}
		}
	case "ingress":
		for _, i := range w.ingresses {
			if in(i.Namespace) {
				out = append(out, buildIngress(i))
			}
		}
	default:
		return nil, fmt.Errorf("role %q is not simulated", role)
	}
	return out, nil
}

const metaK8s = model.MetaLabelPrefix + "kubernetes_"

// objectMetaLabels: <role>_name, and each label and annotation with its
// "present" twin (addObjectMetaLabels).
func objectMetaLabels(ls model.LabelSet, m metav1.ObjectMeta, role string) {
	ls[model.LabelName(metaK8s+role+"_name")] = model.LabelValue(m.Name)
	for k, v := range m.Labels {
		ln := strutil.SanitizeLabelName(k)
		ls[model.LabelName(metaK8s+role+"_label_"+ln)] = model.LabelValue(v)
		ls[model.LabelName(metaK8s+role+"_labelpresent_"+ln)] = "true"
	}
	for k, v := range m.Annotations {
		ln := strutil.SanitizeLabelName(k)
		ls[model.LabelName(metaK8s+role+"_annotation_"+ln)] = model.LabelValue(v)
		ls[model.LabelName(metaK8s+role+"_annotationpresent_"+ln)] = "true"
	}
}

func serviceLabels(s corev1.Service) model.LabelSet {
	ls := model.LabelSet{metaK8s + "namespace": model.LabelValue(s.Namespace)}
	objectMetaLabels(ls, s.ObjectMeta, "service")
	return ls
}

func podLabels(p corev1.Pod) model.LabelSet {
	ready := "unknown"
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			ready = strings.ToLower(string(c.Status))
		}
	}
	ls := model.LabelSet{
		metaK8s + "pod_ip":        model.LabelValue(p.Status.PodIP),
		metaK8s + "pod_ready":     model.LabelValue(ready),
		metaK8s + "pod_phase":     model.LabelValue(p.Status.Phase),
		metaK8s + "pod_node_name": model.LabelValue(p.Spec.NodeName),
		metaK8s + "pod_host_ip":   model.LabelValue(p.Status.HostIP),
		metaK8s + "pod_uid":       model.LabelValue(p.UID),
	}
	objectMetaLabels(ls, p.ObjectMeta, "pod")
	if c := metav1.GetControllerOf(&p); c != nil {
		ls[metaK8s+"pod_controller_kind"] = model.LabelValue(c.Kind)
		ls[metaK8s+"pod_controller_name"] = model.LabelValue(c.Name)
	}
	return ls
}

func containerLabels(c corev1.Container, init bool, port *corev1.ContainerPort) model.LabelSet {
	ls := model.LabelSet{
		metaK8s + "pod_container_name":  model.LabelValue(c.Name),
		metaK8s + "pod_container_image": model.LabelValue(c.Image),
		metaK8s + "pod_container_init":  model.LabelValue(strconv.FormatBool(init)),
	}
	if port != nil {
		ls[metaK8s+"pod_container_port_name"] = model.LabelValue(port.Name)
		ls[metaK8s+"pod_container_port_number"] = model.LabelValue(strconv.Itoa(int(port.ContainerPort)))
		ls[metaK8s+"pod_container_port_protocol"] = model.LabelValue(port.Protocol)
	}
	return ls
}

// buildEndpoints: one target per address and port, with the Service's and
// the Pod's labels when the address points at a Pod, and the Pod's other
// container ports as targets of their own.
func (w *kubeWorld) buildEndpoints(e corev1.Endpoints) *targetgroup.Group {
	tg := &targetgroup.Group{Source: "endpoints/" + e.Namespace + "/" + e.Name, Labels: model.LabelSet{metaK8s + "namespace": model.LabelValue(e.Namespace)}}
	if s := w.service(e.Namespace, e.Name); s != nil {
		tg.Labels = tg.Labels.Merge(serviceLabels(*s))
	}
	objectMetaLabels(tg.Labels, e.ObjectMeta, "endpoints")
	seen := map[*corev1.Pod][]int32{}
	var pods []*corev1.Pod
	add := func(addr corev1.EndpointAddress, port corev1.EndpointPort, ready string) {
		target := model.LabelSet{
			model.AddressLabel:                 model.LabelValue(net.JoinHostPort(addr.IP, strconv.Itoa(int(port.Port)))),
			metaK8s + "endpoint_port_name":     model.LabelValue(port.Name),
			metaK8s + "endpoint_port_protocol": model.LabelValue(port.Protocol),
			metaK8s + "endpoint_ready":         model.LabelValue(ready),
		}
		if addr.TargetRef != nil {
			target[metaK8s+"endpoint_address_target_kind"] = model.LabelValue(addr.TargetRef.Kind)
			target[metaK8s+"endpoint_address_target_name"] = model.LabelValue(addr.TargetRef.Name)
		}
		if addr.NodeName != nil {
			target[metaK8s+"endpoint_node_name"] = model.LabelValue(*addr.NodeName)
		}
		if addr.Hostname != "" {
			target[metaK8s+"endpoint_hostname"] = model.LabelValue(addr.Hostname)
		}
		var pod *corev1.Pod
		if addr.TargetRef != nil && addr.TargetRef.Kind == "Pod" {
			pod = w.pod(addr.TargetRef.Namespace, addr.TargetRef.Name)
		}
		if pod == nil {
			tg.Targets = append(tg.Targets, target)
			return
		}
		if _, ok := seen[pod]; !ok {
			pods = append(pods, pod)
		}
		target = target.Merge(podLabels(*pod))
		all := append(slices.Clone(pod.Spec.Containers), pod.Spec.InitContainers...)
	found:
		for i, c := range all {
			for _, cp := range c.Ports {
				if cp.ContainerPort == port.Port {
					cp.Protocol = port.Protocol
					target = target.Merge(containerLabels(c, i >= len(pod.Spec.Containers), &cp))
					break found
				}
			}
		}
		seen[pod] = append(seen[pod], port.Port)
		tg.Targets = append(tg.Targets, target)
	}
	for _, ss := range e.Subsets {
		for _, port := range ss.Ports {
			for _, a := range ss.Addresses {
				add(a, port, "true")
			}
			for _, a := range ss.NotReadyAddresses {
				add(a, port, "false")
			}
		}
	}
	for _, pod := range pods {
		if pod.Status.PodIP == "" {
			continue
		}
		all := append(slices.Clone(pod.Spec.Containers), pod.Spec.InitContainers...)
		for i, c := range all {
			for _, cp := range c.Ports {
				if slices.Contains(seen[pod], cp.ContainerPort) {
					continue
				}
				target := model.LabelSet{model.AddressLabel: model.LabelValue(net.JoinHostPort(pod.Status.PodIP, strconv.Itoa(int(cp.ContainerPort))))}
				target = target.Merge(containerLabels(c, i >= len(pod.Spec.Containers), &cp))
				tg.Targets = append(tg.Targets, target.Merge(podLabels(*pod)))
			}
		}
	}
	return tg
}

// buildPod: one target per container port (a container without ports is
// one target at the Pod's IP). The container ID label is left out: the
// world's Pods have no container statuses, for which Prometheus sets it
// empty, that is absent.
func buildPod(p corev1.Pod) *targetgroup.Group {
	tg := &targetgroup.Group{Source: "pod/" + p.Namespace + "/" + p.Name}
	if p.Status.PodIP == "" {
		return tg
	}
	tg.Labels = podLabels(p)
	tg.Labels[metaK8s+"namespace"] = model.LabelValue(p.Namespace)
	all := append(slices.Clone(p.Spec.Containers), p.Spec.InitContainers...)
	for i, c := range all {
		init := i >= len(p.Spec.Containers)
		if len(c.Ports) == 0 {
			ls := containerLabels(c, init, nil)
			ls[model.AddressLabel] = model.LabelValue(p.Status.PodIP)
			tg.Targets = append(tg.Targets, ls)
			continue
		}
		for _, cp := range c.Ports {
			ls := containerLabels(c, init, &cp)
			ls[model.AddressLabel] = model.LabelValue(net.JoinHostPort(p.Status.PodIP, strconv.Itoa(int(cp.ContainerPort))))
			tg.Targets = append(tg.Targets, ls)
		}
	}
	return tg
}

// buildService: one target per Service port, at <name>.<namespace>.svc.
func buildService(s corev1.Service) *targetgroup.Group {
	tg := &targetgroup.Group{Source: "svc/" + s.Namespace + "/" + s.Name, Labels: serviceLabels(s)}
	for _, p := range s.Spec.Ports {
		port := strconv.Itoa(int(p.Port))
		ls := model.LabelSet{
			model.AddressLabel:                model.LabelValue(net.JoinHostPort(s.Name+"."+s.Namespace+".svc", port)),
			metaK8s + "service_port_name":     model.LabelValue(p.Name),
			metaK8s + "service_port_number":   model.LabelValue(port),
			metaK8s + "service_port_protocol": model.LabelValue(p.Protocol),
			metaK8s + "service_type":          model.LabelValue(s.Spec.Type),
			metaK8s + "service_cluster_ip":    model.LabelValue(s.Spec.ClusterIP),
		}
		tg.Targets = append(tg.Targets, ls)
	}
	return tg
}

// buildIngress: one target per rule and path, https when a TLS entry names
// the host.
func buildIngress(in networkingv1.Ingress) *targetgroup.Group {
	tg := &targetgroup.Group{Source: "ingress/" + in.Namespace + "/" + in.Name, Labels: model.LabelSet{metaK8s + "namespace": model.LabelValue(in.Namespace)}}
	if in.Spec.IngressClassName != nil {
		tg.Labels[metaK8s+"ingress_class_name"] = model.LabelValue(*in.Spec.IngressClassName)
	}
	objectMetaLabels(tg.Labels, in.ObjectMeta, "ingress")
	for _, r := range in.Spec.Rules {
		scheme := "http"
		for _, tls := range in.Spec.TLS {
			if slices.Contains(tls.Hosts, r.Host) {
				scheme = "https"
			}
		}
		paths := []string{"/"}
		if r.HTTP != nil && len(r.HTTP.Paths) > 0 {
			paths = nil
			for _, p := range r.HTTP.Paths {
				if p.Path == "" {
					p.Path = "/"
				}
				paths = append(paths, p.Path)
			}
		}
		for _, p := range paths {
			tg.Targets = append(tg.Targets, model.LabelSet{
				model.AddressLabel:         model.LabelValue(r.Host),
				metaK8s + "ingress_scheme": model.LabelValue(scheme),
				metaK8s + "ingress_host":   model.LabelValue(r.Host),
				metaK8s + "ingress_path":   model.LabelValue(p),
			})
		}
	}
	return tg
}

// parityWorld is the cluster of TestFlavourParityOfSeriesLabels: for each
// target of flavourParityBody an object it selects, and beside it objects
// it must not take (another port, a label or annotation missing, a
// namespace it does not discover in), so a filter one flavour lacks shows.
func parityWorld() *kubeWorld {
	w := &kubeWorld{}
	ip := 10
	// app adds a Service whose Endpoints point at one Pod of a ReplicaSet.
	app := func(ns, name string, labels, annotations map[string]string, ports ...corev1.ContainerPort) {
		ip++
		podName := name + "-7c9d5-x" + strconv.Itoa(ip)
		podIP := "10.244.0." + strconv.Itoa(ip)
		node := "node-" + strconv.Itoa(ip%2)
		pod := corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{
				Namespace: ns, Name: podName, UID: types.UID("uid-" + podName),
				Labels:          labels,
				OwnerReferences: []metav1.OwnerReference{{Kind: "ReplicaSet", Name: name + "-7c9d5", Controller: ptrTo(true)}},
			},
			Spec: corev1.PodSpec{
				NodeName: node,
				Containers: []corev1.Container{
					{Name: "main", Image: "example/" + name + ":1", Ports: ports},
					{Name: "sidecar", Image: "example/sidecar:1"},
				},
			},
			Status: corev1.PodStatus{
				Phase: corev1.PodRunning, PodIP: podIP, HostIP: "192.168.0." + strconv.Itoa(ip%2+1),
				Conditions: []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue}},
			},
		}
		w.pods = append(w.pods, pod)
		svc := corev1.Service{
			ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, Labels: labels, Annotations: annotations},
			Spec:       corev1.ServiceSpec{Type: corev1.ServiceTypeClusterIP, ClusterIP: "10.96.0." + strconv.Itoa(ip)},
		}
		var eps []corev1.EndpointPort
		for _, p := range ports {
			svc.Spec.Ports = append(svc.Spec.Ports, corev1.ServicePort{Name: p.Name, Port: p.ContainerPort, Protocol: corev1.ProtocolTCP})
			eps = append(eps, corev1.EndpointPort{Name: p.Name, Port: p.ContainerPort, Protocol: corev1.ProtocolTCP})
		}
		w.services = append(w.services, svc)
		w.endpoints = append(w.endpoints, corev1.Endpoints{
			ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, Labels: labels},
			Subsets: []corev1.EndpointSubset{{
				Addresses: []corev1.EndpointAddress{{IP: podIP, NodeName: ptrTo(node), TargetRef: &corev1.ObjectReference{Kind: "Pod", Namespace: ns, Name: podName}}},
				Ports:     eps,
			}},
		})
	}
	port := func(name string, n int32) corev1.ContainerPort {
		return corev1.ContainerPort{Name: name, ContainerPort: n, Protocol: corev1.ProtocolTCP}
	}
	web := map[string]string{"app": "web", "team": "shop"}
	for _, ns := range []string{"monitoring", "apps", "shop", "elsewhere"} {
		app(ns, "web", web, nil, port("metrics", 8080), port("http", 80))
	}
	app("monitoring", "web-canary", map[string]string{"app": "web-canary"}, nil, port("metrics", 8080))
	app("monitoring", "node-exporter", map[string]string{"app.kubernetes.io/name": "node-exporter", "app.kubernetes.io/part-of": "kube-prometheus"}, nil, port("metrics", 9100))
	app("monitoring", "shop-frontend", map[string]string{"app": "shop-frontend"}, map[string]string{"prometheus.io/probe": "true"}, port("http", 80))
	app("apps", "checkout", map[string]string{"app": "checkout"}, map[string]string{"prometheus.io/probe": "true"}, port("http", 80))
	app("apps", "unprobed", map[string]string{"app": "unprobed"}, map[string]string{"prometheus.io/probe": "false"}, port("http", 80))
	app("monitoring", "worker", map[string]string{"app": "worker", "team": "payments"}, nil, port("http-metrics", 9090), port("grpc", 9091))
	// A finished Job's Pod of the worker, still holding its IP.
	done := w.pods[len(w.pods)-1]
	done.Name, done.UID = "worker-migrate-1", types.UID("uid-worker-migrate-1")
	done.OwnerReferences = []metav1.OwnerReference{{Kind: "Job", Name: "worker-migrate", Controller: ptrTo(true)}}
	done.Status.Phase = corev1.PodSucceeded
	done.Status.PodIP = "10.244.0.99"
	done.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionFalse}}
	w.pods = append(w.pods, done)

	// The kubelet's Service (the operator maintains it with -kubelet-service):
	// its Endpoints point at Nodes, not Pods.
	w.services = append(w.services, corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: "kubelet", Labels: map[string]string{"app.kubernetes.io/name": "kubelet", "k8s-app": "kubelet"}},
		Spec: corev1.ServiceSpec{Type: corev1.ServiceTypeClusterIP, ClusterIP: corev1.ClusterIPNone, Ports: []corev1.ServicePort{
			{Name: "https-metrics", Port: 10250, Protocol: corev1.ProtocolTCP},
		}},
	})
	var nodes []corev1.EndpointAddress
	for i := range 2 {
		name := "node-" + strconv.Itoa(i)
		nodes = append(nodes, corev1.EndpointAddress{IP: "192.168.0." + strconv.Itoa(i+1), TargetRef: &corev1.ObjectReference{Kind: "Node", Name: name}})
	}
	w.endpoints = append(w.endpoints, corev1.Endpoints{
		ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: "kubelet", Labels: map[string]string{"app.kubernetes.io/name": "kubelet", "k8s-app": "kubelet"}},
		Subsets: []corev1.EndpointSubset{{
			Addresses: nodes,
			Ports:     []corev1.EndpointPort{{Name: "https-metrics", Port: 10250, Protocol: corev1.ProtocolTCP}},
		}},
	})

	ingress := func(ns, name string, labels map[string]string, tls bool, host string, paths ...string) {
		in := networkingv1.Ingress{
			ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, Labels: labels},
			Spec:       networkingv1.IngressSpec{IngressClassName: ptrTo("nginx")},
		}
		rule := networkingv1.IngressRule{Host: host, IngressRuleValue: networkingv1.IngressRuleValue{HTTP: &networkingv1.HTTPIngressRuleValue{}}}
		for _, p := range paths {
			rule.HTTP.Paths = append(rule.HTTP.Paths, networkingv1.HTTPIngressPath{Path: p})
		}
		in.Spec.Rules = []networkingv1.IngressRule{rule}
		if tls {
			in.Spec.TLS = []networkingv1.IngressTLS{{Hosts: []string{host}}}
		}
		w.ingresses = append(w.ingresses, in)
	}
	ingress("monitoring", "shop", map[string]string{"probe": "yes"}, true, "shop.example.com", "/", "/api")
	ingress("monitoring", "admin", map[string]string{"probe": "no"}, false, "admin.example.com", "/")
	ingress("apps", "shop", map[string]string{"probe": "yes"}, false, "apps.example.com", "/")
	return w
}

func ptrTo[T any](v T) *T { return &v }
