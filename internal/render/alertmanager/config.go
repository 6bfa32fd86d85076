// Package alertmanager renders the routing plan: alertmanager.yml (both
// flavours), the Alertmanager resource (operator flavour) and the webhook
// bridges for chat systems Alertmanager does not speak natively.
//
// Like the plain Prometheus renderer it writes its own minimal structs: the
// upstream config types marshal secrets as "<secret>" and every default.
// config.Load checks the result in the verify stage.
package alertmanager

import (
	"fmt"
	"net/url"
	"path"
	"sort"
	"strings"

	"github.com/mongen-dev/mongen/internal/artifact"
	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/model"
	"github.com/mongen-dev/mongen/internal/render/encode"
)

// ConfigPath is where alertmanager.yml goes in the output.
const ConfigPath = "alertmanager/alertmanager.yml"

// OperatorSecretsDir is where the operator mounts the Alertmanager
// resource's spec.secrets.
const OperatorSecretsDir = "/etc/alertmanager/secrets"

type amConfig struct {
	Global        amGlobal       `yaml:"global"`
	Templates     []string       `yaml:"templates,omitempty"`
	Route         amRoute        `yaml:"route"`
	InhibitRules  []inhibitRule  `yaml:"inhibit_rules,omitempty"`
	Receivers     []amReceiver   `yaml:"receivers"`
	TimeIntervals []timeInterval `yaml:"time_intervals,omitempty"`
}

type amGlobal struct {
	ResolveTimeout string `yaml:"resolve_timeout,omitempty"`
}

type amRoute struct {
	Receiver            string    `yaml:"receiver,omitempty"`
	GroupBy             []string  `yaml:"group_by,flow,omitempty"`
	Matchers            []string  `yaml:"matchers,omitempty"`
	Continue            bool      `yaml:"continue,omitempty"`
	GroupWait           string    `yaml:"group_wait,omitempty"`
	GroupInterval       string    `yaml:"group_interval,omitempty"`
	RepeatInterval      string    `yaml:"repeat_interval,omitempty"`
	MuteTimeIntervals   []string  `yaml:"mute_time_intervals,omitempty"`
	ActiveTimeIntervals []string  `yaml:"active_time_intervals,omitempty"`
	Routes              []amRoute `yaml:"routes,omitempty"`
}

type inhibitRule struct {
	// Empty source matchers match every alert; an empty equal is no
	// condition (both kept as written: the input meant them).
	SourceMatchers []string `yaml:"source_matchers,omitempty"`
	TargetMatchers []string `yaml:"target_matchers,omitempty"`
	Equal          []string `yaml:"equal,flow,omitempty"`
}

type amReceiver struct {
	Name             string            `yaml:"name"`
	WebhookConfigs   []webhookConfig   `yaml:"webhook_configs,omitempty"`
	EmailConfigs     []emailConfig     `yaml:"email_configs,omitempty"`
	WechatConfigs    []wechatConfig    `yaml:"wechat_configs,omitempty"`
	PagerdutyConfigs []pagerdutyConfig `yaml:"pagerduty_configs,omitempty"`
	SlackConfigs     []slackConfig     `yaml:"slack_configs,omitempty"`
	MSTeamsConfigs   []msteamsConfig   `yaml:"msteams_configs,omitempty"`
	OpsGenieConfigs  []opsgenieConfig  `yaml:"opsgenie_configs,omitempty"`
	TelegramConfigs  []telegramConfig  `yaml:"telegram_configs,omitempty"`
	DiscordConfigs   []discordConfig   `yaml:"discord_configs,omitempty"`
}

type webhookConfig struct {
	SendResolved bool   `yaml:"send_resolved"`
	URL          string `yaml:"url,omitempty"`
	URLFile      string `yaml:"url_file,omitempty"`
	MaxAlerts    *int   `yaml:"max_alerts,omitempty"`
}

type emailConfig struct {
	SendResolved     bool   `yaml:"send_resolved"`
	To               string `yaml:"to"`
	From             string `yaml:"from"`
	Smarthost        string `yaml:"smarthost"`
	AuthUsername     string `yaml:"auth_username,omitempty"`
	AuthPasswordFile string `yaml:"auth_password_file,omitempty"`
	RequireTLS       bool   `yaml:"require_tls"`
	// Headers holds the Subject (the receiver's title).
	Headers map[string]string `yaml:"headers,omitempty"`
	Text    string            `yaml:"text,omitempty"`
	HTML    string            `yaml:"html,omitempty"`
}

type wechatConfig struct {
	SendResolved  bool   `yaml:"send_resolved"`
	APISecretFile string `yaml:"api_secret_file"`
	CorpID        string `yaml:"corp_id"`
	AgentID       string `yaml:"agent_id"`
	ToUser        string `yaml:"to_user,omitempty"`
	ToParty       string `yaml:"to_party,omitempty"`
	Message       string `yaml:"message,omitempty"`
}

type pagerdutyConfig struct {
	SendResolved   bool   `yaml:"send_resolved"`
	RoutingKeyFile string `yaml:"routing_key_file"`
	Description    string `yaml:"description,omitempty"`
}

type slackConfig struct {
	SendResolved bool   `yaml:"send_resolved"`
	APIURLFile   string `yaml:"api_url_file"`
	Channel      string `yaml:"channel"`
	Title        string `yaml:"title,omitempty"`
	Text         string `yaml:"text,omitempty"`
}

type msteamsConfig struct {
	SendResolved   bool   `yaml:"send_resolved"`
	WebhookURLFile string `yaml:"webhook_url_file"`
	Title          string `yaml:"title,omitempty"`
	Text           string `yaml:"text,omitempty"`
}

type opsgenieConfig struct {
	SendResolved bool                `yaml:"send_resolved"`
	APIKeyFile   string              `yaml:"api_key_file"`
	Priority     string              `yaml:"priority,omitempty"`
	Responders   []opsgenieResponder `yaml:"responders,omitempty"`
	Message      string              `yaml:"message,omitempty"`
	Description  string              `yaml:"description,omitempty"`
}

type opsgenieResponder struct {
	Type string `yaml:"type"`
	Name string `yaml:"name"`
}

type telegramConfig struct {
	SendResolved bool   `yaml:"send_resolved"`
	BotTokenFile string `yaml:"bot_token_file"`
	ChatID       int64  `yaml:"chat_id"`
	Message      string `yaml:"message,omitempty"`
}

type discordConfig struct {
	SendResolved   bool   `yaml:"send_resolved"`
	WebhookURLFile string `yaml:"webhook_url_file"`
	Title          string `yaml:"title,omitempty"`
	Message        string `yaml:"message,omitempty"`
}

type timeInterval struct {
	Name          string         `yaml:"name"`
	TimeIntervals []intervalSpec `yaml:"time_intervals"`
}

type intervalSpec struct {
	Weekdays    []string    `yaml:"weekdays,flow,omitempty"`
	Times       []timeRange `yaml:"times,omitempty"`
	DaysOfMonth []string    `yaml:"days_of_month,flow,omitempty"`
	Months      []string    `yaml:"months,flow,omitempty"`
	Years       []string    `yaml:"years,flow,omitempty"`
	Location    string      `yaml:"location,omitempty"`
}

type timeRange struct {
	Start string `yaml:"start_time"`
	End   string `yaml:"end_time"`
}

// SecretsDir is where Alertmanager reads Secret keys in the environment's
// flavour.
func SecretsDir(env *model.Environment) string {
	if env.Flavour == model.FlavourOperator {
		return OperatorSecretsDir
	}
	return env.Alerting.Alertmanager.SecretsDir
}

// OperatorConfigDir is where the operator mounts the keys of the
// configuration Secret other than alertmanager.yaml (the template files);
// it reads alertmanager.yml itself from another directory, so templates
// are named by absolute path.
const OperatorConfigDir = "/etc/alertmanager/config"

// TemplateOutputPath is where a notification template file goes in the
// output: next to alertmanager.yml.
func TemplateOutputPath(name string) string { return path.Join(path.Dir(ConfigPath), name) }

// TemplatePath is how alertmanager.yml names a template file. The plain
// flavour names it relative to alertmanager.yml, which Alertmanager
// resolves against the configuration file's directory; the operator
// flavours name the path the operator mounts it at.
func TemplatePath(env *model.Environment, name string) string {
	if env.Flavour == model.FlavourOperator {
		return path.Join(OperatorConfigDir, name)
	}
	return name
}

// TemplateFiles lists the output paths of the plan's template files,
// sorted: the kustomization puts them in the configuration Secret next to
// alertmanager.yaml, under their file names.
func TemplateFiles(p *expand.Plan) []string {
	if p.Alerting == nil {
		return nil
	}
	var out []string
	for _, name := range sortedNames(p.Alerting.Policy.Templates) {
		out = append(out, TemplateOutputPath(name))
	}
	return out
}

func sortedNames(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Config renders alertmanager.yml for the plan.
func Config(p *expand.Plan) ([]byte, error) {
	a := p.Alerting
	dir := SecretsDir(p.Env)
	file := func(r *model.SecretRef) string { return path.Join(dir, r.Secret, r.Key) }
	cfg := amConfig{
		Global: amGlobal{ResolveTimeout: a.Policy.Alertmanager.ResolveTimeout},
		Route:  route(a.Route),
	}
	for _, name := range sortedNames(a.Policy.Templates) {
		cfg.Templates = append(cfg.Templates, TemplatePath(p.Env, name))
	}
	for _, in := range a.Inhibits {
		cfg.InhibitRules = append(cfg.InhibitRules, inhibitRule{SourceMatchers: in.Source, TargetMatchers: in.Target, Equal: in.Equal})
	}
	for _, r := range a.Receivers {
		rcv := amReceiver{Name: r.Name}
		for _, name := range r.Endpoints {
			for _, in := range a.Policy.Receivers[name].Integrations() {
				if r.Name == expand.DeadMansSwitchReceiver {
					// A resolved notification would ping the heartbeat
					// service when the alert stops: when Prometheus is
					// down, the one moment it must not.
					in.SendResolved = false
				}
				if err := integrate(&rcv, a.Policy, in, file); err != nil {
					return nil, fmt.Errorf("render alertmanager: receiver %q: %w", name, err)
				}
			}
		}
		cfg.Receivers = append(cfg.Receivers, rcv)
	}
	for _, name := range usedIntervals(a) {
		ti := timeInterval{Name: name}
		for _, spec := range a.Policy.TimeIntervals[name] {
			is := intervalSpec{Weekdays: spec.Weekdays, DaysOfMonth: spec.DaysOfMonth, Months: spec.Months, Years: spec.Years, Location: a.Policy.TimeZone}
			for _, t := range spec.Times {
				is.Times = append(is.Times, timeRange{Start: t.Start, End: t.End})
			}
			ti.TimeIntervals = append(ti.TimeIntervals, is)
		}
		cfg.TimeIntervals = append(cfg.TimeIntervals, ti)
	}
	data, err := encode.YAML(cfg)
	if err != nil {
		return nil, fmt.Errorf("render alertmanager: %w", err)
	}
	return data, nil
}

func route(r expand.Route) amRoute {
	out := amRoute{
		Receiver:            r.Receiver,
		GroupBy:             r.GroupBy,
		Matchers:            r.Matchers,
		Continue:            r.Continue,
		MuteTimeIntervals:   r.MuteTimeIntervals,
		GroupWait:           r.GroupWait,
		GroupInterval:       r.GroupInterval,
		RepeatInterval:      r.RepeatInterval,
		ActiveTimeIntervals: r.ActiveTimeIntervals,
	}
	for _, c := range r.Routes {
		out.Routes = append(out.Routes, route(c))
	}
	return out
}

// usedIntervals lists the time intervals routes refer to, sorted; an
// unused definition would only be noise in the output.
func usedIntervals(a *expand.AlertingPlan) []string {
	set := map[string]bool{}
	var walk func(r expand.Route)
	walk = func(r expand.Route) {
		for _, t := range append(append([]string(nil), r.ActiveTimeIntervals...), r.MuteTimeIntervals...) {
			set[t] = true
		}
		for _, c := range r.Routes {
			walk(c)
		}
	}
	walk(a.Route)
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func integrate(rcv *amReceiver, a *model.Alerting, r model.Integration, file func(*model.SecretRef) string) error {
	switch r.Kind {
	case model.ReceiverNone:
		// Notifies nobody: the Alertmanager receiver gets no integration.
	case model.ReceiverWebhook:
		w := webhookConfig{SendResolved: r.SendResolved, URL: r.URL, MaxAlerts: r.MaxAlerts}
		if r.URLSecret != nil {
			w.URLFile = file(r.URLSecret)
		}
		if (w.URL == "") == (w.URLFile == "") {
			return fmt.Errorf("a webhook needs exactly one of url and urlSecret")
		}
		rcv.WebhookConfigs = append(rcv.WebhookConfigs, w)
	case model.ReceiverEmail:
		e := emailConfig{SendResolved: r.SendResolved, To: strings.Join(r.To, ", "), From: r.From, Smarthost: r.Smarthost, AuthUsername: r.AuthUsername, RequireTLS: r.RequireTLS}
		if r.AuthPassword != nil {
			e.AuthPasswordFile = file(r.AuthPassword)
		}
		if r.Title != "" {
			e.Headers = map[string]string{"Subject": r.Title}
		}
		e.Text, e.HTML = r.Text, r.HTML
		rcv.EmailConfigs = append(rcv.EmailConfigs, e)
	case model.ReceiverWeChat:
		rcv.WechatConfigs = append(rcv.WechatConfigs, wechatConfig{SendResolved: r.SendResolved, APISecretFile: file(r.APISecret), CorpID: r.CorpID, AgentID: r.AgentID, ToUser: r.ToUser, ToParty: r.ToParty, Message: r.Text})
	case model.ReceiverPagerDuty:
		rcv.PagerdutyConfigs = append(rcv.PagerdutyConfigs, pagerdutyConfig{SendResolved: r.SendResolved, RoutingKeyFile: file(r.RoutingKey), Description: r.Title})
	case model.ReceiverSlack:
		rcv.SlackConfigs = append(rcv.SlackConfigs, slackConfig{SendResolved: r.SendResolved, APIURLFile: file(r.APIURL), Channel: r.Channel, Title: r.Title, Text: r.Text})
	case model.ReceiverMSTeams:
		rcv.MSTeamsConfigs = append(rcv.MSTeamsConfigs, msteamsConfig{SendResolved: r.SendResolved, WebhookURLFile: file(r.WebhookURL), Title: r.Title, Text: r.Text})
	case model.ReceiverOpsGenie:
		o := opsgenieConfig{SendResolved: r.SendResolved, APIKeyFile: file(r.APIKey), Priority: r.Priority, Message: r.Title, Description: r.Text}
		for _, rs := range r.Responders {
			o.Responders = append(o.Responders, opsgenieResponder{Type: rs.Type, Name: rs.Name})
		}
		rcv.OpsGenieConfigs = append(rcv.OpsGenieConfigs, o)
	case model.ReceiverTelegram:
		rcv.TelegramConfigs = append(rcv.TelegramConfigs, telegramConfig{SendResolved: r.SendResolved, BotTokenFile: file(r.BotToken), ChatID: r.ChatID, Message: r.Text})
	case model.ReceiverDiscord:
		rcv.DiscordConfigs = append(rcv.DiscordConfigs, discordConfig{SendResolved: r.SendResolved, WebhookURLFile: file(r.WebhookURL), Title: r.Title, Message: r.Text})
	case model.ReceiverDingTalk:
		b := a.Bridges.DingTalk
		if b == nil {
			return fmt.Errorf("a dingtalk receiver needs alerting.bridges.dingtalk")
		}
		u := fmt.Sprintf("http://%s.%s.svc:%d/dingtalk/%s/send", DingTalkBridgeName, b.Namespace, b.Port, url.PathEscape(r.Target))
		rcv.WebhookConfigs = append(rcv.WebhookConfigs, webhookConfig{SendResolved: r.SendResolved, URL: u})
	case model.ReceiverFeishu:
		b := a.Bridges.Feishu
		if b == nil {
			return fmt.Errorf("a feishu receiver needs alerting.bridges.feishu")
		}
		q := url.Values{"type": {"fs"}, "tpl": {r.Template}}
		u := fmt.Sprintf("http://%s.%s.svc:%d/prometheusalert?%s", FeishuBridgeName, b.Namespace, b.Port, q.Encode())
		rcv.WebhookConfigs = append(rcv.WebhookConfigs, webhookConfig{SendResolved: r.SendResolved, URL: u})
	default:
		return fmt.Errorf("unknown receiver kind %q", r.Kind)
	}
	return nil
}

// Render adds alertmanager.yml and the Kubernetes objects of the alerting
// plan to t. It does nothing for an environment without alerting.
func Render(p *expand.Plan, t *artifact.Tree) error {
	if p.Alerting == nil || !p.Env.RunsAlertmanager() {
		return nil
	}
	data, err := Config(p)
	if err != nil {
		return err
	}
	if err := t.Add(artifact.File{Path: ConfigPath, Data: data, Origin: p.Env.Source("alerting")}); err != nil {
		return err
	}
	for _, name := range sortedNames(p.Alerting.Policy.Templates) {
		f := artifact.File{Path: TemplateOutputPath(name), Data: []byte(p.Alerting.Policy.Templates[name]), Origin: p.Env.Source("alerting", "templates", name)}
		if err := t.Add(f); err != nil {
			return err
		}
	}
	return renderObjects(p, t)
}
