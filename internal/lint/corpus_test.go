package lint

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/mongen-dev/mongen/internal/corpus"
	"github.com/mongen-dev/mongen/internal/expand"
	goldenfile "github.com/mongen-dev/mongen/internal/golden"
	"github.com/mongen-dev/mongen/internal/load"
	"github.com/mongen-dev/mongen/internal/model"
)

// corpusEnv is an environment with kube-prometheus's own jobs: the library
// exporters where mongen has one, with kube-prometheus's job names and
// ServiceMonitor intervals, and plain targets (metrics unknown) for the
// rest. cAdvisor is scraped under job kubelet there, so the kubelet
// exporter's second job gets a name nothing selects.
const corpusEnv = `package corpus

import (
	"mongen.dev/mongen/schemas"
	"mongen.dev/mongen/library/exporter"
)

env: schemas.#Environment & {
	name:     "corpus"
	cluster:  "corpus"
	flavour:  "operator"
	selector: {}
	prometheus: scrapeInterval: "30s"
	exporters: {
		node: exporter.#NodeExporter & {targets: "node-exporter": interval: "15s"}
		"kube-state-metrics": exporter.#KubeStateMetrics
		kubelet: exporter.#Kubelet & {cadvisorJob: "cadvisor-unused"}
		apiserver: exporter.#KubeAPIServer
		coredns: exporter.#CoreDNS & {targets: coredns: interval: "15s"}
		scheduler: exporter.#KubeScheduler
		"controller-manager": exporter.#KubeControllerManager
	}
	targets: {
		"alertmanager-main": {kind: "service", namespace: "monitoring", selector: app: "alertmanager", port: "web"}
		"prometheus-k8s": {kind: "service", namespace: "monitoring", selector: app: "prometheus", port: "web"}
		"prometheus-operator": {kind: "service", namespace: "monitoring", selector: app: "prometheus-operator", port: "https"}
		grafana: {kind: "service", namespace: "monitoring", selector: app: "grafana", port: "http", interval: "15s"}
	}
}
`

func corpusPlan(t *testing.T) *expand.Plan {
	t.Helper()
	root := t.TempDir()
	files := map[string]string{
		"cue.mod/module.cue":             "module: \"example.com/corpus@v0\"\nlanguage: version: \"v0.17.0\"\ndeps: \"mongen.dev/mongen@v0\": v: \"v0.1.0\"\n",
		"environments/corpus/corpus.cue": corpusEnv,
	}
	goldenfile.WriteFiles(t, root, files)
	env, err := load.Environment(root, load.Ref{Name: "corpus", Dir: "environments/corpus"}, load.Options{})
	if err != nil {
		t.Fatalf("load corpus environment: %v", err)
	}
	plan, err := expand.Expand(env)
	if err != nil {
		t.Fatalf("expand corpus environment: %v", err)
	}
	return plan
}

// severityTier maps kube-prometheus severities to mongen tiers.
var severityTier = map[string]string{"critical": "P0", "warning": "P1", "info": "P2"}

// parsePrometheusRules reads the rule groups of a PrometheusRule manifest
// into plan groups, with "name:line:col" positions.
func parsePrometheusRules(name string, data []byte) ([]expand.Group, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	if len(doc.Content) == 0 {
		return nil, fmt.Errorf("%s: empty document", name)
	}
	pos := func(n *yaml.Node) string { return fmt.Sprintf("%s:%d:%d", name, n.Line, n.Column) }
	var groups []expand.Group
	for _, g := range seq(get(get(doc.Content[0], "spec"), "groups")) {
		group := expand.Group{Name: str(get(g, "name")), Origin: pos(g)}
		for _, r := range seq(get(g, "rules")) {
			rule := expand.Rule{
				Rule: model.Rule{
					Kind:          model.RuleAlert,
					Name:          str(get(r, "alert")),
					Expr:          str(get(r, "expr")),
					For:           str(get(r, "for")),
					KeepFiringFor: str(get(r, "keep_firing_for")),
					Labels:        map[string]string{},
					Annotations:   map[string]string{},
					Enabled:       true,
				},
				Origin:            pos(r),
				AnnotationOrigins: map[string]string{},
				LabelOrigins:      map[string]string{},
			}
			if rec := get(r, "record"); rec != nil {
				rule.Kind, rule.Name = model.RuleRecord, str(rec)
			}
			rule.Key = rule.Name
			if e := get(r, "expr"); e != nil {
				rule.ExprOrigin = pos(e)
			}
			for k, v := range mapping(get(r, "labels")) {
				rule.Labels[k] = str(v)
				rule.LabelOrigins[k] = pos(v)
			}
			for k, v := range mapping(get(r, "annotations")) {
				rule.Annotations[k] = str(v)
				rule.AnnotationOrigins[k] = pos(v)
			}
			if rule.Kind == model.RuleAlert {
				rule.Tier = severityTier[rule.Labels["severity"]]
			}
			group.Rules = append(group.Rules, rule)
		}
		groups = append(groups, group)
	}
	return groups, nil
}

func get(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

func seq(n *yaml.Node) []*yaml.Node {
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	return n.Content
}

func mapping(n *yaml.Node) map[string]*yaml.Node {
	out := map[string]*yaml.Node{}
	if n == nil || n.Kind != yaml.MappingNode {
		return out
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		out[n.Content[i].Value] = n.Content[i+1]
	}
	return out
}

func str(n *yaml.Node) string {
	if n == nil {
		return ""
	}
	return n.Value
}

// TestKubePrometheusCorpus runs every check on the kube-prometheus rules,
// in an environment with kube-prometheus's jobs, and pins the findings.
// docs/lint.md justifies each one.
func TestKubePrometheusCorpus(t *testing.T) {
	plan, alerts, records := kubePrometheusPlan(t)
	if alerts != 139 || records != 95 {
		t.Errorf("parsed %d alerting and %d recording rules; the corpus README says 139 and 95", alerts, records)
	}

	res := Vet(plan, Config{Policy: DefaultPolicy()})
	var b strings.Builder
	fmt.Fprintf(&b, "# mongen vet on the kube-prometheus corpus: %d alerting and %d recording rules.\n", alerts, records)
	fmt.Fprintf(&b, "# Every finding is justified in docs/lint.md. Regenerate with UPDATE_GOLDEN=1.\n")
	for _, f := range res.Findings {
		b.WriteString(f.String() + "\n")
	}
	golden(t, filepath.Join("testdata", "kube-prometheus.golden"), b.String())
	if len(res.Suppressed) != 0 {
		t.Errorf("suppressed findings without configuration: %v", res.Suppressed)
	}
}

// kubePrometheusPlan is the corpus environment with the kube-prometheus
// rules as its groups, and how many alerting and recording rules they are.
func kubePrometheusPlan(t *testing.T) (plan *expand.Plan, alerts, records int) {
	t.Helper()
	names := corpus.Files(t)
	plan = corpusPlan(t)
	plan.Groups = nil
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		groups, err := parsePrometheusRules("kube-prometheus/"+filepath.Base(name), data)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range groups {
			for _, r := range g.Rules {
				if r.Kind == model.RuleAlert {
					alerts++
				} else {
					records++
				}
			}
		}
		plan.Groups = append(plan.Groups, groups...)
	}
	sort.SliceStable(plan.Groups, func(i, j int) bool { return plan.Groups[i].Name < plan.Groups[j].Name })
	return plan, alerts, records
}

func golden(t *testing.T, path, got string) { t.Helper(); goldenfile.CompareFile(t, path, got) }

// libraryEnv brings in every library exporter, the blackbox exporter with
// a single probe (the smallest environment that has its probe rules), and
// the standard tier policy with the receivers mongen init writes.
const libraryEnv = `package lib

import (
	"mongen.dev/mongen/schemas"
	"mongen.dev/mongen/library/exporter"
	"mongen.dev/mongen/library/policy"
)

env: schemas.#Environment & {
	name:     "lib"
	cluster:  "lib"
	flavour:  "operator"
	selector: {}
	exporters: {
		node:                 exporter.#NodeExporter
		"kube-state-metrics": exporter.#KubeStateMetrics
		kubelet:              exporter.#Kubelet
		apiserver:            exporter.#KubeAPIServer
		coredns:              exporter.#CoreDNS
		"ingress-nginx":      exporter.#IngressNginx
		etcd: exporter.#Etcd & {tls: secret: "etcd-certs", endpoints: ["10.0.0.1:2379"]}
		"kube-scheduler":          exporter.#KubeScheduler
		"kube-controller-manager": exporter.#KubeControllerManager
		"kube-proxy":              exporter.#KubeProxy
		mysqld:                    exporter.#MysqldExporter
		blackbox: exporter.#BlackboxExporter & {probes: site: {module: "http_2xx", static: ["https://example.com"]}}
	}
	alerting: policy.#Standard & {
		fallback: "ops-email"
		tiers: {
			P0: receivers: ["ops-pager"]
			P1: receivers: ["ops-chat"]
			P2: receivers: ["ops-email"]
		}
		receivers: {
			"ops-pager": {kind: "webhook", urlSecret: {secret: "alertmanager-receivers", key: "pager-url"}}
			"ops-chat": {kind: "webhook", urlSecret: {secret: "alertmanager-receivers", key: "chat-url"}}
			"ops-email": {
				kind: "email"
				to: ["ops@example.com"]
				from:         "alertmanager@example.com"
				smarthost:    "smtp.example.com:587"
				sendResolved: false
			}
		}
	}
}
`

// TestLibraryRulesVetClean: the library's own rules give no finding, at
// any severity, in an environment with every library exporter and one
// probe (docs/lint.md, The shipped environments), now that the exporters
// declare their metric TYPEs and promql/counter is exact for them.
func TestLibraryRulesVetClean(t *testing.T) {
	root := t.TempDir()
	goldenfile.WriteFiles(t, root, map[string]string{
		"cue.mod/module.cue":       "module: \"example.com/lib@v0\"\nlanguage: version: \"v0.17.0\"\ndeps: \"mongen.dev/mongen@v0\": v: \"v0.1.0\"\n",
		"environments/lib/lib.cue": libraryEnv,
	})
	env, err := load.Environment(root, load.Ref{Name: "lib", Dir: "environments/lib"}, load.Options{})
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	plan, err := expand.Expand(env)
	if err != nil {
		t.Fatalf("expand: %v", err)
	}
	if len(plan.Groups) < 12 {
		t.Fatalf("only %d rule groups: the environment lost exporters", len(plan.Groups))
	}
	res := Vet(plan, ConfigFor(env))
	for _, f := range res.Findings {
		t.Errorf("library rule finding: %s", f)
	}
	if env.Exporters["etcd"].MetricTypes["etcd_mvcc_db_total_size_in_bytes"] != model.MetricGauge {
		t.Errorf("the library's metric TYPEs did not reach the model: etcd has %v", env.Exporters["etcd"].MetricTypes)
	}
}
