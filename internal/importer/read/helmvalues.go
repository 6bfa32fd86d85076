package read

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// KindHelmValues is a kube-prometheus-stack values file.
const KindHelmValues = "kube-prometheus-stack values"

// helmValuesKeys are top-level keys of kube-prometheus-stack's values that
// no other input has; one of them makes a document a values file.
var helmValuesKeys = []string{"additionalPrometheusRulesMap", "additionalPrometheusRules", "defaultRules", "kubeStateMetrics", "nodeExporter", "prometheusOperator", "kube-state-metrics", "prometheus-node-exporter", "grafana"}

// isHelmValues tells a kube-prometheus-stack values file from a
// prometheus.yml (both may have `global:`).
func isHelmValues(root *yaml.Node) bool {
	for _, k := range helmValuesKeys {
		if Get(root, k) != nil {
			return true
		}
	}
	if p := Get(root, "prometheus"); p != nil && (Get(p, "prometheusSpec") != nil || Get(p, "additionalServiceMonitors") != nil || Get(p, "additionalPodMonitors") != nil) {
		return true
	}
	a := Get(root, "alertmanager")
	return a != nil && (Get(a, "config") != nil || Get(a, "alertmanagerSpec") != nil)
}

// readHelmValues reads what a kube-prometheus-stack values file says about
// rules, scrape configs, monitors and Alertmanager, keeping the values
// file's positions:
//   - additionalPrometheusRulesMap (and the older additionalPrometheusRules
//     list): rule groups;
//   - alertmanager.config: the alertmanager.yml;
//   - prometheus.prometheusSpec.additionalScrapeConfigs: scrape configs, as
//     a prometheus.yml's scrape_configs;
//   - prometheus.additionalServiceMonitors and additionalPodMonitors:
//     monitors, in the release's namespace (--namespace of helm; here
//     monitoring).
//
// The chart's own rules (defaultRules) are its templates, not values: they
// are rendered into PrometheusRules, which kubectl exports.
func (in *Input) readHelmValues(d Doc) ([]string, error) {
	root := ResolveAlias(d.Root)
	var kinds []string
	for _, part := range []func(Doc, *yaml.Node) ([]string, error){
		in.helmRulesMap, in.helmRulesList, in.helmAlertmanager, in.helmScrapeConfigs, in.helmMonitors,
	} {
		k, err := part(d, root)
		if err != nil {
			return nil, err
		}
		kinds = append(kinds, k...)
	}
	if len(kinds) == 0 {
		return nil, d.Errorf(root, "a kube-prometheus-stack values file with nothing mongen imports: it reads additionalPrometheusRulesMap, alertmanager.config, prometheus.prometheusSpec.additionalScrapeConfigs and prometheus.additionalServiceMonitors/additionalPodMonitors (the chart's defaultRules are rendered by the chart: export them with kubectl get prometheusrules -A -o yaml)")
	}
	return kinds, nil
}

// helmRulesMap reads additionalPrometheusRulesMap: PrometheusRule specs
// by name.
func (in *Input) helmRulesMap(d Doc, root *yaml.Node) ([]string, error) {
	var kinds []string
	if m := ResolveAlias(Get(root, "additionalPrometheusRulesMap")); m != nil {
		if err := d.Expect(m, yaml.MappingNode, "additionalPrometheusRulesMap"); err != nil {
			return nil, err
		}
		for _, kv := range Fields(m) {
			spec := ResolveAlias(kv[1])
			if Get(spec, "groups") == nil {
				return nil, d.Errorf(kv[0], "additionalPrometheusRulesMap.%s has no groups", kv[0].Value)
			}
			groups, err := d.readGroups(Get(spec, "groups"), "additionalPrometheusRulesMap."+kv[0].Value)
			if err != nil {
				return nil, err
			}
			in.Groups = append(in.Groups, groups...)
			kinds = append(kinds, "additionalPrometheusRulesMap."+kv[0].Value)
		}
	}
	return kinds, nil
}

// helmRulesList reads additionalPrometheusRules, the older list form.
func (in *Input) helmRulesList(d Doc, root *yaml.Node) ([]string, error) {
	var kinds []string
	if l := ResolveAlias(Get(root, "additionalPrometheusRules")); l != nil {
		if err := d.Expect(l, yaml.SequenceNode, "additionalPrometheusRules"); err != nil {
			return nil, err
		}
		for _, it := range l.Content {
			name, _ := d.Scalar(Get(it, "name"), "name")
			if Get(it, "groups") == nil {
				return nil, d.Errorf(it, "additionalPrometheusRules entry %s has no groups", name)
			}
			groups, err := d.readGroups(Get(it, "groups"), "additionalPrometheusRules."+name)
			if err != nil {
				return nil, err
			}
			in.Groups = append(in.Groups, groups...)
			kinds = append(kinds, "additionalPrometheusRules."+name)
		}
	}
	return kinds, nil
}

// helmAlertmanager reads alertmanager.config as an alertmanager.yml.
func (in *Input) helmAlertmanager(d Doc, root *yaml.Node) ([]string, error) {
	var kinds []string
	if cfg := ResolveAlias(Get(Get(root, "alertmanager"), "config")); cfg != nil {
		if err := d.Expect(cfg, yaml.MappingNode, "alertmanager.config"); err != nil {
			return nil, err
		}
		if err := d.checkAlertmanagerLists(cfg); err != nil {
			return nil, err
		}
		data, err := yaml.Marshal(cfg)
		if err != nil {
			return nil, d.Errorf(cfg, "alertmanager.config: %v", err)
		}
		f := File{Name: d.File, Data: data, Doc: Doc{File: d.File, Root: cfg}}
		// alertmanager.templateFiles: the chart mounts each next to the
		// configuration, where config.templates finds them.
		files, _, err := d.StringMap(Get(Get(root, "alertmanager"), "templateFiles"), "alertmanager.templateFiles")
		if err != nil {
			return nil, err
		}
		if len(files) > 0 {
			f.TemplateFiles = files
		}
		in.Alertmanager = append(in.Alertmanager, f)
		kinds = append(kinds, "alertmanager.config")
	}
	return kinds, nil
}

// helmScrapeConfigs reads prometheus.prometheusSpec.additionalScrapeConfigs
// as a prometheus.yml.
func (in *Input) helmScrapeConfigs(d Doc, root *yaml.Node) ([]string, error) {
	prom := ResolveAlias(Get(root, "prometheus"))
	var kinds []string
	if sc := ResolveAlias(Get(Get(prom, "prometheusSpec"), "additionalScrapeConfigs")); sc != nil && !(sc.Kind == yaml.SequenceNode && len(sc.Content) == 0) {
		if err := d.Expect(sc, yaml.SequenceNode, "prometheus.prometheusSpec.additionalScrapeConfigs"); err != nil {
			return nil, err
		}
		// A prometheus.yml holding only these scrape configs; the nodes
		// keep their positions in the values file.
		// Their defaults are the Prometheus resource's: the chart's
		// scrapeInterval and evaluationInterval, else the operator's 30s.
		str := func(v string, at *yaml.Node) *yaml.Node {
			return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v, Line: at.Line, Column: at.Column}
		}
		global := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: sc.Line, Column: sc.Column}
		for _, iv := range [][2]string{{"scrapeInterval", "scrape_interval"}, {"evaluationInterval", "evaluation_interval"}} {
			v, _ := d.Scalar(Get(Get(prom, "prometheusSpec"), iv[0]), iv[0])
			if v == "" {
				v = "30s"
			}
			global.Content = append(global.Content, str(iv[1], sc), str(v, sc))
		}
		file := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: []*yaml.Node{str("global", sc), global, str("scrape_configs", sc), sc}, Line: sc.Line, Column: sc.Column}
		data, err := yaml.Marshal(file)
		if err != nil {
			return nil, d.Errorf(sc, "additionalScrapeConfigs: %v", err)
		}
		in.Prometheus = append(in.Prometheus, File{Name: d.File, Data: data, Doc: Doc{File: d.File, Root: file}})
		kinds = append(kinds, "prometheus.prometheusSpec.additionalScrapeConfigs")
	}
	return kinds, nil
}

// helmMonitors reads prometheus.additionalServiceMonitors and
// additionalPodMonitors as monitors.
func (in *Input) helmMonitors(d Doc, root *yaml.Node) ([]string, error) {
	prom := ResolveAlias(Get(root, "prometheus"))
	var kinds []string
	for _, mk := range []struct{ key, kind string }{{"additionalServiceMonitors", KindServiceMonitor}, {"additionalPodMonitors", KindPodMonitor}} {
		l := ResolveAlias(Get(prom, mk.key))
		if l == nil || (l.Kind == yaml.SequenceNode && len(l.Content) == 0) {
			continue
		}
		if err := d.Expect(l, yaml.SequenceNode, "prometheus."+mk.key); err != nil {
			return nil, err
		}
		for _, it := range l.Content {
			name, err := d.Scalar(Get(it, "name"), "name")
			if err != nil || name == "" {
				return nil, d.Errorf(it, "prometheus.%s: an entry without a name", mk.key)
			}
			// The chart turns each entry into a monitor: its fields other
			// than name and additionalLabels are the spec.
			spec := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: it.Line, Column: it.Column}
			for _, kv := range Fields(ResolveAlias(it)) {
				switch kv[0].Value {
				case "name", "additionalLabels":
				default:
					spec.Content = append(spec.Content, kv[0], kv[1])
				}
			}
			specKey := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "spec", Line: it.Line, Column: it.Column}
			obj := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: []*yaml.Node{specKey, spec}, Line: it.Line, Column: it.Column}
			in.Monitors = append(in.Monitors, Monitor{Kind: mk.kind, Name: name, Pos: d.Pos(it), Doc: Doc{File: d.File, Root: obj}})
			kinds = append(kinds, fmt.Sprintf("prometheus.%s.%s", mk.key, name))
		}
	}
	return kinds, nil
}

// helmValuesKind is what FileKind records for a values file.
func helmValuesKind(parts []string) string {
	return KindHelmValues + " (" + strings.Join(parts, ", ") + ")"
}
