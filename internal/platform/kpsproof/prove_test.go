package kpsproof

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mongen-dev/mongen/internal/corpus"
)

func readTestdata(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func parse(t *testing.T, s string) []Object {
	t.Helper()
	objs, err := ParseObjects([]byte(s), "monitoring", "test")
	if err != nil {
		t.Fatal(err)
	}
	return objs
}

func replace(t *testing.T, s, old, new string) string {
	t.Helper()
	if !strings.Contains(s, old) {
		t.Fatalf("fixture has no %q", old)
	}
	return strings.Replace(s, old, new, 1)
}

// TestProveFacts: the hand-built platform and mongen output pass; each
// edit breaks one fact, which Prove reports on the object it names.
func TestProveFacts(t *testing.T) {
	platform, mongen := readTestdata(t, "platform.yaml"), readTestdata(t, "mongen.yaml")
	if ps := Prove(parse(t, platform), parse(t, mongen)); len(ps) > 0 {
		t.Fatalf("the passing fixture fails:\n%s", join(ps))
	}
	cases := []struct {
		name             string
		platform, mongen func(string) string
		object, fact     string
		detail           string
	}{
		{name: "monitor without the selected label",
			mongen: func(s string) string {
				return replace(t, s, "{name: websites, namespace: monitoring, labels: {release: kps}}", "{name: websites, namespace: monitoring}")
			},
			object: "Probe monitoring/websites", fact: FactSelected, detail: "labels {} do not match release=kps"},
		{name: "null label selector selects nothing",
			platform: func(s string) string {
				return replace(t, s, "  serviceMonitorSelector: {matchLabels: {release: kps}}\n", "")
			},
			object: "ServiceMonitor monitoring/node-exporter", fact: FactSelected, detail: "null (selects nothing)"},
		{name: "null namespace selector is the own namespace",
			platform: func(s string) string { return replace(t, s, "  ruleNamespaceSelector: {}\n", "") },
			object:   "PrometheusRule apps/node-exporter", fact: FactSelected, detail: "own namespace monitoring only"},
		{name: "namespace selector by labels, namespace unlabelled",
			platform: func(s string) string {
				return replace(t, s, "  ruleNamespaceSelector: {}\n", "  ruleNamespaceSelector: {matchLabels: {team: apps}}\n")
			},
			object: "PrometheusRule apps/node-exporter", fact: FactSelected, detail: "namespace apps (labels {kubernetes.io/metadata.name=apps}) does not match team=apps"},
		{name: "rule evaluated by Prometheus and ThanosRuler",
			mongen: func(s string) string {
				return replace(t, s, "labels: {mongen.dev/evaluator: thanos-ruler}}", "labels: {mongen.dev/evaluator: thanos-ruler, release: kps}}")
			},
			object: "PrometheusRule monitoring/global", fact: FactSelected, detail: "evaluated twice"},
		{name: "library exporter selecting the wrong labels",
			mongen: func(s string) string {
				return replace(t, s, "{app.kubernetes.io/name: prometheus-node-exporter}}\n  namespaceSelector", "{app.kubernetes.io/name: node-exporter}}\n  namespaceSelector")
			},
			object: "ServiceMonitor monitoring/node-exporter", fact: FactTarget, detail: `scrapes job "node-exporter", the chart's Service monitoring/kps-node-exporter, but does not select it`},
		{name: "selecting several platform Services",
			mongen: func(s string) string {
				return replace(t, s, "selector: {matchLabels: {app.kubernetes.io/name: kube-state-metrics}}", "selector: {}")
			},
			object: "ServiceMonitor monitoring/kube-state-metrics", fact: FactTarget, detail: "selects 4 Services of the chart"},
		{name: "selecting a platform Service besides mongen's",
			mongen: func(s string) string {
				return s + "---\napiVersion: v1\nkind: Service\nmetadata: {name: my-node-exporter, namespace: monitoring, labels: {app.kubernetes.io/name: prometheus-node-exporter}}\nspec: {ports: [{name: http-metrics, port: 9100}]}\n"
			},
			object: "ServiceMonitor monitoring/node-exporter", fact: FactTarget, detail: "besides mongen's monitoring/my-node-exporter"},
		{name: "port the Service lacks",
			mongen: func(s string) string { return replace(t, s, "  - port: http-metrics\n", "  - port: metrics\n") },
			object: "ServiceMonitor monitoring/node-exporter", fact: FactPort, detail: `endpoint port "metrics" is not a port of Service monitoring/kps-node-exporter (ports: http-metrics)`},
		{name: "plain http to kube-rbac-proxy",
			mongen: func(s string) string {
				s = replace(t, s, "    scheme: https\n", "")
				return replace(t, s, "    tlsConfig: {insecureSkipVerify: true}\n", "")
			},
			object: "ServiceMonitor monitoring/kube-state-metrics", fact: FactScheme, detail: "needs scheme https, a tlsConfig"},
		{name: "scraped by the chart's monitor too",
			platform: func(s string) string {
				return s + "---\napiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: kps-node-exporter, namespace: monitoring, labels: {release: kps}}\nspec:\n  selector: {matchLabels: {jobLabel: node-exporter}}\n  endpoints: [{port: http-metrics}]\n"
			},
			object: "ServiceMonitor monitoring/node-exporter", fact: FactScrapedOnce, detail: "scraped 2 times"},
		{name: "Alertmanager reading another Secret",
			platform: func(s string) string {
				return replace(t, s, "configSecret: mongen-alertmanager", "configSecret: other")
			},
			object: "Alertmanager monitoring/kps-alertmanager", fact: FactAlertmanagerConfig, detail: "reads Secret monitoring/other (spec.configSecret); mongen generates its configuration as monitoring/mongen-alertmanager"},
		{name: "chart still renders its config Secret",
			platform: func(s string) string {
				return s + "---\napiVersion: v1\nkind: Secret\nmetadata: {name: alertmanager-kps-alertmanager, namespace: monitoring}\ndata: {alertmanager.yaml: cm91dGU6IHt9Cg==}\n"
			},
			object: "Alertmanager monitoring/kps-alertmanager", fact: FactAlertmanagerConfig, detail: "still renders its own configuration Secret monitoring/alertmanager-kps-alertmanager"},
		{name: "config under the wrong key",
			mongen: func(s string) string { return replace(t, s, "  alertmanager.yaml: |", "  alertmanager.yml: |") },
			object: "Secret monitoring/mongen-alertmanager", fact: FactAlertmanagerConfig, detail: "the operator reads key alertmanager.yaml; the Secret has alertmanager.yml, mongen.tmpl"},
		{name: "template glob matching no key",
			mongen: func(s string) string { return replace(t, s, "  mongen.tmpl:", "  mongen.txt:") },
			object: "Secret monitoring/mongen-alertmanager", fact: FactAlertmanagerConfig, detail: "templates[0]: /etc/alertmanager/config/*.tmpl matches no key"},
		{name: "credential file in an unmounted Secret",
			mongen: func(s string) string { return replace(t, s, "secrets/wechat-credentials/", "secrets/wechat/") },
			object: "Secret monitoring/mongen-alertmanager", fact: FactSecretMounted, detail: `receivers[0].wechat_configs[0].api_secret_file: /etc/alertmanager/secrets/wechat/api-secret: "wechat" is not in spec.secrets (wechat-credentials)`},
		{name: "credential file outside the mounts",
			mongen: func(s string) string {
				return replace(t, s, "/etc/alertmanager/secrets/wechat-credentials/api-secret", "/etc/mongen/api-secret")
			},
			object: "Secret monitoring/mongen-alertmanager", fact: FactSecretMounted, detail: "is outside /etc/alertmanager/secrets/<secret>/"},
		{name: "alert the chart defines",
			mongen: func(s string) string {
				return replace(t, s, "{alert: NodeDown, expr: up == 0}", "{alert: Watchdog, expr: up == 0}")
			},
			object: "PrometheusRule apps/node-exporter", fact: FactAlertOnce, detail: "alert Watchdog is also defined by the chart's PrometheusRule monitoring/kps-general"},
		{name: "dashboard with the wrong label value",
			mongen: func(s string) string {
				return replace(t, s, `labels: {grafana_dashboard: "1"}`, `labels: {grafana_dashboard: "0"}`)
			},
			object: "ConfigMap monitoring/grafana-dashboard-node", fact: FactDashboardLoaded, detail: "loads objects labelled grafana_dashboard=1"},
		{name: "datasource outside Grafana's namespace",
			mongen: func(s string) string {
				return replace(t, s, "{name: grafana-datasource-mongen, namespace: monitoring,", "{name: grafana-datasource-mongen, namespace: apps,")
			},
			object: "ConfigMap apps/grafana-datasource-mongen", fact: FactDatasourceLoaded, detail: "watches namespaces monitoring only"},
		{name: "datasource on a Service nobody renders",
			mongen: func(s string) string {
				return replace(t, s, "http://kps-prometheus.monitoring.svc:9090", "http://prometheus-operated.monitoring.svc:9090")
			},
			object: "ConfigMap monitoring/grafana-datasource-mongen", fact: FactDatasourceURL, detail: "neither the chart nor mongen renders; the chart's Prometheus Service is kps-prometheus.monitoring:9090"},
		{name: "datasource on a Service that is not Prometheus",
			mongen: func(s string) string {
				return replace(t, s, "http://kps-prometheus.monitoring.svc:9090", "http://kps-grafana.monitoring")
			},
			object: "ConfigMap monitoring/grafana-datasource-mongen", fact: FactDatasourceURL, detail: "not in front of the chart's Prometheus"},
		{name: "datasource on a port the Service lacks",
			mongen: func(s string) string {
				return replace(t, s, "http://kps-prometheus.monitoring.svc:9090", "http://kps-prometheus:9091")
			},
			object: "ConfigMap monitoring/grafana-datasource-mongen", fact: FactDatasourceURL, detail: "port 9091 is not a port of Service monitoring/kps-prometheus (9090)"},
		{name: "object the chart owns",
			mongen: func(s string) string {
				return s + "---\napiVersion: v1\nkind: Service\nmetadata: {name: kps-prometheus, namespace: monitoring}\nspec: {ports: [{port: 9090}]}\n"
			},
			object: "Service monitoring/kps-prometheus", fact: FactOwnership, detail: "the chart already provides this object"},
		{name: "object the cluster has",
			mongen: func(s string) string {
				return s + "---\napiVersion: v1\nkind: Service\nmetadata: {name: kubernetes, namespace: default}\nspec: {ports: [{port: 443}]}\n"
			},
			object: "Service default/kubernetes", fact: FactOwnership, detail: "assumed: the API server's Service"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, m := platform, mongen
			if c.platform != nil {
				p = c.platform(p)
			}
			if c.mongen != nil {
				m = c.mongen(m)
			}
			ps := Prove(parse(t, p), parse(t, m))
			if !slices.ContainsFunc(ps, func(p Problem) bool {
				return p.Object == c.object && p.Fact == c.fact && strings.Contains(p.Detail, c.detail)
			}) {
				t.Errorf("want %s: %s: …%s…, got:\n%s", c.object, c.fact, c.detail, join(ps))
			}
		})
	}
}

// TestNamespaceObjectsGiveLabels: a Namespace object among the inputs
// gives its labels to a namespace selector.
func TestNamespaceObjectsGiveLabels(t *testing.T) {
	platform := replace(t, readTestdata(t, "platform.yaml"), "  ruleNamespaceSelector: {}\n", "  ruleNamespaceSelector: {matchLabels: {team: apps}}\n")
	mongen := readTestdata(t, "mongen.yaml") + "---\napiVersion: v1\nkind: Namespace\nmetadata: {name: apps, labels: {team: apps}}\n"
	for _, p := range Prove(parse(t, platform), parse(t, mongen)) {
		if p.Object == "PrometheusRule apps/node-exporter" {
			t.Errorf("labelled namespace not selected: %s", p)
		}
	}
}

func join(ps []Problem) string {
	var b strings.Builder
	for _, p := range ps {
		b.WriteString("  " + p.String() + "\n")
	}
	return b.String()
}

// TestProveKubePrometheus proves hand-built mongen objects against the real
// kube-prometheus manifests, as a user deploys them once mongen takes over
// node-exporter's monitor and the Alertmanager configuration (the
// manifests' own files for those are left out).
func TestProveKubePrometheus(t *testing.T) {
	dir := corpus.KubePrometheusManifests(t)
	all, err := ReadManifests(dir, "monitoring")
	if err != nil {
		t.Fatal(err)
	}
	var manifests []Object
	for _, o := range all {
		if o.Source != "nodeExporter-serviceMonitor.yaml" && o.Source != "alertmanager-secret.yaml" {
			manifests = append(manifests, o)
		}
	}
	good := `apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: node-exporter, namespace: monitoring}
spec:
  selector: {matchLabels: {app.kubernetes.io/name: node-exporter}}
  endpoints:
  - port: https
    scheme: https
    bearerTokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token
    tlsConfig: {insecureSkipVerify: true}
---
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata: {name: openclaw, namespace: apps}
spec:
  groups: [{name: openclaw, rules: [{alert: OpenClawDown, expr: up == 0}]}]
---
apiVersion: v1
kind: Secret
metadata: {name: alertmanager-main, namespace: monitoring}
stringData:
  alertmanager.yaml: |
    route: {receiver: "null"}
    receivers: [{name: "null"}]
`
	if ps := ProveKubePrometheus(manifests, parse(t, good)); len(ps) > 0 {
		t.Fatalf("the passing mongen objects fail:\n%s", join(ps))
	}
	for _, c := range []struct {
		name, old, new string
		manifests      []Object
		fact, detail   string
	}{
		{"node-exporter over plain http", "    scheme: https\n    bearerTokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token\n", "", manifests,
			FactScheme, `port "https" of Service monitoring/node-exporter is served by kube-rbac-proxy (container kube-rbac-proxy): the endpoint needs scheme https, a bearer token`},
		{"node-exporter on the exporter's port name", "  - port: https\n", "  - port: metrics\n", manifests,
			FactPort, `endpoint port "metrics" is not a port of Service monitoring/node-exporter (ports: https)`},
		{"an alert kube-prometheus defines", "alert: OpenClawDown", "alert: NodeFilesystemAlmostOutOfSpace", manifests,
			FactAlertOnce, "also defined by kube-prometheus's PrometheusRule monitoring/node-exporter-rules (nodeExporter-prometheusRule.yaml)"},
		{"the manifests' own monitor left in place", "", "", all,
			FactScrapedOnce, "platform ServiceMonitor monitoring/node-exporter, mongen ServiceMonitor monitoring/node-exporter"},
		{"the manifests' own Secret left in place", "", "", all,
			FactOwnership, "kube-prometheus already provides this object (alertmanager-secret.yaml)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			ps := ProveKubePrometheus(c.manifests, parse(t, strings.Replace(good, c.old, c.new, 1)))
			if !slices.ContainsFunc(ps, func(p Problem) bool { return p.Fact == c.fact && strings.Contains(p.Detail, c.detail) }) {
				t.Errorf("want %s: …%s…, got:\n%s", c.fact, c.detail, join(ps))
			}
		})
	}
}
