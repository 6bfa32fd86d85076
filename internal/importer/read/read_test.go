package read

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
		{"rules.yml", "groups: []\n", KindEmptyRuleFile},
		{"rules.yml", "groups:\n- name: a\n", KindRuleFile},
		{"empty.yml", "{}\n", KindEmptyRuleFile},
		{"null.yml", "null\n", KindEmptyRuleFile},
		{"nothing.yml", "", KindEmptyRuleFile},
		{"groups-null.yml", "groups:\n", KindEmptyRuleFile},
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
		{"groups:\n- name: a\n  rules:\n  - record: a\n    expr: x\n    labels:\n      __name__: b\n", "x.yaml:7:7: rule a: label __name__: Prometheus refuses it"},
		{"groups:\n- name: a\n  labels: {__name__: b}\n  rules: []\n", "x.yaml:3:12: group a: label __name__: Prometheus refuses it"},
		{"groups:\n- name: a\n  rules:\n  - record: a\n    expr: x\n    keep_firing_for: 5m\n", "x.yaml:6:22: recording rule a has keep_firing_for 5m: Prometheus refuses it"},
		{"groups:\n- name: a\n  rules:\n  - alert: A\n    expr: x\n    for: 5\n", "x.yaml:6:10: rule A: for \"5\" is not a duration"},
		{"groups:\n- name: a\n  interval: 30m1h\n  rules: []\n", "x.yaml:3:13: group a: interval \"30m1h\" is not a duration"},
		{"groups:\n- name: a\n  limit: lots\n  rules: []\n", "x.yaml:3:10: group a: limit \"lots\" is not a whole number"},
		{"groups:\n- name: a\n  rules:\n  - record: a{b=\"c\"}\n    expr: x\n", "x.yaml:4:13: recording rule name \"a{b=\\\"c\\\"}\" has braces"},
		{"groups:\n- name: a\n  rules:\n  - record: a\n    expr: ' '\n", "x.yaml:5:11: rule a has an empty expr"},
		{"groups: []\nrules: []\n", "x.yaml:2:1: unknown rule file field \"rules\""},
	} {
		err := (&Input{}).Read("x.yaml", []byte(c.src))
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("Read(%q) = %v, want %s...", c.src, err, c.want)
		}
	}
}

func TestReadMergeKeys(t *testing.T) {
	src := `groups:
- name: a
  rules:
  - &base
    alert: Base
    expr: up == 0
    for: 5m
    labels: &labels {severity: info, team: web}
  - <<: *base
    alert: Merged
    labels:
      <<: *labels
      team: db
  - <<: [*base]
    alert: Listed
`
	in := &Input{}
	if err := in.Read("m.yaml", []byte(src)); err != nil {
		t.Fatal(err)
	}
	rs := in.Groups[0].Rules
	if len(rs) != 3 {
		t.Fatalf("rules %+v", rs)
	}
	for _, r := range rs[1:] {
		if r.Expr != "up == 0" || r.For != "5m" {
			t.Errorf("%s: merged expr %q, for %q", r.Name, r.Expr, r.For)
		}
	}
	if rs[1].Name != "Merged" || rs[1].Labels["team"] != "db" || rs[1].Labels["severity"] != "info" {
		t.Errorf("the rule's own keys win over merged ones: %+v", rs[1])
	}
	if rs[2].Name != "Listed" || rs[2].Labels["team"] != "web" {
		t.Errorf("a merged list: %+v", rs[2])
	}
}

// alertmanager.templateFiles in Helm values must be a mapping of file
// names to template text: anything else is an error at its position, not
// silently dropped.
func TestHelmTemplateFilesKinds(t *testing.T) {
	values := func(tf string) []byte {
		return []byte("alertmanager:\n  config:\n    route: {receiver: a}\n    receivers: [{name: a}]\n  templateFiles:\n" + tf)
	}
	good := &Input{}
	if err := good.Read("values.yaml", values("    mongen.tmpl: '{{ define \"x\" }}x{{ end }}'\n")); err != nil {
		t.Fatal(err)
	}
	if got := good.Alertmanager[0].TemplateFiles["mongen.tmpl"]; got != `{{ define "x" }}x{{ end }}` {
		t.Errorf("template file read as %q", got)
	}
	// Written empty or null, as the chart's own values have it: no files.
	for _, empty := range []string{"", "    ~\n", "    null\n", "    {}\n"} {
		in := &Input{}
		if err := in.Read("values.yaml", values(empty)); err != nil {
			t.Errorf("templateFiles %q: %v", empty, err)
		} else if in.Alertmanager[0].TemplateFiles != nil {
			t.Errorf("templateFiles %q: read as %v", empty, in.Alertmanager[0].TemplateFiles)
		}
	}
	for _, c := range []struct{ tf, want string }{
		{"    - mongen.tmpl\n", "values.yaml:6:5: alertmanager.templateFiles must be a mapping, not "},
		{"    mongen.tmpl: {a: b}\n", "values.yaml:6:18: alertmanager.templateFiles.mongen.tmpl must be a string, not "},
	} {
		err := (&Input{}).Read("values.yaml", values(c.tf))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("templateFiles %q: error %v, want %q", c.tf, err, c.want)
		}
	}
}
