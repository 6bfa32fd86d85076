package plain

import (
	"fmt"
	"strings"

	"github.com/mongen-dev/mongen/internal/artifact"
	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/model"
	"github.com/mongen-dev/mongen/internal/scale"
)

// Paths of the federating ("global") Prometheus of the federation engine,
// in the hosting cluster's output. Its rules live apart from RulesDir, so
// the cluster's own prometheus.yml never loads them.
const (
	GlobalConfigPath = "prometheus/global/prometheus.yml"
	GlobalRulesDir   = "prometheus/global/rules"
)

// LocalPrometheusAddress is the hosting cluster's own plain Prometheus as
// the federating Prometheus reaches it: the Service Grafana also uses.
func LocalPrometheusAddress(env *model.Environment) string {
	return fmt.Sprintf("prometheus.%s.svc:9090", env.Prometheus.Namespace)
}

// GlobalRuleFilePath is where a global group's file lives.
func GlobalRuleFilePath(group string) string {
	return GlobalRulesDir + "/" + strings.ToLower(group) + ".yaml"
}

// renderFederationView writes the federating Prometheus's configuration
// and rule files in the cluster that hosts a federation global view: one
// /federate job per cluster pulling what the global rules select, the
// same match[] the operator flavour's ScrapeConfigs carry.
func renderFederationView(p *expand.Plan, t *artifact.Tree, alert *alerting) error {
	env := p.Env
	g := env.Global
	if g == nil || g.Engine != model.EngineFederation || g.Federation == nil || !env.HostsGlobal() {
		return nil
	}
	groups := p.GlobalGroups()
	match := scale.FederationMatch(groups)
	if len(groups) == 0 || len(match) == 0 {
		return nil
	}
	cfg := promConfig{
		Global: global{
			ScrapeInterval:     g.Federation.Interval,
			EvaluationInterval: g.EvaluationInterval,
			ExternalLabels:     g.ExternalLabels,
		},
		Alerting:  alert,
		RuleFiles: []string{"rules/*.yaml"}, // relative, as prometheus.yml's
	}
	for _, c := range federatedClusters(env) {
		cfg.ScrapeConfigs = append(cfg.ScrapeConfigs, federate(federationJob(env, c, match)))
	}
	data, err := marshal(cfg)
	if err != nil {
		return fmt.Errorf("render %s: %w", GlobalConfigPath, err)
	}
	if err := t.Add(artifact.File{Path: GlobalConfigPath, Data: data, Origin: env.Source("global")}); err != nil {
		return err
	}
	for _, gr := range groups {
		data, err := GroupFile(gr)
		if err != nil {
			return err
		}
		if err := t.Add(artifact.File{Path: GlobalRuleFilePath(gr.Name), Data: data, Origin: gr.Origin}); err != nil {
			return fmt.Errorf("render global rules: %w", err)
		}
	}
	return nil
}

// federationJob federates cluster c: at its endpoint, or, for the hosting
// cluster without one, at its own Prometheus's Service over plain HTTP.
func federationJob(env *model.Environment, c string, match []string) expand.FederationJob {
	fed := env.Global.Federation
	f := model.Federation{
		Addresses: []string{fed.Endpoints[c]}, Match: match, Scheme: fed.Scheme,
		Interval: fed.Interval, Timeout: fed.Timeout, TLS: fed.TLS, BasicAuth: fed.BasicAuth,
	}
	if f.Addresses[0] == "" && c == env.Cluster {
		f.Addresses[0] = LocalPrometheusAddress(env)
		f.Scheme, f.TLS, f.BasicAuth = "http", nil, nil
	}
	return expand.FederationJob{Name: "federate-" + c, Origin: env.Source("global"), Federation: f}
}

// federatedClusters are the environment's clusters (sorted), or its one.
func federatedClusters(env *model.Environment) []string {
	if env.MultiCluster() {
		return env.Clusters
	}
	return []string{env.Cluster}
}
