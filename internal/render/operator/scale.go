package operator

import (
	"fmt"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/mongen-dev/mongen/internal/artifact"
	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/model"
	"github.com/mongen-dev/mongen/internal/render/encode"
)

// EvaluatorLabel marks the PrometheusRules of the global view with the
// evaluator that runs them; every Prometheus of an environment with a
// global view selects only rules without it, so a global rule never runs
// in a cluster whatever its other labels.
const EvaluatorLabel = "mongen.dev/evaluator"

// EvaluatorLabel's values: the Thanos Ruler, and the federating
// Prometheus (which selects its ScrapeConfigs by the label too).
const (
	EvaluatorThanosRuler = "thanos-ruler"
	EvaluatorFederation  = "federation"
)

// scaleOut adds sharding and the global view's settings to a cluster's
// Prometheus.
func (r *renderer) scaleOut(origin string, spec *monitoringv1.PrometheusSpec) {
	if n := r.env.Prometheus.Shards; n > 1 {
		// The operator splits the targets by hashmod of __address__.
		s, ok := int32Of(int64(n))
		if !ok {
			r.fail(origin, "prometheus: shards %d out of range", n)
		}
		spec.Shards = &s
	}
	if r.env.SendsToSharedAlertmanager() {
		// The shared Alertmanager is in another cluster: no Service here
		// to select, so its addresses come as raw configuration.
		spec.AdditionalAlertManagerConfigs = secretKey(SharedAlertmanagersSecret, SharedAlertmanagersKey)
	}
	g := r.env.Global
	if g == nil {
		return
	}
	notGlobal := metav1.LabelSelectorRequirement{Key: EvaluatorLabel, Operator: metav1.LabelSelectorOpDoesNotExist}
	spec.RuleSelector.MatchExpressions = append(spec.RuleSelector.MatchExpressions, notGlobal)
	if g.Engine == model.EngineFederation {
		spec.ScrapeConfigSelector.MatchExpressions = append(spec.ScrapeConfigSelector.MatchExpressions, notGlobal)
	}
	if t := g.Thanos; g.Engine == model.EngineThanos && t != nil {
		spec.Thanos = &monitoringv1.ThanosSpec{
			Version:             ptr(t.Version),
			ObjectStorageConfig: secretKey(t.ObjectStorage.Secret, t.ObjectStorage.Key),
		}
		if tls := t.GRPCTLS; tls != nil {
			// The sidecar's StoreAPI serves TLS to Thanos Query.
			spec.Thanos.GRPCServerTLSConfig = grpcServerTLS(tls)
			spec.Volumes = append(spec.Volumes, grpcTLSVolume(tls))
			spec.Thanos.VolumeMounts = append(spec.Thanos.VolumeMounts, grpcTLSMount())
		}
		r.sidecarPolicy()
	}
}

// globalView renders the global evaluator in the cluster that hosts it:
// for thanos, a ThanosRuler and the PrometheusRules of the global groups,
// which only it selects.
func (r *renderer) globalView() {
	g := r.env.Global
	if r.env.HostsGlobal() && g.Engine == model.EngineFederation && g.Federation != nil {
		r.federationView()
		return
	}
	if !r.env.RunsThanosQuery() {
		return
	}
	groups := r.plan.GlobalGroups()
	r.thanosQuery(len(groups) > 0)
	if len(groups) == 0 {
		return
	}
	t := g.Thanos
	origin := r.env.Source("global")
	selector := map[string]string{EvaluatorLabel: EvaluatorThanosRuler}
	replicas, ok := int32Of(int64(t.Ruler.Replicas))
	if !ok || replicas < 1 {
		r.fail(origin, "global.thanos.ruler: replicas %d out of range", t.Ruler.Replicas)
	}
	r.checkDuration(origin, "global: evaluationInterval", g.EvaluationInterval)
	r.checkDuration(origin, "global.thanos.ruler: retention", t.Ruler.Retention)
	spec := monitoringv1.ThanosRulerSpec{
		Version:               ptr(t.Version),
		Replicas:              &replicas,
		QueryEndpoints:        r.rulerQueryEndpoints(),
		ObjectStorageConfig:   secretKey(t.ObjectStorage.Secret, t.ObjectStorage.Key),
		RuleSelector:          &metav1.LabelSelector{MatchLabels: copyMap(selector)},
		RuleNamespaceSelector: &metav1.LabelSelector{},
		Labels:                copyMap(g.ExternalLabels),
		EvaluationInterval:    monitoringv1.Duration(g.EvaluationInterval),
		Retention:             monitoringv1.Duration(t.Ruler.Retention),
	}
	switch {
	case r.env.RunsAlertmanager():
		// Every pod of the operator's governing Service, by its SRV record.
		am := r.plan.Alerting.Policy.Alertmanager
		spec.AlertManagersURL = []string{fmt.Sprintf("dnssrv+http://_web._tcp.alertmanager-operated.%s.svc.cluster.local", am.Namespace)}
	case r.env.SendsToSharedAlertmanager():
		for _, a := range r.env.AlertingTopology.Addresses {
			spec.AlertManagersURL = append(spec.AlertManagersURL, r.env.AlertingTopology.Scheme+"://"+a)
		}
	}
	storage, err := Storage(t.Ruler.Storage)
	if err != nil {
		r.fail(origin, "global.thanos.ruler: %v", err)
	}
	spec.Storage = storage
	if tls := t.GRPCTLS; tls != nil {
		// The ruler's StoreAPI serves TLS to Thanos Query.
		spec.GRPCServerTLSConfig = grpcServerTLS(tls)
		spec.Volumes = append(spec.Volumes, grpcTLSVolume(tls))
		spec.VolumeMounts = append(spec.VolumeMounts, grpcTLSMount())
	}
	r.operatorPDB("thanos-ruler", t.Ruler.Name, origin, replicas)
	r.add(monitoringv1.ThanosRulerKind, t.Ruler.Name, origin, &monitoringv1.ThanosRuler{
		TypeMeta:   typeMeta(monitoringV1, monitoringv1.ThanosRulerKind),
		ObjectMeta: r.meta(t.Ruler.Name, r.ns, nil),
		Spec:       spec,
	})
	for _, gr := range groups {
		if gr.QueryOffset != "" {
			r.fail(r.env.Source("ruleGroups", gr.Name, "queryOffset"), "rule group %q: the Thanos Ruler evaluates it, which has no query_offset: remove ruleGroups.%s.queryOffset or give the group cluster scope", gr.Name, gr.Name)
		}
		if pr := r.globalRules(gr, EvaluatorThanosRuler); pr != nil {
			for i := range pr.Spec.Groups {
				pr.Spec.Groups[i].PartialResponseStrategy = g.PartialResponseFor(gr.Name)
			}
		}
	}
}

// rulerQueryEndpoints are global.thanos.queryEndpoints, else the
// generated Thanos Query.
func (r *renderer) rulerQueryEndpoints() []string {
	if qe := r.env.Global.Thanos.QueryEndpoints; len(qe) > 0 {
		return append([]string(nil), qe...)
	}
	return []string{thanosQueryEndpoint(r.env)}
}

// globalRules renders a global group for the evaluator, labelled for it
// alone: not with the environment's selector, so that a Prometheus
// selecting by it never picks a global rule up.
func (r *renderer) globalRules(g expand.Group, evaluator string) *monitoringv1.PrometheusRule {
	before := len(r.objs)
	r.rules(g)
	if len(r.objs) == before {
		return nil
	}
	pr := r.objs[len(r.objs)-1].Obj.(*monitoringv1.PrometheusRule)
	pr.Labels = map[string]string{ManagedByLabel: ManagedByValue, EvaluatorLabel: evaluator}
	return pr
}

// The shared Alertmanager's addresses, for a cluster that does not run it:
// a file kustomize turns into a Secret that the Prometheus reads as
// additionalAlertManagerConfigs.
const (
	SharedAlertmanagersPath   = "prometheus/alertmanagers.yaml"
	SharedAlertmanagersSecret = "mongen-shared-alertmanagers"
	SharedAlertmanagersKey    = "alertmanagers.yaml"
)

type alertmanagerConfig struct {
	Scheme        string         `yaml:"scheme"`
	StaticConfigs []staticConfig `yaml:"static_configs"`
}

type staticConfig struct {
	Targets []string `yaml:"targets"`
}

// SharedAlertmanagers is the alerting.alertmanagers list of Prometheus'
// configuration reaching the shared Alertmanager.
func SharedAlertmanagers(env *model.Environment) ([]byte, error) {
	t := env.AlertingTopology
	return encode.YAML([]alertmanagerConfig{{Scheme: t.Scheme, StaticConfigs: []staticConfig{{Targets: t.Addresses}}}})
}

func renderSharedAlertmanagers(p *expand.Plan, t *artifact.Tree) error {
	if !p.Env.SendsToSharedAlertmanager() {
		return nil
	}
	data, err := SharedAlertmanagers(p.Env)
	if err != nil {
		return fmt.Errorf("render operator: shared alertmanagers: %w", err)
	}
	return t.Add(artifact.File{Path: SharedAlertmanagersPath, Data: data, Origin: p.Env.Source("alertingTopology")})
}

// grpcServerTLS is the StoreAPI's server TLS of a sidecar or ruler from
// global.thanos.grpcTLS: its certificate and key, and the CA that client
// certificates (Thanos Query's) must chain to. The operator takes files
// only here: the Secret is mounted at ThanosGRPCTLSDir.
func grpcServerTLS(tls *model.ThanosTLS) *monitoringv1.GRPCServerTLSConfig {
	return &monitoringv1.GRPCServerTLSConfig{TLSConfig: monitoringv1.TLSConfig{TLSFilesConfig: monitoringv1.TLSFilesConfig{
		CAFile:   ThanosGRPCTLSDir + "/" + tls.CAKey,
		CertFile: ThanosGRPCTLSDir + "/" + tls.CertKey,
		KeyFile:  ThanosGRPCTLSDir + "/" + tls.KeyKey,
	}}}
}

const grpcTLSVolumeName = "thanos-grpc-tls"

func grpcTLSVolume(tls *model.ThanosTLS) corev1.Volume {
	return corev1.Volume{Name: grpcTLSVolumeName, VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{SecretName: tls.Secret}}}
}

func grpcTLSMount() corev1.VolumeMount {
	return corev1.VolumeMount{Name: grpcTLSVolumeName, MountPath: ThanosGRPCTLSDir, ReadOnly: true}
}
