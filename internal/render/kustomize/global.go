package kustomize

import (
	"path"

	"github.com/mongen-dev/mongen/internal/artifact"
	"github.com/mongen-dev/mongen/internal/render/plain"
)

// globalGenerators wrap the federating Prometheus's configuration and rule
// files in ConfigMaps of their own: their keys (prometheus.yml, <group>.yaml)
// would collide with the cluster Prometheus's.
func globalGenerators(t *artifact.Tree, ns string) []generator {
	if _, ok := t.Get(plain.GlobalConfigPath); !ok {
		return nil
	}
	out := []generator{{Name: ConfigMapGlobalConfig, Namespace: ns, Files: []string{plain.GlobalConfigPath}}}
	var rules []string
	for _, f := range t.Paths() { // sorted
		if path.Dir(f) == plain.GlobalRulesDir {
			rules = append(rules, f)
		}
	}
	if len(rules) > 0 {
		out = append(out, generator{Name: ConfigMapGlobalRules, Namespace: ns, Files: rules})
	}
	return out
}
