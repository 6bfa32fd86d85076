package platform

import (
	"strings"
	"testing"

	"github.com/mongen-dev/mongen/internal/model"
)

// The chart's kube-prometheus-stack.fullname (templates/_helpers.tpl).
func TestFullname(t *testing.T) {
	for release, want := range map[string]string{
		"kube-prometheus-stack":      "kube-prometheus-stack",
		"monitoring":                 "monitoring-kube-prometheus",
		"shop-monitoring":            "shop-monitoring-kube-prome",
		"kube-prometheus-stack-prod": "kube-prometheus-stack-prod",
		"my-kube-prometheus-stack-x": "my-kube-prometheus-stack-x",
		"abcdefghijklmnopqrstuvwxy-": "abcdefghijklmnopqrstuvwxy",
	} {
		if got := Fullname(release); got != want {
			t.Errorf("Fullname(%q) = %q, want %q", release, got, want)
		}
	}
}

func TestApplyChartFillsThePlatformsServers(t *testing.T) {
	env := &model.Environment{
		Platform: model.Platform{Profile: model.ProfileKubePrometheusStack, Release: "obs"},
		Alerting: &model.Alerting{},
	}
	if probs := Apply(env, Written{}); len(probs) > 0 {
		t.Fatal(probs)
	}
	if env.Flavour != model.FlavourOperator || env.Platform.Chart != "88.5.3" || env.Platform.Namespace != "monitoring" {
		t.Errorf("platform = %+v, flavour %q", env.Platform, env.Flavour)
	}
	if env.Prometheus.Name != "obs-kube-prometheus-stack-prometheus" || env.Alerting.Alertmanager.Name != "obs-kube-prometheus-stack-alertmanager" {
		t.Errorf("servers: %q, %q", env.Prometheus.Name, env.Alerting.Alertmanager.Name)
	}
	if env.Platform.Versions.Alertmanager != "v0.34.0" || env.Prometheus.Version != "v3.14.0" {
		t.Errorf("versions: %+v", env.Platform.Versions)
	}
	if env.Selector["release"] != "obs" {
		t.Errorf("selector %v lacks release: obs", env.Selector)
	}
}

func TestApplyRefusesWhatTheProfileMakesMeaningless(t *testing.T) {
	written := Written{
		"env/prometheus/replicas":                       "e.cue:3:4",
		"env/clusters/a/alerting/alertmanager/replicas": "e.cue:9:8",
		"env/platform/release":                          "e.cue:2:2",
	}
	env := &model.Environment{Platform: model.Platform{Profile: model.ProfileOperator, Release: "x"}}
	probs := Apply(env, written)
	if len(probs) != 1 || !strings.Contains(probs[0].Error(), "e.cue:2:2: platform.release means nothing to profile \"operator\"") {
		t.Errorf("operator: %v", probs)
	}
	env = &model.Environment{Platform: model.Platform{Profile: model.ProfileKubePrometheus}}
	probs = Apply(env, written)
	var got []string
	for _, p := range probs {
		got = append(got, p.Error())
	}
	want := []string{
		"e.cue:2:2: platform.release means nothing to profile",
		"e.cue:3:4: prometheus.replicas means nothing on kube-prometheus",
		"e.cue:9:8: alerting.alertmanager.replicas means nothing on kube-prometheus",
	}
	if len(got) != len(want) {
		t.Fatalf("got %q", got)
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("problem %d = %q, want prefix %q", i, got[i], want[i])
		}
	}
}

func TestApplyChartKeepsGrafanaInTheReleaseNamespace(t *testing.T) {
	env := &model.Environment{Platform: model.Platform{Profile: model.ProfileKubePrometheusStack}, Grafana: model.Grafana{Namespace: "grafana"}}
	probs := Apply(env, Written{"env/grafana/namespace": "e.cue:7:2"})
	if len(probs) != 1 || !strings.HasPrefix(probs[0].Error(), `e.cue:7:2: grafana.namespace "grafana": the chart's Grafana loads datasources only from its own namespace`) {
		t.Errorf("problems = %v", probs)
	}
}

func TestApplyChartGatesTheOlderThanos(t *testing.T) {
	env := &model.Environment{
		Platform: model.Platform{Profile: model.ProfileKubePrometheusStack},
		Global:   &model.Global{Thanos: &model.Thanos{Version: "v0.39.2"}},
	}
	if probs := Apply(env, Written{}); len(probs) > 0 {
		t.Fatal(probs)
	}
	if env.Platform.Versions.Thanos != "v0.39.2" {
		t.Errorf("Thanos = %q, want mongen's own v0.39.2, older than the chart's sidecar", env.Platform.Versions.Thanos)
	}
	for a, b := range map[string]string{"v0.9.0": "v0.10.0", "0.39.2": "v0.42.4-distroless"} {
		if !olderVersion(a, b) || olderVersion(b, a) {
			t.Errorf("olderVersion(%q, %q) is wrong", a, b)
		}
	}
	if olderVersion("banana", "v1.0.0") {
		t.Error("an unparsable version is older")
	}
}

// A field several clusters write is reported at the first of their
// positions, whichever cluster's it is, and the environment's own
// position wins over the clusters'.
func TestApplyReportsTheFirstClusterPosition(t *testing.T) {
	for _, c := range []struct {
		written Written
		want    string
	}{
		{Written{"env/clusters/b/prometheus/replicas": "b.cue:3:4", "env/clusters/a/prometheus/replicas": "c.cue:1:1"}, "b.cue:3:4: prometheus.replicas"},
		{Written{"env/clusters/a/prometheus/replicas": "a.cue:3:4", "env/clusters/b/prometheus/replicas": "b.cue:1:1"}, "a.cue:3:4: prometheus.replicas"},
		{Written{"env/clusters/a/prometheus/replicas": "a.cue:3:4", "env/prometheus/replicas": "z.cue:1:1"}, "z.cue:1:1: prometheus.replicas"},
	} {
		env := &model.Environment{Platform: model.Platform{Profile: model.ProfileKubePrometheus}}
		probs := Apply(env, c.written)
		if len(probs) != 1 || !strings.HasPrefix(probs[0].Error(), c.want) {
			t.Errorf("%v: %v, want %q", c.written, probs, c.want)
		}
	}
}
