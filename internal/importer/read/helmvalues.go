package importer

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
		if get(root, k) != nil {
			return true
		}
	}
	if p := get(root, "prometheus"); p != nil && (get(p, "prometheusSpec") != nil || get(p, "additionalServiceMonitors") != nil || get(p, "additionalPodMonitors") != nil) {
		return true
	}
	a := get(root, "alertmanager")
	return a != nil && (get(a, "config") != nil || get(a, "alertmanagerSpec") != nil)
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
func (in *Input) readHelmValues(d doc) ([]string, error) {
	root := resolveAlias(d.root)
	var kinds []string
	if m := resolveAlias(get(root, "additionalPrometheusRulesMap")); m != nil {
		if err := d.expect(m, yaml.MappingNode, "additionalPrometheusRulesMap"); err != nil {
			return nil, err
		}
		for _, kv := range fields(m) {
			spec := resolveAlias(kv[1])
			if get(spec, "groups") == nil {
				return nil, d.errorf(kv[0], "additionalPrometheusRulesMap.%s has no groups", kv[0].Value)
			}
			groups, err := d.readGroups(get(spec, "groups"), "additionalPrometheusRulesMap."+kv[0].Value)
			if err != nil {
				return nil, err
			}
			in.Groups = append(in.Groups, groups...)
			kinds = append(kinds, "additionalPrometheusRulesMap."+kv[0].Value)
		}
	}
	if l := resolveAlias(get(root, "additionalPrometheusRules")); l != nil {
		if err := d.expect(l, yaml.SequenceNode, "additionalPrometheusRules"); err != nil {
			return nil, err
		}
		for _, it := range l.Content {
			name, _ := d.scalar(get(it, "name"), "name")
			if get(it, "groups") == nil {
				return nil, d.errorf(it, "additionalPrometheusRules entry %s has no groups", name)
			}
			groups, err := d.readGroups(get(it, "groups"), "additionalPrometheusRules."+name)
			if err != nil {
				return nil, err
			}
			in.Groups = append(in.Groups, groups...)
			kinds = append(kinds, "additionalPrometheusRules."+name)
		}
	}
	if cfg := resolveAlias(get(get(root, "alertmanager"), "config")); cfg != nil {
		if err := d.expect(cfg, yaml.MappingNode, "alertmanager.config"); err != nil {
			return nil, err
		}
		if err := d.checkAlertmanagerLists(cfg); err != nil {
			return nil, err
		}
		data, err := yaml.Marshal(cfg)
		if err != nil {
			return nil, d.errorf(cfg, "alertmanager.config: %v", err)
		}
		in.Alertmanager = append(in.Alertmanager, File{Name: d.file, Data: data, doc: doc{file: d.file, root: cfg}})
		kinds = append(kinds, "alertmanager.config")
	}
	prom := resolveAlias(get(root, "prometheus"))
	if sc := resolveAlias(get(get(prom, "prometheusSpec"), "additionalScrapeConfigs")); sc != nil && !(sc.Kind == yaml.SequenceNode && len(sc.Content) == 0) {
		if err := d.expect(sc, yaml.SequenceNode, "prometheus.prometheusSpec.additionalScrapeConfigs"); err != nil {
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
			v, _ := d.scalar(get(get(prom, "prometheusSpec"), iv[0]), iv[0])
			if v == "" {
				v = "30s"
			}
			global.Content = append(global.Content, str(iv[1], sc), str(v, sc))
		}
		file := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: []*yaml.Node{str("global", sc), global, str("scrape_configs", sc), sc}, Line: sc.Line, Column: sc.Column}
		data, err := yaml.Marshal(file)
		if err != nil {
			return nil, d.errorf(sc, "additionalScrapeConfigs: %v", err)
		}
		in.Prometheus = append(in.Prometheus, File{Name: d.file, Data: data, doc: doc{file: d.file, root: file}})
		kinds = append(kinds, "prometheus.prometheusSpec.additionalScrapeConfigs")
	}
	for _, mk := range []struct{ key, kind string }{{"additionalServiceMonitors", KindServiceMonitor}, {"additionalPodMonitors", KindPodMonitor}} {
		l := resolveAlias(get(prom, mk.key))
		if l == nil || (l.Kind == yaml.SequenceNode && len(l.Content) == 0) {
			continue
		}
		if err := d.expect(l, yaml.SequenceNode, "prometheus."+mk.key); err != nil {
			return nil, err
		}
		for _, it := range l.Content {
			name, err := d.scalar(get(it, "name"), "name")
			if err != nil || name == "" {
				return nil, d.errorf(it, "prometheus.%s: an entry without a name", mk.key)
			}
			// The chart turns each entry into a monitor: its fields other
			// than name and additionalLabels are the spec.
			spec := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: it.Line, Column: it.Column}
			for _, kv := range fields(resolveAlias(it)) {
				switch kv[0].Value {
				case "name", "additionalLabels":
				default:
					spec.Content = append(spec.Content, kv[0], kv[1])
				}
			}
			specKey := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "spec", Line: it.Line, Column: it.Column}
			obj := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: []*yaml.Node{specKey, spec}, Line: it.Line, Column: it.Column}
			in.Monitors = append(in.Monitors, Monitor{Kind: mk.kind, Name: name, Pos: d.pos(it), doc: doc{file: d.file, root: obj}})
			kinds = append(kinds, fmt.Sprintf("prometheus.%s.%s", mk.key, name))
		}
	}
	if len(kinds) == 0 {
		return nil, d.errorf(root, "a kube-prometheus-stack values file with nothing mongen imports: it reads additionalPrometheusRulesMap, alertmanager.config, prometheus.prometheusSpec.additionalScrapeConfigs and prometheus.additionalServiceMonitors/additionalPodMonitors (the chart's defaultRules are rendered by the chart: export them with kubectl get prometheusrules -A -o yaml)")
	}
	return kinds, nil
}

// helmValuesKind is what FileKind records for a values file.
func helmValuesKind(parts []string) string {
	return KindHelmValues + " (" + strings.Join(parts, ", ") + ")"
}
