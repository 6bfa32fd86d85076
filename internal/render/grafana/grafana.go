// Package grafana renders the environment's dashboards as Grafana dashboard
// JSON (dashboards/<uid>.json) and the Prometheus datasource as a
// provisioning ConfigMap for the Grafana sidecar of kube-prometheus-stack.
// The kustomization wraps each dashboard file in a ConfigMap of its own
// (ConfigMaps), so the JSON is written once.
package grafana

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/mongen-dev/mongen/internal/artifact"
	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/model"
	"github.com/mongen-dev/mongen/internal/platform"
	"github.com/mongen-dev/mongen/internal/render/encode"
	"github.com/mongen-dev/mongen/internal/scale"
)

// SchemaVersion is the dashboard schema mongen writes: Grafana 12's, which
// Grafana 11.3 and later load as is and Grafana 13 migrates on load.
const SchemaVersion = 41

// Dir holds the dashboard JSON files.
const Dir = "dashboards"

// Path is where a dashboard's JSON is written.
func Path(uid string) string { return Dir + "/" + uid + ".json" }

// DatasourceVar is the variable every query's datasource goes through.
const DatasourceVar = "datasource"

// DatasourceRef is how panels and queries name the datasource.
const DatasourceRef = "${" + DatasourceVar + "}"

// The Grafana sidecar's conventions (kiwigrid/k8s-sidecar as configured by
// the grafana and kube-prometheus-stack charts): ConfigMaps labelled
// grafana_dashboard=1 are dashboards, grafana_datasource=1 datasources; the
// folder comes from the annotation the chart's folderAnnotation names
// (grafana_folder in kube-prometheus-stack's examples) or the sidecar's
// default, k8s-sidecar-target-directory.
const (
	LabelDashboard           = "grafana_dashboard"
	LabelDatasource          = "grafana_datasource"
	AnnotationFolder         = "grafana_folder"
	AnnotationSidecarFolder  = "k8s-sidecar-target-directory"
	DatasourceConfigMapName  = "grafana-datasource-mongen"
	dashboardConfigMapPrefix = "mongen-dashboard-"
)

// ConfigMap is one dashboard's ConfigMap, for the kustomization's
// configMapGenerator.
type ConfigMap struct {
	Name        string
	Namespace   string
	File        string
	Labels      map[string]string
	Annotations map[string]string
}

// Namespace is where the Grafana ConfigMaps go: grafana.namespace, else
// the Prometheus namespace.
func Namespace(env *model.Environment) string {
	if env.Grafana.Namespace != "" {
		return env.Grafana.Namespace
	}
	return env.Prometheus.Namespace
}

// Folder is the Grafana folder of a dashboard.
func Folder(env *model.Environment, d model.Dashboard) string {
	if d.Folder != "" {
		return d.Folder
	}
	return env.Grafana.Folder
}

var nonName = regexp.MustCompile(`[^a-z0-9-]+`)

// ConfigMapName is the name of a dashboard's ConfigMap.
func ConfigMapName(uid string) string {
	return dashboardConfigMapPrefix + strings.Trim(nonName.ReplaceAllString(strings.ToLower(uid), "-"), "-")
}

// ConfigMaps lists one ConfigMap per dashboard, sorted by uid.
func ConfigMaps(p *expand.Plan) []ConfigMap {
	var out []ConfigMap
	for _, d := range p.Dashboards {
		folder := Folder(p.Env, d.Dashboard)
		out = append(out, ConfigMap{
			Name:        ConfigMapName(d.UID),
			Namespace:   Namespace(p.Env),
			File:        Path(d.UID),
			Labels:      map[string]string{LabelDashboard: "1"},
			Annotations: map[string]string{AnnotationFolder: folder, AnnotationSidecarFolder: folder},
		})
	}
	return out
}

// DatasourcePath is the datasource provisioning ConfigMap's manifest.
const DatasourcePath = "manifests/configmap-" + DatasourceConfigMapName + ".yaml"

// DatasourceURL is the environment's Prometheus as Grafana reaches it:
// grafana.datasource.url, else the in-cluster Service (prometheus-operated,
// which the operator creates, or the plain flavour's prometheus).
func DatasourceURL(env *model.Environment) string {
	if env.Grafana.Datasource.URL != "" {
		return env.Grafana.Datasource.URL
	}
	// The platform's own Prometheus Service.
	if u := platform.PrometheusURL(env.Platform); u != "" {
		return u
	}
	svc := "prometheus-operated"
	if env.Flavour == model.FlavourPlain {
		svc = "prometheus"
	}
	return fmt.Sprintf("http://%s.%s.svc:9090", svc, env.Prometheus.Namespace)
}

// GlobalDatasource is the second datasource of the cluster that hosts the
// global view: global.datasource's name and uid, at its url, or else at
// the generated Thanos Query, which sees every cluster's series with their
// cluster label. ok is false in other clusters and when there is no URL to
// provision (then the user provisions that uid).
func GlobalDatasource(env *model.Environment) (ds model.GrafanaDatasource, ok bool) {
	if !env.HostsGlobal() {
		return ds, false
	}
	ds = env.Global.Datasource
	if ds.URL == "" && env.RunsThanosQuery() && env.Flavour == model.FlavourOperator {
		ds.URL = scale.ThanosQueryURL(env)
	}
	return ds, ds.URL != ""
}

// Render writes every dashboard and, when there is one, the datasource.
func Render(p *expand.Plan, t *artifact.Tree) error {
	if len(p.Dashboards) == 0 {
		return nil
	}
	names := map[string]string{}
	for _, d := range p.Dashboards {
		if prev, dup := names[ConfigMapName(d.UID)]; dup {
			return fmt.Errorf("render dashboards: %s: dashboards %q and %q both need ConfigMap %s: change one uid", d.Origin, prev, d.UID, ConfigMapName(d.UID))
		}
		names[ConfigMapName(d.UID)] = d.UID
		data, err := Dashboard(p.Env, d.Dashboard)
		if err != nil {
			return fmt.Errorf("render dashboards: %s: dashboard %s: %w", d.Origin, d.UID, err)
		}
		if err := t.Add(artifact.File{Path: Path(d.UID), Data: data, Origin: d.Origin}); err != nil {
			return fmt.Errorf("render dashboards: %w", err)
		}
	}
	data, err := datasourceConfigMap(p.Env)
	if err != nil {
		return fmt.Errorf("render datasource: %w", err)
	}
	return t.Add(artifact.File{Path: DatasourcePath, Data: data, Origin: p.Env.Source("grafana")})
}

// Dashboard renders one dashboard's JSON: two-space indent, fields in a
// fixed order, titles translated by the environment's grafana.titles.
func Dashboard(env *model.Environment, d model.Dashboard) ([]byte, error) {
	out := build(env, d)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// datasourceConfigMap provisions the environment's datasource and, in the
// cluster hosting the global view, the global view's (GlobalDatasource).
func datasourceConfigMap(env *model.Environment) ([]byte, error) {
	ds := env.Grafana.Datasource
	type dsEntry struct {
		Name      string            `yaml:"name"`
		Type      string            `yaml:"type"`
		UID       string            `yaml:"uid"`
		Access    string            `yaml:"access"`
		URL       string            `yaml:"url"`
		IsDefault bool              `yaml:"isDefault"`
		Editable  bool              `yaml:"editable"`
		JSONData  map[string]string `yaml:"jsonData"`
	}
	prov := struct {
		APIVersion  int       `yaml:"apiVersion"`
		Datasources []dsEntry `yaml:"datasources"`
	}{APIVersion: 1, Datasources: []dsEntry{{
		Name: ds.Name, Type: "prometheus", UID: ds.UID, Access: "proxy", URL: DatasourceURL(env),
		JSONData: map[string]string{"timeInterval": env.Prometheus.ScrapeInterval},
	}}}
	if g, ok := GlobalDatasource(env); ok {
		prov.Datasources = append(prov.Datasources, dsEntry{
			Name: g.Name, Type: "prometheus", UID: g.UID, Access: "proxy", URL: g.URL,
			JSONData: map[string]string{"timeInterval": env.Prometheus.ScrapeInterval},
		})
	}
	file, err := encode.YAMLWithHeader("", prov)
	if err != nil {
		return nil, err
	}
	labels := map[string]string{LabelDatasource: "1", "app.kubernetes.io/managed-by": "mongen"}
	for k, v := range env.Selector {
		labels[k] = v
	}
	cm := struct {
		APIVersion string `yaml:"apiVersion"`
		Kind       string `yaml:"kind"`
		Metadata   struct {
			Name      string            `yaml:"name"`
			Namespace string            `yaml:"namespace"`
			Labels    map[string]string `yaml:"labels"`
		} `yaml:"metadata"`
		Data map[string]string `yaml:"data"`
	}{APIVersion: "v1", Kind: "ConfigMap", Data: map[string]string{"mongen-" + env.Name + ".yaml": string(file)}}
	cm.Metadata.Name = DatasourceConfigMapName
	cm.Metadata.Namespace = Namespace(env)
	cm.Metadata.Labels = labels
	return encode.YAML(cm)
}
