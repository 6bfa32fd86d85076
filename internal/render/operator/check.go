package operator

import (
	"fmt"
	"regexp"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	promodel "github.com/prometheus/common/model"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	metav1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// durationRE is the pattern the operator's CRDs impose on a Duration
// (monitoringv1.Duration's kubebuilder marker). It is stricter than
// Prometheus: units must come in decreasing order, so "30s1m" is rejected.
var durationRE = regexp.MustCompile(`^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$`)

// checkDuration reports a duration the CRD schema would reject.
func (r *renderer) checkDuration(origin, what, d string) {
	if d == "" {
		return
	}
	if !durationRE.MatchString(d) {
		r.fail(origin, "%s: duration %q is not accepted by the Prometheus Operator (units in decreasing order, e.g. 1h30m)", what, d)
	}
}

// checkTimeout reports a scrape timeout longer than its interval, which the
// operator rejects; an empty interval is the Prometheus's global one.
func (r *renderer) checkTimeout(origin, what, interval, timeout string) {
	if timeout == "" {
		return
	}
	if interval == "" {
		interval = r.env.Prometheus.ScrapeInterval
	}
	if interval == "" {
		return
	}
	iv, err1 := promodel.ParseDuration(interval)
	to, err2 := promodel.ParseDuration(timeout)
	if err1 != nil || err2 != nil {
		return // reported by checkDuration
	}
	if to > iv {
		r.fail(origin, "%s: scrape timeout %s is longer than the scrape interval %s", what, timeout, interval)
	}
}

// checkObject validates what Kubernetes validates for every object: its
// name, namespace and labels, and the label selectors it carries.
func (r *renderer) checkObject(o Object) {
	m, ok := o.Obj.(metav1.Object)
	if !ok {
		r.fail(o.Origin, "%s %q: not a Kubernetes object", o.Kind, o.Name)
		return
	}
	what := fmt.Sprintf("%s %q", o.Kind, o.Name)
	for _, e := range validation.IsDNS1123Subdomain(m.GetName()) {
		r.fail(o.Origin, "%s: name: %s", what, e)
	}
	if ns := m.GetNamespace(); ns != "" {
		for _, e := range validation.IsDNS1123Label(ns) {
			r.fail(o.Origin, "%s: namespace %q: %s", what, ns, e)
		}
	}
	for _, e := range metav1validation.ValidateLabels(m.GetLabels(), field.NewPath("metadata", "labels")) {
		r.fail(o.Origin, "%s: %s", what, e.Error())
	}
	sel := func(s *metav1.LabelSelector, p *field.Path) {
		for _, e := range metav1validation.ValidateLabelSelector(s, metav1validation.LabelSelectorValidationOptions{}, p) {
			r.fail(o.Origin, "%s: %s", what, e.Error())
		}
	}
	spec := field.NewPath("spec")
	switch obj := o.Obj.(type) {
	case *monitoringv1.ServiceMonitor:
		sel(&obj.Spec.Selector, spec.Child("selector"))
		r.checkNamespaces(o, obj.Spec.NamespaceSelector.MatchNames)
	case *monitoringv1.PodMonitor:
		sel(&obj.Spec.Selector, spec.Child("selector"))
		r.checkNamespaces(o, obj.Spec.NamespaceSelector.MatchNames)
	case *monitoringv1.Probe:
		if in := obj.Spec.Targets.Ingress; in != nil {
			sel(&in.Selector, spec.Child("targets", "ingress", "selector"))
			r.checkNamespaces(o, in.NamespaceSelector.MatchNames)
		}
	case *monitoringv1.Prometheus:
		sel(obj.Spec.ServiceMonitorSelector, spec.Child("serviceMonitorSelector"))
	}
}

func (r *renderer) checkNamespaces(o Object, names []string) {
	for _, ns := range names {
		for _, e := range validation.IsDNS1123Label(ns) {
			r.fail(o.Origin, "%s %q: namespace %q: %s", o.Kind, o.Name, ns, e)
		}
	}
}
