package alertmanager

import (
	"fmt"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	appsv1 "k8s.io/api/apps/v1"
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
	}
	if b := a.Bridges.DingTalk; b != nil {
		// prometheus-webhook-dingtalk reads robot URLs and secrets from its
		// config file, kept in the user's Secret.
		args := []string{"--config.file=/config/config.yml", fmt.Sprintf("--web.listen-address=:%d", b.Port)}
		if err := bridge(p.Env, t, DingTalkBridgeName, *b, args, "/config", origin); err != nil {
			return err
		}
	}
	if b := a.Bridges.Feishu; b != nil {
		// PrometheusAlert reads conf/app.conf, where the Feishu robot URL is.
		if err := bridge(p.Env, t, FeishuBridgeName, *b, nil, "/app/conf", origin); err != nil {
			return err
		}
	}
	return nil
}

func bridge(env *model.Environment, t *artifact.Tree, name string, b model.Bridge, args []string, mount, origin string) error {
	sel := map[string]string{"app.kubernetes.io/name": name}
	replicas := int32(b.Replicas)
	dep := &appsv1.Deployment{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"},
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: b.Namespace, Labels: labels(env, sel)},
		Spec: appsv1.DeploymentSpec{
			Replicas: &replicas,
			Selector: &metav1.LabelSelector{MatchLabels: sel},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: sel},
				Spec: corev1.PodSpec{
					Containers: []corev1.Container{{
						Name:  name,
						Image: b.Image,
						Args:  args,
						Ports: []corev1.ContainerPort{{Name: "http", ContainerPort: int32(b.Port)}},
						VolumeMounts: []corev1.VolumeMount{{
							Name: "config", MountPath: mount, ReadOnly: true,
						}},
					}},
					Volumes: []corev1.Volume{{
						Name:         "config",
						VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{SecretName: b.ConfigSecret}},
					}},
				},
			},
		},
	}
	if err := add(t, "Deployment", name, origin, dep); err != nil {
		return err
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
