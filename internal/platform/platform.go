// Package platform knows the platforms mongen's output lands on: which
// objects each profile owns, the names and versions it deploys, and which
// environment fields it makes meaningless. Apply resolves an environment's
// platform right after it is decoded, so every later stage sees the
// platform's real Prometheus, Alertmanager and versions.
package platform

import (
	"fmt"
	"github.com/mongen-dev/mongen/internal/diag"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/mongen-dev/mongen/internal/model"
	"github.com/mongen-dev/mongen/internal/textdist"
)

// Profiles are the known profile names, sorted.
func Profiles() []string {
	return []string{model.ProfileKubePrometheus, model.ProfileKubePrometheusStack, model.ProfileOperator, model.ProfilePlain}
}

// Chart is what one kube-prometheus-stack chart version deploys
// (../shared/corpus/kube-prometheus-stack/FACTS.md for 88.5.3).
type Chart struct {
	Version  string
	Versions model.Versions
	// Grafana's sidecars: the label (and value) they load ConfigMaps by.
	DashboardLabel, DatasourceLabel, SidecarValue string
}

// Charts are the supported kube-prometheus-stack chart versions, oldest
// first.
func Charts() []Chart {
	return []Chart{{
		Version: "88.5.3",
		Versions: model.Versions{
			Prometheus: "v3.14.0", Alertmanager: "v0.34.0", Operator: "v0.93.1", Thanos: "v0.42.4",
		},
		DashboardLabel: "grafana_dashboard", DatasourceLabel: "grafana_datasource", SidecarValue: "1",
	}}
}

// ChartVersions are the supported chart versions, oldest first.
func ChartVersions() []string {
	var out []string
	for _, c := range Charts() {
		out = append(out, c.Version)
	}
	return out
}

// ChartOf returns the facts of a supported chart version.
func ChartOf(version string) (Chart, bool) {
	for _, c := range Charts() {
		if c.Version == version {
			return c, true
		}
	}
	return Chart{}, false
}

// KubePrometheusVersions are the versions kube-prometheus's generated
// manifests deploy (../shared/corpus/kube-prometheus-manifests, commit
// 4d719f1d).
func KubePrometheusVersions() model.Versions {
	return model.Versions{Prometheus: "v3.13.2", Alertmanager: "v0.33.1", Operator: "v0.93.1"}
}

// Defaults of a kube-prometheus-stack release.
const (
	DefaultRelease   = "kube-prometheus-stack"
	DefaultNamespace = "monitoring"
	chartName        = "kube-prometheus-stack"
)

// Fullname is the chart's kube-prometheus-stack.fullname for a release
// (chart/templates/_helpers.tpl): the release name when it contains the
// chart's name, else release-chart, cut to 26 characters.
func Fullname(release string) string {
	name := release
	if !strings.Contains(release, chartName) {
		name = release + "-" + chartName
	}
	if len(name) > 26 {
		name = name[:26]
	}
	return strings.TrimSuffix(name, "-")
}

// PrometheusName is the chart's Prometheus resource and Service name.
func PrometheusName(release string) string { return Fullname(release) + "-prometheus" }

// AlertmanagerName is the chart's Alertmanager resource and Service name.
func AlertmanagerName(release string) string { return Fullname(release) + "-alertmanager" }

// PrometheusURL is the chart's Prometheus Service as Grafana reaches it
// (the chart's own datasource uses the same host and port).
func PrometheusURL(p model.Platform) string {
	switch p.Profile {
	case model.ProfileKubePrometheusStack:
		return fmt.Sprintf("http://%s.%s:9090/", PrometheusName(p.Release), p.Namespace)
	case model.ProfileKubePrometheus:
		return fmt.Sprintf("http://prometheus-k8s.%s.svc:9090", p.Namespace)
	}
	return ""
}

// Written maps the label path of every field the environment's own files
// write ("env/prometheus/replicas") to its position.
type Written map[string]string

// writtenIndex is Written with the fields the clusters write indexed by their
// path below env: Apply asks for a few dozen paths that are mostly not
// written at all, and each such lookup scanned every field (hundreds of
// thousands in a large environment).
type writtenIndex struct {
	env      Written
	clusters map[string][]string // path below env → positions, sorted
}

func (w Written) index() writtenIndex {
	idx := writtenIndex{env: w, clusters: map[string][]string{}}
	for k, pos := range w {
		if rest, ok := strings.CutPrefix(k, "env/clusters/"); ok {
			if _, p, ok := strings.Cut(rest, "/"); ok {
				idx.clusters[p] = append(idx.clusters[p], pos)
			}
		}
	}
	for _, ps := range idx.clusters {
		sort.Strings(ps)
	}
	return idx
}

// lookup finds where path (below env) is written: in the environment
// itself or, the first position in order, in one of its clusters'
// overrides.
func (w writtenIndex) lookup(path string) (string, bool) {
	if pos, ok := w.env["env/"+path]; ok {
		return pos, true
	}
	if ps := w.clusters[path]; len(ps) > 0 {
		return ps[0], true
	}
	return "", false
}

// Apply resolves env.Platform: the profile (or the older flavour), the
// release, chart and versions, and what the profile decides about the
// Prometheus, the Alertmanager and the selector labels. It reports every
// field the profile makes meaningless at its position.
func Apply(env *model.Environment, fields Written) diag.List {
	written := fields.index()
	var probs diag.List
	fail := func(pos, format string, args ...any) {
		probs.Add(diag.Origin(pos), format, args...)
	}
	p := &env.Platform
	profilePos, _ := written.lookup("platform/profile")
	flavourPos, flavourWritten := written.lookup("flavour")
	switch {
	case p.Profile == "" && env.Flavour == "":
		fail(fields["env"], "the environment does not say what its output lands on: write platform: profile: %q (the Helm chart), %q, %q (mongen owns the Prometheus and Alertmanager resources) or %q (prometheus.yml)",
			model.ProfileKubePrometheusStack, model.ProfileKubePrometheus, model.ProfileOperator, model.ProfilePlain)
		return probs
	case p.Profile == "":
		p.Profile = env.Flavour
	}
	if !slices.Contains(Profiles(), p.Profile) {
		msg := fmt.Sprintf("unknown platform profile %q: the known ones are %s", p.Profile, strings.Join(Profiles(), ", "))
		if c := textdist.Closest(p.Profile, Profiles(), 4); c != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", c)
		}
		fail(profilePos, "%s", msg)
		return probs
	}
	flavour := model.FlavourOperator
	if p.Profile == model.ProfilePlain {
		flavour = model.FlavourPlain
	}
	if flavourWritten && env.Flavour != flavour {
		fail(flavourPos, "flavour %q contradicts platform profile %q (%s), which renders the %s flavour: drop flavour", env.Flavour, p.Profile, profilePos, flavour)
	}
	env.Flavour = flavour

	switch p.Profile {
	case model.ProfileKubePrometheusStack:
		probs = append(probs, applyChart(env, written)...)
	case model.ProfileKubePrometheus:
		probs = append(probs, applyKubePrometheus(env, written)...)
	default:
		probs = append(probs, applyOwned(env, written)...)
	}
	probs.Sort()
	return probs
}

// platformOnly are the platform fields that only a Helm or kube-prometheus
// platform reads.
var platformOnly = map[string][]string{
	"release": {model.ProfileKubePrometheusStack},
	"chart":   {model.ProfileKubePrometheusStack},
	"values":  {model.ProfileKubePrometheusStack},
	"namespace": {
		model.ProfileKubePrometheusStack, model.ProfileKubePrometheus,
	},
}

func checkPlatformFields(p model.Platform, written writtenIndex) diag.List {
	var probs diag.List
	for _, f := range slices.Sorted(maps.Keys(platformOnly)) {
		if pos, ok := written.lookup("platform/" + f); ok && !slices.Contains(platformOnly[f], p.Profile) {
			probs.Add(diag.Origin(pos), "platform.%s means nothing to profile %q (only to %s): drop it", f, p.Profile, strings.Join(platformOnly[f], " and "))
		}
	}
	return probs
}

// moved says where a setting of a server the platform owns now lives.
type moved struct {
	field string // below env
	where string
}

// Fields of the Prometheus and Alertmanager a Helm or kube-prometheus
// platform deploys, and the chart values that set them instead.
var chartOwned = []moved{
	{"prometheus/name", "the chart names its Prometheus <release>-prometheus: set platform.release"},
	{"prometheus/namespace", "the chart's Prometheus runs in the release's namespace: set platform.namespace"},
	{"prometheus/replicas", "chart values prometheus.prometheusSpec.replicas"},
	{"prometheus/shards", "chart values prometheus.prometheusSpec.shards"},
	{"prometheus/version", "the chart version's image (platform.chart), or chart values prometheus.prometheusSpec.image.tag with platform.versions.prometheus"},
	{"prometheus/retention", "chart values prometheus.prometheusSpec.retention"},
	{"prometheus/scrapeInterval", "chart values prometheus.prometheusSpec.scrapeInterval (name the values file in platform.values so mongen reads it)"},
	{"prometheus/scrapeTimeout", "chart values prometheus.prometheusSpec.scrapeTimeout"},
	{"prometheus/evaluationInterval", "chart values prometheus.prometheusSpec.evaluationInterval (name the values file in platform.values so mongen reads it)"},
	{"prometheus/serviceAccount", "chart values prometheus.serviceAccount.name"},
	{"prometheus/externalURL", "chart values prometheus.prometheusSpec.externalUrl"},
	{"alerting/alertmanager/name", "the chart names its Alertmanager <release>-alertmanager: set platform.release"},
	{"alerting/alertmanager/namespace", "the chart's Alertmanager runs in the release's namespace: set platform.namespace"},
	{"alerting/alertmanager/replicas", "chart values alertmanager.alertmanagerSpec.replicas"},
	{"alerting/alertmanager/version", "the chart version's image (platform.chart), or chart values alertmanager.alertmanagerSpec.image.tag with platform.versions.alertmanager"},
	{"alerting/alertmanager/externalURL", "chart values alertmanager.alertmanagerSpec.externalUrl"},
	{"alerting/alertmanager/address", "the chart's Prometheus already alerts the chart's Alertmanager"},
	{"alerting/alertmanager/secretsDir", "the operator mounts alertmanager.alertmanagerSpec.secrets at /etc/alertmanager/secrets"},
}

// kubePrometheusOwned: kube-prometheus sets the same things in its jsonnet
// (values+:: {prometheus+: ...}).
func kubePrometheusWhere(field string) string {
	switch field {
	case "prometheus/name", "alerting/alertmanager/name":
		return "kube-prometheus names them k8s (Prometheus) and main (Alertmanager)"
	case "prometheus/namespace", "alerting/alertmanager/namespace":
		return "kube-prometheus deploys into platform.namespace"
	case "prometheus/version", "alerting/alertmanager/version":
		return "kube-prometheus's own versions (declare platform.versions if you changed them)"
	case "alerting/alertmanager/address":
		return "kube-prometheus's Prometheus already alerts its Alertmanager"
	}
	return "your kube-prometheus jsonnet (values+:: {prometheus+: ..., alertmanager+: ...})"
}

func applyChart(env *model.Environment, written writtenIndex) diag.List {
	var probs diag.List
	p := &env.Platform
	probs = append(probs, checkPlatformFields(*p, written)...)
	if p.Release == "" {
		p.Release = DefaultRelease
	}
	if p.Namespace == "" {
		p.Namespace = DefaultNamespace
	}
	if p.Chart == "" {
		p.Chart = ChartVersions()[len(ChartVersions())-1]
	}
	chart, ok := ChartOf(p.Chart)
	if !ok {
		pos, _ := written.lookup("platform/chart")
		probs.Add(diag.Origin(pos), "kube-prometheus-stack chart %q is not supported: the supported versions are %s (mongen checks its output against what a chart version deploys: its versions, Services and default rules)", p.Chart, strings.Join(ChartVersions(), ", "))
		return probs
	}
	p.Versions = declared(chart.Versions, p.Versions)
	// mongen's own Thanos Ruler and Query run global.thanos.version beside
	// the chart's sidecars: the output must load in the older of the two.
	if g := env.Global; g != nil && g.Thanos != nil && olderVersion(g.Thanos.Version, p.Versions.Thanos) {
		p.Versions.Thanos = g.Thanos.Version
	}
	for _, m := range chartOwned {
		if pos, ok := written.lookup(m.field); ok {
			probs.Add(diag.Origin(pos), "%s means nothing on kube-prometheus-stack, whose chart deploys the Prometheus and Alertmanager: it lives in %s", strings.ReplaceAll(m.field, "/", "."), m.where)
		}
	}
	probs = append(probs, stampSelector(env, written, "release", p.Release)...)
	if ns := env.Grafana.Namespace; ns != "" && ns != p.Namespace {
		pos, _ := written.lookup("grafana/namespace")
		probs.Add(diag.Origin(pos), "grafana.namespace %q: the chart's Grafana loads datasources only from its own namespace, the release's (%q): drop grafana.namespace (dashboards load from every namespace)", ns, p.Namespace)
	}
	pr := &env.Prometheus
	pr.Name = PrometheusName(p.Release)
	pr.Namespace = p.Namespace
	pr.ServiceAccount = PrometheusName(p.Release)
	pr.Version = p.Versions.Prometheus
	pr.Replicas, pr.Shards = 1, 1
	pr.Retention = "10d"
	pr.ExternalURL = fmt.Sprintf("http://%s.%s:9090", PrometheusName(p.Release), p.Namespace)
	// The chart leaves the intervals to the operator, whose default is 30s.
	pr.ScrapeInterval, pr.EvaluationInterval, pr.ScrapeTimeout = "30s", "30s", ""
	if env.Alerting != nil {
		am := &env.Alerting.Alertmanager
		am.Name = AlertmanagerName(p.Release)
		am.Namespace = p.Namespace
		am.Replicas = 1
		am.Version = p.Versions.Alertmanager
		am.ExternalURL = fmt.Sprintf("http://%s.%s:9093", AlertmanagerName(p.Release), p.Namespace)
		am.Address = fmt.Sprintf("%s.%s.svc:9093", AlertmanagerName(p.Release), p.Namespace)
		am.SecretsDir = "/etc/alertmanager/secrets"
	}
	return probs
}

func applyKubePrometheus(env *model.Environment, written writtenIndex) diag.List {
	var probs diag.List
	p := &env.Platform
	probs = append(probs, checkPlatformFields(*p, written)...)
	if p.Namespace == "" {
		p.Namespace = DefaultNamespace
	}
	p.Versions = declared(KubePrometheusVersions(), p.Versions)
	for _, m := range chartOwned {
		if pos, ok := written.lookup(m.field); ok {
			probs.Add(diag.Origin(pos), "%s means nothing on kube-prometheus, whose manifests deploy the Prometheus and Alertmanager: it lives in %s", strings.ReplaceAll(m.field, "/", "."), kubePrometheusWhere(m.field))
		}
	}
	pr := &env.Prometheus
	pr.Name, pr.Namespace, pr.ServiceAccount = "k8s", p.Namespace, "prometheus-k8s"
	pr.Version = p.Versions.Prometheus
	pr.Replicas, pr.Shards = 2, 1
	pr.Retention = "1d"
	pr.ExternalURL = fmt.Sprintf("http://prometheus-k8s.%s.svc:9090", p.Namespace)
	pr.ScrapeInterval, pr.EvaluationInterval, pr.ScrapeTimeout = "30s", "30s", ""
	if env.Alerting != nil {
		am := &env.Alerting.Alertmanager
		am.Name, am.Namespace, am.Replicas = "main", p.Namespace, 3
		am.Version = p.Versions.Alertmanager
		am.ExternalURL = fmt.Sprintf("http://alertmanager-main.%s.svc:9093", p.Namespace)
		am.Address = fmt.Sprintf("alertmanager-main.%s.svc:9093", p.Namespace)
		am.SecretsDir = "/etc/alertmanager/secrets"
	}
	return probs
}

// applyOwned: mongen owns the servers; their versions are the ones the
// environment deploys, unless platform.versions declares them.
func applyOwned(env *model.Environment, written writtenIndex) diag.List {
	p := &env.Platform
	probs := checkPlatformFields(*p, written)
	own := model.Versions{Prometheus: env.Prometheus.Version}
	if env.Alerting != nil {
		own.Alertmanager = env.Alerting.Alertmanager.Version
	}
	if env.Global != nil && env.Global.Thanos != nil {
		own.Thanos = env.Global.Thanos.Version
	}
	for _, c := range []struct{ name, declared, own, field string }{
		{"prometheus", p.Versions.Prometheus, own.Prometheus, "prometheus/version"},
		{"alertmanager", p.Versions.Alertmanager, own.Alertmanager, "alerting/alertmanager/version"},
	} {
		pos, ok := written.lookup(c.field)
		if c.declared != "" && ok && c.own != "" && strings.TrimPrefix(c.declared, "v") != strings.TrimPrefix(c.own, "v") {
			dpos, _ := written.lookup("platform/versions/" + c.name)
			probs.Add(diag.Origin(dpos), "platform.versions.%s %q contradicts %s %q (%s): the %s profile deploys the version the environment sets; drop one", c.name, c.declared, strings.ReplaceAll(c.field, "/", "."), c.own, pos, p.Profile)
		}
	}
	p.Versions = declared(own, p.Versions)
	return probs
}

// declared overlays the versions an environment declares on a platform's.
func declared(base, decl model.Versions) model.Versions {
	if decl.Prometheus != "" {
		base.Prometheus = decl.Prometheus
	}
	if decl.Alertmanager != "" {
		base.Alertmanager = decl.Alertmanager
	}
	if decl.Thanos != "" {
		base.Thanos = decl.Thanos
	}
	if decl.Operator != "" {
		base.Operator = decl.Operator
	}
	return base
}

// stampSelector makes sure every object carries key: value, which the
// platform's Prometheus selects by.
func stampSelector(env *model.Environment, written writtenIndex, key, value string) diag.List {
	if v, ok := env.Selector[key]; ok && v != value {
		pos, _ := written.lookup("selector/" + key)
		if pos == "" {
			pos, _ = written.lookup("selector")
		}
		return diag.List{diag.At(diag.Origin(pos), "selector %s: %q: the chart's Prometheus selects %s: %q (platform.release), so it would never see mongen's monitors and rules: drop it from selector", key, v, key, value)}
	}
	if env.Selector == nil {
		env.Selector = map[string]string{}
	}
	env.Selector[key] = value
	return nil
}

// olderVersion reports whether a is an older vX.Y.Z than b; a version
// that does not parse is never older.
func olderVersion(a, b string) bool {
	pa, oka := versionParts(a)
	pb, okb := versionParts(b)
	if !oka || !okb {
		return false
	}
	return slices.Compare(pa, pb) < 0
}

func versionParts(v string) ([]int, bool) {
	v = strings.TrimPrefix(v, "v")
	if i := strings.IndexAny(v, "-+"); i >= 0 {
		v = v[:i]
	}
	fields := strings.Split(v, ".")
	if len(fields) != 3 {
		return nil, false
	}
	out := make([]int, 3)
	for i, f := range fields {
		n, err := strconv.Atoi(f)
		if err != nil || n < 0 {
			return nil, false
		}
		out[i] = n
	}
	return out, true
}
