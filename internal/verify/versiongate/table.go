package versiongate

import (
	"regexp"
	"strings"
)

// Component is a server whose version decides what the output may use.
type Component string

// The gated components, as in model.Versions.
const (
	Prometheus   Component = "prometheus"
	Alertmanager Component = "alertmanager"
	Operator     Component = "operator"
	Thanos       Component = "thanos"
)

// Title is the component's name in messages.
func (c Component) Title() string {
	switch c {
	case Prometheus:
		return "Prometheus"
	case Alertmanager:
		return "Alertmanager"
	case Operator:
		return "the Prometheus Operator"
	case Thanos:
		return "Thanos"
	}
	return string(c)
}

// Citation is where upstream says a feature arrived.
type Citation struct {
	// Repo is the upstream repository, e.g. "prometheus/alertmanager".
	Repo string
	// Heading is the CHANGELOG.md version heading the line is under.
	Heading string
	// PRs are the pull requests the changelog line names.
	PRs []string
	// Line is the changelog line, as upstream wrote it.
	Line string
	// Note says what else was read where the changelog alone does not
	// settle the version (config structs at tagged versions, go.mod).
	Note string
}

// Feature is one thing mongen can render that not every version of its
// component accepts.
type Feature struct {
	// ID is stable and unique, e.g. "alertmanager.wechat.api_secret_file".
	ID        string
	Component Component
	// Field is where the feature appears in the rendered artifact.
	Field string
	// Source is what in an environment makes mongen render it.
	Source string
	// Instead is what to do other than raising the version; empty when
	// mongen has no other way to render what Source asks for.
	Instead string
	// Since is the first version that accepts it.
	Since Version
	Cite  Citation

	// valueBased: the value at Field, not its presence, is the feature
	// (a relabel action, a UTF-8 name, a flag).
	valueBased bool
}

// docKind is the kind of document a feature is looked for in.
type docKind int

const (
	docAlertmanager docKind = iota // alertmanager.yml
	docPrometheus                  // prometheus.yml
	docRules                       // a rule file, or a PrometheusRule's spec evaluated by Prometheus
	docThanosRules                 // a PrometheusRule's spec evaluated by the Thanos Ruler
	docObject                      // a Kubernetes object; patterns start with "Kind:"
)

// where is one place a feature is looked for: a document kind and a key
// path in it (see match.go for the pattern language).
type where struct {
	doc     docKind
	pattern string
}

// spec is a table row with how to find it.
type spec struct {
	Feature
	where []where
	// test, when set, decides from the value at the path whether the
	// feature is used; without it, the key's presence is the use.
	test func(any) bool
	// perFile reports one use per file: structural fields that every
	// route or rule of the file repeats.
	perFile bool
}

// baselines are the oldest versions the table was checked against: every
// field mongen renders that the table does not list is accepted from them
// on. An older deployed version is refused as unchecked.
func baselines() map[Component]Version {
	return map[Component]Version{
		// config structs at v0.21.0 hold every untabled field mongen writes
		Alertmanager: mustParseVersion("v0.21.0"),
		// authorization (2.26.0) is the newest untabled scrape field
		Prometheus: mustParseVersion("v2.26.0"),
		// shards and the Secret-based TLS config arrived in v0.44.0
		Operator: mustParseVersion("v0.44.0"),
		// several --query.replica-label flags (#1362)
		Thanos: mustParseVersion("v0.8.0"),
	}
}

var (
	legacyLabelName  = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)
	legacyMetricName = regexp.MustCompile(`^[a-zA-Z_:][a-zA-Z0-9_:]*$`)
	// classicMatcher is the matcher syntax Alertmanager parsed before
	// 0.27.0 (pkg/labels/parse.go): an unquoted name of these characters.
	classicMatcherName = regexp.MustCompile(`^\s*[a-zA-Z_:][a-zA-Z0-9_:]*\s*(=~|=|!=|!~)`)
)

// anyKeyNot reports whether a mapping has a key the name check refuses.
func anyKeyNot(ok func(string) bool) func(any) bool {
	return func(v any) bool {
		m, _ := v.(map[string]any)
		for k := range m {
			if !ok(k) {
				return true
			}
		}
		return false
	}
}

// stringNot reports whether a string value fails the check.
func stringNot(ok func(string) bool) func(any) bool {
	return func(v any) bool {
		s, isStr := v.(string)
		return isStr && !ok(s)
	}
}

// anyMatcherUTF8 reports whether a list of Alertmanager matchers has one
// that only the UTF-8 matcher parser reads: a quoted name or a name
// outside the classic characters.
func anyMatcherUTF8(v any) bool {
	l, _ := v.([]any)
	for _, m := range l {
		if s, ok := m.(string); ok && !classicMatcherName.MatchString(s) {
			return true
		}
	}
	return false
}

func actionIn(actions ...string) func(any) bool {
	return func(v any) bool {
		s, _ := v.(string)
		for _, a := range actions {
			if strings.EqualFold(s, a) {
				return true
			}
		}
		return false
	}
}

// argPrefix reports whether a container's argument list has a flag.
func argPrefix(flag string) func(any) bool {
	return func(v any) bool {
		l, _ := v.([]any)
		for _, a := range l {
			if s, ok := a.(string); ok && (s == flag || strings.HasPrefix(s, flag+"=")) {
				return true
			}
		}
		return false
	}
}

func roleOtherThanNode(v any) bool {
	s, _ := v.(string)
	return s != "" && !strings.EqualFold(s, "node")
}

// Upstream repositories the citations name.
const (
	amRepo     = "prometheus/alertmanager"
	promRepo   = "prometheus/prometheus"
	opRepo     = "prometheus-operator/prometheus-operator"
	thanosRepo = "thanos-io/thanos"
)

// specs is the table with its patterns, in the order of docs/versions.md.
func specs() []spec {
	amRoute := func(pattern string) []where { return []where{{docAlertmanager, "route.routes*." + pattern}} }
	am := func(patterns ...string) []where {
		var w []where
		for _, p := range patterns {
			w = append(w, where{docAlertmanager, p})
		}
		return w
	}
	obj := func(patterns ...string) []where {
		var w []where
		for _, p := range patterns {
			w = append(w, where{docObject, p})
		}
		return w
	}
	v := mustParseVersion
	// Relabel steps of the objects that carry them, at any depth of spec.
	var relabelCR []string
	for _, kind := range []string{"ServiceMonitor", "PodMonitor", "Probe", "ScrapeConfig", "Prometheus"} {
		for _, list := range []string{"relabelings", "metricRelabelings", "relabelingConfigs", "writeRelabelConfigs"} {
			relabelCR = append(relabelCR, kind+":spec.**."+list+"[].action")
		}
	}
	relabelProm := []where{
		{docPrometheus, "scrape_configs[].relabel_configs[].action"},
		{docPrometheus, "scrape_configs[].metric_relabel_configs[].action"},
		{docPrometheus, "remote_write[].write_relabel_configs[].action"},
	}
	for _, p := range relabelCR {
		relabelProm = append(relabelProm, where{docObject, p})
	}
	table := []spec{
		// Alertmanager: routing.
		{Feature: Feature{ID: "alertmanager.route.matchers", Component: Alertmanager, Field: "route.routes[].matchers",
			Source: "tier and team routes", Instead: "",
			Since: v("v0.22.0"), Cite: Citation{Repo: amRepo, Heading: "0.22.0 / 2021-05-21", PRs: []string{"#2434", "#2460"},
				Line: "[FEATURE] Add support for negative matchers. #2434 #2460 and many more.",
				Note: "the `matchers` list on routes came with the new matcher syntax: config/config.go has no `matchers` at v0.21.0 and has it at v0.22.0"}},
			where: amRoute("matchers"), perFile: true},
		{Feature: Feature{ID: "alertmanager.inhibit.matchers", Component: Alertmanager, Field: "inhibit_rules[].source_matchers, target_matchers",
			Source: "inhibitions (alerting.inhibit and the generated ones)", Instead: "",
			Since: v("v0.22.0"), Cite: Citation{Repo: amRepo, Heading: "0.22.0 / 2021-05-21", PRs: []string{"#2434", "#2460"},
				Line: "[FEATURE] Add support for negative matchers. #2434 #2460 and many more.",
				Note: "InhibitRule gained source_matchers and target_matchers in the same change (config/config.go, v0.22.0)"}},
			where: am("inhibit_rules[].source_matchers", "inhibit_rules[].target_matchers"), perFile: true},
		{Feature: Feature{ID: "alertmanager.matchers.utf8", Component: Alertmanager, Field: "matchers with a quoted or UTF-8 label name",
			Source: "a raw route or inhibition matching a label name outside [a-zA-Z_:][a-zA-Z0-9_:]*", Instead: "match only label names of letters, digits, _ and :",
			Since: v("v0.27.0"), Cite: Citation{Repo: amRepo, Heading: "0.27.0 / 2024-02-28", PRs: []string{"#3453", "#3483", "#3567", "#3570"},
				Line: "[FEATURE] UTF-8 Support: Introduction of support for any UTF-8 character as part of label names and matchers. Please read more below. #3453, #3483, #3567, #3570"}},
			where: append(amRoute("matchers"), am("inhibit_rules[].source_matchers", "inhibit_rules[].target_matchers")...), test: anyMatcherUTF8},
		{Feature: Feature{ID: "alertmanager.route.mute_time_intervals", Component: Alertmanager, Field: "route.routes[].mute_time_intervals",
			Source: "a raw route with muteTimeIntervals", Instead: "use no mute time interval",
			Since: v("v0.22.0"), Cite: Citation{Repo: amRepo, Heading: "0.22.0 / 2021-05-21", PRs: []string{"#2393"},
				Line: "[FEATURE] Add time-based muting to routing tree. #2393"}},
			where: amRoute("mute_time_intervals")},
		{Feature: Feature{ID: "alertmanager.route.active_time_intervals", Component: Alertmanager, Field: "route.routes[].active_time_intervals",
			Source: "a tier or team with working hours (activeTimeIntervals)", Instead: "give the tier no time intervals",
			Since: v("v0.24.0"), Cite: Citation{Repo: amRepo, Heading: "0.24.0 / 2022-03-24", PRs: []string{"#2779"},
				Line: "[FEATURE] Add support for active time intervals. Active and mute time intervals should be defined via `time_intervals` rather than `mute_time_intervals` (the latter is deprecated but it will be supported until v1.0). #2779"}},
			where: amRoute("active_time_intervals")},
		{Feature: Feature{ID: "alertmanager.time_intervals", Component: Alertmanager, Field: "time_intervals",
			Source: "any time interval a route uses (alerting.timeIntervals)", Instead: "use no time intervals",
			Since: v("v0.24.0"), Cite: Citation{Repo: amRepo, Heading: "0.24.0 / 2022-03-24", PRs: []string{"#2779"},
				Line: "[FEATURE] Add support for active time intervals. Active and mute time intervals should be defined via `time_intervals` rather than `mute_time_intervals` (the latter is deprecated but it will be supported until v1.0). #2779"}},
			where: am("time_intervals"), perFile: true},
		{Feature: Feature{ID: "alertmanager.time_intervals.location", Component: Alertmanager, Field: "time_intervals[].time_intervals[].location",
			Source: "alerting.timeZone", Instead: "leave alerting.timeZone unset (intervals are then in UTC)",
			Since: v("v0.25.0"), Cite: Citation{Repo: amRepo, Heading: "0.25.0 / 2022-12-22", PRs: []string{"#2782"},
				Line: "[ENHANCEMENT] Add Location support to time intervals. #2782"}},
			where: am("time_intervals[].time_intervals[].location")},
		// Alertmanager: receivers.
		{Feature: Feature{ID: "alertmanager.webhook.max_alerts", Component: Alertmanager, Field: "receivers[].webhook_configs[].max_alerts",
			Source: "a webhook receiver with maxAlerts", Instead: "leave maxAlerts unset",
			Since: v("v0.21.0"), Cite: Citation{Repo: amRepo, Heading: "0.21.0 / 2020-06-16", PRs: []string{"#2274"},
				Line: "[ENHANCEMENT] [Webhook] Add `max_alerts` option to limit the number of alerts included in the payload. #2274"}},
			where: am("receivers[].webhook_configs[].max_alerts")},
		{Feature: Feature{ID: "alertmanager.webhook.url_file", Component: Alertmanager, Field: "receivers[].webhook_configs[].url_file",
			Source: "a webhook receiver with urlSecret", Instead: "give the webhook a url instead of urlSecret",
			Since: v("v0.26.0"), Cite: Citation{Repo: amRepo, Heading: "0.26.0 / 2023-08-23", PRs: []string{"#3223"},
				Line: "[ENHANCEMENT] Webhook Integration: Support `url_file` for loading this secret from a file. #3223"}},
			where: am("receivers[].webhook_configs[].url_file")},
		{Feature: Feature{ID: "alertmanager.email.auth_password_file", Component: Alertmanager, Field: "receivers[].email_configs[].auth_password_file",
			Source: "an email receiver with authPassword", Instead: "use a smarthost without authentication",
			Since: v("v0.25.0"), Cite: Citation{Repo: amRepo, Heading: "0.25.0 / 2022-12-22", PRs: []string{"#3038"},
				Line: "[ENHANCEMENT] Add support for reading global and local SMTP passwords from files. #3038"}},
			where: am("receivers[].email_configs[].auth_password_file")},
		{Feature: Feature{ID: "alertmanager.pagerduty.routing_key_file", Component: Alertmanager, Field: "receivers[].pagerduty_configs[].routing_key_file",
			Source: "a pagerduty receiver", Instead: "use no PagerDuty receiver",
			Since: v("v0.25.0"), Cite: Citation{Repo: amRepo, Heading: "0.25.0 / 2022-12-22", PRs: []string{"#3107"},
				Line: "[ENHANCEMENT] Add support for reading PagerDuty routing and service keys from files. #3107"}},
			where: am("receivers[].pagerduty_configs[].routing_key_file")},
		{Feature: Feature{ID: "alertmanager.slack.api_url_file", Component: Alertmanager, Field: "receivers[].slack_configs[].api_url_file",
			Source: "a slack receiver", Instead: "use no Slack receiver",
			Since: v("v0.22.0"), Cite: Citation{Repo: amRepo, Heading: "0.22.0 / 2021-05-21", PRs: []string{"#2534"},
				Line: "[ENHANCEMENT] Add support to set the Slack URL from a file. #2534"}},
			where: am("receivers[].slack_configs[].api_url_file")},
		{Feature: Feature{ID: "alertmanager.wechat.api_secret_file", Component: Alertmanager, Field: "receivers[].wechat_configs[].api_secret_file",
			Source: "a wechat receiver", Instead: "use no WeChat receiver",
			Since: v("v0.31.0"), Cite: Citation{Repo: amRepo, Heading: "0.31.0 / 2026-02-02", PRs: []string{"#4734"},
				Line: "[FEATURE] wechat: Add config directive to pass api secret via file. #4734",
				Note: "v0.28.1 refuses it: field api_secret_file not found in type config.plain"}},
			where: am("receivers[].wechat_configs[].api_secret_file")},
		{Feature: Feature{ID: "alertmanager.msteams", Component: Alertmanager, Field: "receivers[].msteams_configs",
			Source: "an msteams receiver", Instead: "use no Microsoft Teams receiver",
			Since: v("v0.26.0"), Cite: Citation{Repo: amRepo, Heading: "0.26.0 / 2023-08-23", PRs: []string{"#3324"},
				Line: "[FEATURE] Integrations: Add Microsoft Teams as a supported integration. #3324"}},
			where: am("receivers[].msteams_configs")},
		{Feature: Feature{ID: "alertmanager.msteams.webhook_url_file", Component: Alertmanager, Field: "receivers[].msteams_configs[].webhook_url_file",
			Source: "an msteams receiver", Instead: "use no Microsoft Teams receiver",
			Since: v("v0.28.0"), Cite: Citation{Repo: amRepo, Heading: "0.28.0 / 2025-01-15", PRs: []string{"#3728", "#3745"},
				Line: "[BUGFIX] Fix `webhook_url_file` for both the Discord and Microsoft Teams integrations. #3728 #3745",
				Note: "0.27.0 (#3555) added the field but its config.Load still demands webhook_url (\"no msteams webhook URL provided\", config/config.go at v0.27.0)"}},
			where: am("receivers[].msteams_configs[].webhook_url_file")},
		{Feature: Feature{ID: "alertmanager.opsgenie.api_key_file", Component: Alertmanager, Field: "receivers[].opsgenie_configs[].api_key_file",
			Source: "an opsgenie receiver", Instead: "use no OpsGenie receiver",
			Since: v("v0.24.0"), Cite: Citation{Repo: amRepo, Heading: "0.24.0 / 2022-03-24", PRs: []string{"#2728"},
				Line: "[ENHANCEMENT] Add `opsgenie_api_key_file` field to the global configuration. #2728",
				Note: "the receiver's own api_key_file came with the same change: OpsGenieConfig has it at v0.24.0, not at v0.23.0 (config/notifiers.go)"}},
			where: am("receivers[].opsgenie_configs[].api_key_file")},
		{Feature: Feature{ID: "alertmanager.telegram", Component: Alertmanager, Field: "receivers[].telegram_configs",
			Source: "a telegram receiver", Instead: "use no Telegram receiver",
			Since: v("v0.25.0"), Cite: Citation{Repo: amRepo, Heading: "0.25.0 / 2022-12-22", PRs: []string{"#2981"},
				Line: "[CHANGE] Make `api_url` field optional for Telegram. #2981",
				Note: "0.24.0 added the integration (#2827) but demands api_url, which mongen does not write: config.Load of v0.24.0 refuses mongen's telegram_configs with \"missing api_url on telegram_config\""}},
			where: am("receivers[].telegram_configs")},
		{Feature: Feature{ID: "alertmanager.telegram.bot_token_file", Component: Alertmanager, Field: "receivers[].telegram_configs[].bot_token_file",
			Source: "a telegram receiver", Instead: "use no Telegram receiver",
			Since: v("v0.26.0"), Cite: Citation{Repo: amRepo, Heading: "0.26.0 / 2023-08-23", PRs: []string{"#3226"},
				Line: "[ENHANCEMENT] Telegram Integration: Support `bot_token_file` for loading this secret from a file. #3226"}},
			where: am("receivers[].telegram_configs[].bot_token_file")},
		{Feature: Feature{ID: "alertmanager.discord", Component: Alertmanager, Field: "receivers[].discord_configs",
			Source: "a discord receiver", Instead: "use no Discord receiver",
			Since: v("v0.25.0"), Cite: Citation{Repo: amRepo, Heading: "0.25.0 / 2022-12-22", PRs: []string{"#2948"},
				Line: "[FEATURE] Add Discord integration. #2948"}},
			where: am("receivers[].discord_configs")},
		{Feature: Feature{ID: "alertmanager.discord.webhook_url_file", Component: Alertmanager, Field: "receivers[].discord_configs[].webhook_url_file",
			Source: "a discord receiver", Instead: "use no Discord receiver",
			Since: v("v0.28.0"), Cite: Citation{Repo: amRepo, Heading: "0.28.0 / 2025-01-15", PRs: []string{"#3728", "#3745"},
				Line: "[BUGFIX] Fix `webhook_url_file` for both the Discord and Microsoft Teams integrations. #3728 #3745",
				Note: "0.27.0 (#3555) added the field but its config.Load still demands webhook_url (\"no discord webhook URL provided\", config/config.go at v0.27.0)"}},
			where: am("receivers[].discord_configs[].webhook_url_file")},

		// Prometheus: prometheus.yml.
		{Feature: Feature{ID: "prometheus.authorization", Component: Prometheus, Field: "scrape_configs[].authorization, remote_write[].authorization",
			Source: "a target or remote write with bearerToken, or serviceAccountToken", Instead: "use basic auth",
			Since: v("v2.26.0"), Cite: Citation{Repo: promRepo, Heading: "2.26.0 / 2021-03-31", PRs: []string{"#8512"},
				Line: "[ENHANCEMENT] Scrape: Add support for specifying type of Authorization header credentials with Bearer by default. #8512"}},
			where: []where{{docPrometheus, "scrape_configs[].authorization"}, {docPrometheus, "remote_write[].authorization"}}},
		{Feature: Feature{ID: "prometheus.basic_auth.username_file", Component: Prometheus, Field: "basic_auth.username_file",
			Source: "a target, federation or remote write with basicAuth", Instead: "use a bearer token",
			Since: v("v2.49.0"), Cite: Citation{Repo: "prometheus/common", Heading: "v0.45.0", PRs: []string{"#511"},
				Line: "Adding support for file based configuration of basic auth username in http client config (prometheus/common #511)",
				Note: "the Prometheus changelog is silent; BasicAuth has username_file from prometheus/common v0.45.0, and Prometheus 2.49.0 is the first release whose go.mod requires it (2.48.1 requires v0.44.0)"}},
			where: []where{{docPrometheus, "scrape_configs[].basic_auth.username_file"}, {docPrometheus, "remote_write[].basic_auth.username_file"}}},
		{Feature: Feature{ID: "prometheus.remote_write.http_headers", Component: Prometheus, Field: "remote_write[].http_headers",
			Source: "global.engine \"mimir\" (the tenant header read from its Secret)", Instead: "use another global engine",
			Since: v("v2.53.0"), Cite: Citation{Repo: "prometheus/common", Heading: "v0.54.0", PRs: []string{"#416"},
				Line: "Add HTTP headers support to common HTTP client. (prometheus/common #416)",
				Note: "remote_write inlines common's HTTP client config, which has http_headers (with files) from prometheus/common v0.54.0; Prometheus 2.53.0 is the first release requiring it (go.mod); the Prometheus CHANGELOG announces it in 2.55.0: \"[FEATURE] Scraping: Add the ability to set custom `http_headers` in config. #14817\""}},
			where: []where{{docPrometheus, "remote_write[].http_headers"}}},
		{Feature: Feature{ID: "prometheus.relabel.case", Component: Prometheus, Field: "relabel action lowercase or uppercase",
			Source: "a relabel step with action \"lowercase\" or \"uppercase\"", Instead: "use another relabel action",
			Since: v("v2.36.0"), Cite: Citation{Repo: promRepo, Heading: "2.36.0 / 2022-05-30", PRs: []string{"#10641"},
				Line: "[FEATURE] Add lowercase and uppercase relabel action. #10641"}},
			where: relabelProm, test: actionIn("lowercase", "uppercase")},
		{Feature: Feature{ID: "prometheus.relabel.equal", Component: Prometheus, Field: "relabel action keepequal or dropequal",
			Source: "a relabel step with action \"keepequal\" or \"dropequal\"", Instead: "use another relabel action",
			Since: v("v2.41.0"), Cite: Citation{Repo: promRepo, Heading: "2.41.0 / 2022-12-20", PRs: []string{"#11564"},
				Line: "[FEATURE] Relabeling: Add `keepequal` and `dropequal` relabel actions. #11564"}},
			where: relabelProm, test: actionIn("keepequal", "dropequal")},
		{Feature: Feature{ID: "prometheus.utf8.external_labels", Component: Prometheus, Field: "global.external_labels with a UTF-8 name",
			Source: "an external label named outside [a-zA-Z_][a-zA-Z0-9_]*", Instead: "name labels with letters, digits and _ only",
			Since: v("v3.0.0"), Cite: utf8Cite()},
			where: []where{{docPrometheus, "global.external_labels"}}, test: anyKeyNot(legacyLabelName.MatchString)},

		// Prometheus: rules.
		{Feature: Feature{ID: "prometheus.rule.keep_firing_for", Component: Prometheus, Field: "groups[].rules[].keep_firing_for",
			Source: "a rule with keepFiringFor", Instead: "leave keepFiringFor unset",
			Since: v("v2.42.0"), Cite: Citation{Repo: promRepo, Heading: "2.42.0 / 2023-01-31", PRs: []string{"#11827"},
				Line: "[FEATURE] Add 'keep_firing_for' field to alerting rules. #11827"}},
			where: []where{{docRules, "groups[].rules[].keep_firing_for"}}},
		{Feature: Feature{ID: "prometheus.rule.query_offset", Component: Prometheus, Field: "groups[].query_offset",
			Source: "a rule group with ruleGroups.<group>.queryOffset", Instead: "leave queryOffset unset",
			Since: v("v2.53.0"), Cite: Citation{Repo: promRepo, Heading: "2.53.0 / 2024-06-16", PRs: []string{"#14061", "#14216", "#14273"},
				Line: "[FEATURE] Rules: Add new option `query_offset` for each rule group via rule group configuration file and `rule_query_offset` as part of the global configuration to have more resilience for remote write delays. #14061 #14216 #14273"}},
			where: []where{{docRules, "groups[].query_offset"}}},
		{Feature: Feature{ID: "prometheus.utf8.rule_labels", Component: Prometheus, Field: "groups[].rules[].labels or annotations with a UTF-8 name",
			Source: "a rule label or annotation named outside [a-zA-Z_][a-zA-Z0-9_]*", Instead: "name labels and annotations with letters, digits and _ only",
			Since: v("v3.0.0"), Cite: utf8Cite()},
			where: []where{{docRules, "groups[].rules[].labels"}, {docRules, "groups[].rules[].annotations"}}, test: anyKeyNot(legacyLabelName.MatchString)},
		{Feature: Feature{ID: "prometheus.utf8.record", Component: Prometheus, Field: "groups[].rules[].record with a UTF-8 name",
			Source: "a recording rule named outside [a-zA-Z_:][a-zA-Z0-9_:]*", Instead: "name recording rules with letters, digits, _ and : only",
			Since: v("v3.0.0"), Cite: utf8Cite()},
			where: []where{{docRules, "groups[].rules[].record"}}, test: stringNot(legacyMetricName.MatchString)},

		// Prometheus Operator.
		{Feature: Feature{ID: "operator.scrapeconfig", Component: Operator, Field: "kind ScrapeConfig (monitoring.coreos.com/v1alpha1)",
			Source: "a static target, federation job or annotated probe in the operator flavour", Instead: "use service, pod or probe targets",
			Since: v("v0.65.0"), Cite: Citation{Repo: opRepo, Heading: "0.65.0 / 2023-05-04", PRs: []string{"#5279"},
				Line: "The main change introduced by this release is the new v1alpha1 `ScrapeConfig` CRD. This implements the [proposal](...) documented in [#5279](...) and provides a Kubernetes native API to create and manage additional scrape configurations."}},
			where: obj("ScrapeConfig:kind")},
		{Feature: Feature{ID: "operator.prometheus.scrapeConfigSelector", Component: Operator, Field: "Prometheus spec.scrapeConfigSelector, scrapeConfigNamespaceSelector",
			Source: "every Prometheus resource mongen owns", Instead: "let the platform own the Prometheus resource",
			Since: v("v0.65.0"), Cite: Citation{Repo: opRepo, Heading: "0.65.0 / 2023-05-04", PRs: []string{"#5279"},
				Line: "The main change introduced by this release is the new v1alpha1 `ScrapeConfig` CRD. This implements the [proposal](...) documented in [#5279](...) and provides a Kubernetes native API to create and manage additional scrape configurations.",
				Note: "PrometheusSpec has scrapeConfigSelector from pkg/apis/monitoring v0.65.0 on"}},
			where: obj("Prometheus:spec.scrapeConfigSelector", "Prometheus:spec.scrapeConfigNamespaceSelector"), perFile: true},
		{Feature: Feature{ID: "operator.scrapeconfig.auth", Component: Operator, Field: "ScrapeConfig spec.basicAuth, spec.authorization",
			Source: "a static target or federation job with basicAuth or bearerToken", Instead: "scrape it without credentials",
			Since: v("v0.66.0"), Cite: Citation{Repo: opRepo, Heading: "0.66.0 / 2023-06-14", PRs: []string{"#5642"},
				Line: "[FEATURE] Add `BasicAuth` and `Authorization` support to `ScrapeConfig` CRD. #5642"}},
			where: obj("ScrapeConfig:spec.basicAuth", "ScrapeConfig:spec.authorization")},
		{Feature: Feature{ID: "operator.scrapeconfig.scheme", Component: Operator, Field: "ScrapeConfig spec.scheme",
			Source: "a static target or federation job over https", Instead: "scrape over http",
			Since: v("v0.67.0"), Cite: Citation{Repo: opRepo, Heading: "0.67.0 / 2023-07-27", PRs: []string{"#5679"},
				Line: "[FEATURE] Add `spec.scheme` field to the ScrapeConfig CRD. #5679"}},
			where: obj("ScrapeConfig:spec.scheme")},
		{Feature: Feature{ID: "operator.scrapeconfig.params", Component: Operator, Field: "ScrapeConfig spec.params",
			Source: "a federation job (match[]), an annotated probe (module) or a static target with params", Instead: "use a target without params",
			Since: v("v0.67.0"), Cite: Citation{Repo: opRepo, Heading: "0.67.0 / 2023-07-27", PRs: []string{"#5750"},
				Line: "[FEATURE] Add `spec.params` field to the ScrapeConfig CRD. #5750"}},
			where: obj("ScrapeConfig:spec.params")},
		{Feature: Feature{ID: "operator.scrapeconfig.interval", Component: Operator, Field: "ScrapeConfig spec.scrapeInterval, spec.scrapeTimeout",
			Source: "a static target, federation job or annotated probe with an interval or timeout", Instead: "leave interval and timeout to the Prometheus",
			Since: v("v0.67.0"), Cite: Citation{Repo: opRepo, Heading: "0.67.0 / 2023-07-27", PRs: []string{"#5742"},
				Line: "[FEATURE] Add `spec.scrapeInterval` and `spec.scrapeTimeout` fields to the ScrapeConfig CRD. #5742"}},
			where: obj("ScrapeConfig:spec.scrapeInterval", "ScrapeConfig:spec.scrapeTimeout")},
		{Feature: Feature{ID: "operator.scrapeconfig.tlsConfig", Component: Operator, Field: "ScrapeConfig spec.tlsConfig",
			Source: "a static target or federation job with tls", Instead: "scrape it without TLS settings",
			Since: v("v0.67.0"), Cite: Citation{Repo: opRepo, Heading: "0.67.0 / 2023-07-27", PRs: []string{"#5710"},
				Line: "[FEATURE] Add support for TLS configuration to the ScrapeConfig CRD. #5710"}},
			where: obj("ScrapeConfig:spec.tlsConfig")},
		{Feature: Feature{ID: "operator.scrapeconfig.metricRelabelings", Component: Operator, Field: "ScrapeConfig spec.metricRelabelings",
			Source: "a static target or annotated probe with metricRelabel", Instead: "drop metricRelabel",
			Since: v("v0.68.0"), Cite: Citation{Repo: opRepo, Heading: "0.68.0 / 2023-09-06", PRs: []string{"#5805"},
				Line: "[FEATURE] Add support for MetricRelabelings to the ScrapeConfig CRD. #5805"}},
			where: obj("ScrapeConfig:spec.metricRelabelings")},
		{Feature: Feature{ID: "operator.scrapeconfig.kubernetes_roles", Component: Operator, Field: "ScrapeConfig spec.kubernetesSDConfigs[].role other than Node",
			Source: "a probe with annotated: true (role Service)", Instead: "probe static or ingress targets",
			Since: v("v0.70.0"), Cite: Citation{Repo: opRepo, Heading: "0.70.0 / 2023-11-30", PRs: []string{"#6089"},
				Line: "[FEATURE] Support service,pod,endpoints,endpointslice,ingress roles to `KubernetesSDConfigs` in `ScrapeConfig` CRD. #6089"}},
			where: obj("ScrapeConfig:spec.kubernetesSDConfigs[].role"), test: roleOtherThanNode},
		{Feature: Feature{ID: "operator.scrapeconfig.kubernetes_namespaces", Component: Operator, Field: "ScrapeConfig spec.kubernetesSDConfigs[].namespaces",
			Source: "an annotated probe with namespaces", Instead: "probe in every namespace (leave namespaces unset)",
			Since: v("v0.71.0"), Cite: Citation{Repo: opRepo, Heading: "0.71.0 / 2024-01-12", PRs: []string{"#6178"},
				Line: "[FEATURE] Add support for all settings of the Kubernetes Service Discovery to the ScrapeConfig CRD. #6178"}},
			where: obj("ScrapeConfig:spec.kubernetesSDConfigs[].namespaces")},
		{Feature: Feature{ID: "operator.scrapeconfig.jobName", Component: Operator, Field: "ScrapeConfig spec.jobName",
			Source: "every ScrapeConfig mongen renders (the job label the rules select)", Instead: "use service, pod or probe targets",
			Since: v("v0.75.0"), Cite: Citation{Repo: opRepo, Heading: "0.75.0 / 2024-06-26", PRs: []string{"#6618"},
				Line: "[FEATURE] Add `jobName` field to ScrapeConfig CRD. #6618"}},
			where: obj("ScrapeConfig:spec.jobName")},
		{Feature: Feature{ID: "operator.rule.keep_firing_for", Component: Operator, Field: "PrometheusRule spec.groups[].rules[].keep_firing_for",
			Source: "a rule with keepFiringFor", Instead: "leave keepFiringFor unset",
			Since: v("v0.66.0"), Cite: Citation{Repo: opRepo, Heading: "0.66.0 / 2023-06-14", PRs: []string{"#5651"},
				Line: "[FEATURE] Support `keep_firing_for` fields for `PrometheusRule` CRD. #5651"}},
			where: obj("PrometheusRule:spec.groups[].rules[].keep_firing_for")},
		{Feature: Feature{ID: "operator.rule.query_offset", Component: Operator, Field: "PrometheusRule spec.groups[].query_offset",
			Source: "a rule group with ruleGroups.<group>.queryOffset", Instead: "leave queryOffset unset",
			Since: v("v0.78.0"), Cite: Citation{Repo: opRepo, Heading: "0.78.0 / 2024-10-30", PRs: []string{"#6957"},
				Line: "[FEATURE] Add `ruleQueryOffset` field to `Prometheus` CRD and `query_offset` field to `PrometheusRule` CRD. #6957"}},
			where: obj("PrometheusRule:spec.groups[].query_offset")},
		{Feature: Feature{ID: "operator.probe.params", Component: Operator, Field: "Probe spec.params",
			Source: "a static or ingress probe with params", Instead: "put the parameters in the blackbox module",
			Since: v("v0.85.0"), Cite: Citation{Repo: opRepo, Heading: "0.85.0 / 2025-08-21", PRs: []string{"#7755"},
				Line: "[FEATURE] Add `params` field to the Probe CRD. #7755"}},
			where: obj("Probe:spec.params")},
		{Feature: Feature{ID: "operator.probe.metricRelabelings", Component: Operator, Field: "Probe spec.metricRelabelings",
			Source: "a probe with metricRelabel", Instead: "drop metricRelabel",
			Since: v("v0.51.0"), Cite: Citation{Repo: opRepo, Heading: "0.51.0 / 2021-09-24", PRs: []string{"#4226"},
				Line: "[FEATURE] Added `metricRelabelings` field to the Probe CRD for configuring the metric relabel configs. #4226"}},
			where: obj("Probe:spec.metricRelabelings")},
		{Feature: Feature{ID: "operator.authorization", Component: Operator, Field: "authorization in ServiceMonitor, PodMonitor and Probe endpoints and Prometheus remoteWrite",
			Source: "a target or remote write with bearerToken", Instead: "use basic auth",
			Since: v("v0.50.0"), Cite: Citation{Repo: opRepo, Heading: "0.50.0 / 2021-08-17", PRs: []string{"#4180"},
				Line: "[FEATURE] Support for `Authorization` section in various prometheus sections. #4180"}},
			where: obj("ServiceMonitor:spec.endpoints[].authorization", "PodMonitor:spec.podMetricsEndpoints[].authorization", "Probe:spec.authorization", "Prometheus:spec.remoteWrite[].authorization")},
		{Feature: Feature{ID: "operator.probe.http", Component: Operator, Field: "Probe spec.basicAuth, spec.tlsConfig",
			Source: "a probe with basicAuth or tls", Instead: "probe without credentials or TLS settings",
			Since: v("v0.47.0"), Cite: Citation{Repo: opRepo, Heading: "0.47.0 / 2021-04-13", PRs: []string{"#3876"},
				Line: "[FEATURE] Add support for TLS and authentication configuration to the Probe CRD. #3876"}},
			where: obj("Probe:spec.basicAuth", "Probe:spec.tlsConfig")},
		{Feature: Feature{ID: "operator.probe.static_relabeling", Component: Operator, Field: "Probe spec.targets.staticConfig.relabelingConfigs",
			Source: "a static probe with relabel", Instead: "drop relabel",
			Since: v("v0.46.0"), Cite: Citation{Repo: opRepo, Heading: "0.46.0 / 2021-02-24", PRs: []string{"#3817"},
				Line: "[FEATURE] Add relabelingConfigs to ProbeTargetStaticConfig #3817"}},
			where: obj("Probe:spec.targets.staticConfig.relabelingConfigs")},
		{Feature: Feature{ID: "operator.thanosruler.version", Component: Operator, Field: "ThanosRuler spec.version",
			Source: "global.engine \"thanos\" with global rules", Instead: "",
			Since: v("v0.62.0"), Cite: Citation{Repo: opRepo, Heading: "0.62.0 / 2023-01-04", PRs: []string{"#5177"},
				Line: "[FEATURE] Add `spec.version` field to the ThanosRuler CRD. #5177"}},
			where: obj("ThanosRuler:spec.version")},
		{Feature: Feature{ID: "operator.relabel.case", Component: Operator, Field: "relabel action lowercase or uppercase",
			Source: "a relabel step with action \"lowercase\" or \"uppercase\"", Instead: "use another relabel action",
			Since: v("v0.58.0"), Cite: Citation{Repo: opRepo, Heading: "0.58.0 / 2022-07-19", PRs: []string{"#4840", "#4873"},
				Line: "[ENHANCEMENT] Add support for `uppercase`, `lowercase`, and `CamelCase` relabel actions. #4840, #4873"}},
			where: obj(relabelCR...), test: actionIn("lowercase", "uppercase")},
		{Feature: Feature{ID: "operator.relabel.equal", Component: Operator, Field: "relabel action keepequal or dropequal",
			Source: "a relabel step with action \"keepequal\" or \"dropequal\"", Instead: "use another relabel action",
			Since: v("v0.64.0"), Cite: Citation{Repo: opRepo, Heading: "0.64.0 / 2023-03-29", PRs: []string{"#5368"},
				Line: "[ENHANCEMENT] Add support for `DropEqual` and `KeepEqual` relabeling actions. #5368"}},
			where: obj(relabelCR...), test: actionIn("keepequal", "dropequal")},

		// Thanos.
		{Feature: Feature{ID: "thanos.query.endpoint", Component: Thanos, Field: "Thanos Query --endpoint",
			Source: "the Thanos Query of global.engine \"thanos\"", Instead: "",
			Since: v("v0.24.0"), Cite: Citation{Repo: thanosRepo, Heading: "v0.24.0 - 2021.12.22", PRs: []string{"#4282"},
				Line: "[#4282](https://github.com/thanos-io/thanos/pull/4282) Query: *breaking :warning:* Add `--endpoint` flag to the querier. The `--store` flag will eventually be replaced."}},
			where: obj("Deployment:spec.template.spec.containers[].args"), test: argPrefix("--endpoint")},
		{Feature: Feature{ID: "thanos.rule.keep_firing_for", Component: Thanos, Field: "groups[].rules[].keep_firing_for (Thanos Ruler)",
			Source: "a global rule with keepFiringFor evaluated by the Thanos Ruler", Instead: "leave keepFiringFor unset",
			Since: v("v0.31.0"), Cite: Citation{Repo: thanosRepo, Heading: "v0.31.0 - 22.03.2023", PRs: []string{"#6010"},
				Line: "[#6010](https://github.com/thanos-io/thanos/pull/6010) *: Upgrade Prometheus to v0.42.0.",
				Note: "the Ruler loads groups with Prometheus's rulefmt and evaluates them with its rule manager (pkg/rules/manager.go), which know keep_firing_for from Prometheus 2.42.0 (#11827); v0.30.x ships Prometheus v0.40.7, without it. The changelog's own keep_firing_for line, v0.34.0 #6943, adds the field to the Rules API"}},
			where: []where{{docThanosRules, "groups[].rules[].keep_firing_for"}}},
	}
	for i := range table {
		table[i].valueBased = table[i].test != nil
	}
	return table
}

func utf8Cite() Citation {
	return Citation{Repo: promRepo, Heading: "3.0.0 / 2024-11-14", PRs: []string{"#14705", "#15258"},
		Line: "[CHANGE] UTF-8: Enable UTF-8 support by default. Prometheus now allows all UTF-8 characters in metric and label names. The corresponding `utf8-name` feature flag has been removed. #14705, #15258"}
}

// Table returns every feature the gate knows, in the order of
// docs/versions.md.
func Table() []Feature {
	s := specs()
	out := make([]Feature, len(s))
	for i := range s {
		out[i] = s[i].Feature
	}
	return out
}

// Baseline is the oldest version of c the table was checked against; an
// older version is refused.
func Baseline(c Component) (Version, bool) {
	v, ok := baselines()[c]
	return v, ok
}
