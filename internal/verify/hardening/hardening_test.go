package hardening

import (
	"strings"
	"testing"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/mongen-dev/mongen/internal/artifact"
	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/finding"
	"github.com/mongen-dev/mongen/internal/model"
	"github.com/mongen-dev/mongen/internal/render/operator"
)

const digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

// fixture is a hardened workload and Prometheus as the renderers build
// them (operator.Workload), which each test breaks in one place.
type fixture struct {
	objs []operator.HardenedObject
	// extra are objects added by a test.
	extra []operator.HardenedObject
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	sel := map[string]string{"app.kubernetes.io/name": "bridge"}
	probe := &corev1.Probe{ProbeHandler: corev1.ProbeHandler{TCPSocket: &corev1.TCPSocketAction{Port: intstr.FromString("http")}}}
	w := operator.Workload{
		Name: "bridge", Namespace: "monitoring", Selector: sel, Replicas: 2,
		Resources: model.Resources{
			Requests: model.ResourceList{CPU: "10m", Memory: "32Mi"},
			Limits:   model.ResourceList{CPU: "100m", Memory: "64Mi"},
		},
		Scratch: []string{"/tmp"},
		Container: corev1.Container{
			Name: "bridge", Image: operator.Image("example.org/bridge:v1", digest),
			Ports:         []corev1.ContainerPort{{Name: "http", ContainerPort: 8080}},
			LivenessProbe: probe, ReadinessProbe: probe,
		},
		Ingress: []operator.NetworkPolicyIngressRule{{
			Ports: []intstr.IntOrString{intstr.FromString("http")},
			Peers: []operator.Peer{{Namespace: "monitoring", PodLabels: map[string]string{"app.kubernetes.io/name": "alertmanager"}}},
		}},
	}
	objs, err := w.Objects(meta)
	if err != nil {
		t.Fatal(err)
	}
	storage, err := operator.Storage(model.Storage{Persistent: true, Size: "50Gi"})
	if err != nil {
		t.Fatal(err)
	}
	replicas := int32(2)
	objs = append(objs,
		operator.HardenedObject{Kind: "Prometheus", Name: "k8s", Obj: &monitoringv1.Prometheus{
			TypeMeta:   metav1.TypeMeta{APIVersion: "monitoring.coreos.com/v1", Kind: "Prometheus"},
			ObjectMeta: meta("k8s", "monitoring", nil),
			Spec: monitoringv1.PrometheusSpec{
				CommonPrometheusFields: monitoringv1.CommonPrometheusFields{Replicas: &replicas, Storage: storage},
			},
		}},
		operator.HardenedObject{Kind: "PodDisruptionBudget", Name: "prometheus-k8s", Obj: operator.PodDisruptionBudget(meta("prometheus-k8s", "monitoring", nil), operator.OperatorPodLabels("prometheus", "k8s"))},
	)
	return &fixture{objs: objs}
}

func meta(name, namespace string, labels map[string]string) metav1.ObjectMeta {
	return metav1.ObjectMeta{Name: name, Namespace: namespace, Labels: labels}
}

func (f *fixture) get(kind string) runtime.Object {
	for _, o := range f.objs {
		if o.Kind == kind {
			return o.Obj
		}
	}
	return nil
}

func (f *fixture) drop(kind, name string) {
	var out []operator.HardenedObject
	for _, o := range f.objs {
		if o.Kind != kind || o.Name != name {
			out = append(out, o)
		}
	}
	f.objs = out
}

func (f *fixture) deployment() *appsv1.Deployment { return f.get("Deployment").(*appsv1.Deployment) }
func (f *fixture) pod() *corev1.PodSpec           { return &f.deployment().Spec.Template.Spec }
func (f *fixture) container() *corev1.Container   { return &f.pod().Containers[0] }

func (f *fixture) tree(t *testing.T) *artifact.Tree {
	t.Helper()
	tree := artifact.NewTree()
	for _, o := range append(append([]operator.HardenedObject(nil), f.objs...), f.extra...) {
		data, err := operator.Marshal(o.Obj)
		if err != nil {
			t.Fatal(err)
		}
		if err := tree.Add(artifact.File{Path: operator.FilePath(o.Kind, o.Name), Data: data, Origin: "environments/x/main.cue:1:1"}); err != nil {
			t.Fatal(err)
		}
	}
	return tree
}

func plan(accept map[string]model.HardeningAccept) *expand.Plan {
	return &expand.Plan{Env: &model.Environment{
		Name:      "x",
		Hardening: model.Hardening{Accept: accept},
		Sources:   map[string]string{"hardening/accept/hardening/image-digest": "environments/x/main.cue:9:3"},
	}}
}

func TestHardenedFixturePasses(t *testing.T) {
	if got := Check(plan(nil), newFixture(t).tree(t)); len(got) != 0 {
		t.Fatalf("findings on the hardened objects:\n%s", render(got))
	}
}

// Each property, broken alone, fails with its check and says what.
func TestEachPropertyFails(t *testing.T) {
	for _, tc := range []struct {
		name, check, want string
		breakIt           func(f *fixture)
	}{
		{"runAsNonRoot", CheckSecurityContext, "runAsNonRoot is not true", func(f *fixture) {
			f.pod().SecurityContext.RunAsNonRoot = nil
			f.container().SecurityContext.RunAsNonRoot = nil
		}},
		{"readOnlyRootFilesystem", CheckSecurityContext, "readOnlyRootFilesystem is not true", func(f *fixture) {
			f.container().SecurityContext.ReadOnlyRootFilesystem = ptr(false)
		}},
		{"capabilities", CheckSecurityContext, "capabilities.drop does not list ALL", func(f *fixture) {
			f.container().SecurityContext.Capabilities = nil
		}},
		{"added capability", CheckSecurityContext, "adds capabilities NET_ADMIN", func(f *fixture) {
			f.container().SecurityContext.Capabilities.Add = []corev1.Capability{"NET_ADMIN"}
		}},
		{"allowPrivilegeEscalation", CheckSecurityContext, "allowPrivilegeEscalation is not false", func(f *fixture) {
			f.container().SecurityContext.AllowPrivilegeEscalation = nil
		}},
		{"seccomp", CheckSecurityContext, "seccompProfile is not RuntimeDefault", func(f *fixture) {
			f.container().SecurityContext.SeccompProfile = nil
			f.pod().SecurityContext.SeccompProfile = &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeUnconfined}
		}},
		{"default service account", CheckServiceAccount, "default ServiceAccount", func(f *fixture) {
			f.pod().ServiceAccountName = ""
		}},
		{"token mounted", CheckServiceAccount, "token is mounted", func(f *fixture) {
			f.pod().AutomountServiceAccountToken = ptr(true)
		}},
		{"service account missing", CheckServiceAccount, "is not generated with it", func(f *fixture) {
			f.drop("ServiceAccount", "bridge")
		}},
		{"resources", CheckResources, "no resources.limits.memory", func(f *fixture) {
			delete(f.container().Resources.Limits, corev1.ResourceMemory)
		}},
		{"requests", CheckResources, "no resources.requests.cpu", func(f *fixture) {
			delete(f.container().Resources.Requests, corev1.ResourceCPU)
		}},
		{"liveness probe", CheckProbes, "no livenessProbe", func(f *fixture) {
			f.container().LivenessProbe = nil
		}},
		{"readiness probe", CheckProbes, "no readinessProbe", func(f *fixture) {
			f.container().ReadinessProbe = nil
		}},
		{"workload PDB", CheckPDB, "2 replicas and no PodDisruptionBudget", func(f *fixture) {
			f.drop("PodDisruptionBudget", "bridge")
		}},
		{"Prometheus PDB", CheckPDB, "app.kubernetes.io/instance=k8s,app.kubernetes.io/name=prometheus", func(f *fixture) {
			f.drop("PodDisruptionBudget", "prometheus-k8s")
		}},
		{"image tag", CheckImageDigest, "image example.org/bridge:v1 is pinned by tag only", func(f *fixture) {
			f.container().Image = "example.org/bridge:v1"
		}},
		{"network policy", CheckNetworkPolicy, "no NetworkPolicy", func(f *fixture) {
			f.drop("NetworkPolicy", "bridge")
		}},
		{"storage", CheckStorage, "no spec.storage.volumeClaimTemplate", func(f *fixture) {
			f.get("Prometheus").(*monitoringv1.Prometheus).Spec.Storage = nil
		}},
		{"insecure monitor", CheckTLSVerify, "spec.endpoints[0].tlsConfig.insecureSkipVerify", func(f *fixture) {
			f.extra = append(f.extra, operator.HardenedObject{Kind: "ServiceMonitor", Name: "kubelet", Obj: &monitoringv1.ServiceMonitor{
				TypeMeta:   metav1.TypeMeta{APIVersion: "monitoring.coreos.com/v1", Kind: "ServiceMonitor"},
				ObjectMeta: meta("kubelet", "monitoring", nil),
				Spec: monitoringv1.ServiceMonitorSpec{Endpoints: []monitoringv1.Endpoint{{
					Port: "https-metrics",
					HTTPConfigWithProxyAndTLSFiles: monitoringv1.HTTPConfigWithProxyAndTLSFiles{HTTPConfigWithTLSFiles: monitoringv1.HTTPConfigWithTLSFiles{
						TLSConfig: &monitoringv1.TLSConfig{SafeTLSConfig: monitoringv1.SafeTLSConfig{InsecureSkipVerify: ptr(true)}},
					}},
				}}},
			}})
		}},
		{"plain gRPC across clusters", CheckGRPCTLS, "queries thanos.other.example:10901 over plain gRPC", func(f *fixture) {
			f.container().Args = []string{"query", "--endpoint=dnssrv+_grpc._tcp.prometheus-operated.monitoring.svc.cluster.local", "--endpoint=thanos.other.example:10901"}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			tc.breakIt(f)
			got := Check(plan(nil), f.tree(t))
			if len(got) != 1 {
				t.Fatalf("want one finding of %s, got %d:\n%s", tc.check, len(got), render(got))
			}
			g := got[0]
			if g.Check != tc.check || g.Severity != finding.Error || !strings.Contains(g.Message, tc.want) || g.Position != "environments/x/main.cue:1:1" {
				t.Errorf("got %s\nwant an error of %s at environments/x/main.cue:1:1 containing %q", g, tc.check, tc.want)
			}
		})
	}
}

func TestGRPCWithTLSPasses(t *testing.T) {
	f := newFixture(t)
	f.container().Args = []string{"query", "--endpoint=thanos.other.example:10901", "--grpc-client-tls-secure"}
	if got := Check(plan(nil), f.tree(t)); len(got) != 0 {
		t.Fatalf("findings:\n%s", render(got))
	}
}

func TestPlainInsecureSkipVerify(t *testing.T) {
	tree := artifact.NewTree()
	cfg := "scrape_configs:\n- job_name: kubelet\n  tls_config:\n    insecure_skip_verify: true\n- job_name: app\n"
	if err := tree.Add(artifact.File{Path: "prometheus/prometheus.yml", Data: []byte(cfg), Origin: "environments/x/main.cue:2:1"}); err != nil {
		t.Fatal(err)
	}
	got := Check(plan(nil), tree)
	if len(got) != 1 || got[0].Check != CheckTLSVerify || got[0].Subject != "job/kubelet" {
		t.Fatalf("want one tls-verify finding for job/kubelet, got:\n%s", render(got))
	}
}

func TestAccept(t *testing.T) {
	tagged := func(t *testing.T) *artifact.Tree {
		f := newFixture(t)
		f.container().Image = "example.org/bridge:v1"
		return f.tree(t)
	}
	t.Run("with a reason for the object", func(t *testing.T) {
		got := Check(plan(map[string]model.HardeningAccept{CheckImageDigest: {Reason: "mirror pins it", Objects: []string{"Deployment/bridge"}}}), tagged(t))
		if len(got) != 0 {
			t.Fatalf("accepted finding reported:\n%s", render(got))
		}
	})
	t.Run("for another object", func(t *testing.T) {
		got := Check(plan(map[string]model.HardeningAccept{CheckImageDigest: {Reason: "r", Objects: []string{"Deployment/other"}}}), tagged(t))
		want := map[string]bool{CheckImageDigest: true, CheckAccept: true}
		if len(got) != 2 || !want[got[0].Check] || !want[got[1].Check] {
			t.Fatalf("want the image finding and the unknown object, got:\n%s", render(got))
		}
		for _, g := range got {
			if g.Check == CheckAccept && (g.Position != "environments/x/main.cue:9:3" || !strings.Contains(g.Message, "Deployment/other is not an object mongen generates")) {
				t.Errorf("got %s", g)
			}
		}
	})
	t.Run("nothing to accept", func(t *testing.T) {
		got := Check(plan(map[string]model.HardeningAccept{CheckImageDigest: {Reason: "r"}}), newFixture(t).tree(t))
		if len(got) != 1 || got[0].Severity != finding.Warning || !strings.Contains(got[0].Message, "accepts nothing") {
			t.Fatalf("want a warning, got:\n%s", render(got))
		}
	})
	t.Run("unknown check", func(t *testing.T) {
		got := Check(plan(map[string]model.HardeningAccept{"hardening/image-digests": {Reason: "r"}}), tagged(t))
		var msgs []string
		for _, g := range got {
			msgs = append(msgs, g.String())
		}
		all := strings.Join(msgs, "\n")
		if !strings.Contains(all, `no hardening check is called "hardening/image-digests" (did you mean "hardening/image-digest"?)`) || !strings.Contains(all, "[hardening/image-digest]") {
			t.Fatalf("got:\n%s", all)
		}
	})
}

func TestClusterLocal(t *testing.T) {
	for e, want := range map[string]bool{
		"dnssrv+_grpc._tcp.prometheus-operated.monitoring.svc.cluster.local": true,
		"thanos-ruler-operated.monitoring.svc:10901":                         true,
		"prometheus-operated:10901":                                          true,
		"thanos-sidecar.prod-bj1.example.internal:10901":                     false,
		"dns+10.0.0.1:10901":                                                 false,
	} {
		if got := clusterLocal(e); got != want {
			t.Errorf("clusterLocal(%q) = %v, want %v", e, got, want)
		}
	}
}

func render(fs []finding.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString(f.String() + "\n")
	}
	return b.String()
}

func ptr[T any](v T) *T { return &v }

// A target that says why it cannot verify (tls.insecureReason, as the
// library's kubelet does) is accepted; the same without a reason is not.
func TestInsecureReason(t *testing.T) {
	tree := artifact.NewTree()
	sm := &monitoringv1.ServiceMonitor{
		TypeMeta:   metav1.TypeMeta{APIVersion: "monitoring.coreos.com/v1", Kind: "ServiceMonitor"},
		ObjectMeta: meta("kubelet", "monitoring", nil),
		Spec: monitoringv1.ServiceMonitorSpec{Endpoints: []monitoringv1.Endpoint{{
			Port: "https-metrics",
			HTTPConfigWithProxyAndTLSFiles: monitoringv1.HTTPConfigWithProxyAndTLSFiles{HTTPConfigWithTLSFiles: monitoringv1.HTTPConfigWithTLSFiles{
				TLSConfig: &monitoringv1.TLSConfig{SafeTLSConfig: monitoringv1.SafeTLSConfig{InsecureSkipVerify: ptr(true)}},
			}},
		}}},
	}
	data, err := operator.Marshal(sm)
	if err != nil {
		t.Fatal(err)
	}
	if err := tree.Add(artifact.File{Path: "manifests/servicemonitor-kubelet.yaml", Data: data, Origin: "library/exporter/kubelet.cue:28:11"}); err != nil {
		t.Fatal(err)
	}
	p := plan(nil)
	p.Jobs = []expand.Job{{Name: "kubelet", Target: model.Target{TLS: &model.TLS{InsecureSkipVerify: true}}}}
	if got := Check(p, tree); len(got) != 1 || got[0].Check != CheckTLSVerify || !strings.Contains(got[0].Message, "tls.insecureReason") {
		t.Fatalf("without a reason: want one tls-verify finding, got:\n%s", render(got))
	}
	p.Jobs[0].Target.TLS.InsecureReason = "self-signed serving certificate"
	p.Jobs[0].Origin = "library/exporter/kubelet.cue:30:2"
	if got := Check(p, tree); len(got) != 0 {
		t.Fatalf("with a reason: got:\n%s", render(got))
	}
	// Accepted, it is still shown, with the target's reason and position.
	_, got := CheckAll(p, tree)
	if len(got) != 1 || got[0].Check != CheckTLSVerify || got[0].Subject != "ServiceMonitor/kubelet" ||
		got[0].Reason != "self-signed serving certificate" || got[0].By != "library/exporter/kubelet.cue:30:2" || got[0].Position != "library/exporter/kubelet.cue:28:11" {
		t.Fatalf("accepted: got %+v", got)
	}
}

// What hardening.accept accepts is returned with the accept's reason and
// position, so build can print it; what it does not accept is not, and an
// environment that accepts nothing has nothing accepted.
func TestAcceptedFindings(t *testing.T) {
	f := newFixture(t)
	f.container().Image = "example.org/bridge:v1"
	f.drop("PodDisruptionBudget", "bridge")
	tree := f.tree(t)
	p := plan(map[string]model.HardeningAccept{CheckImageDigest: {Reason: "mirror pins it", Objects: []string{"Deployment/bridge"}}})
	findings, accepted := CheckAll(p, tree)
	if len(findings) != 1 || findings[0].Check != CheckPDB {
		t.Fatalf("the PodDisruptionBudget finding is not accepted: got\n%s", render(findings))
	}
	if len(accepted) != 1 {
		t.Fatalf("want the image finding accepted, got %+v", accepted)
	}
	a := accepted[0]
	if a.Check != CheckImageDigest || a.Subject != "Deployment/bridge" || a.Severity != finding.Error ||
		a.Reason != "mirror pins it" || a.By != "environments/x/main.cue:9:3" || a.Position != "environments/x/main.cue:1:1" ||
		!strings.Contains(a.Message, "example.org/bridge:v1") || strings.Contains(a.Message, "accept it with a reason") {
		t.Errorf("accepted finding: %+v", a)
	}
	if _, got := CheckAll(plan(nil), tree); got != nil {
		t.Errorf("nothing accepted, got %+v", got)
	}
}

// Rule groups and ConfigMaps are known by kind and name from their head,
// the same as a decoding would know them; where the rest could say
// otherwise, they are decoded.
func TestInertObjectsNotDecoded(t *testing.T) {
	tree := artifact.NewTree()
	add := func(kind, name string, obj runtime.Object) {
		data, err := operator.Marshal(obj)
		if err != nil {
			t.Fatal(err)
		}
		if err := tree.Add(artifact.File{Path: operator.FilePath(kind, name), Data: data}); err != nil {
			t.Fatal(err)
		}
	}
	add("PrometheusRule", "app", &monitoringv1.PrometheusRule{
		TypeMeta:   metav1.TypeMeta{APIVersion: "monitoring.coreos.com/v1", Kind: "PrometheusRule"},
		ObjectMeta: meta("app", "monitoring", map[string]string{"name": "not-the-name", "app.kubernetes.io/name": "x"}),
		Spec:       monitoringv1.PrometheusRuleSpec{Groups: []monitoringv1.RuleGroup{{Name: "g", Rules: []monitoringv1.Rule{{Alert: "A", Expr: intstr.FromString("up == 0")}}}}},
	})
	add("ConfigMap", "dash", &corev1.ConfigMap{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
		ObjectMeta: metav1.ObjectMeta{Name: "dash", Namespace: "monitoring", Annotations: map[string]string{"a": "b"}},
		Data:       map[string]string{"d.json": "{\"insecureSkipVerify\": true}"},
	})
	// Quoted: its head decoded says so.
	if err := tree.Add(artifact.File{Path: "manifests/configmap-quoted.yaml", Data: []byte("apiVersion: v1\nkind: \"ConfigMap\"\nmetadata:\n  name: quoted\n")}); err != nil {
		t.Fatal(err)
	}
	// A second kind after the head: decoded.
	if err := tree.Add(artifact.File{Path: "manifests/configmap-twice.yaml", Data: []byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: twice\ndata: {}\nkind: ConfigMap\n")}); err != nil {
		t.Fatal(err)
	}
	objs, _ := objects(tree)
	got := map[string]bool{}
	for _, o := range objs {
		got[o.id()] = o.body != nil
	}
	want := map[string]bool{"PrometheusRule/app": false, "ConfigMap/dash": false, "ConfigMap/quoted": false, "ConfigMap/twice": true}
	if len(got) != len(want) {
		t.Fatalf("objects: got %v, want %v", got, want)
	}
	for id, decoded := range want {
		if d, ok := got[id]; !ok || d != decoded {
			t.Errorf("%s: found %v, decoded %v; want found, decoded %v", id, ok, d, decoded)
		}
	}
	if fs := Check(plan(nil), tree); len(fs) != 0 {
		t.Errorf("findings on rule groups and ConfigMaps:\n%s", render(fs))
	}
}
