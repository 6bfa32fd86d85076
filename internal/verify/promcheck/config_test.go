package promcheck

import (
	"slices"
	"strings"
	"testing"
)

const validConfig = `global:
  scrape_interval: 30s
  evaluation_interval: 30s
  external_labels:
    cluster: prod-sh1
rule_files:
  - rules/node.yaml
  - rules/etcd.yaml
  - rules/slo-*.yaml
alerting:
  alertmanagers:
    - static_configs:
        - targets: ["alertmanager.monitoring.svc:9093"]
scrape_configs:
  - job_name: node
    kubernetes_sd_configs:
      - role: endpoints
        namespaces:
          names: [monitoring]
    relabel_configs:
      - source_labels: [__meta_kubernetes_service_name]
        regex: node-exporter
        action: keep
      - source_labels: [__meta_kubernetes_pod_node_name]
        target_label: instance
        action: replace
      - regex: __meta_kubernetes_service_label_(.+)
        action: labelmap
      - source_labels: [__address__]
        modulus: 4
        target_label: __tmp_hash
        action: hashmod
      - source_labels: [__tmp_hash]
        regex: "0"
        action: keep
  - job_name: etcd
    scheme: https
    tls_config:
      ca_file: /etc/prometheus/secrets/etcd-certs/ca.crt
      cert_file: /etc/prometheus/secrets/etcd-certs/tls.crt
      key_file: /etc/prometheus/secrets/etcd-certs/tls.key
    static_configs:
      - targets: ["172.19.244.101:2379"]
        labels:
          team: platform
  - job_name: files
    file_sd_configs:
      - files: [/etc/prometheus/targets/*.json]
        refresh_interval: 1m
  - job_name: secured
    basic_auth:
      username: prometheus
      password_file: /etc/prometheus/secrets/basic/password
    static_configs:
      - targets: ["app.example.com:8443"]
  - job_name: federate
    honor_labels: true
    metrics_path: /federate
    params:
      "match[]":
        - '{job="node"}'
        - '{__name__=~"job:.*"}'
    static_configs:
      - targets: ["prometheus.other-cluster.example.com:9090"]
remote_write:
  - url: https://mimir.example.com/api/v1/push
    queue_config:
      max_samples_per_send: 2000
    write_relabel_configs:
      - source_labels: [__name__]
        regex: "go_.*"
        action: drop
`

func TestConfigValid(t *testing.T) {
	files, err := Config([]byte(validConfig))
	if err != nil {
		t.Fatalf("Config: %v", err)
	}
	want := []string{"rules/node.yaml", "rules/etcd.yaml", "rules/slo-*.yaml"}
	if !slices.Equal(files, want) {
		t.Errorf("rule files = %q, want %q", files, want)
	}
}

func TestConfigEmpty(t *testing.T) {
	files, err := Config(nil)
	if err != nil || len(files) != 0 {
		t.Fatalf("Config(nil) = %q, %v; want no files, no error", files, err)
	}
}

func TestConfigInvalid(t *testing.T) {
	for _, tc := range []struct {
		name, yaml string
		want       []string // substrings of the error
	}{
		{
			name: "unknown field",
			yaml: "scrape_configs:\n  - job_name: a\n    scrape_intervall: 1m\n",
			want: []string{"prometheus config:", "line 3", "field scrape_intervall not found in type config.ScrapeConfig"},
		},
		{
			name: "bad duration",
			yaml: "global:\n  scrape_interval: 30x\n",
			want: []string{"prometheus config:", `unknown unit "x" in duration "30x"`},
		},
		{
			name: "duplicate job_name",
			yaml: "scrape_configs:\n  - job_name: a\n  - job_name: a\n",
			want: []string{`found multiple scrape configs with job name "a"`},
		},
		{
			name: "scrape timeout above interval",
			yaml: "scrape_configs:\n  - job_name: a\n    scrape_interval: 10s\n    scrape_timeout: 20s\n",
			want: []string{`scrape timeout greater than scrape interval for scrape config with job name "a"`},
		},
		{
			name: "bad relabel action",
			yaml: "scrape_configs:\n  - job_name: a\n    relabel_configs:\n      - action: keepme\n",
			want: []string{`unknown relabel action "keepme"`},
		},
		{
			name: "unregistered service discovery",
			yaml: "scrape_configs:\n  - job_name: a\n    ec2_sd_configs:\n      - region: eu-west-1\n",
			want: []string{"field ec2_sd_configs not found in type config.ScrapeConfig"},
		},
		{
			name: "bad kubernetes role",
			yaml: "scrape_configs:\n  - job_name: a\n    kubernetes_sd_configs:\n      - role: pods\n",
			want: []string{`unknown Kubernetes SD role "pods"`},
		},
		{
			name: "absolute rule file",
			yaml: "rule_files: [/etc/prometheus/rules/a.yaml]\n",
			want: []string{"rule_files:", `"/etc/prometheus/rules/a.yaml" is absolute`},
		},
		{
			name: "rule file outside",
			yaml: "rule_files: [../rules/a.yaml]\n",
			want: []string{`"../rules/a.yaml" leaves the configuration's directory`},
		},
		{
			name: "unclean rule file",
			yaml: "rule_files: [rules//a.yaml, ./b.yaml]\n",
			want: []string{`"rules//a.yaml" is not a clean path`, `"./b.yaml" is not a clean path`},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files, err := Config([]byte(tc.yaml))
			if err == nil {
				t.Fatalf("Config succeeded (rule files %q), want error", files)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\ndoes not contain %q", err, w)
				}
			}
		})
	}
}
