package operator

import (
	"github.com/mongen-dev/mongen/internal/diag"
	"strings"
	"testing"

	"github.com/mongen-dev/mongen/internal/artifact"
	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/model"
	"github.com/mongen-dev/mongen/internal/render/encode"
)

const origin = "environments/prod/main.cue:7:3"

func baseEnv() *model.Environment {
	return &model.Environment{
		Name:     "prod",
		Flavour:  model.FlavourOperator,
		Selector: map[string]string{"release": "kube-prometheus-stack"},
		Prometheus: model.Prometheus{
			Name: "k8s", Namespace: "monitoring", Replicas: 2, Version: "v3.16.0",
			Retention: "15d", ScrapeInterval: "30s", EvaluationInterval: "30s",
			ServiceAccount: "prometheus-k8s",
		},
	}
}

// withTarget is an environment with one target, defined at origin.
func withTarget(name string, t model.Target) *model.Environment {
	env := baseEnv()
	env.Targets = map[string]model.Target{name: t}
	env.Sources = map[string]string{model.SourcePath("targets", name): origin}
	return env
}

func renderEnv(t *testing.T, env *model.Environment) (*artifact.Tree, error) {
	t.Helper()
	p, err := expand.Expand(env)
	if err != nil {
		t.Fatalf("expand: %v", err)
	}
	tree := artifact.NewTree()
	return tree, RenderWith(p, tree, nil)
}

func str(s string) *string { return &s }

func TestRenderErrors(t *testing.T) {
	secretTLS := &model.TLS{Secret: "certs", CAKey: "ca.crt", CertKey: "tls.crt", KeyKey: "tls.key"}
	svc := func(mod func(*model.Target)) model.Target {
		t := model.Target{Kind: model.KindService, Namespace: "web", Selector: map[string]string{"app": "x"}, Port: "metrics", Path: "/metrics", Scheme: "http"}
		mod(&t)
		return t
	}
	tests := []struct {
		name   string
		job    string
		target model.Target
		want   []string
	}{
		{
			name: "endpoints with mixed ports",
			job:  "etcd",
			target: svc(func(t *model.Target) {
				t.Endpoints = []string{"172.19.244.101:2379", "172.19.244.102:2379", "172.19.244.103:2380"}
			}),
			want: []string{`job "etcd": endpoints "172.19.244.101:2379" and "172.19.244.103:2380" use different ports`},
		},
		{
			name:   "endpoint that is not an IP",
			job:    "etcd",
			target: svc(func(t *model.Target) { t.Endpoints = []string{"etcd-1.example.com:2379"} }),
			want:   []string{`"etcd-1.example.com" is not an IP address`},
		},
		{
			name:   "endpoint without a port",
			job:    "etcd",
			target: svc(func(t *model.Target) { t.Endpoints = []string{"10.0.0.1"} }),
			want:   []string{`endpoint "10.0.0.1": address 10.0.0.1: missing port in address`},
		},
		{
			name:   "endpoint listed twice",
			job:    "etcd",
			target: svc(func(t *model.Target) { t.Endpoints = []string{"10.0.0.1:2379", "10.0.0.1:2379"} }),
			want:   []string{`endpoint "10.0.0.1:2379" listed twice`},
		},
		{
			name:   "endpoints job name not a Service name",
			job:    "2etcd",
			target: svc(func(t *model.Target) { t.Endpoints = []string{"10.0.0.1:2379"} }),
			want:   []string{`job "2etcd": the job name becomes a Service name, which must start with a letter`},
		},
		{
			name:   "duration the operator rejects",
			job:    "api",
			target: svc(func(t *model.Target) { t.Interval = "30s1m" }),
			want:   []string{`job "api": interval: duration "30s1m" is not accepted by the Prometheus Operator`},
		},
		{
			name:   "timeout above the global interval",
			job:    "api",
			target: svc(func(t *model.Target) { t.Timeout = "1m" }),
			want:   []string{`job "api": scrape timeout 1m is longer than the scrape interval 30s`},
		},
		{
			name: "basic auth and bearer token together",
			job:  "api",
			target: svc(func(t *model.Target) {
				t.BasicAuth = &model.BasicAuth{Username: model.SecretRef{Secret: "a", Key: "u"}, Password: model.SecretRef{Secret: "a", Key: "p"}}
				t.BearerToken = &model.SecretRef{Secret: "b", Key: "t"}
			}),
			want: []string{`job "api": authorization and basicAuth cannot be configured at the same time`},
		},
		{
			name: "client certificate without key",
			job:  "api",
			target: svc(func(t *model.Target) {
				tls := *secretTLS
				tls.KeyKey = ""
				t.TLS = &tls
			}),
			want: []string{`job "api": tlsConfig: cannot specify client cert without client key`},
		},
		{
			name: "relabel steps Prometheus rejects",
			job:  "api",
			target: svc(func(t *model.Target) {
				t.Relabel = []model.Relabel{
					{Action: "hashmod", SourceLabels: []string{"__address__"}, TargetLabel: "__tmp_hash"},
					{Action: "replace", SourceLabels: []string{"a"}},
					{Action: "keep", Regex: str("(")},
					{Action: "explode"},
				}
				t.MetricRelabel = []model.Relabel{{Action: "labeldrop", Regex: str("x"), TargetLabel: "y"}}
			}),
			want: []string{
				`job "api": relabel[0]: relabel configuration for hashmod requires non-zero modulus`,
				`job "api": relabel[1]: relabel configuration for replace action requires 'target_label' value`,
				`job "api": relabel[2]: regex "(": error parsing regexp`,
				`job "api": relabel[3]: unknown relabel action "explode"`,
				`job "api": metricRelabel[0]: labeldrop action requires only 'regex', and no other fields`,
			},
		},
		{
			name:   "invalid selector label key",
			job:    "api",
			target: svc(func(t *model.Target) { t.Selector = map[string]string{"bad key": "x"} }),
			want:   []string{`ServiceMonitor "api": spec.selector.matchLabels: Invalid value: "bad key"`},
		},
		{
			name:   "service target without port",
			job:    "api",
			target: svc(func(t *model.Target) { t.Port = "" }),
			want:   []string{`job "api": a service target needs a port name`},
		},
		{
			name:   "pod target without port",
			job:    "worker",
			target: model.Target{Kind: model.KindPod, Namespace: "apps", Path: "/metrics"},
			want:   []string{`job "worker": a pod target needs a port name`},
		},
		{
			name:   "static addresses listed twice",
			job:    "bastion",
			target: model.Target{Kind: model.KindStatic, Path: "/metrics", Addresses: []string{"10.0.0.1:9100", "10.0.0.1:9100"}},
			want:   []string{`job "bastion": addresses: "10.0.0.1:9100" listed twice`},
		},
		{
			name: "probe with two ways to find targets",
			job:  "sites",
			target: model.Target{Kind: model.KindProbe, Module: "http_2xx", Prober: "bb:9115",
				Static: []string{"https://example.com"}, Ingress: &model.IngressProbe{Selector: map[string]string{"a": "b"}}},
			want: []string{`job "sites": a probe needs exactly one of static, ingress and annotated`},
		},
		{
			name:   "probe with no way to find targets",
			job:    "sites",
			target: model.Target{Kind: model.KindProbe, Module: "http_2xx", Prober: "bb:9115"},
			want:   []string{`job "sites": a probe needs exactly one of static, ingress and annotated`},
		},
		{
			name: "probe with a module param",
			job:  "sites",
			target: model.Target{Kind: model.KindProbe, Module: "http_2xx", Prober: "bb:9115", Static: []string{"https://example.com"},
				Params: map[string][]string{"module": {"icmp"}}},
			want: []string{`job "sites": params.module clashes with module "http_2xx"`},
		},
		{
			name:   "unknown kind",
			job:    "x",
			target: model.Target{Kind: "carrier-pigeon"},
			want:   []string{`job "x": unknown target kind "carrier-pigeon"`},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tree, err := renderEnv(t, withTarget(tc.job, tc.target))
			if err == nil {
				t.Fatalf("no error; rendered %v", tree.Paths())
			}
			problems, ok := diag.As(err)
			if !ok {
				t.Fatalf("error %T carries no diagnostics: %v", err, err)
			}
			if len(problems) != len(tc.want) {
				t.Errorf("got %d problems, want %d:\n%v", len(problems), len(tc.want), err)
			}
			for _, w := range tc.want {
				found := false
				for _, p := range problems {
					if p.Pos == diag.Origin(origin) && strings.Contains(p.Msg, w) {
						found = true
					}
				}
				if !found {
					t.Errorf("no problem at %s containing %q in:\n%v", origin, w, err)
				}
			}
			if tree.Len() != 0 {
				t.Errorf("rendered %v despite the error", tree.Paths())
			}
		})
	}
}

func TestRenderErrorsElsewhere(t *testing.T) {
	t.Run("prometheus timeout above interval", func(t *testing.T) {
		env := baseEnv()
		env.Prometheus.ScrapeTimeout = "45s"
		_, err := renderEnv(t, env)
		if err == nil || !strings.Contains(err.Error(), "prometheus: scrape timeout 45s is longer than the scrape interval 30s") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("remote write relabel", func(t *testing.T) {
		env := baseEnv()
		env.RemoteWrite = []model.RemoteWrite{{Name: "mimir", URL: "https://m", WriteRelabel: []model.Relabel{{Action: "hashmod", TargetLabel: "x"}}}}
		_, err := renderEnv(t, env)
		if err == nil || !strings.Contains(err.Error(), `remoteWrite "mimir": writeRelabel[0]: relabel configuration for hashmod requires non-zero modulus`) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("rule duration", func(t *testing.T) {
		env := baseEnv()
		env.Rules = map[string]model.RuleGroup{"app": {"AppDown": {Kind: model.RuleAlert, Name: "AppDown", Expr: "up == 0", Enabled: true, For: "5m1h"}}}
		env.Sources = map[string]string{"rules/app/AppDown": origin}
		_, err := renderEnv(t, env)
		if err == nil || !strings.Contains(err.Error(), origin+`: rule group "app": rule "AppDown": for: duration "5m1h"`) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("federation without match", func(t *testing.T) {
		env := baseEnv()
		env.Federation = map[string]model.Federation{"fed": {Addresses: []string{"p:9090"}}}
		_, err := renderEnv(t, env)
		if err == nil || !strings.Contains(err.Error(), `federation job "fed": match is empty`) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("every problem is reported", func(t *testing.T) {
		env := baseEnv()
		env.Targets = map[string]model.Target{
			"a": {Kind: model.KindService, Port: "m", Interval: "1s1h"},
			"b": {Kind: model.KindPod},
		}
		_, err := renderEnv(t, env)
		if l, ok := diag.As(err); !ok || len(l) != 2 {
			t.Fatalf("want 2 problems, got %v", err)
		}
	})
}

// TestSelectorWins: the environment's selector labels are what the
// Prometheus selects by, so they win over mongen's own labels.
func TestSelectorWins(t *testing.T) {
	env := baseEnv()
	env.Selector = map[string]string{ManagedByLabel: "helm"}
	p, err := expand.Expand(env)
	if err != nil {
		t.Fatal(err)
	}
	objs, err := Objects(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range objs {
		m := o.Obj.(interface{ GetLabels() map[string]string })
		if got := m.GetLabels()[ManagedByLabel]; got != "helm" {
			t.Errorf("%s: %s=%q, want the selector's value", o.Path(), ManagedByLabel, got)
		}
	}
}

func TestRenderTwiceIntoOneTree(t *testing.T) {
	p, err := expand.Expand(baseEnv())
	if err != nil {
		t.Fatal(err)
	}
	tree := artifact.NewTree()
	if err := RenderWith(p, tree, nil); err != nil {
		t.Fatal(err)
	}
	if err := RenderWith(p, tree, nil); err == nil || !strings.Contains(err.Error(), "rendered twice") {
		t.Fatalf("second render into the same tree: got %v", err)
	}
}

func TestNilPlan(t *testing.T) {
	if err := RenderWith(nil, artifact.NewTree(), nil); err == nil {
		t.Fatal("no error for a nil plan")
	}
}

func TestClean(t *testing.T) {
	type obj struct {
		Spec map[string]any `json:"spec"`
	}
	in := obj{Spec: map[string]any{
		"serviceMonitorSelector": map[string]any{},
		"selector":               map[string]any{"matchLabels": map[string]any{}},
		"resources":              map[string]any{},
		"nested":                 map[string]any{"gone": map[string]any{"x": nil}},
		"list":                   []any{map[string]any{"a": nil}, "x", nil},
		"emptyList":              []any{},
		"emptyString":            "",
		"zero":                   0,
		"false":                  false,
	}}
	got, err := Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	want := encode.Header + `spec:
  emptyString: ""
  "false": false
  list:
  - {}
  - x
  selector: {}
  serviceMonitorSelector: {}
  zero: 0
`
	if string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestRawScrapeConfigsAtTheirPosition(t *testing.T) {
	env := baseEnv()
	env.RawScrapeConfigs = map[string]string{"legacy": "job_name: legacy\n"}
	env.Sources = map[string]string{"rawScrapeConfigs": origin}
	p, err := expand.Expand(env)
	if err != nil {
		t.Fatal(err)
	}
	err = RenderWith(p, artifact.NewTree(), nil)
	l, ok := diag.As(err)
	if !ok || len(l) != 1 || l[0].Pos != diag.Origin(origin) || !strings.Contains(l[0].Msg, "plain flavour only") {
		t.Fatalf("got %v, want one diagnostic at %s", err, origin)
	}
}
