package model

// Alerting is the environment's tier policy, receivers and routing.
type Alerting struct {
	TimeZone string `json:"timeZone"`
	Fallback string `json:"fallback"`
	// Root is the root route's grouping and timing.
	Root RootRoute `json:"root"`
	// DeadMansSwitch routes the always-firing alert to its heartbeat
	// receiver; nil when the environment has none.
	DeadMansSwitch *DeadMansSwitch `json:"deadMansSwitch,omitempty"`
	// Templates are notification template files, by file name.
	Templates     map[string]string         `json:"templates,omitempty"`
	Tiers         map[string]TierPolicy     `json:"tiers"`
	Receivers     map[string]Receiver       `json:"receivers"`
	Teams         map[string]Team           `json:"teams"`
	TimeIntervals map[string][]TimeInterval `json:"timeIntervals"`
	Inhibit       map[string]Inhibit        `json:"inhibit"`
	RouteTests    []RouteTest               `json:"routeTests"`
	// Routes are raw routes, placed before the tier routes.
	Routes       []RawRoute   `json:"routes"`
	Alertmanager Alertmanager `json:"alertmanager"`
	Bridges      Bridges      `json:"bridges"`
}

// RootRoute is the root route's grouping and timing; empty timings are
// Alertmanager's defaults.
type RootRoute struct {
	GroupBy        []string `json:"groupBy"`
	GroupWait      string   `json:"groupWait,omitempty"`
	GroupInterval  string   `json:"groupInterval,omitempty"`
	RepeatInterval string   `json:"repeatInterval,omitempty"`
}

// DeadMansSwitch sends the always-firing alert Alertname to Receiver, a
// heartbeat service's endpoint, with its own timing.
type DeadMansSwitch struct {
	Alertname      string `json:"alertname"`
	Receiver       string `json:"receiver"`
	GroupWait      string `json:"groupWait"`
	GroupInterval  string `json:"groupInterval"`
	RepeatInterval string `json:"repeatInterval"`
}

// Tier names, in order of urgency.
var TierNames = []string{"P0", "P1", "P2"}

// TierPolicy is what one tier means.
type TierPolicy struct {
	Severity            string   `json:"severity"`
	MinFor              string   `json:"minFor,omitempty"`
	MaxFor              string   `json:"maxFor,omitempty"`
	DefaultFor          string   `json:"defaultFor,omitempty"`
	GroupBy             []string `json:"groupBy"`
	GroupWait           string   `json:"groupWait"`
	GroupInterval       string   `json:"groupInterval"`
	RepeatInterval      string   `json:"repeatInterval"`
	ActiveTimeIntervals []string `json:"activeTimeIntervals"`
	Receivers           []string `json:"receivers"`
	RequiredAnnotations []string `json:"requiredAnnotations"`
}

// Team routes one team's alerts.
type Team struct {
	Receivers map[string][]string      `json:"receivers"`
	Tiers     map[string]TierOverrides `json:"tiers"`
}

// TierOverrides change a tier's timing for one team.
type TierOverrides struct {
	GroupBy        []string `json:"groupBy,omitempty"`
	GroupWait      string   `json:"groupWait,omitempty"`
	GroupInterval  string   `json:"groupInterval,omitempty"`
	RepeatInterval string   `json:"repeatInterval,omitempty"`
	// ActiveTimeIntervals is nil when the team keeps the tier's, and empty
	// when the team is notified at all times.
	ActiveTimeIntervals *[]string `json:"activeTimeIntervals,omitempty"`
}

// ActiveTimeIntervals returns the intervals an alert of tier and team is
// notified in: the team's override, else the tier's.
func (a *Alerting) ActiveTimeIntervals(tier, team string) []string {
	if t, ok := a.Teams[team]; ok {
		if ov, ok := t.Tiers[tier]; ok && ov.ActiveTimeIntervals != nil {
			return *ov.ActiveTimeIntervals
		}
	}
	return a.Tiers[tier].ActiveTimeIntervals
}

// TimeInterval is one Alertmanager time interval entry.
type TimeInterval struct {
	Weekdays    []string    `json:"weekdays"`
	Times       []TimeRange `json:"times"`
	DaysOfMonth []string    `json:"daysOfMonth,omitempty"`
	Months      []string    `json:"months,omitempty"`
	Years       []string    `json:"years,omitempty"`
}

// RawRoute is an Alertmanager route written by hand; empty fields inherit
// from the parent route.
type RawRoute struct {
	Receiver            string     `json:"receiver,omitempty"`
	Matchers            []string   `json:"matchers"`
	Continue            bool       `json:"continue"`
	GroupBy             []string   `json:"groupBy,omitempty"`
	GroupWait           string     `json:"groupWait,omitempty"`
	GroupInterval       string     `json:"groupInterval,omitempty"`
	RepeatInterval      string     `json:"repeatInterval,omitempty"`
	MuteTimeIntervals   []string   `json:"muteTimeIntervals"`
	ActiveTimeIntervals []string   `json:"activeTimeIntervals"`
	Routes              []RawRoute `json:"routes"`
}

// TimeRange is a start and end time of day, "09:00".
type TimeRange struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

// Inhibit is one inhibition rule. An empty Source matches every alert; an
// empty Equal lets any source silence every target.
type Inhibit struct {
	Enabled bool     `json:"enabled"`
	Source  []string `json:"source"`
	Target  []string `json:"target"`
	Equal   []string `json:"equal"`
	// Global says an empty Equal is meant.
	Global bool `json:"global,omitempty"`
}

// RouteTest is a label set and the receivers it must reach.
type RouteTest struct {
	Labels    map[string]string `json:"labels"`
	Receivers []string          `json:"receivers"`
}

// Alertmanager describes the Alertmanager deployment.
type Alertmanager struct {
	Name           string `json:"name"`
	Namespace      string `json:"namespace"`
	Replicas       int    `json:"replicas"`
	Version        string `json:"version"`
	Address        string `json:"address"`
	ResolveTimeout string `json:"resolveTimeout"`
	ExternalURL    string `json:"externalURL,omitempty"`
	SecretsDir     string `json:"secretsDir"`
}

// Bridges are webhook bridges for chat systems.
type Bridges struct {
	DingTalk *Bridge `json:"dingtalk,omitempty"`
	Feishu   *Bridge `json:"feishu,omitempty"`
}

// Bridge runs a webhook bridge with its configuration in a Secret.
type Bridge struct {
	Namespace    string `json:"namespace"`
	Image        string `json:"image"`
	Port         int    `json:"port"`
	ConfigSecret string `json:"configSecret"`
	Replicas     int    `json:"replicas"`
	// Digest pins Image ("sha256:..."); empty when not pinned.
	Digest    string    `json:"digest,omitempty"`
	Resources Resources `json:"resources"`
	// AlertmanagerPods are the labels of the pods the bridge admits.
	AlertmanagerPods map[string]string `json:"alertmanagerPods,omitempty"`
}

// Receiver kinds.
const (
	// ReceiverNone notifies nobody: alerts routed to it are dropped.
	ReceiverNone      = "none"
	ReceiverWebhook   = "webhook"
	ReceiverEmail     = "email"
	ReceiverWeChat    = "wechat"
	ReceiverPagerDuty = "pagerduty"
	ReceiverSlack     = "slack"
	ReceiverMSTeams   = "msteams"
	ReceiverDingTalk  = "dingtalk"
	ReceiverFeishu    = "feishu"
	ReceiverOpsGenie  = "opsgenie"
	ReceiverTelegram  = "telegram"
	ReceiverDiscord   = "discord"
)

// Receiver is one notification endpoint: its integration and More
// notified with it.
type Receiver struct {
	Integration
	More []Integration `json:"more,omitempty"`
}

// Integrations lists the receiver's integrations, its own first.
func (r Receiver) Integrations() []Integration {
	return append([]Integration{r.Integration}, r.More...)
}

// Notifies reports whether the receiver notifies anyone: false for a
// receiver of kind none.
func (r Receiver) Notifies() bool { return r.Kind != ReceiverNone }

// Integration is one notifier of a receiver.
type Integration struct {
	Kind         string `json:"kind"`
	SendResolved bool   `json:"sendResolved"`
	// Title and Text are notification templates for the kinds that have
	// them (email: Subject and text body; HTML the HTML body).
	Title string `json:"title,omitempty"`
	Text  string `json:"text,omitempty"`
	HTML  string `json:"html,omitempty"`
	// webhook
	URL       string     `json:"url,omitempty"`
	URLSecret *SecretRef `json:"urlSecret,omitempty"`
	MaxAlerts *int       `json:"maxAlerts,omitempty"`
	// email
	To           []string   `json:"to,omitempty"`
	From         string     `json:"from,omitempty"`
	Smarthost    string     `json:"smarthost,omitempty"`
	AuthUsername string     `json:"authUsername,omitempty"`
	AuthPassword *SecretRef `json:"authPassword,omitempty"`
	RequireTLS   bool       `json:"requireTLS"`
	// wechat
	CorpID    string     `json:"corpID,omitempty"`
	AgentID   string     `json:"agentID,omitempty"`
	ToUser    string     `json:"toUser,omitempty"`
	ToParty   string     `json:"toParty,omitempty"`
	APISecret *SecretRef `json:"apiSecret,omitempty"`
	// pagerduty
	RoutingKey *SecretRef `json:"routingKey,omitempty"`
	// slack
	APIURL  *SecretRef `json:"apiURL,omitempty"`
	Channel string     `json:"channel,omitempty"`
	// msteams, discord
	WebhookURL *SecretRef `json:"webhookURL,omitempty"`
	// opsgenie
	APIKey     *SecretRef          `json:"apiKey,omitempty"`
	Priority   string              `json:"priority,omitempty"`
	Responders []OpsGenieResponder `json:"responders,omitempty"`
	// telegram
	BotToken *SecretRef `json:"botToken,omitempty"`
	ChatID   int64      `json:"chatID,omitempty"`
	// dingtalk
	Target string `json:"target,omitempty"`
	// feishu
	Template string `json:"template,omitempty"`
}

// OpsGenieResponder is who an OpsGenie alert is for.
type OpsGenieResponder struct {
	Type string `json:"type"`
	Name string `json:"name"`
}
