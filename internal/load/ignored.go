package load

import (
	"slices"
	"strings"

	"cuelang.org/go/cue"

	mmodel "github.com/mongen-dev/mongen/internal/model"
)

// ignoredField is an environment field that a platform profile neither
// renders nor reads: setting it would change nothing in out/, so it is an
// error that says who ignores it and what to do instead
// (docs/platforms.md#fields-a-profile-ignores).
//
// The fields a kube-prometheus-stack or kube-prometheus platform takes
// over from the environment (the Prometheus's and Alertmanager's name,
// replicas, version, ...) are refused by internal/platform, which says
// where each one lives in the platform's own configuration; this table
// holds the rest.
type ignoredField struct {
	// path below env, "/"-separated, as syntaxPositions records it.
	path string
	// profiles that ignore the field.
	profiles []string
	// ignored, when set, narrows the profiles to the environments where
	// the field has no effect (nil: always).
	ignored func(env *mmodel.Environment, w where) bool
	// set, when not nil, finds the field by its value too (fields with no
	// default, which a user package may set): otherwise only what the
	// environment's own files write counts, since a default is not the
	// user's doing.
	set func(env *mmodel.Environment) bool
	// why the profile ignores it, and what to do instead.
	why, instead string
}

// ignoredFields are the fields some profile ignores, in the schema's order.
func ignoredFields() []ignoredField {
	onPlain := []string{mmodel.ProfilePlain}
	onOperator := []string{mmodel.ProfileOperator}
	onOperatorAll := []string{mmodel.ProfileOperator, mmodel.ProfileKubePrometheusStack, mmodel.ProfileKubePrometheus}
	return []ignoredField{{
		path: "prometheus/name", profiles: onPlain,
		why:     "you run the Prometheus, and nothing mongen writes is named after it: the Grafana datasource reaches the Service prometheus in prometheus.namespace",
		instead: "remove it; if your Prometheus's Service has another name, set grafana.datasource.url",
	}, {
		path: "prometheus/replicas", profiles: onPlain,
		ignored: func(env *mmodel.Environment, w where) bool { return !w.multiCluster && env.Global == nil },
		why:     "you run the Prometheus; the plain flavour reads replicas only to give each replica's series a label of its own in a global view, and this environment has none",
		instead: "remove it, and run as many copies of your Prometheus as you need",
	}, {
		path: "prometheus/retention", profiles: onPlain,
		why:     "prometheus.yml has no retention",
		instead: "remove it, and start Prometheus with --storage.tsdb.retention.time",
	}, {
		path: "prometheus/serviceAccount", profiles: onPlain,
		why:     "mongen creates no ServiceAccount for a Prometheus it does not run",
		instead: "remove it, and run your Prometheus under the account you give it",
	}, {
		path: "prometheus/externalURL", profiles: onPlain,
		set:     func(env *mmodel.Environment) bool { return env.Prometheus.ExternalURL != "" },
		why:     "prometheus.yml has no external URL: start Prometheus with --web.external-url",
		instead: "remove it, or use an operator platform, which sets it",
	}, {
		path: "prometheus/storage", profiles: onPlain,
		why:     "mongen deploys no Prometheus to give a volume",
		instead: "remove it, and give your Prometheus its volume (--storage.tsdb.path)",
	}, {
		path: "prometheus/storage", profiles: []string{mmodel.ProfileKubePrometheusStack},
		why:     "the chart deploys the Prometheus",
		instead: "remove it, and set chart values prometheus.prometheusSpec.storageSpec",
	}, {
		path: "prometheus/storage", profiles: []string{mmodel.ProfileKubePrometheus},
		why:     "kube-prometheus's manifests deploy the Prometheus",
		instead: "remove it, and set the storage in your kube-prometheus jsonnet (values+:: {prometheus+: ...})",
	}, {
		path: "rawScrapeConfigs", profiles: onOperatorAll,
		set:     func(env *mmodel.Environment) bool { return len(env.RawScrapeConfigs) > 0 },
		why:     "raw scrape configs go verbatim into prometheus.yml, which only the plain flavour writes",
		instead: "write them as targets, or use the plain flavour",
	}, {
		path: "alerting/alertmanager/replicas", profiles: onPlain,
		ignored: func(env *mmodel.Environment, w where) bool {
			// Written for every cluster, it sizes the shared Alertmanager
			// of the cluster that runs it; in a cluster's overrides, only
			// that cluster's.
			t := env.AlertingTopology
			return t.Mode != mmodel.AlertingShared || (w.inCluster && t.Cluster != env.Cluster)
		},
		why:     "you run the Alertmanager; the plain flavour reads replicas only to check that a shared Alertmanager survives losing one member",
		instead: "remove it, and run your Alertmanager's replicas with --cluster.peer",
	}, {
		path: "alerting/alertmanager/externalURL", profiles: onPlain,
		set: func(env *mmodel.Environment) bool {
			return env.Alerting != nil && env.Alerting.Alertmanager.ExternalURL != ""
		},
		why:     "alertmanager.yml has no external URL: start Alertmanager with --web.external-url",
		instead: "remove it, or use an operator platform, which sets it",
	}, {
		path: "alerting/alertmanager/address", profiles: onOperator,
		why:     "the operator's Prometheus finds its Alertmanager through the Service alertmanager-operated in alerting.alertmanager.namespace",
		instead: "remove it (set alerting.alertmanager.namespace if the Alertmanager runs in another namespace)",
	}, {
		path: "alerting/alertmanager/secretsDir", profiles: onOperator,
		why:     "the operator mounts each Secret at /etc/alertmanager/secrets/<secret>/, and mongen writes those paths",
		instead: "remove it",
	}, {
		path: "global/federation/prometheus", profiles: onPlain,
		why:     "you run the federating Prometheus: mongen writes its configuration (the ConfigMap prometheus-global-config), not the server",
		instead: "remove it, and give your federating Prometheus its replicas, retention and volume",
	}}
}

// ignoredFields reports every field the environment's profile ignores, at
// the position of its value.
func (v *validator) ignoredFields(env *mmodel.Environment, written map[string]string) {
	multiCluster := v.envV.LookupPath(cue.MakePath(cue.Str("clusters"))).Exists()
	for _, f := range ignoredFields() {
		if !slices.Contains(f.profiles, env.Platform.Profile) {
			continue
		}
		_, inEnv := written[EnvField+"/"+f.path]
		_, inCluster := written[EnvField+"/clusters/"+env.Cluster+"/"+f.path]
		if !inEnv && !inCluster && (f.set == nil || !f.set(env)) {
			continue
		}
		if f.ignored != nil && !f.ignored(env, where{multiCluster: multiCluster, inCluster: inCluster && !inEnv}) {
			continue
		}
		parts := strings.Split(f.path, "/")
		path := make([]any, len(parts))
		for i, p := range parts {
			path[i] = p
		}
		v.add(sel(path...), "%s: %s ignores this field (%s); %s", strings.Join(parts, "."), profileWho(env.Platform.Profile), f.why, f.instead)
	}
}

// where a field is written: in a multi-cluster environment, and in this
// cluster's overrides only.
type where struct{ multiCluster, inCluster bool }

// profileWho names a profile in a message: the plain flavour by its
// older, better-known name.
func profileWho(profile string) string {
	if profile == mmodel.ProfilePlain {
		return "the plain flavour"
	}
	return "the " + profile + " profile"
}
