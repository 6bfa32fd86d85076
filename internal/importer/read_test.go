package importer

import (
	"strings"
	"testing"
)

// TestReadKinds: every input kind is recognised, kubectl's List included,
// with positions in the file it came from.
func TestReadKinds(t *testing.T) {
	list := `apiVersion: v1
kind: List
items:
- apiVersion: monitoring.coreos.com/v1
  kind: PrometheusRule
  metadata: {name: a, namespace: monitoring}
  spec:
    groups:
    - name: a
      rules:
      - alert: A
        expr: vector(1)
- apiVersion: monitoring.coreos.com/v1
  kind: ServiceMonitor
  metadata: {name: web}
  spec: {endpoints: [{port: web}]}
`
	in := &Input{}
	if err := in.Read("list.yaml", []byte(list)); err != nil {
		t.Fatal(err)
	}
	if got := in.Files[0].Kinds; len(got) != 1 || got[0] != "List of PrometheusRule, ServiceMonitor" {
		t.Errorf("kinds %v", got)
	}
	if len(in.Groups) != 1 || in.Groups[0].Object != "monitoring/a" || in.Groups[0].Rules[0].Pos != "list.yaml:11:9" {
		t.Errorf("groups %+v", in.Groups)
	}
	if len(in.Monitors) != 1 || in.Monitors[0].Kind != KindServiceMonitor {
		t.Errorf("monitors %+v", in.Monitors)
	}
	for _, c := range []struct{ name, src, want string }{
		{"am.yml", "route: {receiver: a}\nreceivers: [{name: a}]\n", KindAlertmanager},
		{"prometheus.yml", "scrape_configs: []\n", KindPrometheus},
		{"rules.yml", "groups: []\n", KindRuleFile},
	} {
		in := &Input{}
		if err := in.Read(c.name, []byte(c.src)); err != nil {
			t.Fatal(err)
		}
		if in.Files[0].Kinds[0] != c.want {
			t.Errorf("%s: kind %v, want %s", c.name, in.Files[0].Kinds, c.want)
		}
	}
	for _, c := range []struct{ src, want string }{
		{"apiVersion: v1\nkind: ConfigMap\n", "x.yaml:2:7: unsupported kind ConfigMap"},
		{"groups:\n- name: a\n  rules:\n  - alert: A\n    record: b\n    expr: x\n", "x.yaml:4:5: a rule has either alert or record, not both"},
		{"groups:\n- name: a\n  rules:\n  - record: a\n    expr: x\n    annotations: {a: b}\n", "x.yaml:4:5: recording rule a has annotations"},
		{"groups:\n- name: a\n- name: a\n", "x.yaml:3:3: rule group \"a\" is also defined at x.yaml:2:3"},
		{"groups:\n- name: a\n  rules:\n  - alert: A\n    expr: [x]\n", "x.yaml:5:11: expr must be a string, not a list"},
	} {
		err := (&Input{}).Read("x.yaml", []byte(c.src))
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("Read(%q) = %v, want %s...", c.src, err, c.want)
		}
	}
}
