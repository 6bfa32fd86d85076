package grafana_test

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/mongen-dev/mongen/internal/artifact"
	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/model"
	"github.com/mongen-dev/mongen/internal/render/grafana"
	"github.com/mongen-dev/mongen/internal/render/kustomize"
	"github.com/mongen-dev/mongen/internal/verify/kustomizecheck"
)

// TestSidecarConfigMaps builds the kustomization with kustomize itself and
// checks what the Grafana sidecar sees: per dashboard one ConfigMap in the
// grafana namespace, labelled grafana_dashboard=1 and with the selector
// labels, annotated with its folder, holding <uid>.json byte for byte; and
// the datasource ConfigMap pointing at the environment's Prometheus.
func TestSidecarConfigMaps(t *testing.T) {
	env := &model.Environment{
		Name: "prod", Flavour: model.FlavourOperator, Selector: map[string]string{"release": "kps"},
		Prometheus: model.Prometheus{Namespace: "monitoring", ScrapeInterval: "30s"},
		Grafana:    model.Grafana{Namespace: "grafana", Folder: "mongen", Datasource: model.GrafanaDatasource{Name: "Prometheus prod", UID: "mongen-prod"}},
		Dashboards: map[string]model.Dashboard{
			"a": {UID: "a", Title: "A", Panels: []model.Panel{{Type: model.PanelText, Title: "t", Content: "<b>x</b>"}}},
			"B_2": {UID: "B_2", Title: "B", Folder: "Team B", Panels: []model.Panel{{Type: model.PanelStat, Title: "up", Unit: "short",
				Targets: []model.Query{{Expr: "up", Instant: true}}}}},
		},
	}
	p, err := expand.Expand(env)
	if err != nil {
		t.Fatal(err)
	}
	tree := artifact.NewTree()
	if err := grafana.Render(p, tree); err != nil {
		t.Fatal(err)
	}
	if err := kustomize.Render(p, tree); err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, f := range tree.Files() {
		files[f.Path] = f.Data
	}
	out, err := kustomizecheck.Build(files)
	if err != nil {
		t.Fatal(err)
	}
	type cm struct {
		Metadata struct {
			Name        string            `yaml:"name"`
			Namespace   string            `yaml:"namespace"`
			Labels      map[string]string `yaml:"labels"`
			Annotations map[string]string `yaml:"annotations"`
		} `yaml:"metadata"`
		Data map[string]string `yaml:"data"`
	}
	got := map[string]cm{}
	dec := yaml.NewDecoder(bytes.NewReader(out))
	for {
		var c cm
		if err := dec.Decode(&c); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		got[c.Metadata.Name] = c
	}
	for uid, folder := range map[string]string{"a": "mongen", "B_2": "Team B"} {
		c, ok := got[grafana.ConfigMapName(uid)]
		if !ok {
			t.Fatalf("no ConfigMap %s in %v", grafana.ConfigMapName(uid), got)
		}
		f, _ := tree.Get(grafana.Path(uid))
		if c.Metadata.Namespace != "grafana" || c.Metadata.Labels["grafana_dashboard"] != "1" || c.Metadata.Labels["release"] != "kps" ||
			c.Metadata.Annotations["grafana_folder"] != folder || c.Metadata.Annotations["k8s-sidecar-target-directory"] != folder ||
			c.Data[uid+".json"] != string(f.Data) {
			t.Errorf("ConfigMap for %s: %+v", uid, c.Metadata)
		}
	}
	if grafana.ConfigMapName("B_2") != "mongen-dashboard-b-2" {
		t.Errorf("ConfigMapName(B_2) = %s", grafana.ConfigMapName("B_2"))
	}
	ds, ok := got[grafana.DatasourceConfigMapName]
	if !ok || ds.Metadata.Labels["grafana_datasource"] != "1" {
		t.Fatalf("datasource ConfigMap: %+v", ds)
	}
	var prov struct {
		Datasources []struct {
			Name, UID, URL, Type string
		} `yaml:"datasources"`
	}
	if err := yaml.Unmarshal([]byte(ds.Data["mongen-prod.yaml"]), &prov); err != nil {
		t.Fatal(err)
	}
	if len(prov.Datasources) != 1 || prov.Datasources[0].URL != "http://prometheus-operated.monitoring.svc:9090" || prov.Datasources[0].UID != "mongen-prod" || prov.Datasources[0].Type != "prometheus" {
		t.Errorf("datasource %+v", prov)
	}
	// Every panel and query goes through the datasource variable, whose
	// current value is the environment's datasource.
	f, _ := tree.Get(grafana.Path("B_2"))
	var d map[string]any
	if err := json.Unmarshal(f.Data, &d); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(f.Data), `"uid": "${datasource}"`) || !strings.Contains(string(f.Data), `"value": "mongen-prod"`) {
		t.Errorf("datasource references:\n%s", f.Data)
	}
}
