package operator

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/mongen-dev/mongen/internal/model"
	"github.com/mongen-dev/mongen/internal/scale"
)

// Thanos Query's ports: gRPC StoreAPI and HTTP (Prometheus' query API);
// its Service offers the HTTP API on scale.ThanosQueryServicePort.
const (
	thanosGRPCPort = 10901
	thanosHTTPPort = 10902
)

// ThanosReplicaLabels are the labels Thanos Query deduplicates along:
// series that differ only in them come from replicas of one source. The
// operator labels each Prometheus pod prometheus_replica and each Thanos
// Ruler pod thanos_ruler_replica; the plain flavour's replicas carry
// scale.ReplicaLabel.
var ThanosReplicaLabels = []string{"prometheus_replica", scale.ReplicaLabel, "thanos_ruler_replica"}

// thanosQueryEndpoint is how the Thanos Ruler reaches the generated Thanos
// Query: every pod behind its Service, by the SRV record of the http port.
func thanosQueryEndpoint(env *model.Environment) string {
	return fmt.Sprintf("dnssrv+_http._tcp.%s.%s.svc.cluster.local", env.Global.Thanos.Query.Name, env.Prometheus.Namespace)
}

// ThanosStores are the StoreAPI endpoints of the generated Thanos Query,
// in cluster order: the hosting cluster's sidecars through the operator's
// prometheus-operated Service (its grpc port, every replica and shard),
// every other cluster's through global.thanos.stores, then the Thanos
// Ruler's StoreAPI (the series the global rules record) when it runs.
func ThanosStores(env *model.Environment, clusters []string, ruler bool) []string {
	t, ns := env.Global.Thanos, env.Prometheus.Namespace
	var out []string
	for _, c := range clusters {
		if a := t.Stores[c]; a != "" {
			out = append(out, a)
		} else if c == env.Cluster {
			out = append(out, fmt.Sprintf("dnssrv+_grpc._tcp.prometheus-operated.%s.svc.cluster.local", ns))
		}
	}
	if ruler {
		out = append(out, fmt.Sprintf("dnssrv+_grpc._tcp.thanos-ruler-operated.%s.svc.cluster.local", ns))
	}
	return out
}

// thanosQuerySelector are the labels of Thanos Query's pods.
func thanosQuerySelector(env *model.Environment) map[string]string {
	return map[string]string{"app.kubernetes.io/name": "thanos-query", "app.kubernetes.io/instance": env.Global.Thanos.Query.Name}
}

// ThanosGRPCTLSDir is where Thanos Query finds global.thanos.grpcTLS's
// Secret.
const ThanosGRPCTLSDir = "/etc/thanos/grpc-tls"

// thanosQuery renders Thanos Query in the hosting cluster: a Deployment
// fanning queries out to every cluster's sidecars and the ruler, with
// replica deduplication, its Service, and the hardened workload's
// ServiceAccount, PodDisruptionBudget and NetworkPolicy (workload.go).
func (r *renderer) thanosQuery(ruler bool) {
	t := r.env.Global.Thanos
	origin := r.env.Source("global", "thanos")
	if origin == "" {
		origin = r.env.Source("global")
	}
	// 0.0.0.0: the pod's address is not known when the manifest is
	// written; the NetworkPolicy decides who connects.
	args := []string{
		"query",
		fmt.Sprintf("--grpc-address=0.0.0.0:%d", thanosGRPCPort),
		fmt.Sprintf("--http-address=0.0.0.0:%d", thanosHTTPPort),
		"--log.format=logfmt",
	}
	for _, l := range ThanosReplicaLabels {
		args = append(args, "--query.replica-label="+l)
	}
	for _, e := range ThanosStores(r.env, r.clusters(), ruler) {
		args = append(args, "--endpoint="+e)
	}
	var volumes []corev1.Volume
	var mounts []corev1.VolumeMount
	if tls := t.GRPCTLS; tls != nil {
		args = append(args,
			"--grpc-client-tls-secure",
			"--grpc-client-tls-ca="+ThanosGRPCTLSDir+"/"+tls.CAKey,
			"--grpc-client-tls-cert="+ThanosGRPCTLSDir+"/"+tls.CertKey,
			"--grpc-client-tls-key="+ThanosGRPCTLSDir+"/"+tls.KeyKey,
		)
		if tls.ServerName != "" {
			args = append(args, "--grpc-client-server-name="+tls.ServerName)
		}
		volumes = append(volumes, grpcTLSVolume(tls))
		mounts = append(mounts, grpcTLSMount())
	}
	sel := thanosQuerySelector(r.env)
	probe := func(path string) *corev1.Probe {
		return &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: path, Port: intstr.FromString("http")}}}
	}
	name := t.Query.Name
	w := Workload{
		Name: name, Namespace: r.ns, Selector: sel, Replicas: t.Query.Replicas,
		Resources: t.Query.Resources, Volumes: volumes, Origin: origin,
		Container: corev1.Container{
			Name:  "thanos-query",
			Image: Image(t.Image+":"+t.Version, t.Query.Digest),
			Args:  args,
			Ports: []corev1.ContainerPort{
				{Name: "grpc", ContainerPort: thanosGRPCPort},
				{Name: "http", ContainerPort: thanosHTTPPort},
			},
			VolumeMounts:   mounts,
			LivenessProbe:  probe("/-/healthy"),
			ReadinessProbe: probe("/-/ready"),
		},
		// Its HTTP API is queried by the Thanos Ruler and by Grafana; its
		// own gRPC StoreAPI by nobody mongen wires.
		Ingress: []NetworkPolicyIngressRule{{
			Ports: []intstr.IntOrString{intstr.FromString("http")},
			Peers: []Peer{
				{Namespace: r.ns, PodLabels: map[string]string{"app.kubernetes.io/name": "thanos-ruler"}},
				{PodLabels: map[string]string{"app.kubernetes.io/name": "grafana"}},
			},
		}},
	}
	r.addWorkload(w)
	r.add("Service", name, origin, &corev1.Service{
		TypeMeta:   typeMeta("v1", "Service"),
		ObjectMeta: r.meta(name, r.ns, sel),
		Spec: corev1.ServiceSpec{
			Selector: copyMap(sel),
			Ports: []corev1.ServicePort{
				{Name: "grpc", Port: thanosGRPCPort, TargetPort: intstr.FromString("grpc")},
				{Name: "http", Port: scale.ThanosQueryServicePort, TargetPort: intstr.FromString("http")},
			},
		},
	})
}

// addWorkload adds a hardened workload's objects (workload.go).
func (r *renderer) addWorkload(w Workload) {
	objs, err := w.Objects(r.meta)
	if err != nil {
		r.fail(w.Origin, "%v", err)
		return
	}
	for _, o := range objs {
		r.add(o.Kind, o.Name, w.Origin, o.Obj)
	}
}
