package operator

import (
	"sort"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/mongen-dev/mongen/internal/model"
)

// NetworkPolicyIngressRule admits connections to Ports (container port
// names or numbers) from the pods Peers select; no peers means from
// anywhere.
type NetworkPolicyIngressRule struct {
	Ports []intstr.IntOrString
	Peers []Peer
}

// Peer is the pods of a namespace (every namespace when Namespace is
// empty) carrying PodLabels, or the addresses of CIDR.
type Peer struct {
	Namespace string
	PodLabels map[string]string
	CIDR      string
}

// namespaceNameLabel is set by Kubernetes (1.22 and later) on every
// namespace.
const namespaceNameLabel = "kubernetes.io/metadata.name"

// IngressPolicy is the NetworkPolicy admitting exactly rules into the pods
// selector selects; egress stays open (see docs/output.md#hardened-defaults
// for why).
func IngressPolicy(meta metav1.ObjectMeta, selector map[string]string, rules []NetworkPolicyIngressRule) *networkingv1.NetworkPolicy {
	tcp := corev1.ProtocolTCP
	spec := networkingv1.NetworkPolicySpec{
		PodSelector: metav1.LabelSelector{MatchLabels: copyMap(selector)},
		PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress},
	}
	for _, r := range rules {
		var in networkingv1.NetworkPolicyIngressRule
		for _, p := range r.Ports {
			in.Ports = append(in.Ports, networkingv1.NetworkPolicyPort{Protocol: &tcp, Port: ptr(p)})
		}
		for _, p := range r.Peers {
			var peer networkingv1.NetworkPolicyPeer
			if p.CIDR != "" {
				peer.IPBlock = &networkingv1.IPBlock{CIDR: p.CIDR}
			} else {
				peer.PodSelector = &metav1.LabelSelector{MatchLabels: copyMap(p.PodLabels)}
				ns := &metav1.LabelSelector{}
				if p.Namespace != "" {
					ns.MatchLabels = map[string]string{namespaceNameLabel: p.Namespace}
				}
				peer.NamespaceSelector = ns
			}
			in.From = append(in.From, peer)
		}
		spec.Ingress = append(spec.Ingress, in)
	}
	return &networkingv1.NetworkPolicy{
		TypeMeta:   typeMeta("networking.k8s.io/v1", "NetworkPolicy"),
		ObjectMeta: meta,
		Spec:       spec,
	}
}

// sidecarPolicy admits the StoreAPI of the cluster's Thanos sidecars
// (port grpc of the Prometheus pods) only from the generated Thanos Query
// in the hosting cluster, or from global.thanos.grpcClientCIDRs in the
// others; the Prometheus's other ports stay reachable as before (a
// NetworkPolicy selecting a pod closes what it does not list).
func (r *renderer) sidecarPolicy() {
	t := r.env.Global.Thanos
	name := "mongen-thanos-sidecar-" + r.env.Prometheus.Name
	var peers []Peer
	if r.env.RunsThanosQuery() {
		peers = append(peers, Peer{Namespace: r.ns, PodLabels: thanosQuerySelector(r.env)})
	}
	for _, c := range sortedSet(t.GRPCClientCIDRs) {
		peers = append(peers, Peer{CIDR: c})
	}
	if len(peers) == 0 {
		// No known client: a policy would cut the global view off.
		return
	}
	open := []intstr.IntOrString{intstr.FromString("web"), intstr.FromString("reloader-web"), intstr.FromString("http")}
	sort.Slice(open, func(i, j int) bool { return open[i].String() < open[j].String() })
	rules := []NetworkPolicyIngressRule{{Ports: []intstr.IntOrString{intstr.FromString("grpc")}, Peers: peers}}
	if r.env.Platform.Profile != model.ProfileKubePrometheus {
		// kube-prometheus has a NetworkPolicy of its own admitting its
		// flows to these ports: a rule here would widen it.
		rules = append(rules, NetworkPolicyIngressRule{Ports: open})
	}
	sel := map[string]string{"app.kubernetes.io/name": "prometheus", "operator.prometheus.io/name": r.env.Prometheus.Name}
	r.add("NetworkPolicy", name, r.env.Source("global", "thanos"), IngressPolicy(r.meta(name, r.ns, nil), sel, rules))
}
