package plain

import (
	"log/slog"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/prometheus/prometheus/config"

	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/model"
	"github.com/mongen-dev/mongen/internal/scale"
)

// federationPlan is cluster of a two-cluster environment whose federation
// global view sh1 hosts, with one cluster group and one global group.
func federationPlan(cluster string) *expand.Plan {
	env := baseEnv()
	env.Cluster, env.Clusters = cluster, []string{"bj1", "sh1"}
	env.Global = &model.Global{
		Engine: model.EngineFederation, Cluster: "sh1", EvaluationInterval: "1m",
		ExternalLabels: map[string]string{"cluster": "global"},
		Federation: &model.GlobalFederation{
			Endpoints: map[string]string{"bj1": "prom.bj1.example.com:443"}, Scheme: "https", Interval: "1m",
		},
	}
	rule := func(name, expr, scope string) expand.Rule {
		return expand.Rule{Rule: model.Rule{Kind: model.RuleRecord, Name: name, Expr: expr, Enabled: true, Scope: scope}}
	}
	return &expand.Plan{Env: env, Groups: []expand.Group{
		{Name: "local", Rules: []expand.Rule{rule("job:up:sum", `sum by (job) (up{job="a"})`, model.ScopeCluster)}},
		{Name: "Everywhere", Rules: []expand.Rule{rule("cluster:up:sum", `sum by (cluster) (up{job="a"})`, model.ScopeGlobal)}},
	}}
}

func TestFederationViewInHostingCluster(t *testing.T) {
	p := federationPlan("sh1")
	tree := mustRender(t, p)
	f, ok := tree.Get(GlobalConfigPath)
	if !ok {
		t.Fatalf("%s not rendered", GlobalConfigPath)
	}
	cfg, err := config.Load(string(f.Data), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("config.Load: %v\n%s", err, f.Data)
	}
	if got := cfg.GlobalConfig.ExternalLabels.Get("cluster"); got != "global" {
		t.Errorf("external label cluster = %q, want global", got)
	}
	if !reflect.DeepEqual(cfg.RuleFiles, []string{"rules/*.yaml"}) {
		t.Errorf("rule_files = %q", cfg.RuleFiles)
	}
	want := scale.FederationMatch(p.GlobalGroups())
	var jobs []string
	for _, sc := range cfg.ScrapeConfigs {
		if !sc.HonorLabels || sc.MetricsPath != "/federate" {
			t.Errorf("job %s: honor_labels %v metrics_path %q", sc.JobName, sc.HonorLabels, sc.MetricsPath)
		}
		if got := sc.Params["match[]"]; !reflect.DeepEqual(got, want) {
			t.Errorf("job %s: match[] = %q, want %q", sc.JobName, got, want)
		}
		jobs = append(jobs, sc.JobName)
	}
	if !slices.Equal(jobs, []string{"federate-bj1", "federate-sh1"}) {
		t.Fatalf("jobs %q, want federate-bj1 and federate-sh1", jobs)
	}
	if s := cfg.ScrapeConfigs[0].Scheme; s != "https" {
		t.Errorf("federate-bj1 scheme %q, want https from global.federation.scheme", s)
	}
	// The hosting cluster federates its own Prometheus in-cluster, over HTTP.
	if s := cfg.ScrapeConfigs[1].Scheme; s != "http" {
		t.Errorf("federate-sh1 scheme %q, want http", s)
	}
	if _, ok := tree.Get(GlobalRuleFilePath("Everywhere")); !ok {
		t.Errorf("%s not rendered", GlobalRuleFilePath("Everywhere"))
	}
	if _, ok := tree.Get(RuleFilePath("Everywhere")); ok {
		t.Errorf("global group also in the cluster's %s", RulesDir)
	}
	if _, ok := tree.Get(RuleFilePath("local")); !ok {
		t.Errorf("cluster group missing from %s", RulesDir)
	}
}

func TestFederationViewOnlyWhereHostedAndNeeded(t *testing.T) {
	if tree := mustRender(t, federationPlan("bj1")); slices.ContainsFunc(tree.Paths(), isGlobal) {
		t.Errorf("cluster bj1, which does not host the view, got %q", tree.Paths())
	}
	p := federationPlan("sh1")
	p.Groups = p.Groups[:1] // no global rules: nothing to federate
	if tree := mustRender(t, p); slices.ContainsFunc(tree.Paths(), isGlobal) {
		t.Errorf("without global rules got %q", tree.Paths())
	}
}

func isGlobal(p string) bool {
	return p == GlobalConfigPath || strings.HasPrefix(p, GlobalRulesDir+"/")
}
