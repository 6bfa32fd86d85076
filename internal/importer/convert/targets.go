package importer

import (
	"fmt"
	"strconv"

	"github.com/mongen-dev/mongen/internal/model"
)

// convertTargets turns monitors and prometheus.yml scrape configs into the
// environment's targets, federation jobs and raw scrape configs.
func (imp *Import) convertTargets(in *Input) error {
	env := imp.Env
	res := &scrapeResult{targets: map[string]model.Target{}, federation: map[string]model.Federation{}, raw: map[string]string{}}
	imp.MonitorTargets = make([][]string, len(in.Monitors))
	for mi, m := range in.Monitors {
		if err := imp.convertMonitor(mi, m, res.targets); err != nil {
			return err
		}
	}
	for _, f := range in.Prometheus {
		d := f.doc
		if g := get(resolveAlias(d.root), "global"); g != nil {
			if v, _ := d.scalar(get(g, "scrape_interval"), "scrape_interval"); v != "" {
				env.Prometheus.ScrapeInterval = v
			}
			if v, _ := d.scalar(get(g, "evaluation_interval"), "evaluation_interval"); v != "" {
				env.Prometheus.EvaluationInterval = v
			}
		}
		if err := imp.convertScrapeConfigs(f, res); err != nil {
			return err
		}
	}
	for name := range res.raw {
		if _, dup := res.targets[name]; dup {
			return fmt.Errorf("job %s is both a monitor's target and a raw scrape config: rename one", name)
		}
	}
	if len(res.targets) > 0 {
		env.Targets = res.targets
	}
	if len(res.federation) > 0 {
		env.Federation = res.federation
	}
	if len(res.raw) > 0 {
		env.RawScrapeConfigs = res.raw
	}
	if len(in.Alertmanager) > 1 {
		return fmt.Errorf("%s and %s: an environment has one Alertmanager configuration; import one alertmanager.yml", in.Alertmanager[0].Name, in.Alertmanager[1].Name)
	}
	for _, f := range in.Alertmanager {
		am, err := imp.convertAlertmanager(f)
		if err != nil {
			return err
		}
		env.Alerting = am.alerting
		imp.am = am
	}
	return nil
}

// writeTargets renders targets.cue.
func (imp *Import) writeTargets() error {
	env := imp.Env
	if len(env.Targets) == 0 && len(env.Federation) == 0 && len(env.RawScrapeConfigs) == 0 && env.Prometheus.ScrapeInterval == "30s" && env.Prometheus.EvaluationInterval == "30s" {
		return nil
	}
	var w cueWriter
	w.comment("Targets imported by mongen import: each key is the job name its series carry.")
	w.line("package %s", imp.Options.Env)
	w.line("")
	w.openRaw("env:")
	if env.Prometheus.ScrapeInterval != "30s" || env.Prometheus.EvaluationInterval != "30s" {
		w.open("prometheus")
		w.str("scrapeInterval", env.Prometheus.ScrapeInterval)
		w.str("evaluationInterval", env.Prometheus.EvaluationInterval)
		w.close()
	}
	if len(env.Targets) > 0 {
		w.open("targets")
		for _, name := range sortedKeys(env.Targets) {
			w.target(name, env.Targets[name])
		}
		w.close()
	}
	if len(env.Federation) > 0 {
		w.open("federation")
		for _, name := range sortedKeys(env.Federation) {
			f := env.Federation[name]
			w.open(name)
			w.strList("addresses", f.Addresses)
			w.strList("match", f.Match)
			w.optStr("scheme", f.Scheme)
			w.optStr("interval", f.Interval)
			w.optStr("timeout", f.Timeout)
			w.tls(f.TLS)
			w.basicAuth(f.BasicAuth)
			w.strMap("labels", f.Labels)
			w.close()
		}
		w.close()
	}
	if len(env.RawScrapeConfigs) > 0 {
		w.comment("Scrape configs #Target cannot express, kept verbatim (schemas/raw.cue).")
		w.open("rawScrapeConfigs")
		for _, name := range sortedKeys(env.RawScrapeConfigs) {
			w.str(name, env.RawScrapeConfigs[name])
		}
		w.close()
	}
	w.close()
	src, err := w.source()
	if err != nil {
		return err
	}
	imp.Files["targets.cue"] = src
	return nil
}

func (w *cueWriter) optStr(label, v string) {
	if v != "" {
		w.str(label, v)
	}
}

func (w *cueWriter) target(name string, t model.Target) {
	w.open(name)
	w.str("kind", t.Kind)
	w.optStr("namespace", t.Namespace)
	if len(t.Namespaces) > 0 {
		w.strList("namespaces", t.Namespaces)
	}
	w.strMap("selector", t.Selector)
	w.optStr("port", t.Port)
	w.optStr("path", t.Path)
	w.optStr("scheme", t.Scheme)
	w.optStr("interval", t.Interval)
	w.optStr("timeout", t.Timeout)
	if t.HonorLabels {
		w.line("honorLabels: true")
	}
	if len(t.Params) > 0 {
		w.open("params")
		for _, k := range sortedKeys(t.Params) {
			w.strList(k, t.Params[k])
		}
		w.close()
	}
	w.tls(t.TLS)
	w.basicAuth(t.BasicAuth)
	if t.BearerToken != nil {
		w.secretRef("bearerToken", *t.BearerToken)
	}
	if t.ServiceAccountToken {
		w.line("serviceAccountToken: true")
	}
	w.relabels("relabel", t.Relabel)
	w.relabels("metricRelabel", t.MetricRelabel)
	if len(t.Addresses) > 0 {
		w.strList("addresses", t.Addresses)
	}
	w.strMap("labels", t.Labels)
	w.optStr("module", t.Module)
	w.optStr("prober", t.Prober)
	if len(t.Static) > 0 {
		w.strList("static", t.Static)
	}
	if t.Ingress != nil {
		w.open("ingress")
		w.strMap("selector", t.Ingress.Selector)
		if len(t.Ingress.Namespaces) > 0 {
			w.strList("namespaces", t.Ingress.Namespaces)
		}
		w.close()
	}
	w.close()
}

func (w *cueWriter) tls(t *model.TLS) {
	if t == nil {
		return
	}
	w.open("tls")
	if t.Secret != "" {
		w.str("secret", t.Secret)
		// Written out, even when empty: an empty key means the Secret does
		// not hold that part, where the schema's default would add it.
		w.str("caKey", t.CAKey)
		w.str("certKey", t.CertKey)
		w.str("keyKey", t.KeyKey)
	}
	w.optStr("serverName", t.ServerName)
	if t.InsecureSkipVerify {
		w.line("insecureSkipVerify: true")
	}
	if t.CAFromServiceAccount {
		w.line("caFromServiceAccount: true")
	}
	w.close()
}

func (w *cueWriter) basicAuth(b *model.BasicAuth) {
	if b == nil {
		return
	}
	w.open("basicAuth")
	w.secretRef("username", b.Username)
	w.secretRef("password", b.Password)
	w.close()
}

func (w *cueWriter) secretRef(label string, r model.SecretRef) {
	w.line("%s: {secret: %s, key: %s}", cueLabel(label), w.quote(r.Secret), w.quote(r.Key))
}

func (w *cueWriter) relabels(label string, rs []model.Relabel) {
	if len(rs) == 0 {
		return
	}
	w.line("%s: [", cueLabel(label))
	w.depth++
	for _, r := range rs {
		w.line("{")
		w.depth++
		w.str("action", r.Action)
		if len(r.SourceLabels) > 0 {
			w.strList("sourceLabels", r.SourceLabels)
		}
		if r.Separator != nil {
			w.str("separator", *r.Separator)
		}
		w.optStr("targetLabel", r.TargetLabel)
		if r.Regex != nil {
			w.str("regex", *r.Regex)
		}
		if r.Modulus != 0 {
			w.line("modulus: %s", strconv.FormatUint(r.Modulus, 10))
		}
		if r.Replacement != nil {
			w.str("replacement", *r.Replacement)
		}
		w.depth--
		w.line("},")
	}
	w.depth--
	w.line("]")
}
