package model

// Dashboard is one Grafana dashboard (schemas/dashboard.cue).
type Dashboard struct {
	UID         string        `json:"uid"`
	Title       string        `json:"title"`
	Tags        []string      `json:"tags"`
	Description string        `json:"description,omitempty"`
	Folder      string        `json:"folder,omitempty"`
	Refresh     string        `json:"refresh"`
	Time        DashboardTime `json:"time"`
	Variables   []Variable    `json:"variables"`
	Panels      []Panel       `json:"panels"`
	Links       []Link        `json:"links"`
	// Counters are metrics read with rate() although not named like counters.
	Counters []string `json:"counters"`
	// Datasource, when set, is the datasource the dashboard opens with
	// instead of the environment's (a global SLO's reads the global view).
	Datasource *GrafanaDatasource `json:"-"`
	// TitleKey and TitleArgs make a generated title translatable: the
	// environment's grafana.titles may map TitleKey ("SLO {service} /
	// {name}") to a template over the same {placeholders}.
	TitleKey  string            `json:"-"`
	TitleArgs map[string]string `json:"-"`
}

// DashboardTime is Grafana's default time range, e.g. now-6h to now.
type DashboardTime struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// Variable kinds. The label shorthands become query variables.
const (
	VariableQuery     = "query"
	VariableCustom    = "custom"
	VariableCluster   = "cluster"
	VariableNamespace = "namespace"
	VariableJob       = "job"
	VariableInstance  = "instance"
)

// Variable is one template variable.
type Variable struct {
	Name       string   `json:"name"`
	Type       string   `json:"type"`
	Label      string   `json:"label,omitempty"`
	Multi      bool     `json:"multi"`
	IncludeAll bool     `json:"includeAll"`
	Query      string   `json:"query,omitempty"`
	Values     []string `json:"values,omitempty"`
	Metric     string   `json:"metric,omitempty"`
}

// Panel types.
const (
	PanelRow        = "row"
	PanelTimeseries = "timeseries"
	PanelStat       = "stat"
	PanelGauge      = "gauge"
	PanelBarGauge   = "bargauge"
	PanelTable      = "table"
	PanelHeatmap    = "heatmap"
	PanelText       = "text"
)

// Panel is one panel or row.
type Panel struct {
	Type        string      `json:"type"`
	Title       string      `json:"title"`
	Description string      `json:"description,omitempty"`
	Width       int         `json:"width,omitempty"`
	Height      int         `json:"height,omitempty"`
	Collapsed   bool        `json:"collapsed,omitempty"`
	Content     string      `json:"content,omitempty"`
	Targets     []Query     `json:"targets,omitempty"`
	Unit        string      `json:"unit,omitempty"`
	Min         *float64    `json:"min,omitempty"`
	Max         *float64    `json:"max,omitempty"`
	Decimals    *int        `json:"decimals,omitempty"`
	Thresholds  []Threshold `json:"thresholds,omitempty"`
	Runbook     string      `json:"runbook,omitempty"`
	Links       []Link      `json:"links,omitempty"`
	Stack       bool        `json:"stack,omitempty"`
}

// Query is one PromQL target of a panel.
type Query struct {
	Expr     string `json:"expr"`
	Legend   string `json:"legend,omitempty"`
	Interval string `json:"interval,omitempty"`
	Instant  bool   `json:"instant"`
}

// Threshold is one colour step; a nil Value is the base step.
type Threshold struct {
	Value *float64 `json:"value,omitempty"`
	Color string   `json:"color"`
}

// Link is a URL or another dashboard's uid.
type Link struct {
	Title     string `json:"title"`
	URL       string `json:"url,omitempty"`
	Dashboard string `json:"dashboard,omitempty"`
}

// Grafana says where the environment's dashboards and datasource go.
type Grafana struct {
	Namespace  string            `json:"namespace,omitempty"`
	Folder     string            `json:"folder"`
	Datasource GrafanaDatasource `json:"datasource"`
	Titles     map[string]string `json:"titles"`
}

// GrafanaDatasource is the Prometheus datasource every panel queries.
type GrafanaDatasource struct {
	Name string `json:"name"`
	UID  string `json:"uid"`
	URL  string `json:"url,omitempty"`
}

// Signals are an application target's golden signals (schemas/dashboard.cue).
type Signals struct {
	Requests   string      `json:"requests"`
	Errors     string      `json:"errors"`
	Latency    string      `json:"latency,omitempty"`
	Saturation *Saturation `json:"saturation,omitempty"`
	Title      string      `json:"title,omitempty"`
}

// Saturation is an expression between 0 and 1.
type Saturation struct {
	Expr  string `json:"expr"`
	Title string `json:"title"`
	Unit  string `json:"unit"`
}
