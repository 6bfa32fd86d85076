package scale

import (
	"fmt"
	"github.com/mongen-dev/mongen/internal/diag"
	"maps"
	"slices"
	"strings"

	"github.com/mongen-dev/mongen/internal/model"
)

// ThanosQueryServicePort is the port the generated Thanos Query's Service
// offers its HTTP API on: Prometheus' own, so a Grafana datasource or the
// ruler reaches it like a Prometheus.
const ThanosQueryServicePort = 9090

// ThanosQueryURL is the generated Thanos Query's HTTP API inside the
// hosting cluster (a Grafana datasource's URL). The operator renderer
// builds the Service; the Grafana renderer points the global datasource
// at it.
func ThanosQueryURL(env *model.Environment) string {
	return fmt.Sprintf("http://%s.%s.svc:%d", env.Global.Thanos.Query.Name, env.Prometheus.Namespace, ThanosQueryServicePort)
}

// clustersOf are the environment's clusters, or its one.
func clustersOf(env *model.Environment) []string {
	if env.MultiCluster() {
		return env.Clusters
	}
	return []string{env.Cluster}
}

// checkThanosStores: the Thanos Query of the hosting cluster must reach
// every other cluster's sidecars, or the global view silently misses a
// cluster (partial responses, or aborted global rules).
func checkThanosStores(env *model.Environment) diag.List {
	g := env.Global
	if g == nil || g.Engine != model.EngineThanos || g.Thanos == nil {
		return nil
	}
	where := env.Source("global", "thanos")
	if where == "" {
		where = env.Source("global")
	}
	clusters := clustersOf(env)
	var problems diag.List
	for _, c := range clusters {
		if g.Thanos.Stores[c] == "" && c != g.Cluster {
			problems.Add(diag.Origin(where), "global.thanos.stores has no address for cluster %s: Thanos Query in %s must reach its sidecars' StoreAPI (for example \"thanos-sidecar.%s.example.com:10901\")", c, g.Cluster, c)
		}
	}
	for _, c := range slices.Sorted(maps.Keys(g.Thanos.Stores)) {
		if !slices.Contains(clusters, c) {
			problems.Add(diag.Origin(where), "global.thanos.stores names %s, which is not a cluster of this environment (%s)", c, strings.Join(clusters, ", "))
		}
	}
	return problems
}

// checkSharedAlertmanagerHA: one Alertmanager receives every cluster's
// alerts, so it runs as a cluster of at least two gossiping members
// (replicas, plus peers in other clusters); the peers are the Alertmanager
// resource's additionalPeers, which only the operator flavour renders.
func checkSharedAlertmanagerHA(env *model.Environment) diag.List {
	t := env.AlertingTopology
	if t.Mode != model.AlertingShared || env.Alerting == nil || env.Cluster != t.Cluster {
		return nil
	}
	where := env.Source("alertingTopology")
	var problems diag.List
	if n := env.Alerting.Alertmanager.Replicas + len(t.Peers); n < 2 {
		problems.Add(diag.Origin(where), "the shared Alertmanager receives every cluster's alerts but would run as a single member (alerting.alertmanager.replicas %d, %d peers): set replicas to 2 or more, or name peers, so that it survives losing one", env.Alerting.Alertmanager.Replicas, len(t.Peers))
	}
	if len(t.Peers) > 0 && env.Flavour != model.FlavourOperator {
		problems.Add(diag.Origin(where), "alertingTopology.peers become the Alertmanager resource's additionalPeers, which the %s flavour does not render: pass them to your Alertmanager as --cluster.peer flags and drop peers, or use the operator flavour", env.Flavour)
	}
	return problems
}
