//lint:file-ignore SA1019 Endpoints, not EndpointSlice: a ServiceMonitor discovers through the endpoints role by default, and the cluster mirrors the Endpoints of a selector-less Service into EndpointSlices for the endpointslice role.

package operator

import (
	"fmt"
	"net"
	"strconv"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/mongen-dev/mongen/internal/expand"
)

// external renders a service target whose component runs outside the
// cluster (a control plane on its own hosts): a headless Service without a
// selector, the Endpoints that list the hosts, and a ServiceMonitor that
// selects the Service by its mongen.dev/job label.
func (r *renderer) external(j expand.Job) {
	t := j.Target
	what := fmt.Sprintf("job %q", j.Name)
	ns := t.Namespace
	if ns == "" {
		ns = r.ns
	}
	ips, port, ok := r.endpoints(j.Origin, what, t.Endpoints)
	if !ok {
		return
	}
	if errs := validation.IsDNS1035Label(j.Name); len(errs) > 0 {
		r.fail(j.Origin, "%s: the job name becomes a Service name, which must start with a letter: %s", what, errs[0])
	}
	if errs := validation.IsValidPortName(t.Port); t.Port != "" && len(errs) > 0 {
		r.fail(j.Origin, "%s: port %q is not a valid Service port name: %s", what, t.Port, errs[0])
	}
	extra := map[string]string{JobLabel: j.Name}

	r.add("Service", j.Name, j.Origin, &corev1.Service{
		TypeMeta:   typeMeta(coreV1, "Service"),
		ObjectMeta: r.meta(j.Name, ns, extra),
		Spec: corev1.ServiceSpec{
			ClusterIP: corev1.ClusterIPNone,
			Ports: []corev1.ServicePort{{
				Name:       t.Port,
				Port:       port,
				TargetPort: intstr.FromInt32(port),
			}},
		},
	})
	addrs := make([]corev1.EndpointAddress, 0, len(ips))
	for _, ip := range ips {
		addrs = append(addrs, corev1.EndpointAddress{IP: ip})
	}
	r.add("Endpoints", j.Name, j.Origin, &corev1.Endpoints{
		TypeMeta:   typeMeta(coreV1, "Endpoints"),
		ObjectMeta: r.meta(j.Name, ns, extra),
		Subsets: []corev1.EndpointSubset{{
			Addresses: addrs,
			Ports:     []corev1.EndpointPort{{Name: t.Port, Port: port}},
		}},
	})
	r.serviceMonitor(j, map[string]string{JobLabel: j.Name}, []string{ns})
}

// endpoints splits host:port addresses into IPs and their one shared port.
func (r *renderer) endpoints(origin, what string, eps []string) (ips []string, port int32, ok bool) {
	ok = true
	first := ""
	seen := map[string]bool{}
	for _, ep := range eps {
		host, p, err := net.SplitHostPort(ep)
		if err != nil {
			r.fail(origin, "%s: endpoint %q: %v", what, ep, err)
			ok = false
			continue
		}
		if net.ParseIP(host) == nil {
			r.fail(origin, "%s: endpoint %q: %q is not an IP address (Endpoints hold IPs only)", what, ep, host)
			ok = false
		}
		n, err := strconv.ParseUint(p, 10, 16)
		if err != nil || n == 0 {
			r.fail(origin, "%s: endpoint %q: invalid port %q", what, ep, p)
			ok = false
			continue
		}
		if first == "" {
			first, port = ep, int32(n)
		} else if int32(n) != port {
			r.fail(origin, "%s: endpoints %q and %q use different ports: one headless Service has one port, so every endpoint must share it (split the job in two)", what, first, ep)
			ok = false
		}
		if seen[host] {
			r.fail(origin, "%s: endpoint %q listed twice", what, ep)
			ok = false
			continue
		}
		seen[host] = true
		ips = append(ips, host)
	}
	return ips, port, ok
}
