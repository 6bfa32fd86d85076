package operator

import (
	"fmt"
	"slices"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/model"
	"github.com/mongen-dev/mongen/internal/scale"
)

// federationView renders the federation engine in the hosting cluster: a
// second Prometheus that federates every cluster's series the global rules
// select (one ScrapeConfig per cluster, honor_labels) and evaluates those
// rules, all selected by EvaluatorLabel alone.
func (r *renderer) federationView() {
	g, fed := r.env.Global, r.env.Global.Federation
	groups := r.plan.GlobalGroups()
	origin := r.env.Source("global")
	match := scale.FederationMatch(groups)
	if len(groups) == 0 || len(match) == 0 {
		return
	}
	selector := map[string]string{EvaluatorLabel: EvaluatorFederation}
	replicas, ok := int32Of(int64(fed.Prometheus.Replicas))
	if !ok || replicas < 1 {
		r.fail(origin, "global.federation.prometheus: replicas %d out of range", fed.Prometheus.Replicas)
	}
	r.checkDuration(origin, "global: evaluationInterval", g.EvaluationInterval)
	r.checkDuration(origin, "global.federation.prometheus: retention", fed.Prometheus.Retention)
	pr := r.env.Prometheus
	spec := monitoringv1.PrometheusSpec{
		CommonPrometheusFields: monitoringv1.CommonPrometheusFields{
			Version:                       pr.Version,
			Replicas:                      &replicas,
			ScrapeInterval:                monitoringv1.Duration(fed.Interval),
			ExternalLabels:                copyMap(g.ExternalLabels),
			ServiceAccountName:            pr.ServiceAccount,
			Secrets:                       federationSecrets(fed),
			ScrapeConfigSelector:          &metav1.LabelSelector{MatchLabels: copyMap(selector)},
			ScrapeConfigNamespaceSelector: &metav1.LabelSelector{},
		},
		Retention:             monitoringv1.Duration(fed.Prometheus.Retention),
		EvaluationInterval:    monitoringv1.Duration(g.EvaluationInterval),
		RuleSelector:          &metav1.LabelSelector{MatchLabels: copyMap(selector)},
		RuleNamespaceSelector: &metav1.LabelSelector{},
	}
	if r.env.SendsToSharedAlertmanager() {
		spec.AdditionalAlertManagerConfigs = secretKey(SharedAlertmanagersSecret, SharedAlertmanagersKey)
	}
	if r.env.RunsAlertmanager() {
		am := r.plan.Alerting.Policy.Alertmanager
		spec.Alerting = &monitoringv1.AlertingSpec{Alertmanagers: []monitoringv1.AlertmanagerEndpoints{{
			Namespace: ptr(am.Namespace), Name: "alertmanager-operated", Port: intstr.FromString("web"),
		}}}
	}
	storage, err := Storage(fed.Prometheus.Storage)
	if err != nil {
		r.fail(origin, "global.federation.prometheus: %v", err)
	}
	spec.Storage = storage
	name := fed.Prometheus.Name
	r.operatorPDB("prometheus", name, origin, replicas)
	r.add(monitoringv1.PrometheusesKind, name, origin, &monitoringv1.Prometheus{
		TypeMeta:   typeMeta(monitoringV1, monitoringv1.PrometheusesKind),
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: r.ns, Labels: map[string]string{ManagedByLabel: ManagedByValue, EvaluatorLabel: EvaluatorFederation}},
		Spec:       spec,
	})
	for _, c := range r.clusters() {
		f := model.Federation{
			Addresses: []string{fed.Endpoints[c]}, Match: match, Scheme: fed.Scheme,
			Interval: fed.Interval, Timeout: fed.Timeout, TLS: fed.TLS, BasicAuth: fed.BasicAuth,
		}
		if f.Addresses[0] == "" && c == r.env.Cluster {
			// The hosting cluster's own Prometheus, through the
			// operator's Service, inside the cluster.
			f.Addresses[0] = fmt.Sprintf("prometheus-operated.%s.svc:9090", r.ns)
			f.Scheme, f.TLS, f.BasicAuth = "http", nil, nil
		}
		before := len(r.objs)
		r.federation(expand.FederationJob{Name: "federate-" + c, Origin: origin, Federation: f})
		if len(r.objs) > before {
			o := r.objs[len(r.objs)-1].Obj.(metav1.Object)
			o.SetLabels(map[string]string{ManagedByLabel: ManagedByValue, EvaluatorLabel: EvaluatorFederation})
		}
	}
	for _, gr := range groups {
		r.globalRules(gr, EvaluatorFederation)
	}
}

// clusters are the environment's clusters, or its one.
func (r *renderer) clusters() []string {
	if r.env.MultiCluster() {
		return r.env.Clusters
	}
	return []string{r.env.Cluster}
}

func federationSecrets(f *model.GlobalFederation) []string {
	var s []string
	if f.TLS != nil && f.TLS.Secret != "" {
		s = append(s, f.TLS.Secret)
	}
	if f.BasicAuth != nil {
		s = append(s, f.BasicAuth.Username.Secret, f.BasicAuth.Password.Secret)
	}
	slices.Sort(s)
	return slices.Compact(s)
}
