// Package kpsproof proves mongen's output against the platform it lands
// on: the objects the kube-prometheus-stack chart renders (with the values
// mongen writes) or kube-prometheus's generated manifests. It is test
// support: it links helm's library to render charts, and is not part of
// the mongen binary.
//
// Each proof reads the platform's real objects (Prometheus, Alertmanager,
// Services, the Grafana Deployment, PrometheusRules) and mongen's objects
// (a kustomize build of out/<env>/[<cluster>/]) and reports every fact
// that does not hold as a Problem naming the object and the fact.
package kpsproof

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Facts the proofs check; a Problem names one.
const (
	// FactSelected: the platform's Prometheus selects a mongen monitor or
	// rule (label and namespace selector both); a rule is evaluated by
	// exactly one of the Prometheus and mongen's ThanosRulers.
	FactSelected = "selected"
	// FactTarget: a mongen ServiceMonitor meant for a platform Service
	// selects exactly that Service and no other platform Service.
	FactTarget = "target"
	// FactPort: every endpoint port a ServiceMonitor names is a port of
	// the Services it selects.
	FactPort = "port"
	// FactScheme: an endpoint on a port served by kube-rbac-proxy scrapes
	// over https with a bearer token and a TLS config.
	FactScheme = "scheme"
	// FactScrapedOnce: no Service port and path is scraped by two
	// selected ServiceMonitors (the platform's and mongen's).
	FactScrapedOnce = "scraped-once"
	// FactAlertmanagerConfig: the platform's Alertmanager reads mongen's
	// generated configuration Secret, and the platform renders none of
	// its own.
	FactAlertmanagerConfig = "alertmanager-config"
	// FactSecretMounted: every *_file path of the generated configuration
	// is under /etc/alertmanager/secrets/<name>/ for a Secret <name> the
	// Alertmanager mounts (spec.secrets), or configmaps/<name>/ likewise.
	FactSecretMounted = "secret-mounted"
	// FactAlertOnce: no alert name is defined by an enabled platform rule
	// and by mongen.
	FactAlertOnce = "alert-once"
	// FactDashboardLoaded, FactDatasourceLoaded: the platform's Grafana
	// loads mongen's dashboard and datasource ConfigMaps.
	FactDashboardLoaded  = "dashboard-loaded"
	FactDatasourceLoaded = "datasource-loaded"
	// FactDatasourceURL: a datasource URL names a platform Service that
	// fronts the platform's Prometheus (or a Service mongen emits), on a
	// port that Service has.
	FactDatasourceURL = "datasource-url"
	// FactOwnership: mongen emits no object the platform owns (same kind,
	// namespace and name).
	FactOwnership = "ownership"
)

// Problem is one fact that does not hold.
type Problem struct {
	Object string // "ServiceMonitor monitoring/node-exporter"
	Fact   string // one of the Fact constants
	Detail string
}

func (p Problem) String() string { return p.Object + ": " + p.Fact + ": " + p.Detail }

// Prove proves mongen's objects against the objects the
// kube-prometheus-stack chart renders (Chart.Render with the values mongen
// writes merged over the user's).
func Prove(chartObjects, mongenObjects []Object) []Problem {
	return prove(newWorld("the chart", chartObjects, mongenObjects))
}

// ProveKubePrometheus proves mongen's objects against kube-prometheus's
// generated manifests (ReadManifests), as deployed: pass the manifests the
// user applies, without the files mongen's output replaces.
func ProveKubePrometheus(manifests, mongenObjects []Object) []Problem {
	return prove(newWorld("kube-prometheus", manifests, mongenObjects))
}

func prove(w *world) []Problem {
	var ps []Problem
	ps = append(ps, w.decodeProblems...)
	ps = append(ps, proveSelected(w)...)
	ps = append(ps, proveTargets(w)...)
	ps = append(ps, proveAlertmanager(w)...)
	ps = append(ps, proveAlertOnce(w)...)
	ps = append(ps, proveGrafana(w)...)
	ps = append(ps, proveOwnership(w)...)
	slices.SortFunc(ps, func(a, b Problem) int {
		return cmp.Or(strings.Compare(a.Object, b.Object), strings.Compare(a.Fact, b.Fact), strings.Compare(a.Detail, b.Detail))
	})
	return slices.Compact(ps)
}

// proveOwnership: no mongen object has the identity of a platform object
// (rendered or assumed to exist in the cluster).
func proveOwnership(w *world) []Problem {
	owned := map[string]Object{}
	for _, o := range w.platform {
		owned[o.String()] = o
	}
	for _, o := range w.assumed {
		owned[o.String()] = o
	}
	var ps []Problem
	for _, o := range w.mongen {
		if p, ok := owned[o.String()]; ok {
			ps = append(ps, Problem{o.String(), FactOwnership, fmt.Sprintf("%s already provides this object (%s)", w.name, p.Source)})
		}
	}
	return ps
}

func quoteList(xs []string) string {
	if len(xs) == 0 {
		return "none"
	}
	return strings.Join(xs, ", ")
}
