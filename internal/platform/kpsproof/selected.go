package kpsproof

import (
	"fmt"
	"strings"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// selectors returns a Prometheus's label and namespace selectors for a
// kind of monitoring object.
func selectors(p *monitoringv1.Prometheus, kind string) (sel, ns *metav1.LabelSelector, field string) {
	s := &p.Spec
	switch kind {
	case "ServiceMonitor":
		return s.ServiceMonitorSelector, s.ServiceMonitorNamespaceSelector, "serviceMonitorSelector"
	case "PodMonitor":
		return s.PodMonitorSelector, s.PodMonitorNamespaceSelector, "podMonitorSelector"
	case "Probe":
		return s.ProbeSelector, s.ProbeNamespaceSelector, "probeSelector"
	case "ScrapeConfig":
		return s.ScrapeConfigSelector, s.ScrapeConfigNamespaceSelector, "scrapeConfigSelector"
	case "PrometheusRule":
		return s.RuleSelector, s.RuleNamespaceSelector, "ruleSelector"
	}
	return nil, nil, ""
}

// selectedBy says whether one selector pair picks up o, and why not.
func (w *world) selectedBy(sel, nsSel *metav1.LabelSelector, own string, o Object) (bool, string, error) {
	ok, err := matches(sel, o.Labels)
	if err != nil {
		return false, "", err
	}
	if !ok {
		if sel == nil {
			return false, "its label selector is null (selects nothing)", nil
		}
		return false, fmt.Sprintf("labels %s do not match %s", labelString(o.Labels), metav1.FormatLabelSelector(sel)), nil
	}
	ok, err = w.namespaceMatches(nsSel, own, o.Namespace)
	if err != nil {
		return false, "", err
	}
	if !ok {
		if nsSel == nil {
			return false, fmt.Sprintf("its namespace selector is null (own namespace %s only)", own), nil
		}
		return false, fmt.Sprintf("namespace %s (labels %s) does not match %s", o.Namespace, labelString(w.namespaceLabels(o.Namespace)), metav1.FormatLabelSelector(nsSel)), nil
	}
	return true, "", nil
}

// proveSelected: the platform's Prometheus selects every mongen monitor;
// every mongen PrometheusRule is evaluated by exactly one of the
// platform's Prometheus and the ThanosRulers.
func proveSelected(w *world) []Problem {
	var ps []Problem
	for _, o := range w.mongen {
		switch o.Kind {
		case "ServiceMonitor", "PodMonitor", "Probe", "ScrapeConfig":
		case "PrometheusRule":
			ps = append(ps, w.proveEvaluatedOnce(o)...)
			continue
		default:
			continue
		}
		if len(w.proms) == 0 {
			ps = append(ps, Problem{o.String(), FactSelected, w.name + " renders no Prometheus"})
			continue
		}
		var why []string
		selected := false
		for _, p := range w.proms {
			sel, nsSel, field := selectors(p, o.Kind)
			ok, reason, err := w.selectedBy(sel, nsSel, p.Namespace, o)
			if err != nil {
				ps = append(ps, Problem{o.String(), FactSelected, fmt.Sprintf("Prometheus %s/%s %s: %v", p.Namespace, p.Name, field, err)})
				continue
			}
			if ok {
				selected = true
				break
			}
			why = append(why, fmt.Sprintf("Prometheus %s/%s %s: %s", p.Namespace, p.Name, field, reason))
		}
		if !selected && len(why) > 0 {
			ps = append(ps, Problem{o.String(), FactSelected, "not selected: " + strings.Join(why, "; ")})
		}
	}
	return ps
}

func (w *world) proveEvaluatedOnce(o Object) []Problem {
	var by, why []string
	var ps []Problem
	check := func(what string, sel, nsSel *metav1.LabelSelector, own string) {
		ok, reason, err := w.selectedBy(sel, nsSel, own, o)
		switch {
		case err != nil:
			ps = append(ps, Problem{o.String(), FactSelected, fmt.Sprintf("%s ruleSelector: %v", what, err)})
		case ok:
			by = append(by, what)
		default:
			why = append(why, what+" ruleSelector: "+reason)
		}
	}
	for _, p := range w.proms {
		check(fmt.Sprintf("Prometheus %s/%s", p.Namespace, p.Name), p.Spec.RuleSelector, p.Spec.RuleNamespaceSelector, p.Namespace)
	}
	for _, r := range w.rulers {
		check(fmt.Sprintf("ThanosRuler %s/%s", r.Namespace, r.Name), r.Spec.RuleSelector, r.Spec.RuleNamespaceSelector, r.Namespace)
	}
	switch {
	case len(by) == 0 && len(why) == 0:
		ps = append(ps, Problem{o.String(), FactSelected, w.name + " renders no Prometheus and mongen no ThanosRuler"})
	case len(by) == 0:
		ps = append(ps, Problem{o.String(), FactSelected, "evaluated by nobody: " + strings.Join(why, "; ")})
	case len(by) > 1:
		ps = append(ps, Problem{o.String(), FactSelected, "evaluated twice, by " + strings.Join(by, " and ")})
	}
	return ps
}

func labelString(l map[string]string) string {
	if len(l) == 0 {
		return "{}"
	}
	return "{" + labels.Set(l).String() + "}"
}
