package alertmanager

import (
	"fmt"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/mongen-dev/mongen/internal/artifact"
	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/model"
	"github.com/mongen-dev/mongen/internal/render/operator"
)

// Names of the generated bridges' Deployments and Services.
const (
	DingTalkBridgeName = "dingtalk-bridge"
	FeishuBridgeName   = "feishu-bridge"
)

// ConfigSecretName is the Secret kustomize generates from alertmanager.yml.
func ConfigSecretName(a model.Alertmanager) string {
	return "alertmanager-" + a.Name + "-config"
}

func labels(env *model.Environment, extra map[string]string) map[string]string {
	l := map[string]string{operator.ManagedByLabel: operator.ManagedByValue}
	for k, v := range extra {
		l[k] = v
	}
	for k, v := range env.Selector {
		l[k] = v
	}
	return l
}

func add(t *artifact.Tree, kind, name, origin string, obj any) error {
	data, err := operator.Marshal(obj)
	if err != nil {
		return fmt.Errorf("render alertmanager: %s %q: %w", kind, name, err)
	}
	return t.Add(artifact.File{Path: operator.FilePath(kind, name), Data: data, Origin: origin})
}

func renderObjects(p *expand.Plan, t *artifact.Tree) error {
	a := p.Alerting.Policy
	origin := p.Env.Source("alerting")
	// On kube-prometheus-stack and kube-prometheus the platform runs the
	// Alertmanager; mongen hands it the configuration (helm-values.yaml).
	if p.Env.Flavour == model.FlavourOperator && p.Env.Platform.OwnsServers() {
		am := a.Alertmanager
		replicas := int32(am.Replicas)
		obj := &monitoringv1.Alertmanager{
			TypeMeta:   metav1.TypeMeta{APIVersion: monitoringv1.SchemeGroupVersion.String(), Kind: monitoringv1.AlertmanagersKind},
			ObjectMeta: metav1.ObjectMeta{Name: am.Name, Namespace: am.Namespace, Labels: labels(p.Env, nil)},
			Spec: monitoringv1.AlertmanagerSpec{
				Replicas:     &replicas,
				Version:      am.Version,
				ExternalURL:  am.ExternalURL,
				Secrets:      p.Alerting.Secrets,
				ConfigSecret: ConfigSecretName(am),
				// A shared Alertmanager's members in other clusters: the
				// replicas gossip with them as with each other.
				AdditionalPeers: append([]string(nil), p.Env.AlertingTopology.Peers...),
			},
		}
		if err := add(t, monitoringv1.AlertmanagersKind, am.Name, origin, obj); err != nil {
			return err
		}
		if replicas > 1 {
			// The operator makes no PodDisruptionBudget.
			pdbName := "alertmanager-" + am.Name
			pdb := operator.PodDisruptionBudget(metav1.ObjectMeta{Name: pdbName, Namespace: am.Namespace, Labels: labels(p.Env, nil)}, operator.OperatorPodLabels("alertmanager", am.Name))
			if err := add(t, "PodDisruptionBudget", pdbName, origin, pdb); err != nil {
				return err
			}
		}
	}
	if b := a.Bridges.DingTalk; b != nil {
		// prometheus-webhook-dingtalk reads robot URLs and secrets from its
		// config file, kept in the user's Secret; it serves Prometheus'
		// health endpoints.
		args := []string{"--config.file=/config/config.yml", fmt.Sprintf("--web.listen-address=:%d", b.Port)}
		health := func(path string) corev1.ProbeHandler {
			return corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: path, Port: intstr.FromString("http")}}
		}
		if err := bridge(p, t, DingTalkBridgeName, *b, args, "/config", origin, health("/-/healthy"), health("/-/ready"), []string{"/tmp"}); err != nil {
			return err
		}
	}
	if b := a.Bridges.Feishu; b != nil {
		// PrometheusAlert reads conf/app.conf, where the Feishu robot URL
		// is; it has no health endpoint, so the probes connect, and it
		// writes its log and its SQLite history under /app.
		tcp := corev1.ProbeHandler{TCPSocket: &corev1.TCPSocketAction{Port: intstr.FromString("http")}}
		if err := bridge(p, t, FeishuBridgeName, *b, nil, "/app/conf", origin, tcp, tcp, []string{"/tmp", "/app/logs", "/app/db"}); err != nil {
			return err
		}
	}
	return nil
}

// bridge renders a bridge as a hardened workload (operator.Workload): its
// ServiceAccount, Deployment, PodDisruptionBudget with more than one
// replica, a NetworkPolicy admitting only the Alertmanager, and its
// Service.
func bridge(p *expand.Plan, t *artifact.Tree, name string, b model.Bridge, args []string, mount, origin string, liveness, readiness corev1.ProbeHandler, scratch []string) error {
	env := p.Env
	sel := map[string]string{"app.kubernetes.io/name": name}
	am := p.Alerting.Policy.Alertmanager
	w := operator.Workload{
		Name: name, Namespace: b.Namespace, Selector: sel, Replicas: b.Replicas,
		Resources: b.Resources, Scratch: scratch, Origin: origin,
		Container: corev1.Container{
			Name:  name,
			Image: operator.Image(b.Image, b.Digest),
			Args:  args,
			Ports: []corev1.ContainerPort{{Name: "http", ContainerPort: int32(b.Port)}},
			VolumeMounts: []corev1.VolumeMount{{
				Name: "config", MountPath: mount, ReadOnly: true,
			}},
			LivenessProbe:  &corev1.Probe{ProbeHandler: liveness},
			ReadinessProbe: &corev1.Probe{ProbeHandler: readiness},
		},
		Volumes: []corev1.Volume{{
			Name:         "config",
			VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{SecretName: b.ConfigSecret}},
		}},
		// Only the Alertmanager's pods post to a bridge.
		Ingress: []operator.NetworkPolicyIngressRule{{
			Ports: []intstr.IntOrString{intstr.FromString("http")},
			Peers: []operator.Peer{{Namespace: am.Namespace, PodLabels: alertmanagerPods(b)}},
		}},
	}
	objs, err := w.Objects(func(name, namespace string, extra map[string]string) metav1.ObjectMeta {
		return metav1.ObjectMeta{Name: name, Namespace: namespace, Labels: labels(env, extra)}
	})
	if err != nil {
		return fmt.Errorf("render alertmanager: %s: %w", origin, err)
	}
	for _, o := range objs {
		if err := add(t, o.Kind, o.Name, origin, o.Obj); err != nil {
			return err
		}
	}
	svc := &corev1.Service{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Service"},
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: b.Namespace, Labels: labels(env, sel)},
		Spec: corev1.ServiceSpec{
			Selector: sel,
			Ports:    []corev1.ServicePort{{Name: "http", Port: int32(b.Port), TargetPort: intstr.FromString("http")}},
		},
	}
	return add(t, "Service", name, origin, svc)
}

// alertmanagerPods are the labels of the pods a bridge admits: the
// operator's Alertmanager pods unless the environment says otherwise.
func alertmanagerPods(b model.Bridge) map[string]string {
	if len(b.AlertmanagerPods) > 0 {
		return b.AlertmanagerPods
	}
	return map[string]string{"app.kubernetes.io/name": "alertmanager"}
}
