package model

// Platform profiles: what an environment's output lands on
// (docs/platforms.md).
const (
	// ProfileKubePrometheusStack is the kube-prometheus-stack Helm chart:
	// the chart owns Prometheus, Alertmanager, the exporters and Grafana;
	// mongen owns monitors, rules, dashboards and the Alertmanager
	// configuration, and writes the chart values its output needs.
	ProfileKubePrometheusStack = "kube-prometheus-stack"
	// ProfileKubePrometheus is kube-prometheus's generated manifests.
	ProfileKubePrometheus = "kube-prometheus"
	// ProfileOperator: mongen owns the Prometheus and Alertmanager
	// resources of a standalone Prometheus Operator.
	ProfileOperator = "operator"
	// ProfilePlain: a prometheus.yml and rule files, no operator.
	ProfilePlain = "plain"
)

// Platform is what the output lands on, with the versions it runs.
type Platform struct {
	Profile string `json:"profile"`
	// Release and Namespace of the Helm release (kube-prometheus-stack),
	// or the namespace kube-prometheus deploys into.
	Release   string `json:"release,omitempty"`
	Namespace string `json:"namespace,omitempty"`
	// Chart is the kube-prometheus-stack chart version.
	Chart string `json:"chart,omitempty"`
	// Values is the user's own chart values file, relative to the
	// environment's directory, checked instead of the chart's defaults.
	Values string `json:"values,omitempty"`
	// Versions are the component versions the output must load in.
	Versions Versions `json:"versions"`

	// UserValues are the chart values read from Values (nil without), and
	// ValuesPositions the position of each of their keys, dotted
	// ("kubeEtcd.enabled"), as "file:line:col" relative to the root.
	UserValues      map[string]any    `json:"-"`
	ValuesPositions map[string]string `json:"-"`
}

// Versions of the servers the output runs on, as "vX.Y.Z"; empty when not
// known (then no version gate applies to that component).
type Versions struct {
	Prometheus   string `json:"prometheus,omitempty"`
	Alertmanager string `json:"alertmanager,omitempty"`
	Thanos       string `json:"thanos,omitempty"`
	Operator     string `json:"operator,omitempty"`
}

// OwnsServers reports whether mongen emits the Prometheus and Alertmanager
// (and their RBAC) itself, rather than the platform.
func (p Platform) OwnsServers() bool {
	return p.Profile == ProfileOperator || p.Profile == ProfilePlain || p.Profile == ""
}
