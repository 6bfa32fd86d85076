// Package kustomize renders the kustomization.yaml that Flux or Argo CD
// applies: every manifest as a resource, and the plain flavour's files as
// ConfigMaps.
package kustomize

import (
	"fmt"
	"strings"

	"github.com/mongen-dev/mongen/internal/artifact"
	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/model"
	"github.com/mongen-dev/mongen/internal/render/alertmanager"
	"github.com/mongen-dev/mongen/internal/render/grafana"
	"github.com/mongen-dev/mongen/internal/render/operator"
	"github.com/mongen-dev/mongen/internal/render/plain"
)

// Path of the kustomization inside the environment's output.
const Path = "kustomization.yaml"

// ManifestsDir holds one Kubernetes object per file.
const ManifestsDir = "manifests"

// ManagedBy is stamped on every generated object.
var managedBy = map[string]string{"app.kubernetes.io/managed-by": "mongen"}

type kustomization struct {
	APIVersion         string            `yaml:"apiVersion"`
	Kind               string            `yaml:"kind"`
	Resources          []string          `yaml:"resources,omitempty"`
	ConfigMapGenerator []generator       `yaml:"configMapGenerator,omitempty"`
	SecretGenerator    []generator       `yaml:"secretGenerator,omitempty"`
	GeneratorOptions   *generatorOptions `yaml:"generatorOptions,omitempty"`
}

// generator carries its own namespace: a kustomization-wide namespace
// would also move every manifest.
type generator struct {
	Name      string   `yaml:"name"`
	Namespace string   `yaml:"namespace"`
	Files     []string `yaml:"files"`
	// Options label and annotate one generator's object (Grafana's sidecar
	// finds dashboards by label).
	Options *objectOptions `yaml:"options,omitempty"`
}

type objectOptions struct {
	Labels      map[string]string `yaml:"labels,omitempty"`
	Annotations map[string]string `yaml:"annotations,omitempty"`
}

type generatorOptions struct {
	DisableNameSuffixHash bool              `yaml:"disableNameSuffixHash"`
	Labels                map[string]string `yaml:"labels,omitempty"`
}

// ConfigMap names of the plain flavour.
const (
	ConfigMapConfig = "prometheus-config"
	ConfigMapRules  = "prometheus-rules"
	// The federating Prometheus of a federation global view.
	ConfigMapGlobalConfig = "prometheus-global-config"
	ConfigMapGlobalRules  = "prometheus-global-rules"
)

// Render adds kustomization.yaml listing what the other renderers produced.
func Render(p *expand.Plan, t *artifact.Tree) error {
	k := kustomization{APIVersion: "kustomize.config.k8s.io/v1beta1", Kind: "Kustomization"}
	for _, f := range t.Files() {
		if strings.HasPrefix(f.Path, ManifestsDir+"/") && strings.HasSuffix(f.Path, ".yaml") {
			k.Resources = append(k.Resources, f.Path)
		}
	}
	ns := p.Env.Prometheus.Namespace
	if p.Env.Flavour == model.FlavourPlain {
		if configs := plain.ConfigPaths(t); len(configs) > 0 {
			k.ConfigMapGenerator = append(k.ConfigMapGenerator, generator{Name: ConfigMapConfig, Namespace: ns, Files: configs})
		}
		// Rule files in as many ConfigMaps as the object size limit needs
		// (prometheus-rules, prometheus-rules-1, ...), all mounted at
		// /etc/prometheus/rules/ (docs/output.md).
		cms, err := RulesConfigMaps(t, plain.RulesDir, ConfigMapRules)
		if err != nil {
			return fmt.Errorf("render kustomization: %w", err)
		}
		for _, cm := range cms {
			k.ConfigMapGenerator = append(k.ConfigMapGenerator, generator{Name: cm.Name, Namespace: ns, Files: cm.Files})
		}
		global, err := globalGenerators(t, ns)
		if err != nil {
			return fmt.Errorf("render kustomization: %w", err)
		}
		k.ConfigMapGenerator = append(k.ConfigMapGenerator, global...)
	}
	if p.Alerting != nil {
		if _, ok := t.Get(alertmanager.ConfigPath); ok {
			am := p.Alerting.Policy.Alertmanager
			// The operator and the Alertmanager image both read the key
			// alertmanager.yaml; notification templates are keys of the
			// same Secret, mounted next to it.
			files := []string{"alertmanager.yaml=" + alertmanager.ConfigPath}
			files = append(files, alertmanager.TemplateFiles(p)...)
			k.SecretGenerator = append(k.SecretGenerator, generator{
				Name:      alertmanager.ConfigSecretName(am),
				Namespace: am.Namespace,
				Files:     files,
			})
		}
	}
	for _, cm := range grafana.ConfigMaps(p) {
		k.ConfigMapGenerator = append(k.ConfigMapGenerator, generator{Name: cm.Name, Namespace: cm.Namespace, Files: []string{cm.File},
			Options: &objectOptions{Labels: cm.Labels, Annotations: cm.Annotations}})
	}
	if _, ok := t.Get(operator.SharedAlertmanagersPath); ok {
		k.SecretGenerator = append(k.SecretGenerator, generator{
			Name:      operator.SharedAlertmanagersSecret,
			Namespace: ns,
			Files:     []string{operator.SharedAlertmanagersKey + "=" + operator.SharedAlertmanagersPath},
		})
	}
	if len(k.ConfigMapGenerator)+len(k.SecretGenerator) > 0 {
		labels := map[string]string{}
		for key, v := range p.Env.Selector {
			labels[key] = v
		}
		for key, v := range managedBy {
			labels[key] = v
		}
		// Stable names let Deployments and the Alertmanager resource refer
		// to them without a kustomize name reference.
		k.GeneratorOptions = &generatorOptions{DisableNameSuffixHash: true, Labels: labels}
	}
	data, err := encodeKustomization(k)
	if err != nil {
		return fmt.Errorf("render kustomization: %w", err)
	}
	return t.Add(artifact.File{Path: Path, Data: data})
}
