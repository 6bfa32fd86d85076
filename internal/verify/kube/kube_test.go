package kube

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mongen-dev/mongen/internal/verify/kube/internal/crdbundle"
)

func newValidator(t testing.TB) *Validator {
	t.Helper()
	v, err := NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestValid checks every document in testdata/valid, which covers each kind
// mongen emits.
func TestValid(t *testing.T) {
	v := newValidator(t)
	files, err := filepath.Glob("testdata/valid/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 10 {
		t.Fatalf("only %d files in testdata/valid", len(files))
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			doc, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if err := v.Validate(doc); err != nil {
				t.Errorf("unexpected error:\n%v", err)
			}
		})
	}
}

const serviceMonitorHead = `apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: openclaw
  namespace: monitoring
spec:
  selector:
    matchLabels:
      app: openclaw
`

const serviceHead = `apiVersion: v1
kind: Service
metadata:
  name: etcd
  namespace: kube-system
`

func TestInvalid(t *testing.T) {
	v := newValidator(t)
	tests := []struct {
		name string
		doc  string
		want []string // each must be one of the reported lines
		// wantSub are substrings of the whole error.
		wantSub []string
		// wantLines, if set, is the exact number of problems.
		wantLines int
	}{
		{
			name: "unknown nested field",
			doc: serviceMonitorHead + `  endpoints:
    - port: metrics
      intervall: 30s
`,
			want: []string{`ServiceMonitor openclaw: spec.endpoints[0].intervall: unknown field (did you mean "interval"?)`},
		},
		{
			name: "unknown deeply nested field and in metadata",
			doc: `apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: openclaw
  lables: {app: openclaw}
spec:
  selector: {}
  endpoints:
    - port: metrics
    - port: web
      relabelings:
        - sourceLabels: [__name__]
          regexx: foo
`,
			want: []string{
				`ServiceMonitor openclaw: metadata.lables: unknown field (did you mean "labels"?)`,
				`ServiceMonitor openclaw: spec.endpoints[1].relabelings[0].regexx: unknown field (did you mean "regex"?)`,
			},
		},
		{
			name: "unknown top-level field",
			doc: serviceMonitorHead + `  endpoints: [{port: metrics}]
spce: {}
`,
			want: []string{`ServiceMonitor openclaw: spce: unknown field (did you mean "spec"?)`},
		},
		{
			name: "wrong type port as bool in CRD",
			doc: serviceMonitorHead + `  endpoints:
    - port: true
`,
			want: []string{`ServiceMonitor openclaw: spec.endpoints[0].port: Invalid value: "boolean": spec.endpoints[0].port in body must be of type string: "boolean"`},
		},
		{
			name: "int-or-string targetPort as bool",
			doc: serviceMonitorHead + `  endpoints:
    - targetPort: false
`,
			wantSub: []string{`ServiceMonitor openclaw: spec.endpoints[0].targetPort: Invalid value: "boolean"`},
		},
		{
			name: "bad enum",
			doc: serviceMonitorHead + `  endpoints:
    - port: metrics
      scheme: htp
`,
			want: []string{`ServiceMonitor openclaw: spec.endpoints[0].scheme: Unsupported value: "htp": supported values: "http", "https", "HTTP", "HTTPS"`},
		},
		{
			name: "bad pattern",
			doc: serviceMonitorHead + `  endpoints:
    - port: metrics
      interval: 30x
`,
			wantSub: []string{`ServiceMonitor openclaw: spec.endpoints[0].interval: Invalid value: "30x": spec.endpoints[0].interval in body should match`},
		},
		{
			name: "missing required",
			doc: `apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: openclaw
spec:
  endpoints: [{port: metrics}]
`,
			want: []string{`ServiceMonitor openclaw: spec.selector: Required value`},
		},
		{
			name: "missing required in list item",
			doc: `apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: rules
spec:
  groups:
    - rules:
        - expr: up == 0
`,
			want: []string{`PrometheusRule rules: spec.groups[0].name: Required value`},
		},
		{
			name: "bad name",
			doc: `apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: Bad_Name
spec:
  groups: []
`,
			wantSub: []string{`PrometheusRule Bad_Name: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain`},
		},
		{
			name: "missing name",
			doc: `apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  namespace: monitoring
spec:
  groups: []
`,
			want: []string{`PrometheusRule (unnamed): metadata.name: Required value: name or generateName is required`},
		},
		{
			name: "wrong types in Prometheus, CEL then skipped",
			doc: `apiVersion: monitoring.coreos.com/v1
kind: Prometheus
metadata:
  name: main
spec:
  replicas: two
  externalLabels:
    cluster: 1
`,
			want: []string{
				`Prometheus main: spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"`,
				`Prometheus main: spec.externalLabels.cluster: Invalid value: "integer": spec.externalLabels.cluster in body must be of type string: "integer"`,
				`Prometheus main: x-kubernetes-validations rules were not checked because of the other errors`,
			},
		},
		{
			name: "CEL rule",
			doc: `apiVersion: monitoring.coreos.com/v1alpha1
kind: ScrapeConfig
metadata:
  name: static
spec:
  staticConfigs:
    - targets: [a:9100]
  basicAuth:
    username: {name: auth, key: user}
  authorization:
    credentials: {name: auth, key: token}
`,
			wantSub: []string{`ScrapeConfig static: spec: Invalid value: at most one of basicAuth, authorization, or oauth2 can be configured`},
		},
		{
			name: "CEL rule in Prometheus",
			doc: `apiVersion: monitoring.coreos.com/v1
kind: Prometheus
metadata:
  name: main
spec:
  updateStrategy:
    type: OnDelete
    rollingUpdate: {}
`,
			wantSub: []string{`Prometheus main: spec.updateStrategy: Invalid value: rollingUpdate requires type to be RollingUpdate`},
		},
		{
			name: "Service port as bool, unknown fields, bad label",
			doc: serviceHead + `  labels: {app: 1}
spec:
  ports:
    - name: metrics
      port: true
    - name: web
      port: 8080
      prot: TCP
  Selector: {app: etcd}
`,
			want: []string{
				`Service etcd: metadata.labels[app]: invalid type: got number, want string`,
				`Service etcd: spec.ports[0].port: invalid type: got bool, want integer (int32)`,
				`Service etcd: spec.ports[1].prot: unknown field (did you mean "port"?)`,
				`Service etcd: spec.Selector: unknown field (did you mean "selector"?)`,
			},
		},
		{
			name: "numbers that do not fit are reported one by one",
			doc: serviceHead + `spec:
  ports:
    - {name: a, port: 80}
    - {name: b, port: 80.5}
    - {name: c, port: 99999999999}
    - {name: d, port: 443}
`,
			want: []string{
				`Service etcd: spec.ports[1].port: invalid type: got number 80.5, want integer (int32)`,
				`Service etcd: spec.ports[2].port: invalid type: got number 99999999999, want integer (int32)`,
			},
			wantLines: 2,
		},
		{
			name: "Service semantic checks",
			doc: serviceHead + `spec:
  type: ClusterIp
  ports:
    - port: 70000
      protocol: tcp
    - port: 80
`,
			want: []string{
				`Service etcd: spec.ports[0].name: Required value: required when more than one port`,
				`Service etcd: spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive`,
				`Service etcd: spec.ports[0].protocol: Unsupported value: "tcp": supported values: "TCP", "UDP", "SCTP"`,
				`Service etcd: spec.ports[1].name: Required value: required when more than one port`,
				`Service etcd: spec.type: Unsupported value: "ClusterIp": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"`,
			},
		},
		{
			name: "Service name must be a DNS-1035 label",
			doc: `apiVersion: v1
kind: Service
metadata:
  name: 9etcd
spec:
  ports: [{port: 80}]
`,
			wantSub: []string{`Service 9etcd: metadata.name: Invalid value: "9etcd": a DNS-1035 label must consist of lower case alphanumeric characters`},
		},
		{
			name: "Endpoints bad IP and unknown field",
			doc: `apiVersion: v1
kind: Endpoints
metadata:
  name: etcd
subsets:
  - addresses:
      - ip: 10.0.0.300
      - ipp: 10.0.0.1
    ports: [{port: 2381}]
`,
			want: []string{`Endpoints etcd: subsets[0].addresses[1].ipp: unknown field (did you mean "ip"?)`},
		},
		{
			name: "Endpoints bad IP",
			doc: `apiVersion: v1
kind: Endpoints
metadata:
  name: etcd
subsets:
  - addresses: [{ip: 10.0.0.300}]
    ports: [{port: 2381}]
`,
			wantSub: []string{`Endpoints etcd: subsets[0].addresses[0].ip: Invalid value: "10.0.0.300": must be a valid IP address`},
		},
		{
			name: "ClusterRole missing verbs and apiGroups",
			doc: `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: prometheus
rules:
  - resources: [pods]
`,
			want: []string{
				`ClusterRole prometheus: rules[0].apiGroups: Required value: resource rules must supply at least one api group`,
				`ClusterRole prometheus: rules[0].verbs: Required value: verbs must contain at least one value`,
			},
		},
		{
			name: "ClusterRole wrong type in list",
			doc: `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: system:prometheus
rules:
  - apiGroups: [""]
    resources: [pods]
    verbs: [get, 1]
`,
			want: []string{`ClusterRole system:prometheus: rules[0].verbs[1]: invalid type: got number, want string`},
		},
		{
			name: "ClusterRoleBinding",
			doc: `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: prometheus
roleRef:
  kind: Role
  name: prometheus
subjects:
  - kind: ServiceAccount
    name: prometheus
`,
			want: []string{
				`ClusterRoleBinding prometheus: roleRef.apiGroup: Unsupported value: "": supported values: "rbac.authorization.k8s.io"`,
				`ClusterRoleBinding prometheus: roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole"`,
				`ClusterRoleBinding prometheus: subjects[0].namespace: Required value`,
			},
		},
		{
			name: "Secret bad base64",
			doc: `apiVersion: v1
kind: Secret
metadata:
  name: auth
data:
  token: "not base64!"
`,
			wantSub: []string{`Secret auth: data[token]: invalid base64: illegal base64 data`},
		},
		{
			name: "Deployment selector mismatch",
			doc: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: exporter
spec:
  selector: {matchLabels: {app: exporter}}
  template:
    metadata: {labels: {app: other}}
    spec:
      containers: [{name: exporter}]
`,
			want: []string{
				"Deployment exporter: spec.template.metadata.labels: Invalid value: {\"app\":\"other\"}: `selector` does not match template `labels`",
				`Deployment exporter: spec.template.spec.containers[0].image: Required value`,
			},
		},
		{
			name:    "unsupported kind",
			doc:     "apiVersion: v1\nkind: Pod\nmetadata: {name: x}\n",
			wantSub: []string{"Pod x: no schema for v1/Pod"},
		},
		{
			name:    "unserved CRD version",
			doc:     "apiVersion: monitoring.coreos.com/v1alpha1\nkind: ServiceMonitor\nmetadata: {name: x}\n",
			wantSub: []string{"ServiceMonitor x: no schema for monitoring.coreos.com/v1alpha1/ServiceMonitor"},
		},
		{
			name: "missing apiVersion and kind",
			doc:  "metadata: {name: x}\n",
			want: []string{"apiVersion: required value", "kind: required value"},
		},
		{
			name: "kind not a string",
			doc:  "apiVersion: v1\nkind: 5\n",
			want: []string{"kind: must be a string"},
		},
		{
			name:    "duplicate key",
			doc:     "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\nkind: Secret\n",
			wantSub: []string{`parsing YAML`, `key "kind" already set in map`},
		},
		{
			name:    "two documents",
			doc:     "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n",
			wantSub: []string{"more than one YAML document"},
		},
		{
			name:    "not an object",
			doc:     "- a\n- b\n",
			wantSub: []string{"document is a list, not an object"},
		},
		{
			name:    "empty",
			doc:     "# nothing\n",
			wantSub: []string{"empty document"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := v.Validate([]byte(tc.doc))
			if err == nil {
				t.Fatal("no error")
			}
			lines := strings.Split(err.Error(), "\n")
			for _, w := range tc.want {
				found := false
				for _, l := range lines {
					if l == w {
						found = true
					}
				}
				if !found {
					t.Errorf("missing line %q in:\n%v", w, err)
				}
			}
			if tc.wantLines != 0 && len(lines) != tc.wantLines {
				t.Errorf("got %d problems, want %d:\n%v", len(lines), tc.wantLines, err)
			}
			for _, w := range tc.wantSub {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("missing %q in:\n%v", w, err)
				}
			}
			if !sort.StringsAreSorted(fieldsOf(err)) {
				t.Errorf("errors not sorted by field:\n%v", err)
			}
		})
	}
}

func fieldsOf(err error) []string {
	var out []string
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			var fe *FieldError
			if errors.As(e, &fe) {
				out = append(out, fe.Field)
			}
		}
	}
	return out
}

// TestExactOutput pins the complete message for one object with several
// problems: all are reported, once each, in a stable order.
func TestExactOutput(t *testing.T) {
	doc := serviceMonitorHead + `  endpoints:
    - port: metrics
      intervall: 30s
      scheme: htp
    - port: true
`
	want := `ServiceMonitor openclaw: spec.endpoints[0].intervall: unknown field (did you mean "interval"?)
ServiceMonitor openclaw: spec.endpoints[0].scheme: Unsupported value: "htp": supported values: "http", "https", "HTTP", "HTTPS"
ServiceMonitor openclaw: spec.endpoints[1].port: Invalid value: "boolean": spec.endpoints[1].port in body must be of type string: "boolean"`
	v := newValidator(t)
	for range 3 {
		err := v.Validate([]byte(doc))
		if err == nil || err.Error() != want {
			t.Fatalf("got:\n%v\nwant:\n%s", err, want)
		}
	}
	var fe *FieldError
	if !errors.As(v.Validate([]byte(doc)), &fe) || fe.Kind != "ServiceMonitor" || fe.Name != "openclaw" || fe.Field != "spec.endpoints[0].intervall" {
		t.Errorf("first FieldError = %+v", fe)
	}
}

func TestPackageValidate(t *testing.T) {
	doc, err := os.ReadFile("testdata/valid/servicemonitor.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := Validate(doc); err != nil {
		t.Fatal(err)
	}
}

func TestKinds(t *testing.T) {
	got := map[string]bool{}
	for _, gvk := range newValidator(t).Kinds() {
		got[gvk.Group+"/"+gvk.Version+"/"+gvk.Kind] = true
	}
	for _, k := range []string{
		"monitoring.coreos.com/v1/ServiceMonitor", "monitoring.coreos.com/v1/PodMonitor",
		"monitoring.coreos.com/v1/Probe", "monitoring.coreos.com/v1/PrometheusRule",
		"monitoring.coreos.com/v1/Prometheus", "monitoring.coreos.com/v1/Alertmanager",
		"monitoring.coreos.com/v1alpha1/AlertmanagerConfig", "monitoring.coreos.com/v1/ThanosRuler",
		"monitoring.coreos.com/v1alpha1/ScrapeConfig", "monitoring.coreos.com/v1alpha1/PrometheusAgent",
		"/v1/Service", "/v1/Endpoints", "/v1/Secret", "/v1/ConfigMap", "/v1/ServiceAccount",
		"rbac.authorization.k8s.io/v1/ClusterRole", "rbac.authorization.k8s.io/v1/ClusterRoleBinding",
		"rbac.authorization.k8s.io/v1/Role", "rbac.authorization.k8s.io/v1/RoleBinding",
		"apps/v1/Deployment",
	} {
		if !got[k] {
			t.Errorf("kind %s not supported", k)
		}
	}
}

// TestConcurrent exercises the lazy per-kind preparation from many
// goroutines; run with -race.
func TestConcurrent(t *testing.T) {
	v := newValidator(t)
	files, _ := filepath.Glob("testdata/valid/*.yaml")
	var docs [][]byte
	for _, f := range files {
		d, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, d)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8*len(docs))
	for range 8 {
		wg.Go(func() {
			for _, d := range docs {
				if err := v.Validate(d); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestEmbeddedCRDsUpToDate regenerates the bundle from the operator module
// and requires it to equal the embedded file byte for byte, so the embedded
// schemas cannot drift from OperatorVersion or from the generator.
func TestEmbeddedCRDsUpToDate(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go command not available:", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	got, err := crdbundle.Generate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, embeddedCRDs) {
		msg := "crds.json.gz is stale: run go generate ./internal/verify/kube"
		// Tell a flate change in a new Go release apart from a real drift.
		a, errA := crdbundle.Decompress(got)
		b, errB := crdbundle.Decompress(embeddedCRDs)
		if errA == nil && errB == nil && bytes.Equal(a, b) {
			msg += " (content is equal; only the compression differs)"
		}
		t.Fatal(msg)
	}
}

func BenchmarkValidate(b *testing.B) {
	doc, err := os.ReadFile("testdata/valid/servicemonitor.yaml")
	if err != nil {
		b.Fatal(err)
	}
	v := newValidator(b)
	if err := v.Validate(doc); err != nil { // prepares the kind
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := v.Validate(doc); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNewValidator(b *testing.B) {
	for b.Loop() {
		if _, err := NewValidator(); err != nil {
			b.Fatal(err)
		}
	}
}

func FuzzValidate(f *testing.F) {
	files, _ := filepath.Glob("testdata/valid/*.yaml")
	for _, fn := range files {
		d, err := os.ReadFile(fn)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(d)
	}
	f.Add([]byte(serviceMonitorHead + "  endpoints: [{port: true, intervall: 1}]\n"))
	f.Add([]byte(serviceHead + "spec: {ports: [{port: true}], Selector: {a: 1}}\n"))
	f.Add([]byte("apiVersion: v1\nkind: Secret\nmetadata: {name: a}\ndata: {a: '!'}\n"))
	f.Add([]byte("{}"))
	f.Add([]byte("- 1"))
	v := newValidator(f)
	f.Fuzz(func(t *testing.T, doc []byte) {
		err := v.Validate(doc)
		if err != nil && err.Error() == "" {
			t.Error("empty error message")
		}
	})
}
