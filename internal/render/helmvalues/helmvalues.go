// Package helmvalues renders helm-values.yaml: the kube-prometheus-stack
// chart values mongen's output depends on. The user merges this one file
// into their HelmRelease (Flux valuesFrom, or an Argo CD valueFiles entry)
// so that the chart's Prometheus selects mongen's monitors and rules, its
// Alertmanager runs mongen's configuration with the Secrets it reads, its
// Grafana loads mongen's dashboards, and the chart switches off what mongen
// now does (the exporters' ServiceMonitors it replaces, the default rules
// whose alert names mongen defines).
package helmvalues

import (
	"bytes"
	"encoding/json"
	"fmt"
	"github.com/mongen-dev/mongen/internal/diag"
	"slices"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/mongen-dev/mongen/internal/artifact"
	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/model"
	"github.com/mongen-dev/mongen/internal/platform"
	"github.com/mongen-dev/mongen/internal/platform/kpsrules"
	"github.com/mongen-dev/mongen/internal/render/alertmanager"
	"github.com/mongen-dev/mongen/internal/render/encode"
	"github.com/mongen-dev/mongen/internal/render/operator"
)

// Path of the values file inside the environment's (or cluster's) output.
const Path = "helm-values.yaml"

// Setting is one chart value mongen needs, with why.
type Setting struct {
	// Key is the value's path in the chart values, dot-separated
	// (prometheus.prometheusSpec.externalLabels).
	Key   []string
	Value any
	// Why is the comment written above it.
	Why string
}

// Name is the dotted path of the setting.
func (s Setting) Name() string { return strings.Join(s.Key, ".") }

// Render adds helm-values.yaml for a kube-prometheus-stack environment.
func Render(p *expand.Plan, t *artifact.Tree) error {
	if p.Env.Platform.Profile != model.ProfileKubePrometheusStack {
		return nil
	}
	settings, err := Settings(p)
	if err != nil {
		return err
	}
	data, err := Encode(p.Env.Platform, settings)
	if err != nil {
		return fmt.Errorf("render helm values: %w", err)
	}
	return t.Add(artifact.File{Path: Path, Data: data, Origin: p.Env.Source("platform")})
}

// component is a chart component that a library exporter's job replaces:
// the values that switch the chart's own ServiceMonitor for it off (its
// Service stays), or the whole component when mongen brings its own
// Service (endpoints outside the cluster).
type component struct {
	service  string // platform.services key of the exporter
	monitor  []string
	whole    []string
	chartJob string
	// needs are the values that must be true for the chart to render the
	// Service mongen's job selects.
	needs [][]string
}

func components() []component {
	return []component{
		{"node-exporter", []string{"prometheus-node-exporter", "prometheus", "monitor", "enabled"}, nil, "node-exporter",
			[][]string{{"nodeExporter", "enabled"}}},
		{"kube-state-metrics", []string{"kube-state-metrics", "prometheus", "monitor", "enabled"}, nil, "kube-state-metrics",
			[][]string{{"kubeStateMetrics", "enabled"}}},
		{"kubelet", []string{"kubelet", "serviceMonitor", "enabled"}, nil, "kubelet",
			[][]string{{"prometheusOperator", "kubeletService", "enabled"}}},
		{"apiserver", []string{"kubeApiServer", "serviceMonitor", "enabled"}, nil, "apiserver", nil},
		{"coredns", []string{"coreDns", "serviceMonitor", "enabled"}, nil, "coredns",
			[][]string{{"coreDns", "enabled"}, {"coreDns", "service", "enabled"}, {"kubernetesServiceMonitors", "enabled"}}},
		{"etcd", []string{"kubeEtcd", "serviceMonitor", "enabled"}, []string{"kubeEtcd", "enabled"}, "kube-etcd",
			[][]string{{"kubeEtcd", "enabled"}, {"kubeEtcd", "service", "enabled"}, {"kubernetesServiceMonitors", "enabled"}}},
		{"kube-controller-manager", []string{"kubeControllerManager", "serviceMonitor", "enabled"}, []string{"kubeControllerManager", "enabled"}, "kube-controller-manager",
			[][]string{{"kubeControllerManager", "enabled"}, {"kubeControllerManager", "service", "enabled"}, {"kubernetesServiceMonitors", "enabled"}}},
		{"kube-scheduler", []string{"kubeScheduler", "serviceMonitor", "enabled"}, []string{"kubeScheduler", "enabled"}, "kube-scheduler",
			[][]string{{"kubeScheduler", "enabled"}, {"kubeScheduler", "service", "enabled"}, {"kubernetesServiceMonitors", "enabled"}}},
		// mongen scrapes kube-proxy's pods (a PodMonitor), not the chart's Service.
		{"kube-proxy", []string{"kubeProxy", "serviceMonitor", "enabled"}, []string{"kubeProxy", "enabled"}, "kube-proxy", nil},
	}
}

// Settings are the values the environment's output needs, sorted by key.
func Settings(p *expand.Plan) ([]Setting, error) {
	env := p.Env
	var out []Setting
	add := func(why string, value any, key ...string) {
		out = append(out, Setting{Key: key, Value: value, Why: why})
	}
	spec, err := operator.PlatformPrometheus(p)
	if err != nil {
		return nil, fmt.Errorf("helm values: %w", err)
	}
	release := env.Platform.Release
	// Selection: the chart's defaults select release: <release>, which
	// mongen stamps on every object; said explicitly so that values which
	// changed them cannot leave mongen's objects unselected.
	for _, kind := range []string{"serviceMonitor", "podMonitor", "probe", "rule", "scrapeConfig"} {
		add(fmt.Sprintf("the chart's Prometheus selects objects labelled release: %s, as mongen's are", release), true,
			"prometheus", "prometheusSpec", kind+"SelectorNilUsesHelmValues")
	}
	if spec != nil {
		if len(spec.ExternalLabels) > 0 {
			add("every series and alert leaving this Prometheus carries them (env.externalLabels)", stringMap(spec.ExternalLabels),
				"prometheus", "prometheusSpec", "externalLabels")
		}
		if len(spec.Secrets) > 0 {
			add("Secrets mongen's scrape jobs read (TLS, credentials), mounted at /etc/prometheus/secrets/<name>/", slices.Clone(spec.Secrets),
				"prometheus", "prometheusSpec", "secrets")
		}
		if th := spec.Thanos; th != nil && th.ObjectStorageConfig != nil {
			thanos := map[string]any{"objectStorageConfig": map[string]any{"existingSecret": map[string]any{
				"name": th.ObjectStorageConfig.Name, "key": th.ObjectStorageConfig.Key,
			}}}
			if tls := th.GRPCServerTLSConfig; tls != nil {
				// The chart copies the other keys of thanos verbatim.
				thanos["grpcServerTlsConfig"] = map[string]any{"caFile": tls.CAFile, "certFile": tls.CertFile, "keyFile": tls.KeyFile}
				var mounts []any
				for _, m := range th.VolumeMounts {
					mounts = append(mounts, map[string]any{"name": m.Name, "mountPath": m.MountPath, "readOnly": m.ReadOnly})
				}
				thanos["volumeMounts"] = mounts
			}
			add("the Thanos sidecar that ships blocks to the bucket (global.thanos.objectStorage) and serves the StoreAPI (global.thanos.grpcTLS)", thanos,
				"prometheus", "prometheusSpec", "thanos")
		}
		if len(spec.Volumes) > 0 {
			var volumes []any
			for _, v := range spec.Volumes {
				if v.Secret != nil {
					volumes = append(volumes, map[string]any{"name": v.Name, "secret": map[string]any{"secretName": v.Secret.SecretName}})
				}
			}
			add("the Secret of the sidecar's StoreAPI TLS (global.thanos.grpcTLS)", volumes,
				"prometheus", "prometheusSpec", "volumes")
		}
		if a := spec.AdditionalAlertManagerConfigs; a != nil {
			add("the shared Alertmanager in another cluster (alertingTopology)", map[string]any{"name": a.Name, "key": a.Key},
				"prometheus", "prometheusSpec", "additionalAlertManagerConfigsSecret")
		}
		if rs := spec.RuleSelector; rs != nil && len(rs.MatchExpressions) > 0 {
			add("global rules belong to the global evaluator, never to a cluster's Prometheus", ruleSelector(release, rs.MatchExpressions),
				"prometheus", "prometheusSpec", "ruleSelector")
		}
	}
	if env.Alerting != nil && env.RunsAlertmanager() {
		am := env.Alerting.Alertmanager
		add("the chart's Alertmanager runs mongen's routing", true, "alertmanager", "enabled")
		add("the chart's Alertmanager runs mongen's alertmanager.yaml (alertmanager/alertmanager.yml), not the chart's alertmanager.config", true,
			"alertmanager", "alertmanagerSpec", "useExistingSecret")
		add("the Secret mongen's kustomization generates from alertmanager/alertmanager.yml", alertmanager.ConfigSecretName(am),
			"alertmanager", "alertmanagerSpec", "configSecret")
		if len(p.Alerting.Secrets) > 0 {
			add("Secrets the receivers' *_file paths read, mounted at /etc/alertmanager/secrets/<name>/", slices.Clone(p.Alerting.Secrets),
				"alertmanager", "alertmanagerSpec", "secrets")
		}
	}
	out = append(out, monitorSettings(p)...)
	rules, err := ruleSettings(p)
	if err != nil {
		return nil, err
	}
	out = append(out, rules...)
	if len(p.Dashboards) > 0 || env.Grafana.Datasource.UID != "" {
		chart, _ := platform.ChartOf(env.Platform.Chart)
		add("the sidecar loads mongen's dashboard ConfigMaps by this label, from every namespace", map[string]any{
			"enabled": true, "label": chart.DashboardLabel, "labelValue": chart.SidecarValue, "searchNamespace": "ALL",
		}, "grafana", "sidecar", "dashboards")
		add("the sidecar loads mongen's datasource ConfigMap by this label, from Grafana's namespace", map[string]any{
			"enabled": true, "label": chart.DatasourceLabel, "labelValue": chart.SidecarValue,
		}, "grafana", "sidecar", "datasources")
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Name() < out[j].Name() })
	if out, err = merge(out); err != nil {
		return nil, err
	}
	probs := conflicts(env.Platform, out)
	probs = append(probs, selectorConflicts(env, out)...)
	if err := probs.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// ruleSettings switch off every default rule of the chart whose alert name
// mongen defines, so no alert is defined twice. A recorded series the
// chart also records cannot be switched off alone: it is an error.
func ruleSettings(p *expand.Plan) ([]Setting, error) {
	env := p.Env
	chart, err := kpsrules.EnabledRules(env.Platform.Chart, env.Platform.UserValues)
	if err != nil {
		return nil, fmt.Errorf("helm values: default rules: %w", err)
	}
	inventory, err := kpsrules.Inventory(env.Platform.Chart)
	if err != nil {
		return nil, fmt.Errorf("helm values: default rules: %w", err)
	}
	// gated: the rules each defaultRules.disabled.<Alert> switch removes.
	gated := map[string][]kpsrules.Rule{}
	for _, e := range inventory {
		for _, g := range e.Gates {
			if name, ok := strings.CutPrefix(g.Path, "defaultRules.disabled."); ok && g.Negate {
				gated[name] = append(gated[name], e.Rule)
			}
		}
	}
	enabled := map[kpsrules.Rule]bool{}
	for _, r := range chart {
		enabled[r] = true
	}
	alerts, records := p.RuleOrigins()
	var out []Setting
	var probs diag.List
	seen := map[string]bool{}
	for _, r := range chart {
		if r.Record {
			if origin, ok := records[r.Name]; ok {
				probs.Add(diag.Origin(origin), "mongen records %s, which the chart's default rule group %s (%s) records too: rename mongen's series, or switch the chart's group off in your values (platform.values)", r.Name, r.Group, r.Template)
			}
			continue
		}
		origin, ok := alerts[r.Name]
		if !ok || seen[r.Name] {
			continue
		}
		seen[r.Name] = true
		why := fmt.Sprintf("mongen defines alert %s (%s), so the chart's default rule of that name (group %s, %s) is switched off", r.Name, relOrigin(origin), r.Group, r.Template)
		if also := alsoOff(gated, enabled, r.Name); len(also) > 0 {
			why += fmt.Sprintf("; the chart gates more of its rules on this switch, which go too: %s", strings.Join(also, ", "))
		}
		out = append(out, Setting{Key: []string{"defaultRules", "disabled", r.Name}, Value: true, Why: why})
	}
	if err := probs.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// alsoOff are the enabled chart rules other than name that the chart's
// defaultRules.disabled.<name> switch removes too (some templates gate a
// whole file on one alert's switch), sorted.
func alsoOff(gated map[string][]kpsrules.Rule, enabled map[kpsrules.Rule]bool, name string) []string {
	var out []string
	for _, r := range gated[name] {
		if r.Name != name && enabled[r] && !slices.Contains(out, r.Name) {
			out = append(out, r.Name)
		}
	}
	sort.Strings(out)
	return out
}

// relOrigin drops the column of a position: the comment names the line.
func relOrigin(origin string) string {
	if origin == "" {
		return "generated"
	}
	return origin
}

// conflicts are the user's own values (platform.values) that contradict
// what mongen's output needs: with them merged after mongen's, the output
// would not work (a second scrape of a component, another configuration
// for the Alertmanager).
func conflicts(pl model.Platform, settings []Setting) diag.List {
	if pl.UserValues == nil {
		return nil
	}
	var probs diag.List
	for _, s := range settings {
		got, ok := lookup(pl.UserValues, s.Key)
		if !ok || equalValue(got, s.Value) {
			continue
		}
		pos := pl.ValuesPositions[s.Name()]
		probs.Add(diag.Origin(pos), "your values set %s: %s, but mongen's output needs %v: %s; drop it from your values (helm-values.yaml sets it)", s.Name(), quotable(got), render(s.Value), s.Why)
	}
	probs.Sort()
	return probs
}

// selectorConflicts are selectors of the user's values (which win over the
// chart's release selector) that would not select mongen's objects.
func selectorConflicts(env *model.Environment, settings []Setting) diag.List {
	if env.Platform.UserValues == nil {
		return nil
	}
	set := map[string]bool{}
	for _, s := range settings {
		set[s.Name()] = true
	}
	var probs diag.List
	for _, kind := range []string{"serviceMonitor", "podMonitor", "probe", "rule", "scrapeConfig"} {
		key := []string{"prometheus", "prometheusSpec", kind + "Selector"}
		name := strings.Join(key, ".")
		raw, ok := lookup(env.Platform.UserValues, key)
		if !ok || raw == nil || set[name] {
			continue
		}
		pos := env.Platform.ValuesPositions[name]
		data, err := json.Marshal(raw)
		var ls metav1.LabelSelector
		if err == nil {
			err = json.Unmarshal(data, &ls)
		}
		var sel labels.Selector
		if err == nil {
			sel, err = metav1.LabelSelectorAsSelector(&ls)
		}
		if err != nil {
			probs.Add(diag.Origin(pos), "your values set %s, which is not a label selector: %v", name, err)
			continue
		}
		if !sel.Matches(labels.Set(env.Selector)) {
			probs.Add(diag.Origin(pos), "your values set %s to %s, which does not select mongen's objects (labelled %s): the chart's Prometheus would never see them; select %s, or drop it from your values", name, render(raw), labels.Set(env.Selector).String(), labels.Set(env.Selector).String())
		}
	}
	return probs
}

// quotable prints a value of the user's for a message: a boolean or a
// number as it is, anything else only by its kind, since a values file may
// hold credentials (an inline objectStorageConfig, a password) and no
// message quotes one.
func quotable(v any) string {
	switch v.(type) {
	case bool, int, int64, uint64, float64:
		return render(v)
	case nil:
		return "null"
	case string:
		return "a string"
	case []any:
		return "a list"
	case map[string]any:
		return "a mapping"
	}
	return "another value"
}

func lookup(values map[string]any, key []string) (any, bool) {
	var cur any = values
	for _, k := range key {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[k]; !ok {
			return nil, false
		}
	}
	return cur, true
}

func equalValue(a, b any) bool { return render(a) == render(b) }

// render prints a value as flow YAML, for comparison and messages.
func render(v any) string {
	data, err := yaml.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	var n yaml.Node
	if err := yaml.Unmarshal(data, &n); err != nil {
		return strings.TrimSpace(string(data))
	}
	setFlow(&n)
	out, err := yaml.Marshal(&n)
	if err != nil {
		return strings.TrimSpace(string(data))
	}
	return strings.TrimSpace(string(out))
}

func setFlow(n *yaml.Node) {
	if n.Kind == yaml.MappingNode || n.Kind == yaml.SequenceNode {
		n.Style = yaml.FlowStyle
	}
	for _, c := range n.Content {
		setFlow(c)
	}
}

// monitorSettings switch off the chart's ServiceMonitor for every
// component a library exporter of the environment scrapes, so nothing is
// scraped twice.
func monitorSettings(p *expand.Plan) []Setting {
	var out []Setting
	byService := p.PlatformServiceJobs()
	for _, c := range components() {
		jobs, external := byService[c.service].Jobs, byService[c.service].External
		if len(jobs) == 0 {
			continue
		}
		if external && c.whole != nil {
			out = append(out, Setting{Key: c.whole, Value: false, Why: fmt.Sprintf(
				"mongen scrapes %s itself at the endpoints it is given (job %s), with its own Service: the chart's Service, ServiceMonitor and %s rules would find nothing",
				c.service, strings.Join(jobs, ", "), c.service)})
			continue
		}
		out = append(out, Setting{Key: c.monitor, Value: false, Why: fmt.Sprintf(
			"mongen's job %s scrapes the chart's %s Service: the chart's own ServiceMonitor (job %s) would scrape it twice",
			strings.Join(jobs, ", "), c.service, c.chartJob)})
		for _, need := range c.needs {
			out = append(out, Setting{Key: need, Value: true, Why: fmt.Sprintf(
				"the chart renders the %s Service that mongen's job %s scrapes", c.service, strings.Join(jobs, ", "))})
		}
	}
	return out
}

// merge keeps one setting per key: equal values say all their reasons,
// different ones are a contradiction within mongen (a defect).
func merge(settings []Setting) ([]Setting, error) {
	var out []Setting
	for _, s := range settings {
		if n := len(out); n > 0 && out[n-1].Name() == s.Name() {
			if !equalValue(out[n-1].Value, s.Value) {
				return nil, fmt.Errorf("helm values: %s is both %v (%s) and %v (%s)", s.Name(), render(out[n-1].Value), out[n-1].Why, render(s.Value), s.Why)
			}
			if !strings.Contains(out[n-1].Why, s.Why) {
				out[n-1].Why += "; " + s.Why
			}
			continue
		}
		out = append(out, s)
	}
	return out, nil
}

func ruleSelector(release string, exprs []metav1.LabelSelectorRequirement) map[string]any {
	var ex []any
	for _, e := range exprs {
		m := map[string]any{"key": e.Key, "operator": string(e.Operator)}
		if len(e.Values) > 0 {
			m["values"] = slices.Clone(e.Values)
		}
		ex = append(ex, m)
	}
	return map[string]any{"matchLabels": map[string]any{"release": release}, "matchExpressions": ex}
}

func stringMap(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// Encode writes the settings as one YAML values file, each with its
// reason as a comment, keys sorted.
func Encode(pl model.Platform, settings []Setting) ([]byte, error) {
	root := &yaml.Node{Kind: yaml.MappingNode}
	for _, s := range settings {
		parent := root
		for i, k := range s.Key {
			if i == len(s.Key)-1 {
				v := &yaml.Node{}
				if err := v.Encode(s.Value); err != nil {
					return nil, fmt.Errorf("%s: %w", s.Name(), err)
				}
				kn := &yaml.Node{Kind: yaml.ScalarNode, Value: k, HeadComment: encode.Wrap(s.Why, 78)}
				parent.Content = append(parent.Content, kn, v)
				break
			}
			parent = child(parent, k)
		}
	}
	sortNode(root)
	var buf bytes.Buffer
	buf.WriteString(encode.Header)
	fmt.Fprintf(&buf, "# kube-prometheus-stack %s values for release %q in namespace %q:\n", pl.Chart, pl.Release, pl.Namespace)
	buf.WriteString("# merge this file into the release's values after your own (Flux valuesFrom, Argo CD valueFiles);\n")
	buf.WriteString("# docs/platforms.md says how.\n")
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(root); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func child(parent *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(parent.Content); i += 2 {
		if parent.Content[i].Value == key {
			return parent.Content[i+1]
		}
	}
	n := &yaml.Node{Kind: yaml.MappingNode}
	parent.Content = append(parent.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: key}, n)
	return n
}

// sortNode orders every mapping's keys, at every depth.
func sortNode(n *yaml.Node) {
	if n.Kind == yaml.MappingNode {
		type pair struct{ k, v *yaml.Node }
		var ps []pair
		for i := 0; i+1 < len(n.Content); i += 2 {
			ps = append(ps, pair{n.Content[i], n.Content[i+1]})
		}
		sort.SliceStable(ps, func(i, j int) bool { return ps[i].k.Value < ps[j].k.Value })
		n.Content = n.Content[:0]
		for _, p := range ps {
			n.Content = append(n.Content, p.k, p.v)
		}
	}
	for _, c := range n.Content {
		sortNode(c)
	}
}
