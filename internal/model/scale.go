package model

// Rule scopes: where a rule is evaluated.
const (
	ScopeCluster = "cluster"
	ScopeGlobal  = "global"
)

// Global view engines.
const (
	EngineThanos     = "thanos"
	EngineMimir      = "mimir"
	EngineFederation = "federation"
)

// Global is an environment's cross-cluster view (schemas/scale.cue).
type Global struct {
	Engine string `json:"engine"`
	// Cluster hosts the global evaluator's objects.
	Cluster                 string            `json:"cluster"`
	ExternalLabels          map[string]string `json:"externalLabels"`
	EvaluationInterval      string            `json:"evaluationInterval"`
	PartialResponseStrategy string            `json:"partialResponseStrategy"`
	PartialResponse         map[string]string `json:"partialResponse"`
	Thanos                  *Thanos           `json:"thanos,omitempty"`
	Federation              *GlobalFederation `json:"federation,omitempty"`
	Mimir                   *Mimir            `json:"mimir,omitempty"`
	// Datasource is Grafana's datasource on the global view, queried by
	// the dashboards of global SLOs.
	Datasource GrafanaDatasource `json:"datasource"`
}

// Mimir is the mimir engine: remote write with the tenant from a Secret.
type Mimir struct {
	URL    string    `json:"url"`
	Tenant SecretRef `json:"tenant"`
}

// GlobalFederation is the federating Prometheus of the federation engine.
type GlobalFederation struct {
	Endpoints  map[string]string `json:"endpoints"`
	Scheme     string            `json:"scheme"`
	Interval   string            `json:"interval"`
	Timeout    string            `json:"timeout,omitempty"`
	TLS        *TLS              `json:"tls,omitempty"`
	BasicAuth  *BasicAuth        `json:"basicAuth,omitempty"`
	Prometheus struct {
		Name      string  `json:"name"`
		Replicas  int     `json:"replicas"`
		Retention string  `json:"retention"`
		Storage   Storage `json:"storage"`
	} `json:"prometheus"`
}

// Thanos configures the sidecars and the Thanos Ruler.
type Thanos struct {
	Version        string            `json:"version"`
	Image          string            `json:"image"`
	ObjectStorage  SecretRef         `json:"objectStorage"`
	Stores         map[string]string `json:"stores"`
	Query          ThanosQuery       `json:"query"`
	QueryEndpoints []string          `json:"queryEndpoints,omitempty"`
	Ruler          ThanosRuler       `json:"ruler"`
	// GRPCTLS secures the StoreAPI between Query and the stores; nil
	// means plain gRPC.
	GRPCTLS *ThanosTLS `json:"grpcTLS,omitempty"`
	// GRPCClientCIDRs are where Query connects to other clusters' sidecars from.
	GRPCClientCIDRs []string `json:"grpcClientCIDRs,omitempty"`
}

// ThanosQuery is the Thanos Query mongen generates in the hosting cluster.
type ThanosQuery struct {
	Name      string    `json:"name"`
	Replicas  int       `json:"replicas"`
	Digest    string    `json:"digest,omitempty"`
	Resources Resources `json:"resources"`
}

// RunsThanosQuery reports whether this cluster runs the generated Thanos
// Query: the hosting cluster of a thanos global view.
func (e *Environment) RunsThanosQuery() bool {
	return e.HostsGlobal() && e.Global.Engine == EngineThanos && e.Global.Thanos != nil
}

// ThanosRuler is the global evaluator of the thanos engine.
type ThanosRuler struct {
	Name      string  `json:"name"`
	Replicas  int     `json:"replicas"`
	Retention string  `json:"retention"`
	Storage   Storage `json:"storage"`
}

// MultiCluster reports whether the environment has several clusters.
func (e *Environment) MultiCluster() bool { return len(e.Clusters) > 0 }

// HostsGlobal reports whether this cluster runs the global evaluator.
func (e *Environment) HostsGlobal() bool {
	return e.Global != nil && e.Global.Cluster == e.Cluster
}

// PartialResponseFor is the partial-response strategy of a global group.
func (g *Global) PartialResponseFor(group string) string {
	if s, ok := g.PartialResponse[group]; ok {
		return s
	}
	return g.PartialResponseStrategy
}

// Alerting topologies.
const (
	AlertingPerCluster = "per-cluster"
	AlertingShared     = "shared"
)

// AlertingTopology says where a multi-cluster environment's alerts go.
type AlertingTopology struct {
	Mode      string   `json:"mode"`
	Cluster   string   `json:"cluster,omitempty"`
	Addresses []string `json:"addresses,omitempty"`
	Scheme    string   `json:"scheme,omitempty"`
	Peers     []string `json:"peers,omitempty"`
}

// RunsAlertmanager reports whether this cluster runs the environment's
// Alertmanager: every cluster does, unless one is shared.
func (e *Environment) RunsAlertmanager() bool {
	if e.Alerting == nil {
		return false
	}
	return e.AlertingTopology.Mode != AlertingShared || e.AlertingTopology.Cluster == e.Cluster
}

// SendsToSharedAlertmanager reports whether this cluster's alerts go to
// the shared Alertmanager in another cluster.
func (e *Environment) SendsToSharedAlertmanager() bool {
	return e.Alerting != nil && !e.RunsAlertmanager()
}
