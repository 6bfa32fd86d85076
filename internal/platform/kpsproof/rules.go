package kpsproof

import (
	"fmt"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
)

// alerts lists a PrometheusRule's alert names in order.
func alerts(o Object) ([]string, error) {
	var pr monitoringv1.PrometheusRule
	if err := o.decode(&pr); err != nil {
		return nil, err
	}
	var out []string
	for _, g := range pr.Spec.Groups {
		for _, r := range g.Rules {
			if r.Alert != "" {
				out = append(out, r.Alert)
			}
		}
	}
	return out, nil
}

// proveAlertOnce: no alert mongen defines is also defined by a platform
// PrometheusRule that the platform's Prometheus evaluates.
func proveAlertOnce(w *world) []Problem {
	platform := map[string][]Object{}
	var ps []Problem
	for _, o := range w.platform {
		if o.Kind != "PrometheusRule" || !w.promSelects(o) {
			continue
		}
		names, err := alerts(o)
		if err != nil {
			ps = append(ps, Problem{o.String(), "decode", err.Error()})
			continue
		}
		for _, n := range names {
			platform[n] = append(platform[n], o)
		}
	}
	for _, o := range w.mongen {
		if o.Kind != "PrometheusRule" {
			continue
		}
		names, err := alerts(o)
		if err != nil {
			continue // reported as a decode problem by the world
		}
		for _, n := range names {
			for _, p := range platform[n] {
				ps = append(ps, Problem{o.String(), FactAlertOnce, fmt.Sprintf("alert %s is also defined by %s's %s (%s), which Prometheus evaluates", n, w.name, p, p.Source)})
			}
		}
	}
	return ps
}
