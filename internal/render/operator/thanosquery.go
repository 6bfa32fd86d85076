package operator

import (
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
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

// thanosQuery renders Thanos Query in the hosting cluster: a Deployment
// fanning queries out to every cluster's sidecars and the ruler, with
// replica deduplication, and its Service.
func (r *renderer) thanosQuery(ruler bool) {
	t := r.env.Global.Thanos
	origin := r.env.Source("global", "thanos")
	if origin == "" {
		origin = r.env.Source("global")
	}
	replicas, ok := int32Of(int64(t.Query.Replicas))
	if !ok || replicas < 1 {
		r.fail(origin, "global.thanos.query: replicas %d out of range", t.Query.Replicas)
	}
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
	sel := map[string]string{"app.kubernetes.io/name": "thanos-query", "app.kubernetes.io/instance": t.Query.Name}
	probe := func(path string) *corev1.Probe {
		return &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: path, Port: intstr.FromString("http")}}}
	}
	name := t.Query.Name
	r.add("Deployment", name, origin, &appsv1.Deployment{
		TypeMeta:   typeMeta("apps/v1", "Deployment"),
		ObjectMeta: r.meta(name, r.ns, sel),
		Spec: appsv1.DeploymentSpec{
			Replicas: &replicas,
			Selector: &metav1.LabelSelector{MatchLabels: copyMap(sel)},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: copyMap(sel)},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{
					Name:  "thanos-query",
					Image: t.Image + ":" + t.Version,
					Args:  args,
					Ports: []corev1.ContainerPort{
						{Name: "grpc", ContainerPort: thanosGRPCPort},
						{Name: "http", ContainerPort: thanosHTTPPort},
					},
					LivenessProbe:  probe("/-/healthy"),
					ReadinessProbe: probe("/-/ready"),
				}}},
			},
		},
	})
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
