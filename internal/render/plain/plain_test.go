package plain

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/prometheus/prometheus/config"
	"github.com/prometheus/prometheus/discovery/kubernetes"
	"github.com/prometheus/prometheus/model/labels"
	promrelabel "github.com/prometheus/prometheus/model/relabel"
	"github.com/prometheus/prometheus/util/strutil"

	"github.com/mongen-dev/mongen/internal/artifact"
	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/model"
	"github.com/mongen-dev/mongen/internal/verify/promcheck"
)

// regression runs check, which reports through errorf; every finding fails
// the test. bug says what the check once caught, for whoever breaks it again.
func regression(t *testing.T, bug string, check func(errorf func(format string, args ...any))) {
	t.Helper()
	check(func(format string, args ...any) {
		t.Errorf("%s (regression: %s)", fmt.Sprintf(format, args...), bug)
	})
}

func baseEnv() *model.Environment {
	return &model.Environment{
		Name: "prod", Cluster: "prod-sh1", Flavour: model.FlavourPlain,
		Selector:       map[string]string{"release": "kube-prometheus-stack"},
		ExternalLabels: map[string]string{"cluster": "prod-sh1"},
		Prometheus: model.Prometheus{
			Name: "k8s", Namespace: "monitoring", Replicas: 2, Version: "v3.16.0", Retention: "15d",
			ScrapeInterval: "30s", EvaluationInterval: "30s", ServiceAccount: "prometheus-k8s",
		},
	}
}

func renderEnv(t *testing.T, env *model.Environment) *artifact.Tree {
	t.Helper()
	p, err := expand.Expand(env)
	if err != nil {
		t.Fatalf("expand: %v", err)
	}
	return mustRender(t, p)
}

// loadJob renders env, loads prometheus.yml with Prometheus's config.Load
// and returns the scrape config of job.
func loadJob(t *testing.T, env *model.Environment, job string) *config.ScrapeConfig {
	t.Helper()
	f, ok := renderEnv(t, env).Get(ConfigPath)
	if !ok {
		t.Fatalf("%s not rendered", ConfigPath)
	}
	cfg, err := config.Load(string(f.Data), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("config.Load: %v\n%s", err, f.Data)
	}
	for _, sc := range cfg.ScrapeConfigs {
		if sc.JobName == job {
			return sc
		}
	}
	t.Fatalf("job %q not in:\n%s", job, f.Data)
	return nil
}

// relabelTarget runs a discovered target's labels through a job's
// relabel_configs with Prometheus's own relabelling code.
func relabelTarget(sc *config.ScrapeConfig, discovered map[string]string) (map[string]string, bool) {
	lb := labels.NewBuilder(labels.FromMap(discovered))
	if !promrelabel.ProcessBuilder(lb, sc.RelabelConfigs...) {
		return nil, false
	}
	return lb.Labels().Map(), true
}

func TestMetaLabelMatchesPrometheus(t *testing.T) {
	// Kubernetes discovery names meta labels prefix + SanitizeLabelName(key).
	for _, key := range []string{
		"app",
		"app.kubernetes.io/name",
		"example.com/probe-class",
		"helm.sh/chart",
		"Upper_Case.9",
		"a-b.c/d_e",
	} {
		want := "__meta_kubernetes_service_label_" + strutil.SanitizeLabelName(key)
		if got := metaLabel("__meta_kubernetes_service_label_", key); got != want {
			t.Errorf("metaLabel(%q) = %q, Prometheus discovers %q", key, got, want)
		}
	}
}

// TestDiscoveryRelabelling runs discovered targets through the rendered
// relabel_configs, as Prometheus would, and checks which are kept and the
// labels they end up with.
func TestDiscoveryRelabelling(t *testing.T) {
	env := baseEnv()
	env.Targets = map[string]model.Target{
		"api": {
			Kind: model.KindService, Namespace: "web", Namespaces: []string{"web", "api"},
			Selector: map[string]string{"app.kubernetes.io/name": "api", "example.com/tier": "back.end"},
			Port:     "https-metrics", Path: "/metrics", Scheme: "https",
		},
		"worker": {
			Kind: model.KindPod, Namespace: "apps",
			Selector: map[string]string{"app.kubernetes.io/part-of": "batch"},
			Port:     "metrics", Path: "/metrics", Scheme: "http",
		},
		"websites": {
			Kind: model.KindProbe, Namespace: "monitoring", Path: "/metrics", Scheme: "http",
			Module: "http_2xx", Prober: "blackbox:9115", Static: []string{"https://www.example.com"},
		},
		"ingresses": {
			Kind: model.KindProbe, Namespace: "web", Path: "/metrics", Scheme: "http",
			Module: "http_2xx", Prober: "blackbox:9115",
			Ingress: &model.IngressProbe{Selector: map[string]string{"example.com/probe": "yes"}},
		},
		"annotated": {
			Kind: model.KindProbe, Namespace: "monitoring", Path: "/metrics", Scheme: "http",
			Module: "tcp_connect", Prober: "blackbox:9115", Annotated: true,
		},
	}
	apiOK := map[string]string{
		"__address__": "10.1.2.3:8443",
		"__meta_kubernetes_service_label_app_kubernetes_io_name": "api",
		"__meta_kubernetes_service_label_example_com_tier":       "back.end",
		"__meta_kubernetes_endpoint_port_name":                   "https-metrics",
		"__meta_kubernetes_namespace":                            "api",
		"__meta_kubernetes_service_name":                         "api-svc",
		"__meta_kubernetes_pod_name":                             "api-0",
		"__meta_kubernetes_pod_container_name":                   "server",
	}
	with := func(base map[string]string, kv ...string) map[string]string {
		out := map[string]string{}
		for k, v := range base {
			out[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			if kv[i+1] == "" {
				delete(out, kv[i])
			} else {
				out[kv[i]] = kv[i+1]
			}
		}
		return out
	}
	workerOK := map[string]string{
		"__address__": "10.2.0.5:9000",
		"__meta_kubernetes_pod_label_app_kubernetes_io_part_of": "batch",
		"__meta_kubernetes_pod_container_port_name":             "metrics",
		"__meta_kubernetes_namespace":                           "apps",
		"__meta_kubernetes_pod_name":                            "worker-abc",
		"__meta_kubernetes_pod_container_name":                  "worker",
	}
	ingressOK := map[string]string{
		"__address__":                                       "shop.example.com",
		"__meta_kubernetes_ingress_scheme":                  "https",
		"__meta_kubernetes_ingress_path":                    "/cart",
		"__meta_kubernetes_ingress_name":                    "shop",
		"__meta_kubernetes_namespace":                       "web",
		"__meta_kubernetes_ingress_label_example_com_probe": "yes",
	}
	annotatedOK := map[string]string{
		"__address__": "db.data.svc:5432",
		"__meta_kubernetes_service_annotation_prometheus_io_probe": "true",
		"__meta_kubernetes_namespace":                              "data",
		"__meta_kubernetes_service_name":                           "db",
	}
	tests := []struct {
		name       string
		job        string
		discovered map[string]string
		keep       bool
		want       map[string]string // a subset of the result
	}{
		{"service kept", "api", apiOK, true, map[string]string{
			"namespace": "api", "service": "api-svc", "pod": "api-0", "container": "server", "__address__": "10.1.2.3:8443",
		}},
		{"service: dot in selector value is literal", "api", with(apiOK, "__meta_kubernetes_service_label_example_com_tier", "backxend"), false, nil},
		{"service: selector label missing", "api", with(apiOK, "__meta_kubernetes_service_label_app_kubernetes_io_name", ""), false, nil},
		{"service: selector value must match whole", "api", with(apiOK, "__meta_kubernetes_service_label_app_kubernetes_io_name", "api-gateway"), false, nil},
		{"service: other port", "api", with(apiOK, "__meta_kubernetes_endpoint_port_name", "http"), false, nil},
		{"pod kept", "worker", workerOK, true, map[string]string{"namespace": "apps", "pod": "worker-abc", "container": "worker"}},
		{"pod: other container port", "worker", with(workerOK, "__meta_kubernetes_pod_container_port_name", "grpc"), false, nil},
		{"pod: selector mismatch", "worker", with(workerOK, "__meta_kubernetes_pod_label_app_kubernetes_io_part_of", "web"), false, nil},
		{"static probe", "websites", map[string]string{"__address__": "https://www.example.com"}, true, map[string]string{
			"__param_target": "https://www.example.com", "instance": "https://www.example.com", "__address__": "blackbox:9115",
		}},
		{"ingress probe", "ingresses", ingressOK, true, map[string]string{
			"__param_target": "https://shop.example.com/cart", "instance": "https://shop.example.com/cart",
			"__address__": "blackbox:9115", "namespace": "web", "ingress": "shop",
		}},
		{"ingress probe: selector mismatch", "ingresses", with(ingressOK, "__meta_kubernetes_ingress_label_example_com_probe", "no"), false, nil},
		{"annotated probe", "annotated", annotatedOK, true, map[string]string{
			"__param_target": "db.data.svc:5432", "instance": "db.data.svc:5432", "__address__": "blackbox:9115",
			"namespace": "data", "service": "db",
		}},
		{"annotated probe: not annotated", "annotated", with(annotatedOK, "__meta_kubernetes_service_annotation_prometheus_io_probe", ""), false, nil},
		{"annotated probe: annotated false", "annotated", with(annotatedOK, "__meta_kubernetes_service_annotation_prometheus_io_probe", "false"), false, nil},
	}
	jobs := map[string]*config.ScrapeConfig{}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sc := jobs[tc.job]
			if sc == nil {
				sc = loadJob(t, env, tc.job)
				jobs[tc.job] = sc
			}
			got, keep := relabelTarget(sc, tc.discovered)
			if keep != tc.keep {
				t.Fatalf("kept = %v, want %v (labels %v)", keep, tc.keep, got)
			}
			for k, v := range tc.want {
				if got[k] != v {
					t.Errorf("label %s = %q, want %q (all: %v)", k, got[k], v, got)
				}
			}
		})
	}
}

func TestProbeScrapesProber(t *testing.T) {
	env := baseEnv()
	env.Targets = map[string]model.Target{
		"websites": {
			Kind: model.KindProbe, Namespace: "monitoring", Path: "/metrics", Scheme: "http",
			Module: "http_2xx", Prober: "blackbox:9115", Static: []string{"https://www.example.com"},
		},
	}
	sc := loadJob(t, env, "websites")
	if sc.MetricsPath != "/probe" {
		t.Errorf("metrics_path = %q, want /probe", sc.MetricsPath)
	}
	if got := sc.Params["module"]; !reflect.DeepEqual(got, []string{"http_2xx"}) {
		t.Errorf("params.module = %q, want [http_2xx]", got)
	}
}

func TestFederationScrapesFederate(t *testing.T) {
	env := baseEnv()
	env.Federation = map[string]model.Federation{
		"regions": {
			Addresses: []string{"prom-eu:9090"},
			Match:     []string{`{job="node"}`, `{__name__=~"job:.*"}`},
			Scheme:    "https",
		},
	}
	sc := loadJob(t, env, "regions")
	if !sc.HonorLabels {
		t.Error("honor_labels is false: federated series would lose their own job and instance")
	}
	if sc.MetricsPath != "/federate" || sc.Scheme != "https" {
		t.Errorf("metrics_path %q scheme %q, want /federate https", sc.MetricsPath, sc.Scheme)
	}
	if got := sc.Params["match[]"]; !reflect.DeepEqual(got, env.Federation["regions"].Match) {
		t.Errorf("match[] = %q", got)
	}
}

func TestRuleLabels(t *testing.T) {
	tests := []struct {
		name string
		rule model.Rule
		want map[string]string
	}{
		{"alert gets team", model.Rule{Kind: model.RuleAlert, Team: "web", Labels: map[string]string{"severity": "critical"}},
			map[string]string{"severity": "critical", "team": "web"}},
		{"explicit team label wins", model.Rule{Kind: model.RuleAlert, Team: "web", Labels: map[string]string{"team": "sre"}},
			map[string]string{"team": "sre"}},
		{"alert without team", model.Rule{Kind: model.RuleAlert, Labels: map[string]string{"severity": "info"}},
			map[string]string{"severity": "info"}},
		{"record never gets team", model.Rule{Kind: model.RuleRecord, Team: "web", Labels: map[string]string{"by": "path"}},
			map[string]string{"by": "path"}},
		{"no labels is nil", model.Rule{Kind: model.RuleRecord, Team: "web"}, nil},
		{"alert with only team", model.Rule{Kind: model.RuleAlert, Team: "web"}, map[string]string{"team": "web"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := fmt.Sprint(tc.rule.Labels)
			got := RuleLabels(expand.Rule{Rule: tc.rule})
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("RuleLabels = %v, want %v", got, tc.want)
			}
			if after := fmt.Sprint(tc.rule.Labels); after != before {
				t.Errorf("RuleLabels changed the rule's own labels: %s -> %s", before, after)
			}
		})
	}
}

// TestRuleFile checks what each kind of rule carries once Prometheus's own
// rulefmt has parsed the file.
func TestRuleFile(t *testing.T) {
	rules := []expand.Rule{
		{Key: "r", Rule: model.Rule{Kind: model.RuleRecord, Name: "job:up:sum", Expr: "sum by (job) (up)", Enabled: true,
			For: "5m", KeepFiringFor: "1m", Team: "web", Annotations: map[string]string{"summary": "x"}}},
		{Key: "a", Rule: model.Rule{Kind: model.RuleAlert, Name: "Down", Expr: "up == 0", Enabled: true,
			For: "5m", KeepFiringFor: "10m", Team: "web", Labels: map[string]string{"severity": "critical"},
			Annotations: map[string]string{"summary": "{{ $labels.instance }} down"}}},
		{Key: "b", Rule: model.Rule{Kind: model.RuleAlert, Name: "Bare", Expr: "vector(1)", Enabled: true, Annotations: map[string]string{}}},
	}
	data, err := RuleFile("grp", rules)
	if err != nil {
		t.Fatal(err)
	}
	groups, err := promcheck.ParseRules("grp.yaml", data)
	if err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	if len(groups.Groups) != 1 || groups.Groups[0].Name != "grp" || len(groups.Groups[0].Rules) != 3 {
		t.Fatalf("want one group grp with 3 rules:\n%s", data)
	}
	rs := groups.Groups[0].Rules
	rec, alert, bare := rs[0], rs[1], rs[2]
	if rec.Record != "job:up:sum" || rec.Alert != "" || rec.For != 0 || rec.KeepFiringFor != 0 || len(rec.Annotations) != 0 || len(rec.Labels) != 0 {
		t.Errorf("record carries alert-only fields: %+v", rec)
	}
	if alert.Alert != "Down" || alert.For.String() != "5m" || alert.KeepFiringFor.String() != "10m" {
		t.Errorf("alert: %+v", alert)
	}
	if !reflect.DeepEqual(alert.Labels, map[string]string{"severity": "critical", "team": "web"}) {
		t.Errorf("alert labels = %v", alert.Labels)
	}
	if alert.Annotations["summary"] != "{{ $labels.instance }} down" {
		t.Errorf("alert annotations = %v", alert.Annotations)
	}
	if bytes.Contains(data, []byte("annotations: {}")) || bytes.Contains(data, []byte("labels: {}")) {
		t.Errorf("empty maps written:\n%s", data)
	}
	if bare.Alert != "Bare" || len(bare.Labels) != 0 || len(bare.Annotations) != 0 {
		t.Errorf("bare alert: %+v", bare)
	}
	if RuleFilePath("grp") != "prometheus/rules/grp.yaml" {
		t.Errorf("RuleFilePath = %q", RuleFilePath("grp"))
	}
}

// TestDeterministicWithShuffledMaps renders every golden environment 20
// times, each time from a copy whose maps were rebuilt with their keys
// inserted in a random order, and expects identical bytes.
func TestDeterministicWithShuffledMaps(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txtar")
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, file := range files {
		ar, err := parseArchiveFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if hasFile(ar, errorFile) {
			continue
		}
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			env := envFromArchive(t, ar)
			first := renderEnv(t, env)
			for i := range 20 {
				shuffled := reshuffle(reflect.ValueOf(env), rng).Interface().(*model.Environment)
				if !reflect.DeepEqual(env, shuffled) {
					t.Fatal("reshuffle changed the environment")
				}
				again := renderEnv(t, shuffled)
				if !sameTree(first, again) {
					for _, f := range first.Files() {
						g, _ := again.Get(f.Path)
						if !bytes.Equal(f.Data, g.Data) {
							t.Fatalf("render %d: %s differs:\n--- first\n%s--- again\n%s", i+1, f.Path, f.Data, g.Data)
						}
					}
					t.Fatalf("render %d differs from the first", i+1)
				}
			}
		})
	}
}

func hasFile(ar *archive, name string) bool {
	for _, f := range ar.Files {
		if f.Name == name {
			return true
		}
	}
	return false
}

// reshuffle deep-copies v, building every map anew with its keys inserted
// in a random order. Slices keep their order: it is meaningful.
func reshuffle(v reflect.Value, rng *rand.Rand) reflect.Value {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		out := reflect.New(v.Type().Elem())
		out.Elem().Set(reshuffle(v.Elem(), rng))
		return out
	case reflect.Struct:
		out := reflect.New(v.Type()).Elem()
		for i := range v.NumField() {
			if out.Field(i).CanSet() {
				out.Field(i).Set(reshuffle(v.Field(i), rng))
			}
		}
		return out
	case reflect.Map:
		if v.IsNil() {
			return v
		}
		keys := v.MapKeys()
		rng.Shuffle(len(keys), func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
		out := reflect.MakeMap(v.Type())
		for _, k := range keys {
			out.SetMapIndex(k, reshuffle(v.MapIndex(k), rng))
		}
		return out
	case reflect.Slice:
		if v.IsNil() {
			return v
		}
		out := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := range v.Len() {
			out.Index(i).Set(reshuffle(v.Index(i), rng))
		}
		return out
	}
	return v
}

// TestRenderDoesNotMutatePlan: rendering is a pure function of the plan; the
// operator renderer and verify read the same environment afterwards, and
// renders may run concurrently.
func TestRenderDoesNotMutatePlan(t *testing.T) {
	env := baseEnv()
	env.Targets = map[string]model.Target{
		"websites": {
			Kind: model.KindProbe, Namespace: "monitoring", Path: "/metrics", Scheme: "http",
			Module: "http_2xx", Prober: "blackbox:9115", Static: []string{"https://www.example.com"},
			Params: map[string][]string{"debug": {"true"}},
		},
	}
	before, err := json.Marshal(env)
	if err != nil {
		t.Fatal(err)
	}
	renderEnv(t, env)
	after, err := json.Marshal(env)
	if err != nil {
		t.Fatal(err)
	}
	regression(t, "plain.probe writes params.module into the target's own Params map (common() shares t.Params); clone the map in common() or probe()", func(errorf func(string, ...any)) {
		if !bytes.Equal(before, after) {
			errorf("Render changed the environment:\n--- before\n%s\n--- after\n%s", before, after)
		}
	})
}

// TestProbeLabelsAndNamespaces: every probe carries its labels, and an
// annotated probe discovers only in its namespaces, as in the operator
// flavour (labels set by relabelling where no static config holds them).
func TestProbeLabelsAndNamespaces(t *testing.T) {
	env := baseEnv()
	env.Targets = map[string]model.Target{
		"ingresses": {
			Kind: model.KindProbe, Namespace: "web", Path: "/metrics", Scheme: "http",
			Module: "http_2xx", Prober: "blackbox:9115",
			Ingress: &model.IngressProbe{Selector: map[string]string{"probe": "true"}},
			Labels:  map[string]string{"env": "prod"},
		},
		"annotated": {
			Kind: model.KindProbe, Namespace: "monitoring", Namespaces: []string{"web", "api"}, Path: "/metrics", Scheme: "http",
			Module: "tcp_connect", Prober: "blackbox:9115", Annotated: true,
			Labels: map[string]string{"env": "prod"},
		},
	}
	ingress := loadJob(t, env, "ingresses")
	annotated := loadJob(t, env, "annotated")
	regression(t, "plain.probe drops labels of ingress and annotated probes and ignores an annotated probe's namespaces; add a replace step per label (sorted) and set kubernetes_sd_configs[0].namespaces from t.Namespaces, as operator/probe.go does", func(errorf func(string, ...any)) {
		got, keep := relabelTarget(ingress, map[string]string{
			"__address__": "shop.example.com", "__meta_kubernetes_ingress_scheme": "https", "__meta_kubernetes_ingress_path": "/",
			"__meta_kubernetes_ingress_label_probe": "true",
		})
		if !keep || got["env"] != "prod" {
			errorf("ingress probe: env label = %q (kept %v), want prod", got["env"], keep)
		}
		got, keep = relabelTarget(annotated, map[string]string{
			"__address__": "db:5432", "__meta_kubernetes_service_annotation_prometheus_io_probe": "true",
		})
		if !keep || got["env"] != "prod" {
			errorf("annotated probe: env label = %q (kept %v), want prod", got["env"], keep)
		}
		if n := len(annotated.ServiceDiscoveryConfigs); n != 1 {
			errorf("annotated probe: %d discovery configs", n)
			return
		}
		sd, ok := annotated.ServiceDiscoveryConfigs[0].(*kubernetes.SDConfig)
		if !ok {
			errorf("annotated probe: discovery is %T, want kubernetes", annotated.ServiceDiscoveryConfigs[0])
			return
		}
		if got := sd.NamespaceDiscovery.Names; !reflect.DeepEqual(got, []string{"web", "api"}) && !reflect.DeepEqual(got, []string{"api", "web"}) {
			errorf("annotated probe discovers in namespaces %q, want [web api]", got)
		}
	})
}

// TestTLSKeysOnlyWhenNamed: a TLS Secret holding only a CA (certKey and
// keyKey empty, as the operator flavour accepts) must not point cert_file
// and key_file at the Secret's directory.
func TestTLSKeysOnlyWhenNamed(t *testing.T) {
	env := baseEnv()
	env.Targets = map[string]model.Target{
		"app": {
			Kind: model.KindStatic, Namespace: "monitoring", Path: "/metrics", Scheme: "https",
			Addresses: []string{"app:443"},
			TLS:       &model.TLS{Secret: "app-ca", CAKey: "ca.crt"},
		},
	}
	f, _ := renderEnv(t, env).Get(ConfigPath)
	if !bytes.Contains(f.Data, []byte("ca_file: /etc/prometheus/secrets/app-ca/ca.crt")) {
		t.Errorf("no ca_file:\n%s", f.Data)
	}
	regression(t, "plain.tls sets cert_file/key_file (and ca_file) to the Secret's directory when the key name is empty; set each only when its key is non-empty, as operator/convert.go safeTLS does", func(errorf func(string, ...any)) {
		if bytes.Contains(f.Data, []byte("cert_file")) || bytes.Contains(f.Data, []byte("key_file")) {
			errorf("cert_file or key_file written without a key name (config.Load accepts it; the scrape fails at run time):\n%s", f.Data)
		}
	})
}
