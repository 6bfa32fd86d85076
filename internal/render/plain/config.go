// Package plain renders the plain flavour: a prometheus.yml and one rule file
// per group, for Prometheus servers run without the operator.
//
// It writes its own minimal structs rather than marshalling Prometheus's
// config.Config: the upstream types marshal every default (scrape_protocols,
// metric_name_validation_scheme, ...), which Prometheus 2.x rejects as
// unknown fields. What is written is still checked by config.Load in the
// verify stage.
package plain

import (
	"fmt"
	"sort"

	"github.com/mongen-dev/mongen/internal/artifact"
	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/model"
	"github.com/mongen-dev/mongen/internal/render/encode"
)

// Paths of the plain flavour inside the environment's output.
const (
	ConfigPath = "prometheus/prometheus.yml"
	RulesDir   = "prometheus/rules"
)

type promConfig struct {
	Global        global         `yaml:"global"`
	Alerting      *alerting      `yaml:"alerting,omitempty"`
	RuleFiles     []string       `yaml:"rule_files,omitempty"`
	ScrapeConfigs []scrapeConfig `yaml:"scrape_configs,omitempty"`
	RemoteWrite   []remoteWrite  `yaml:"remote_write,omitempty"`
}

type alerting struct {
	Alertmanagers []alertmanagerConfig `yaml:"alertmanagers"`
}

type alertmanagerConfig struct {
	Scheme        string         `yaml:"scheme,omitempty"`
	StaticConfigs []staticConfig `yaml:"static_configs"`
}

type global struct {
	ScrapeInterval     string            `yaml:"scrape_interval,omitempty"`
	ScrapeTimeout      string            `yaml:"scrape_timeout,omitempty"`
	EvaluationInterval string            `yaml:"evaluation_interval,omitempty"`
	ExternalLabels     map[string]string `yaml:"external_labels,omitempty"`
}

type scrapeConfig struct {
	JobName              string              `yaml:"job_name"`
	HonorLabels          bool                `yaml:"honor_labels,omitempty"`
	ScrapeInterval       string              `yaml:"scrape_interval,omitempty"`
	ScrapeTimeout        string              `yaml:"scrape_timeout,omitempty"`
	MetricsPath          string              `yaml:"metrics_path,omitempty"`
	Scheme               string              `yaml:"scheme,omitempty"`
	Params               map[string][]string `yaml:"params,omitempty"`
	BasicAuth            *basicAuth          `yaml:"basic_auth,omitempty"`
	Authorization        *authorization      `yaml:"authorization,omitempty"`
	TLSConfig            *tlsConfig          `yaml:"tls_config,omitempty"`
	KubernetesSDConfigs  []kubernetesSD      `yaml:"kubernetes_sd_configs,omitempty"`
	StaticConfigs        []staticConfig      `yaml:"static_configs,omitempty"`
	RelabelConfigs       []relabel           `yaml:"relabel_configs,omitempty"`
	MetricRelabelConfigs []relabel           `yaml:"metric_relabel_configs,omitempty"`
}

type basicAuth struct {
	UsernameFile string `yaml:"username_file"`
	PasswordFile string `yaml:"password_file"`
}

type authorization struct {
	CredentialsFile string `yaml:"credentials_file"`
}

type tlsConfig struct {
	CAFile             string `yaml:"ca_file,omitempty"`
	CertFile           string `yaml:"cert_file,omitempty"`
	KeyFile            string `yaml:"key_file,omitempty"`
	ServerName         string `yaml:"server_name,omitempty"`
	InsecureSkipVerify bool   `yaml:"insecure_skip_verify,omitempty"`
}

type kubernetesSD struct {
	Role       string      `yaml:"role"`
	Namespaces *namespaces `yaml:"namespaces,omitempty"`
}

type namespaces struct {
	Names []string `yaml:"names"`
}

type staticConfig struct {
	Targets []string          `yaml:"targets"`
	Labels  map[string]string `yaml:"labels,omitempty"`
}

type relabel struct {
	SourceLabels []string `yaml:"source_labels,flow,omitempty"`
	Separator    *string  `yaml:"separator,omitempty"`
	Regex        *string  `yaml:"regex,omitempty"`
	Modulus      uint64   `yaml:"modulus,omitempty"`
	TargetLabel  string   `yaml:"target_label,omitempty"`
	Replacement  *string  `yaml:"replacement,omitempty"`
	Action       string   `yaml:"action,omitempty"`
}

type remoteWrite struct {
	URL                 string                `yaml:"url"`
	Name                string                `yaml:"name,omitempty"`
	BasicAuth           *basicAuth            `yaml:"basic_auth,omitempty"`
	Authorization       *authorization        `yaml:"authorization,omitempty"`
	TLSConfig           *tlsConfig            `yaml:"tls_config,omitempty"`
	WriteRelabelConfigs []relabel             `yaml:"write_relabel_configs,omitempty"`
	HTTPHeaders         map[string]httpHeader `yaml:"http_headers,omitempty"`
}

// httpHeader is a header whose value Prometheus reads from files.
type httpHeader struct {
	Files []string `yaml:"files"`
}

// Render adds prometheus/prometheus.yml and prometheus/rules/<group>.yaml.
func Render(p *expand.Plan, t *artifact.Tree) error {
	env := p.Env
	cfg := promConfig{
		Global: global{
			ScrapeInterval:     env.Prometheus.ScrapeInterval,
			ScrapeTimeout:      env.Prometheus.ScrapeTimeout,
			EvaluationInterval: env.Prometheus.EvaluationInterval,
			ExternalLabels:     externalLabels(env),
		},
	}
	if p.Alerting != nil {
		cfg.Alerting = &alerting{Alertmanagers: []alertmanagerConfig{{
			StaticConfigs: []staticConfig{{Targets: []string{p.Alerting.Policy.Alertmanager.Address}}},
		}}}
		if p.Env.SendsToSharedAlertmanager() {
			cfg.Alerting = sharedAlerting(p.Env)
		}
	}
	if len(p.ClusterGroups()) > 0 {
		// Relative to prometheus.yml, so the same file works in a ConfigMap
		// mount and under promtool on a checkout.
		cfg.RuleFiles = []string{"rules/*.yaml"}
	}
	for _, j := range p.Jobs {
		sc, err := scrape(j, env.Prometheus.Namespace)
		if err != nil {
			return fmt.Errorf("render prometheus.yml: job %q (%s): %w", j.Name, j.Origin, err)
		}
		cfg.ScrapeConfigs = append(cfg.ScrapeConfigs, sc)
	}
	for _, f := range p.Federation {
		cfg.ScrapeConfigs = append(cfg.ScrapeConfigs, federate(f))
	}
	sort.Slice(cfg.ScrapeConfigs, func(i, j int) bool { return cfg.ScrapeConfigs[i].JobName < cfg.ScrapeConfigs[j].JobName })
	for _, rw := range env.RemoteWrite {
		cfg.RemoteWrite = append(cfg.RemoteWrite, remoteWrite{
			URL:                 rw.URL,
			Name:                rw.Name,
			BasicAuth:           basic(rw.BasicAuth),
			Authorization:       bearer(rw.BearerToken),
			TLSConfig:           tls(rw.TLS),
			WriteRelabelConfigs: relabels(rw.WriteRelabel),
		})
	}
	cfg.RemoteWrite = append(cfg.RemoteWrite, mimirRemoteWrite(env)...)
	if err := addConfigs(p, t, cfg); err != nil {
		return err
	}
	if err := renderRules(p, t); err != nil {
		return err
	}
	if err := renderFederationView(p, t, cfg.Alerting); err != nil {
		return err
	}
	return renderMimirRules(p, t)
}

func marshal(v any) ([]byte, error) { return encode.YAML(v) }

func basic(b *model.BasicAuth) *basicAuth {
	if b == nil {
		return nil
	}
	return &basicAuth{
		UsernameFile: expand.SecretPath(b.Username.Secret, b.Username.Key),
		PasswordFile: expand.SecretPath(b.Password.Secret, b.Password.Key),
	}
}

func bearer(r *model.SecretRef) *authorization {
	if r == nil {
		return nil
	}
	return &authorization{CredentialsFile: expand.SecretPath(r.Secret, r.Key)}
}

func tls(t *model.TLS) *tlsConfig {
	if t == nil {
		return nil
	}
	c := &tlsConfig{ServerName: t.ServerName, InsecureSkipVerify: t.InsecureSkipVerify}
	if t.CAFromServiceAccount {
		c.CAFile = model.ServiceAccountCAFile
	}
	if t.Secret != "" {
		// A key left empty means the Secret does not hold that part.
		if t.CAKey != "" {
			c.CAFile = expand.SecretPath(t.Secret, t.CAKey)
		}
		if t.CertKey != "" {
			c.CertFile = expand.SecretPath(t.Secret, t.CertKey)
		}
		if t.KeyKey != "" {
			c.KeyFile = expand.SecretPath(t.Secret, t.KeyKey)
		}
	}
	return c
}

func relabels(rs []model.Relabel) []relabel {
	var out []relabel
	for _, r := range rs {
		out = append(out, relabel{
			SourceLabels: r.SourceLabels,
			Separator:    r.Separator,
			Regex:        r.Regex,
			Modulus:      r.Modulus,
			TargetLabel:  r.TargetLabel,
			Replacement:  r.Replacement,
			Action:       r.Action,
		})
	}
	return out
}
