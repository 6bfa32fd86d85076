package verify

import (
	"errors"
	"fmt"
	"maps"
	"path"

	"sigs.k8s.io/yaml"

	"github.com/mongen-dev/mongen/internal/artifact"
	"github.com/mongen-dev/mongen/internal/render/kustomize"
	"github.com/mongen-dev/mongen/internal/render/operator"
	"github.com/mongen-dev/mongen/internal/render/plain"
	"github.com/mongen-dev/mongen/internal/verify/promcheck"
)

// withoutPartialResponse drops the one field Thanos adds to a rule group
// (partial_response_strategy, checked by the PrometheusRule CRD schema), as
// Thanos Ruler does before Prometheus' rulefmt parses the group.
func withoutPartialResponse(groups []any) []any {
	out := make([]any, len(groups))
	for i, g := range groups {
		m, ok := g.(map[string]any)
		if !ok {
			out[i] = g
			continue
		}
		m = maps.Clone(m)
		delete(m, "partial_response_strategy")
		out[i] = m
	}
	return out
}

// checkMimirRules parses every Mimir ruler file as mimirtool does: a
// namespace, and groups that Prometheus' rulefmt accepts (the Mimir ruler
// evaluates them with Prometheus' rule manager).
func checkMimirRules(tree *artifact.Tree, add func(string, string, error)) {
	for _, f := range tree.Files() {
		if path.Dir(f.Path) != plain.MimirRulesDir {
			continue
		}
		var doc map[string]any
		if err := yaml.Unmarshal(f.Data, &doc); err != nil {
			add(f.Origin, f.Path, err)
			continue
		}
		ns, _ := doc["namespace"].(string)
		if ns == "" {
			add(f.Origin, f.Path, errors.New("no namespace: mimirtool needs one per file"))
			continue
		}
		delete(doc, "namespace")
		data, err := yaml.Marshal(doc)
		if err == nil {
			err = promcheck.Rules(f.Path, data)
		}
		if err != nil {
			add(f.Origin, f.Path, fmt.Errorf("namespace %s: %w", ns, err))
		}
	}
}

// checkSharedAlertmanagers loads the shared Alertmanager's addresses as
// Prometheus does: as the alerting.alertmanagers of its configuration.
func checkSharedAlertmanagers(tree *artifact.Tree, add func(string, string, error)) {
	f, ok := tree.Get(operator.SharedAlertmanagersPath)
	if !ok {
		return
	}
	var list []any
	if err := yaml.Unmarshal(f.Data, &list); err != nil {
		add(f.Origin, f.Path, err)
		return
	}
	cfg, err := yaml.Marshal(map[string]any{"alerting": map[string]any{"alertmanagers": list}})
	if err == nil {
		_, err = promcheck.Config(cfg)
	}
	add(f.Origin, f.Path, err)
}

// checkPlainGlobal loads the federating Prometheus's configuration of a
// plain federation global view with config.Load and its rule files with
// rulefmt, as checkPlain does the cluster's.
func checkPlainGlobal(tree *artifact.Tree, add func(string, string, error)) {
	cfg, ok := tree.Get(plain.GlobalConfigPath)
	if !ok {
		for _, f := range tree.Paths() {
			if path.Dir(f) == plain.GlobalRulesDir {
				add("", f, fmt.Errorf("rendered without %s to load it", plain.GlobalConfigPath))
			}
		}
		return
	}
	ruleFiles, err := promcheck.Config(cfg.Data)
	add(cfg.Origin, cfg.Path, err)
	if err != nil {
		return
	}
	checkRuleFiles(tree, plain.GlobalConfigPath, plain.GlobalRulesDir, ruleFiles, add, nil)
}

// plainGlobalConfigMaps counts the ConfigMaps kustomize wraps the
// federating Prometheus's files in.
func plainGlobalConfigMaps(tree *artifact.Tree) int {
	if _, ok := tree.Get(plain.GlobalConfigPath); !ok {
		return 0
	}
	cms, _ := kustomize.RulesConfigMaps(tree, plain.GlobalRulesDir, kustomize.ConfigMapGlobalRules)
	return 1 + len(cms)
}
