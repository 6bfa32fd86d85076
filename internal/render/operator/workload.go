package operator

import (
	"fmt"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/mongen-dev/mongen/internal/model"
)

// The hardened defaults of every workload mongen generates
// (docs/output.md#hardened-defaults): an unprivileged user (nobody),
// the runtime's default seccomp profile, a read-only root filesystem with
// writable emptyDir volumes where the program writes, no capabilities, no
// privilege escalation, a ServiceAccount of its own whose token is not
// mounted, requests and limits, probes, a PodDisruptionBudget with more
// than one replica, and a NetworkPolicy admitting only the flows mongen
// wires.
const (
	// NonRootUser is the uid and gid the generated containers run as.
	NonRootUser int64 = 65534
	// scratchSize bounds each writable emptyDir.
	scratchSize = "64Mi"
)

// Workload is one Deployment mongen generates, before hardening.
type Workload struct {
	Name, Namespace string
	// Labels are the object labels (the selector's are added); Selector
	// are the pods' labels, which the Deployment, the PodDisruptionBudget
	// and the NetworkPolicy select by.
	Labels, Selector map[string]string
	Replicas         int
	Container        corev1.Container
	Resources        model.Resources
	Volumes          []corev1.Volume
	// Scratch are the directories the program writes to: each gets an
	// emptyDir, the root filesystem stays read-only.
	Scratch []string
	// Ingress are the NetworkPolicy rules of the pods: nil admits nothing.
	Ingress []NetworkPolicyIngressRule
	Origin  string
}

// HardenedObject is one object of a workload, as Object without a renderer.
type HardenedObject struct {
	Kind, Name string
	Obj        runtime.Object
}

// Image is image pinned by digest when there is one.
func Image(image, digest string) string {
	if digest == "" {
		return image
	}
	return image + "@" + digest
}

// Objects renders the workload hardened: its ServiceAccount, Deployment,
// PodDisruptionBudget (replicas > 1) and NetworkPolicy. meta builds object
// metadata with the environment's labels.
func (w Workload) Objects(meta func(name, namespace string, extra map[string]string) metav1.ObjectMeta) ([]HardenedObject, error) {
	res, err := ResourceRequirements(w.Resources)
	if err != nil {
		return nil, fmt.Errorf("%s: resources: %w", w.Name, err)
	}
	replicas, ok := int32Of(int64(w.Replicas))
	if !ok || replicas < 1 {
		return nil, fmt.Errorf("%s: replicas %d out of range", w.Name, w.Replicas)
	}
	c := w.Container
	c.Resources = res
	c.SecurityContext = ContainerSecurityContext()
	volumes := append([]corev1.Volume(nil), w.Volumes...)
	for i, dir := range w.Scratch {
		name := fmt.Sprintf("scratch-%d", i)
		size := resource.MustParse(scratchSize)
		volumes = append(volumes, corev1.Volume{Name: name, VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{SizeLimit: &size}}})
		c.VolumeMounts = append(c.VolumeMounts, corev1.VolumeMount{Name: name, MountPath: dir})
	}
	labels := copyMap(w.Labels)
	if labels == nil {
		labels = map[string]string{}
	}
	for k, v := range w.Selector {
		labels[k] = v
	}
	out := []HardenedObject{{Kind: "ServiceAccount", Name: w.Name, Obj: &corev1.ServiceAccount{
		TypeMeta:   typeMeta(coreV1, "ServiceAccount"),
		ObjectMeta: meta(w.Name, w.Namespace, labels),
		// The bridges and Thanos Query never call the Kubernetes API.
		AutomountServiceAccountToken: ptr(false),
	}}}
	out = append(out, HardenedObject{Kind: "Deployment", Name: w.Name, Obj: &appsv1.Deployment{
		TypeMeta:   typeMeta("apps/v1", "Deployment"),
		ObjectMeta: meta(w.Name, w.Namespace, labels),
		Spec: appsv1.DeploymentSpec{
			Replicas: &replicas,
			Selector: &metav1.LabelSelector{MatchLabels: copyMap(w.Selector)},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: copyMap(w.Selector)},
				Spec: corev1.PodSpec{
					ServiceAccountName:           w.Name,
					AutomountServiceAccountToken: ptr(false),
					SecurityContext:              PodSecurityContext(),
					Containers:                   []corev1.Container{c},
					Volumes:                      volumes,
				},
			},
		},
	}})
	if replicas > 1 {
		out = append(out, HardenedObject{Kind: "PodDisruptionBudget", Name: w.Name, Obj: PodDisruptionBudget(meta(w.Name, w.Namespace, labels), w.Selector)})
	}
	out = append(out, HardenedObject{Kind: "NetworkPolicy", Name: w.Name, Obj: IngressPolicy(meta(w.Name, w.Namespace, labels), w.Selector, w.Ingress)})
	return out, nil
}

// PodSecurityContext runs every container as nobody under the runtime's
// default seccomp profile; volumes are group-owned by nobody.
func PodSecurityContext() *corev1.PodSecurityContext {
	return &corev1.PodSecurityContext{
		RunAsNonRoot:   ptr(true),
		RunAsUser:      ptr(NonRootUser),
		RunAsGroup:     ptr(NonRootUser),
		FSGroup:        ptr(NonRootUser),
		SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
	}
}

// ContainerSecurityContext drops every capability, forbids privilege
// escalation and keeps the root filesystem read-only.
func ContainerSecurityContext() *corev1.SecurityContext {
	return &corev1.SecurityContext{
		RunAsNonRoot:             ptr(true),
		AllowPrivilegeEscalation: ptr(false),
		ReadOnlyRootFilesystem:   ptr(true),
		Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
		SeccompProfile:           &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
	}
}

// ResourceRequirements converts the schema's requests and limits.
func ResourceRequirements(r model.Resources) (corev1.ResourceRequirements, error) {
	list := func(what string, l model.ResourceList) (corev1.ResourceList, error) {
		out := corev1.ResourceList{}
		for _, q := range []struct {
			name corev1.ResourceName
			v    string
		}{{corev1.ResourceCPU, l.CPU}, {corev1.ResourceMemory, l.Memory}} {
			if q.v == "" {
				continue
			}
			v, err := resource.ParseQuantity(q.v)
			if err != nil {
				return nil, fmt.Errorf("%s.%s %q: %w", what, q.name, q.v, err)
			}
			out[q.name] = v
		}
		return out, nil
	}
	req, err := list("requests", r.Requests)
	if err != nil {
		return corev1.ResourceRequirements{}, err
	}
	lim, err := list("limits", r.Limits)
	if err != nil {
		return corev1.ResourceRequirements{}, err
	}
	return corev1.ResourceRequirements{Requests: req, Limits: lim}, nil
}

// PodDisruptionBudget lets a voluntary disruption (a node drain) take one
// of the selected pods at a time.
func PodDisruptionBudget(meta metav1.ObjectMeta, selector map[string]string) *policyv1.PodDisruptionBudget {
	one := intstr.FromInt32(1)
	return &policyv1.PodDisruptionBudget{
		TypeMeta:   typeMeta("policy/v1", "PodDisruptionBudget"),
		ObjectMeta: meta,
		Spec: policyv1.PodDisruptionBudgetSpec{
			MaxUnavailable: &one,
			Selector:       &metav1.LabelSelector{MatchLabels: copyMap(selector)},
		},
	}
}

// OperatorPodLabels are the labels the operator gives every pod of the
// Prometheus, Alertmanager or ThanosRuler named name (app is prometheus,
// alertmanager or thanos-ruler).
func OperatorPodLabels(app, name string) map[string]string {
	return map[string]string{"app.kubernetes.io/name": app, "app.kubernetes.io/instance": name}
}

// Storage is the volumeClaimTemplate of a Prometheus or ThanosRuler; nil
// (emptyDir) when the environment turns persistence off.
func Storage(s model.Storage) (*monitoringv1.StorageSpec, error) {
	if !s.Persistent {
		return nil, nil
	}
	size, err := resource.ParseQuantity(s.Size)
	if err != nil {
		return nil, fmt.Errorf("storage.size %q: %w", s.Size, err)
	}
	claim := monitoringv1.EmbeddedPersistentVolumeClaim{
		Spec: corev1.PersistentVolumeClaimSpec{
			AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
			Resources:   corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: size}},
		},
	}
	if s.StorageClassName != "" {
		claim.Spec.StorageClassName = ptr(s.StorageClassName)
	}
	return &monitoringv1.StorageSpec{VolumeClaimTemplate: claim}, nil
}

// operatorPDB adds the PodDisruptionBudget of an operator-managed
// Prometheus, Alertmanager or ThanosRuler with more than one replica: the
// operator creates none.
func (r *renderer) operatorPDB(app, name, origin string, replicas int32) {
	if replicas < 2 {
		return
	}
	sel := OperatorPodLabels(app, name)
	pdbName := app + "-" + name
	r.add("PodDisruptionBudget", pdbName, origin, PodDisruptionBudget(r.meta(pdbName, r.ns, nil), sel))
}
