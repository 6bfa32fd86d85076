package kustomize

import (
	"bytes"
	"reflect"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/mongen-dev/mongen/internal/artifact"
	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/model"
	"github.com/mongen-dev/mongen/internal/render/encode"
)

// decoded is what the tests read back from kustomization.yaml.
type decoded struct {
	APIVersion         string   `yaml:"apiVersion"`
	Kind               string   `yaml:"kind"`
	Namespace          string   `yaml:"namespace"`
	Resources          []string `yaml:"resources"`
	ConfigMapGenerator []struct {
		Name      string   `yaml:"name"`
		Namespace string   `yaml:"namespace"`
		Files     []string `yaml:"files"`
	} `yaml:"configMapGenerator"`
	GeneratorOptions *struct {
		DisableNameSuffixHash bool              `yaml:"disableNameSuffixHash"`
		Labels                map[string]string `yaml:"labels"`
	} `yaml:"generatorOptions"`
}

func renderWith(t *testing.T, env *model.Environment, paths ...string) decoded {
	t.Helper()
	tree := artifact.NewTree()
	for _, p := range paths {
		if err := tree.Add(artifact.File{Path: p, Data: []byte("x: 1\n")}); err != nil {
			t.Fatal(err)
		}
	}
	if err := Render(&expand.Plan{Env: env}, tree); err != nil {
		t.Fatalf("Render: %v", err)
	}
	f, ok := tree.Get(Path)
	if !ok {
		t.Fatalf("%s not rendered", Path)
	}
	if !bytes.HasPrefix(f.Data, []byte(encode.Header)) {
		t.Errorf("no generated-file header:\n%s", f.Data)
	}
	var k decoded
	dec := yaml.NewDecoder(bytes.NewReader(f.Data))
	dec.KnownFields(true)
	if err := dec.Decode(&k); err != nil {
		t.Fatalf("decode: %v\n%s", err, f.Data)
	}
	if k.APIVersion != "kustomize.config.k8s.io/v1beta1" || k.Kind != "Kustomization" {
		t.Errorf("apiVersion %q kind %q", k.APIVersion, k.Kind)
	}
	return k
}

func TestResources(t *testing.T) {
	files := []string{
		"manifests/servicemonitor-b.yaml",
		"manifests/prometheus-k8s.yaml",
		"manifests/README.md",
		"manifests/servicemonitor-a.yaml",
		"dashboards/node.json",
		"prometheus/prometheus.yml",
		"prometheus/rules/node.yaml",
		"manifests.yaml",
		"alertmanager/alertmanager.yml",
	}
	tests := []struct {
		name    string
		flavour string
		want    []string
	}{
		{"operator", model.FlavourOperator, []string{
			"manifests/prometheus-k8s.yaml",
			"manifests/servicemonitor-a.yaml",
			"manifests/servicemonitor-b.yaml",
		}},
		{"plain", model.FlavourPlain, []string{
			"manifests/prometheus-k8s.yaml",
			"manifests/servicemonitor-a.yaml",
			"manifests/servicemonitor-b.yaml",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := &model.Environment{Flavour: tc.flavour, Prometheus: model.Prometheus{Namespace: "monitoring"}}
			k := renderWith(t, env, files...)
			if !reflect.DeepEqual(k.Resources, tc.want) {
				t.Errorf("resources = %q, want %q", k.Resources, tc.want)
			}
		})
	}
}

func TestOperatorHasNoGenerators(t *testing.T) {
	env := &model.Environment{
		Flavour:    model.FlavourOperator,
		Selector:   map[string]string{"release": "x"},
		Prometheus: model.Prometheus{Namespace: "monitoring"},
	}
	k := renderWith(t, env, "manifests/prometheus-k8s.yaml", "prometheus/prometheus.yml", "prometheus/rules/a.yaml")
	if k.Namespace != "" {
		t.Errorf("namespace %q: the operator flavour's objects carry their own", k.Namespace)
	}
	if len(k.ConfigMapGenerator) != 0 || k.GeneratorOptions != nil {
		t.Errorf("operator flavour has generators: %+v %+v", k.ConfigMapGenerator, k.GeneratorOptions)
	}
}

func TestPlainGenerators(t *testing.T) {
	tests := []struct {
		name       string
		selector   map[string]string
		files      []string
		wantGen    map[string][]string
		wantLabels map[string]string
	}{
		{
			name:     "config and rules",
			selector: map[string]string{"release": "kube-prometheus-stack", "example.com/part-of": "mon"},
			files: []string{
				"prometheus/rules/zeta.yaml", "prometheus/prometheus.yml", "prometheus/rules/alpha.yaml",
				"prometheus/rules/sub/nested.yaml", "prometheus/other.yaml",
			},
			wantGen: map[string][]string{
				ConfigMapConfig: {"prometheus/prometheus.yml"},
				ConfigMapRules:  {"prometheus/rules/alpha.yaml", "prometheus/rules/zeta.yaml"},
			},
			wantLabels: map[string]string{
				"release": "kube-prometheus-stack", "example.com/part-of": "mon", "app.kubernetes.io/managed-by": "mongen",
			},
		},
		{
			name:       "no rules",
			files:      []string{"prometheus/prometheus.yml"},
			wantGen:    map[string][]string{ConfigMapConfig: {"prometheus/prometheus.yml"}},
			wantLabels: map[string]string{"app.kubernetes.io/managed-by": "mongen"},
		},
		{
			name:       "managed-by is always mongen",
			selector:   map[string]string{"app.kubernetes.io/managed-by": "helm"},
			files:      []string{"prometheus/prometheus.yml"},
			wantGen:    map[string][]string{ConfigMapConfig: {"prometheus/prometheus.yml"}},
			wantLabels: map[string]string{"app.kubernetes.io/managed-by": "mongen"},
		},
		{
			name:       "nothing rendered",
			wantGen:    map[string][]string{},
			wantLabels: map[string]string{"app.kubernetes.io/managed-by": "mongen"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := &model.Environment{
				Flavour:    model.FlavourPlain,
				Selector:   tc.selector,
				Prometheus: model.Prometheus{Namespace: "observability"},
			}
			selectorBefore := map[string]string{}
			for k, v := range tc.selector {
				selectorBefore[k] = v
			}
			k := renderWith(t, env, tc.files...)
			if k.Namespace != "" {
				t.Errorf("kustomization-wide namespace %q would move every manifest too", k.Namespace)
			}
			for _, g := range k.ConfigMapGenerator {
				if g.Namespace != "observability" {
					t.Errorf("generator %s namespace = %q, want the Prometheus namespace", g.Name, g.Namespace)
				}
			}
			got := map[string][]string{}
			var order []string
			for _, g := range k.ConfigMapGenerator {
				got[g.Name] = g.Files
				order = append(order, g.Name)
			}
			if !reflect.DeepEqual(got, tc.wantGen) {
				t.Errorf("configMapGenerator = %v, want %v", got, tc.wantGen)
			}
			if len(order) == 2 && (order[0] != ConfigMapConfig || order[1] != ConfigMapRules) {
				t.Errorf("generator order %q", order)
			}
			if len(tc.wantGen) == 0 {
				if k.GeneratorOptions != nil {
					t.Errorf("generatorOptions without generators: %+v", k.GeneratorOptions)
				}
				return
			}
			if k.GeneratorOptions == nil {
				t.Fatal("no generatorOptions")
			}
			if !k.GeneratorOptions.DisableNameSuffixHash {
				t.Error("name suffix hash enabled: the Deployment could not mount the ConfigMaps by a stable name")
			}
			if !reflect.DeepEqual(k.GeneratorOptions.Labels, tc.wantLabels) {
				t.Errorf("labels = %v, want %v", k.GeneratorOptions.Labels, tc.wantLabels)
			}
			if len(tc.selector) > 0 && !reflect.DeepEqual(env.Selector, selectorBefore) {
				t.Errorf("Render changed the environment's selector: %v", env.Selector)
			}
		})
	}
}

func TestRenderIsDeterministic(t *testing.T) {
	env := &model.Environment{
		Flavour:    model.FlavourPlain,
		Selector:   map[string]string{"a": "1", "b": "2", "c": "3", "d": "4", "e.io/f": "5"},
		Prometheus: model.Prometheus{Namespace: "monitoring"},
	}
	var first []byte
	for i := range 20 {
		tree := artifact.NewTree()
		for _, p := range []string{"prometheus/rules/c.yaml", "prometheus/rules/a.yaml", "prometheus/prometheus.yml", "prometheus/rules/b.yaml"} {
			if err := tree.Add(artifact.File{Path: p}); err != nil {
				t.Fatal(err)
			}
		}
		if err := Render(&expand.Plan{Env: env}, tree); err != nil {
			t.Fatal(err)
		}
		f, _ := tree.Get(Path)
		if i == 0 {
			first = f.Data
		} else if !bytes.Equal(first, f.Data) {
			t.Fatalf("render %d differs:\n--- first\n%s--- again\n%s", i+1, first, f.Data)
		}
	}
}
