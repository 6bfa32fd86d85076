package plain

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/mongen-dev/mongen/internal/artifact"
	"github.com/mongen-dev/mongen/internal/expand"

	"github.com/mongen-dev/mongen/internal/model"
	"github.com/mongen-dev/mongen/internal/scale"
)

// externalLabels are the environment's, plus a per-replica label when the
// series meet other clusters' in a global view: replicas of one plain
// Prometheus would otherwise send identical series.
func externalLabels(env *model.Environment) map[string]string {
	if !env.MultiCluster() && env.Global == nil {
		return env.ExternalLabels
	}
	l := maps.Clone(env.ExternalLabels)
	if l == nil {
		l = map[string]string{}
	}
	if _, set := l[scale.ReplicaLabel]; !set && env.Prometheus.Replicas > 1 {
		l[scale.ReplicaLabel] = scale.ReplicaValue
	}
	return l
}

// ShardLabel is the external label of each shard's series: every shard
// evaluates the same rules, over its own slice of the targets.
const ShardLabel = "shard"

// shardTmpLabel carries the target's hash between the two steps.
const shardTmpLabel = "__tmp_hash"

// ShardConfigPath is shard i's configuration when the Prometheus is
// sharded; all share the rule files of RulesDir.
func ShardConfigPath(i int) string { return fmt.Sprintf("prometheus/prometheus-shard-%d.yml", i) }

// ConfigPaths are the configuration files of the plain flavour in a tree:
// prometheus.yml, or one per shard.
func ConfigPaths(t *artifact.Tree) []string {
	if _, ok := t.Get(ConfigPath); ok {
		return []string{ConfigPath}
	}
	var out []string
	for i := 0; ; i++ {
		if _, ok := t.Get(ShardConfigPath(i)); !ok {
			return out
		}
		out = append(out, ShardConfigPath(i))
	}
}

// addConfigs writes prometheus.yml or, for a sharded Prometheus, one
// configuration per shard that keeps the targets whose address hashes to
// it (hashmod, as the operator does for its shards).
func addConfigs(p *expand.Plan, t *artifact.Tree, cfg promConfig) error {
	n := p.Env.Prometheus.Shards
	raw := p.Env.RawScrapeConfigs
	if n <= 1 {
		data, err := marshal(cfg)
		if err == nil {
			data, err = appendRawScrapeConfigs(data, raw) // raw.go
		}
		if err != nil {
			return fmt.Errorf("render prometheus.yml: %w", err)
		}
		return t.Add(artifact.File{Path: ConfigPath, Data: data})
	}
	if len(raw) > 0 {
		// A verbatim job has no place for the shard's hashmod: every shard
		// would scrape all of it.
		return fmt.Errorf("render prometheus.yml: %d raw scrape configs (%s) cannot be sharded: express them as targets or set prometheus.shards to 1", len(raw), strings.Join(slices.Sorted(maps.Keys(raw)), ", "))
	}
	for i := range n {
		shard := cfg
		shard.Global.ExternalLabels = maps.Clone(cfg.Global.ExternalLabels)
		if shard.Global.ExternalLabels == nil {
			shard.Global.ExternalLabels = map[string]string{}
		}
		shard.Global.ExternalLabels[ShardLabel] = strconv.Itoa(i)
		shard.ScrapeConfigs = make([]scrapeConfig, len(cfg.ScrapeConfigs))
		for j, sc := range cfg.ScrapeConfigs {
			sc.RelabelConfigs = append(slices.Clone(sc.RelabelConfigs),
				relabel{SourceLabels: []string{"__address__"}, Modulus: uint64(n), TargetLabel: shardTmpLabel, Action: "hashmod"},
				relabel{SourceLabels: []string{shardTmpLabel}, Regex: ptr(strconv.Itoa(i)), Action: "keep"},
			)
			shard.ScrapeConfigs[j] = sc
		}
		data, err := marshal(shard)
		if err != nil {
			return fmt.Errorf("render %s: %w", ShardConfigPath(i), err)
		}
		if err := t.Add(artifact.File{Path: ShardConfigPath(i), Data: data}); err != nil {
			return err
		}
	}
	return nil
}

// TenantHeader is the header Mimir reads the tenant from.
const TenantHeader = "X-Scope-OrgID"

// MimirRulesDir holds the global rules for the Mimir ruler: one file per
// group, each its own namespace, as `mimirtool rules sync` reads them.
const MimirRulesDir = "mimir/rules"

// mimirRemoteWrite sends the cluster's samples to Mimir's distributor,
// with the tenant read from the mounted Secret.
func mimirRemoteWrite(env *model.Environment) []remoteWrite {
	g := env.Global
	if g == nil || g.Engine != model.EngineMimir || g.Mimir == nil {
		return nil
	}
	return []remoteWrite{{
		URL:  g.Mimir.URL,
		Name: "mimir",
		HTTPHeaders: map[string]httpHeader{
			TenantHeader: {Files: []string{expand.SecretPath(g.Mimir.Tenant.Secret, g.Mimir.Tenant.Key)}},
		},
	}}
}

type mimirRuleFile struct {
	Namespace string      `yaml:"namespace"`
	Groups    []ruleGroup `yaml:"groups"`
}

// MimirRuleFile is a group as a mimirtool namespace file.
func MimirRuleFile(g expand.Group) ([]byte, error) {
	data, err := marshal(mimirRuleFile{Namespace: g.Name, Groups: []ruleGroup{groupDoc(g)}})
	if err != nil {
		return nil, fmt.Errorf("render mimir rules: group %q: %w", g.Name, err)
	}
	return data, nil
}

// renderMimirRules writes the global groups for the Mimir ruler, in the
// cluster that hosts the global view.
func renderMimirRules(p *expand.Plan, t *artifact.Tree) error {
	g := p.Env.Global
	if g == nil || g.Engine != model.EngineMimir || !p.Env.HostsGlobal() {
		return nil
	}
	for _, gr := range p.GlobalGroups() {
		data, err := MimirRuleFile(gr)
		if err != nil {
			return err
		}
		if err := t.Add(artifact.File{Path: MimirRulesDir + "/" + gr.Name + ".yaml", Data: data, Origin: gr.Origin}); err != nil {
			return fmt.Errorf("render mimir rules: %w", err)
		}
	}
	return nil
}

// sharedAlerting sends the cluster's alerts to the shared Alertmanager in
// another cluster.
func sharedAlerting(env *model.Environment) *alerting {
	t := env.AlertingTopology
	return &alerting{Alertmanagers: []alertmanagerConfig{{Scheme: t.Scheme, StaticConfigs: []staticConfig{{Targets: t.Addresses}}}}}
}
