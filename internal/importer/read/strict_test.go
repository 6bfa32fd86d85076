package read

import (
	"strings"
	"testing"
)

func TestPrometheusConfigValidatedBeforeConversion(t *testing.T) {
	cases := []struct{ name, src, want string }{
		{"bad global duration", "global:\n  scrape_interval: banana\nscrape_configs:\n- job_name: a\n  static_configs: [{targets: [\"x:1\"]}]\n",
			`prometheus.yml:2:20: Prometheus refuses this configuration: not a valid duration string: "banana"`},
		{"numeric job name", "scrape_configs:\n- job_name: 5\n  static_configs: [{targets: [\"x:1\"]}]\n",
			`prometheus.yml:2:13: job_name 5 is a number, not a name: quote it (job_name: "5")`},
		{"timeout over interval", "scrape_configs:\n- job_name: a\n  scrape_interval: 10s\n  scrape_timeout: 20s\n  static_configs: [{targets: [\"x:1\"]}]\n",
			`prometheus.yml:2:13: Prometheus refuses this configuration: scrape timeout greater than scrape interval for scrape config with job name "a"`},
		{"unknown field", "scrape_configs:\n- job_name: a\n  scrape_intervall: 10s\n",
			`prometheus.yml:3:3: Prometheus refuses this configuration: field scrape_intervall not found in type a scrape config`},
		{"bad relabel regex", "scrape_configs:\n- job_name: a\n  relabel_configs:\n  - {source_labels: [x], regex: \"([\", action: keep}\n",
			`prometheus.yml:4:33: Prometheus refuses this configuration: the regex "([" does not compile: missing closing ]`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := &Input{}
			err := in.Read("prometheus.yml", []byte(tc.src))
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Fatalf("got  %v\nwant %s...", err, tc.want)
			}
			if len(in.Prometheus) != 0 || len(in.Files) != 0 {
				t.Errorf("a refused file was read: %+v", in)
			}
		})
	}
}

func TestPrometheusConfigOtherDiscoveryKeepsLines(t *testing.T) {
	// consul_sd_configs is not linked: blanked out, the error after it
	// keeps its line.
	src := "scrape_configs:\n- job_name: c\n  consul_sd_configs:\n  - server: consul:8500\n    services: [a]\n- job_name: d\n  scrape_interval: soon\n"
	in := &Input{}
	err := in.Read("prometheus.yml", []byte(src))
	if err == nil || !strings.HasPrefix(err.Error(), `prometheus.yml:7:20: Prometheus refuses this configuration: not a valid duration string: "soon"`) {
		t.Fatalf("got %v", err)
	}
	ok := "scrape_configs:\n- job_name: c\n  consul_sd_configs:\n  - server: consul:8500\n"
	if err := (&Input{}).Read("prometheus.yml", []byte(ok)); err != nil {
		t.Errorf("a discovery mongen does not link refused the file: %v", err)
	}
}

func TestDuplicateKeys(t *testing.T) {
	cases := []struct{ name, src, want string }{
		{"rule file", "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up == 0\n    expr: up == 1\n",
			`rules.yaml:6:5: key "expr" is set twice in one mapping (first at line 5)`},
		{"top level", "groups: []\ngroups: []\n", `rules.yaml:2:1: key "groups" is set twice in one mapping (first at line 1)`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := (&Input{}).Read("rules.yaml", []byte(tc.src))
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Fatalf("got  %v\nwant %s...", err, tc.want)
			}
		})
	}
	merge := "base: &b {expr: up == 0, for: 5m}\ngroups:\n- name: g\n  rules:\n  - <<: *b\n    alert: A\n    for: 10m\n"
	if err := (&Input{}).Read("rules.yaml", []byte(merge)); err != nil && strings.Contains(err.Error(), "set twice") {
		t.Errorf("a key set over a merged one is not a duplicate: %v", err)
	}
}
