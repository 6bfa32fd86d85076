// Package model holds plain Go types for one evaluated environment. The load
// stage decodes CUE into them; no CUE type leaks past this package.
package model

// Environment is one decoded environment.
type Environment struct {
	Name    string `json:"name"`
	Cluster string `json:"cluster"`
	Flavour string `json:"flavour"`
	// Platform is what the output lands on (platform.go); it decides the
	// flavour.
	Platform       Platform             `json:"platform"`
	Selector       map[string]string    `json:"selector"`
	ExternalLabels map[string]string    `json:"externalLabels"`
	Prometheus     Prometheus           `json:"prometheus"`
	Exporters      map[string]Exporter  `json:"exporters"`
	Targets        map[string]Target    `json:"targets"`
	Rules          map[string]RuleGroup `json:"rules"`
	// RuleGroups are group-level settings by group name.
	RuleGroups  map[string]RuleGroupSettings `json:"ruleGroups,omitempty"`
	Overrides   map[string]Override          `json:"overrides"`
	RemoteWrite []RemoteWrite                `json:"remoteWrite"`
	Federation  map[string]Federation        `json:"federation"`
	// Alerting is nil when the environment routes no alerts.
	Alerting *Alerting `json:"alerting,omitempty"`
	// SLOs are keyed by service, then by SLO name (schemas/slo.cue).
	SLOs map[string]map[string]SLO `json:"slos,omitempty"`
	Vet  Vet                       `json:"vet"` // mongen vet's configuration (vet.go)
	// Hardening is the hardening check's configuration (hardening.go).
	Hardening Hardening `json:"hardening"`
	// Dashboards by uid, and where they go (dashboard.go).
	Dashboards map[string]Dashboard `json:"dashboards"`
	Grafana    Grafana              `json:"grafana"`
	// RawScrapeConfigs are Prometheus scrape configs kept verbatim (YAML
	// text) by job name, for what the target schema cannot express
	// (schemas/raw.cue); the plain flavour renders them as written.
	RawScrapeConfigs map[string]string `json:"rawScrapeConfigs,omitempty"`
	// Global is the cross-cluster view (scale.go); nil without one.
	Global           *Global          `json:"global,omitempty"`
	AlertingTopology AlertingTopology `json:"alertingTopology"`
	// Clusters names every cluster of a multi-cluster environment, sorted;
	// nil for a single-cluster one (scale.go).
	Clusters []string `json:"-"`

	// Sources maps a path inside the environment (see the Path* helpers)
	// to the CUE position that defines it, relative to the repository root.
	Sources map[string]string `json:"-"`
}

// Flavours of output.
const (
	FlavourOperator = "operator"
	FlavourPlain    = "plain"
)

// Prometheus describes the Prometheus server of the environment.
type Prometheus struct {
	Name               string `json:"name"`
	Namespace          string `json:"namespace"`
	Replicas           int    `json:"replicas"`
	Shards             int    `json:"shards"`
	Version            string `json:"version"`
	Retention          string `json:"retention"`
	ScrapeInterval     string `json:"scrapeInterval"`
	ScrapeTimeout      string `json:"scrapeTimeout,omitempty"`
	EvaluationInterval string `json:"evaluationInterval"`
	ServiceAccount     string `json:"serviceAccount"`
	ExternalURL        string `json:"externalURL,omitempty"`
	// Storage is each replica's volume (hardening.go).
	Storage Storage `json:"storage"`
}

// Exporter is a library component: jobs plus the rules that watch them.
type Exporter struct {
	Job       string               `json:"job"`
	Namespace string               `json:"namespace"`
	Team      string               `json:"team,omitempty"`
	Targets   map[string]Target    `json:"targets"`
	Rules     map[string]RuleGroup `json:"rules"`
	Metrics   []string             `json:"metrics,omitempty"` // nil: unknown (see Vet)
	// MetricTypes gives the TYPE of metrics the exporter exposes, by name
	// (MetricCounter, ...), for promql/counter.
	MetricTypes map[string]string `json:"metricTypes,omitempty"`
	// Dashboards by uid, with queries on the exporter's own jobs.
	Dashboards map[string]Dashboard `json:"dashboards,omitempty"`
}

// Target kinds.
const (
	KindService = "service"
	KindPod     = "pod"
	KindStatic  = "static"
	KindProbe   = "probe"
)

// Target is one scrape job.
type Target struct {
	Kind        string              `json:"kind"`
	Team        string              `json:"team,omitempty"`
	Namespace   string              `json:"namespace"`
	Namespaces  []string            `json:"namespaces"`
	Selector    map[string]string   `json:"selector"`
	Port        string              `json:"port,omitempty"`
	Path        string              `json:"path"`
	Scheme      string              `json:"scheme"`
	Interval    string              `json:"interval,omitempty"`
	Timeout     string              `json:"timeout,omitempty"`
	HonorLabels bool                `json:"honorLabels"`
	Params      map[string][]string `json:"params"`
	TLS         *TLS                `json:"tls,omitempty"`
	BasicAuth   *BasicAuth          `json:"basicAuth,omitempty"`
	BearerToken *SecretRef          `json:"bearerToken,omitempty"`
	// ServiceAccountToken sends Prometheus's own service account token.
	ServiceAccountToken bool      `json:"serviceAccountToken"`
	Relabel             []Relabel `json:"relabel"`
	MetricRelabel       []Relabel `json:"metricRelabel"`

	// static
	Addresses []string          `json:"addresses,omitempty"`
	Labels    map[string]string `json:"labels,omitempty"`
	// service outside the cluster
	Endpoints []string `json:"endpoints,omitempty"`
	// probe
	Module    string        `json:"module,omitempty"`
	Prober    string        `json:"prober,omitempty"`
	Static    []string      `json:"static,omitempty"`
	Ingress   *IngressProbe `json:"ingress,omitempty"`
	Annotated bool          `json:"annotated,omitempty"`
	// PlatformService is the platform Service a library exporter's target
	// scrapes (schemas/platform.cue), so the platform's own monitor for it
	// can be switched off.
	PlatformService string `json:"platformService,omitempty"`
	// Signals generate a golden-signals dashboard (dashboard.go).
	Signals *Signals `json:"signals,omitempty"`
}

// IngressProbe probes every Ingress matching a selector.
type IngressProbe struct {
	Selector   map[string]string `json:"selector"`
	Namespaces []string          `json:"namespaces"`
}

// SecretRef names one key of a Kubernetes Secret; never a value.
type SecretRef struct {
	Secret string `json:"secret"`
	Key    string `json:"key"`
}

// TLS towards a target, with certificates from a mounted Secret.
type TLS struct {
	Secret             string `json:"secret,omitempty"`
	CAKey              string `json:"caKey"`
	CertKey            string `json:"certKey"`
	KeyKey             string `json:"keyKey"`
	ServerName         string `json:"serverName,omitempty"`
	InsecureSkipVerify bool   `json:"insecureSkipVerify"`
	// InsecureReason says why InsecureSkipVerify is needed (the
	// hardening check accepts it with the reason).
	InsecureReason string `json:"insecureReason,omitempty"`
	// CAFromServiceAccount trusts the cluster CA of Prometheus's service account.
	CAFromServiceAccount bool `json:"caFromServiceAccount"`
}

// Files inside every pod that runs with a Kubernetes service account.
const (
	ServiceAccountTokenFile = "/var/run/secrets/kubernetes.io/serviceaccount/token"
	ServiceAccountCAFile    = "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt"
)

// BasicAuth with both parts read from Secrets.
type BasicAuth struct {
	Username SecretRef `json:"username"`
	Password SecretRef `json:"password"`
}

// Relabel is one relabelling step.
type Relabel struct {
	Action       string   `json:"action"`
	SourceLabels []string `json:"sourceLabels,omitempty"`
	Separator    *string  `json:"separator,omitempty"`
	TargetLabel  string   `json:"targetLabel,omitempty"`
	Regex        *string  `json:"regex,omitempty"`
	Modulus      uint64   `json:"modulus,omitempty"`
	Replacement  *string  `json:"replacement,omitempty"`
}

// RuleGroup maps rule keys to rules.
type RuleGroup map[string]Rule

// Rule kinds.
const (
	RuleAlert  = "alert"
	RuleRecord = "record"
)

// Rule is one alerting or recording rule.
type Rule struct {
	Kind          string            `json:"kind"`
	Name          string            `json:"name"`
	Expr          string            `json:"expr"`
	Labels        map[string]string `json:"labels"`
	Enabled       bool              `json:"enabled"`
	Threshold     *float64          `json:"threshold,omitempty"`
	Tier          string            `json:"tier,omitempty"`
	For           string            `json:"for,omitempty"`
	KeepFiringFor string            `json:"keepFiringFor,omitempty"`
	Team          string            `json:"team,omitempty"`
	Annotations   map[string]string `json:"annotations,omitempty"`
	Tests         []RuleTest        `json:"tests,omitempty"`
	Scope         string            `json:"scope,omitempty"` // ScopeCluster or ScopeGlobal
	// Order places the rule in its group (lower first); nil is 0.
	Order *int `json:"order,omitempty"`
}

// RuleGroupSettings are the group-level fields of a Prometheus rule group.
type RuleGroupSettings struct {
	Interval    string `json:"interval,omitempty"`
	Limit       *int   `json:"limit,omitempty"`
	QueryOffset string `json:"queryOffset,omitempty"`
}

// Override changes a library rule by name.
type Override struct {
	Reason        string            `json:"reason"`
	Threshold     *float64          `json:"threshold,omitempty"`
	For           string            `json:"for,omitempty"`
	KeepFiringFor string            `json:"keepFiringFor,omitempty"`
	Tier          string            `json:"tier,omitempty"`
	Disabled      *bool             `json:"disabled,omitempty"`
	Labels        map[string]string `json:"labels,omitempty"`
	Annotations   map[string]string `json:"annotations,omitempty"`
}

// Federation scrapes another Prometheus's /federate endpoint.
type Federation struct {
	Addresses []string          `json:"addresses"`
	Match     []string          `json:"match"`
	Scheme    string            `json:"scheme"`
	Interval  string            `json:"interval,omitempty"`
	Timeout   string            `json:"timeout,omitempty"`
	TLS       *TLS              `json:"tls,omitempty"`
	BasicAuth *BasicAuth        `json:"basicAuth,omitempty"`
	Labels    map[string]string `json:"labels"`
}

// RemoteWrite sends samples to a remote store.
type RemoteWrite struct {
	Name         string     `json:"name,omitempty"`
	URL          string     `json:"url"`
	BasicAuth    *BasicAuth `json:"basicAuth,omitempty"`
	BearerToken  *SecretRef `json:"bearerToken,omitempty"`
	TLS          *TLS       `json:"tls,omitempty"`
	WriteRelabel []Relabel  `json:"writeRelabel"`
}
