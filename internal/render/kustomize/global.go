package kustomize

import (
	"github.com/mongen-dev/mongen/internal/artifact"
	"github.com/mongen-dev/mongen/internal/render/plain"
)

// globalGenerators wrap the federating Prometheus's configuration and rule
// files in ConfigMaps of their own: their keys (prometheus.yml, <group>.yaml)
// would collide with the cluster Prometheus's.
func globalGenerators(t *artifact.Tree, ns string) ([]generator, error) {
	if _, ok := t.Get(plain.GlobalConfigPath); !ok {
		return nil, nil
	}
	out := []generator{{Name: ConfigMapGlobalConfig, Namespace: ns, Files: []string{plain.GlobalConfigPath}}}
	cms, err := RulesConfigMaps(t, plain.GlobalRulesDir, ConfigMapGlobalRules)
	if err != nil {
		return nil, err
	}
	for _, cm := range cms {
		out = append(out, generator{Name: cm.Name, Namespace: ns, Files: cm.Files})
	}
	return out, nil
}
