package read

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Input is everything read from the files given on the command line.
type Input struct {
	// Groups are the rule groups of rule files and PrometheusRules, in the
	// order read.
	Groups []Group
	// Alertmanager holds alertmanager.yml files, Prometheus prometheus.yml
	// files, Monitors ServiceMonitor, PodMonitor and Probe manifests.
	Alertmanager []File
	Prometheus   []File
	Monitors     []Monitor
	// Files lists every file read, with what it held, in order.
	Files []FileKind
}

// FileKind says what one input file held.
type FileKind struct {
	File  string
	Kinds []string
}

// File is a whole configuration file kept as read.
type File struct {
	Name string
	Data []byte
	Doc  Doc
	// TemplateFiles are a values file's alertmanager.templateFiles, by
	// file name: the notification templates the chart mounts in
	// /etc/alertmanager/config.
	TemplateFiles map[string]string
}

// Monitor is one ServiceMonitor, PodMonitor or Probe manifest.
type Monitor struct {
	Kind, Namespace, Name string
	Pos                   string
	Doc                   Doc
}

// Kinds of input documents.
const (
	KindRuleFile       = "rule file"
	KindEmptyRuleFile  = "rule file without groups"
	KindPrometheusRule = "PrometheusRule"
	KindServiceMonitor = "ServiceMonitor"
	KindPodMonitor     = "PodMonitor"
	KindProbe          = "Probe"
	KindAlertmanager   = "alertmanager.yml"
	KindPrometheus     = "prometheus.yml"
)

// Read reads one file (every document of it) into in. Nothing is added
// when it fails, and the error has the file's line and column.
func (in *Input) Read(file string, data []byte) error {
	docs, err := splitDocs(file, data)
	if err != nil {
		return err
	}
	next := *in
	if len(docs) == 0 {
		// An empty file, or one holding only null, is a rule file
		// without groups for Prometheus (mixtool writes them for mixins
		// without alerts).
		next.Files = append(append([]FileKind(nil), in.Files...), FileKind{File: file, Kinds: []string{KindEmptyRuleFile}})
		*in = next
		return nil
	}
	next.Groups = append([]Group(nil), in.Groups...)
	next.Monitors = append([]Monitor(nil), in.Monitors...)
	fk := FileKind{File: file}
	for _, d := range docs {
		if err := duplicateKeys(d); err != nil { // strict.go
			return err
		}
		kind, err := next.readDoc(d, data, len(docs))
		if err != nil {
			return err
		}
		fk.Kinds = append(fk.Kinds, kind)
	}
	next.Files = append(append([]FileKind(nil), in.Files...), fk)
	*in = next
	return nil
}

func (in *Input) readDoc(d Doc, data []byte, ndocs int) (string, error) {
	root := ResolveAlias(d.Root)
	if root.Kind == yaml.MappingNode && len(root.Content) == 0 {
		return KindEmptyRuleFile, nil // {}: Prometheus loads it as no groups
	}
	if root.Kind != yaml.MappingNode {
		return "", d.Errorf(root, "expected a mapping (a rule file, a Kubernetes manifest, alertmanager.yml or prometheus.yml), not %s", DescribeNode(root))
	}
	if kindNode := Get(root, "kind"); kindNode != nil && Get(root, "apiVersion") != nil {
		return in.readManifest(d, root, kindNode, data, ndocs)
	}
	if isHelmValues(root) {
		if ndocs > 1 {
			return "", d.Errorf(root, "a values file must be the only document of its file")
		}
		parts, err := in.readHelmValues(d)
		if err != nil {
			return "", err
		}
		return helmValuesKind(parts), nil
	}
	return in.readConfig(d, root, data, ndocs)
}

// readManifest reads a Kubernetes object: a List of them, a
// PrometheusRule, or a monitor.
func (in *Input) readManifest(d Doc, root, kindNode *yaml.Node, data []byte, ndocs int) (string, error) {
	kind, err := d.Scalar(kindNode, "kind")
	if err != nil {
		return "", err
	}
	meta := Get(root, "metadata")
	name, _ := d.Scalar(Get(meta, "name"), "metadata.name")
	ns, _ := d.Scalar(Get(meta, "namespace"), "metadata.namespace")
	switch kind {
	case "List":
		// kubectl get prometheusrules,servicemonitors -A -o yaml
		items := ResolveAlias(Get(root, "items"))
		if err := d.Expect(items, yaml.SequenceNode, "items"); err != nil {
			return "", err
		}
		var kinds []string
		for _, it := range items.Content {
			k, err := in.readDoc(Doc{File: d.File, Root: it}, data, ndocs)
			if err != nil {
				return "", err
			}
			kinds = append(kinds, k)
		}
		return "List of " + strings.Join(kinds, ", "), nil
	case KindPrometheusRule:
		spec := Get(root, "spec")
		if spec == nil || Get(spec, "groups") == nil {
			return "", d.Errorf(root, "PrometheusRule %s has no spec.groups", name)
		}
		groups, err := d.readGroups(Get(spec, "groups"), objectName(ns, name))
		if err != nil {
			return "", err
		}
		in.Groups = append(in.Groups, groups...)
	case KindServiceMonitor, KindPodMonitor, KindProbe:
		if Get(root, "spec") == nil {
			return "", d.Errorf(root, "%s %s has no spec", kind, name)
		}
		in.Monitors = append(in.Monitors, Monitor{Kind: kind, Namespace: ns, Name: name, Pos: d.Pos(root), Doc: d})
	default:
		return "", d.Errorf(kindNode, "unsupported kind %s: mongen reads PrometheusRule, ServiceMonitor, PodMonitor and Probe manifests", kind)
	}
	return kind, nil
}

// readConfig reads a configuration file by its top-level keys: a rule
// file, an alertmanager.yml or a prometheus.yml.
func (in *Input) readConfig(d Doc, root *yaml.Node, data []byte, ndocs int) (string, error) {
	switch {
	case Get(root, "groups") != nil:
		if err := d.knownKeys(root, "rule file", []string{"groups"}); err != nil {
			return "", err
		}
		groups, err := d.readGroups(Get(root, "groups"), "")
		if err != nil {
			return "", err
		}
		in.Groups = append(in.Groups, groups...)
		if len(groups) == 0 {
			return KindEmptyRuleFile, nil
		}
		return KindRuleFile, nil
	case Get(root, "route") != nil || Get(root, "receivers") != nil:
		if ndocs > 1 {
			return "", d.Errorf(root, "alertmanager.yml must be the only document of its file")
		}
		if err := d.checkAlertmanagerLists(root); err != nil {
			return "", err
		}
		in.Alertmanager = append(in.Alertmanager, File{Name: d.File, Data: data, Doc: d})
		return KindAlertmanager, nil
	case Get(root, "scrape_configs") != nil || Get(root, "rule_files") != nil || Get(root, "global") != nil:
		if ndocs > 1 {
			return "", d.Errorf(root, "prometheus.yml must be the only document of its file")
		}
		if err := checkPrometheusConfig(d, data); err != nil { // strict.go
			return "", err
		}
		in.Prometheus = append(in.Prometheus, File{Name: d.File, Data: data, Doc: d})
		return KindPrometheus, nil
	}
	return "", d.Errorf(root, "cannot tell what this is: expected a rule file (groups:), a PrometheusRule, ServiceMonitor, PodMonitor or Probe manifest, alertmanager.yml (route:, receivers:), prometheus.yml (scrape_configs:) or kube-prometheus-stack values")
}

func objectName(ns, name string) string {
	if ns == "" {
		return name
	}
	return fmt.Sprintf("%s/%s", ns, name)
}

// checkAlertmanagerLists refuses an empty entry in the route tree and the
// top-level lists, at its position: Alertmanager's own loader crashes on a
// null child route instead of naming it.
func (d Doc) checkAlertmanagerLists(root *yaml.Node) error {
	var route func(r *yaml.Node) error
	route = func(r *yaml.Node) error {
		routes := ResolveAlias(Get(r, "routes"))
		if routes == nil || routes.Kind != yaml.SequenceNode {
			return nil
		}
		for _, c := range routes.Content {
			c = ResolveAlias(c)
			if c.Kind != yaml.MappingNode {
				return d.Errorf(c, "routes: an entry is %s, not a route: remove the empty `-` or write the route", DescribeNode(c))
			}
			if err := route(c); err != nil {
				return err
			}
		}
		return nil
	}
	if r := ResolveAlias(Get(root, "route")); r != nil && r.Kind == yaml.MappingNode {
		if err := route(r); err != nil {
			return err
		}
	}
	for _, key := range []string{"receivers", "inhibit_rules", "time_intervals", "mute_time_intervals"} {
		l := ResolveAlias(Get(root, key))
		if l == nil || l.Kind != yaml.SequenceNode {
			continue
		}
		for _, it := range l.Content {
			if it = ResolveAlias(it); it.Kind != yaml.MappingNode {
				return d.Errorf(it, "%s: an entry is %s, not a mapping: remove the empty `-` or complete it", key, DescribeNode(it))
			}
		}
	}
	return nil
}
