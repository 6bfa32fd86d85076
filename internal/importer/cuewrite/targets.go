package cuewrite

import (
	"strconv"

	"github.com/mongen-dev/mongen/internal/importer/convert"
	"github.com/mongen-dev/mongen/internal/importer/cuetext"
	"github.com/mongen-dev/mongen/internal/model"
)

// targetsFile renders targets.cue.
func targetsFile(imp *convert.Import) ([]byte, error) {
	env := imp.Env
	if len(env.Targets) == 0 && len(env.Federation) == 0 && len(env.RawScrapeConfigs) == 0 && env.Prometheus.ScrapeInterval == "30s" && env.Prometheus.EvaluationInterval == "30s" {
		return nil, nil
	}
	var w writer
	w.Comment("Targets imported by mongen import: each key is the job name its series carry.")
	w.Line("package %s", imp.Options.Env)
	w.Line("")
	w.OpenRaw("env:")
	if env.Prometheus.ScrapeInterval != "30s" || env.Prometheus.EvaluationInterval != "30s" {
		w.Open("prometheus")
		w.Str("scrapeInterval", env.Prometheus.ScrapeInterval)
		w.Str("evaluationInterval", env.Prometheus.EvaluationInterval)
		w.Close()
	}
	if len(env.Targets) > 0 {
		w.Open("targets")
		for _, name := range sortedKeys(env.Targets) {
			w.target(name, env.Targets[name])
		}
		w.Close()
	}
	if len(env.Federation) > 0 {
		w.Open("federation")
		for _, name := range sortedKeys(env.Federation) {
			f := env.Federation[name]
			w.Open(name)
			w.StrList("addresses", f.Addresses)
			w.StrList("match", f.Match)
			w.OptStr("scheme", f.Scheme)
			w.OptStr("interval", f.Interval)
			w.OptStr("timeout", f.Timeout)
			w.tls(f.TLS)
			w.basicAuth(f.BasicAuth)
			w.StrMap("labels", f.Labels)
			w.Close()
		}
		w.Close()
	}
	if len(env.RawScrapeConfigs) > 0 {
		w.Comment("Scrape configs #Target cannot express, kept verbatim (schemas/raw.cue).")
		w.Open("rawScrapeConfigs")
		for _, name := range sortedKeys(env.RawScrapeConfigs) {
			w.Str(name, env.RawScrapeConfigs[name])
		}
		w.Close()
	}
	w.Close()
	src, err := w.Source()
	if err != nil {
		return nil, err
	}
	return src, nil
}

func (w *writer) target(name string, t model.Target) {
	w.Open(name)
	w.Str("kind", t.Kind)
	w.OptStr("namespace", t.Namespace)
	if len(t.Namespaces) > 0 {
		w.StrList("namespaces", t.Namespaces)
	}
	w.StrMap("selector", t.Selector)
	w.OptStr("port", t.Port)
	w.OptStr("path", t.Path)
	w.OptStr("scheme", t.Scheme)
	w.OptStr("interval", t.Interval)
	w.OptStr("timeout", t.Timeout)
	if t.HonorLabels {
		w.Line("honorLabels: true")
	}
	if len(t.Params) > 0 {
		w.Open("params")
		for _, k := range sortedKeys(t.Params) {
			w.StrList(k, t.Params[k])
		}
		w.Close()
	}
	w.tls(t.TLS)
	w.basicAuth(t.BasicAuth)
	if t.BearerToken != nil {
		w.secretRef("bearerToken", *t.BearerToken)
	}
	if t.ServiceAccountToken {
		w.Line("serviceAccountToken: true")
	}
	w.relabels("relabel", t.Relabel)
	w.relabels("metricRelabel", t.MetricRelabel)
	if len(t.Addresses) > 0 {
		w.StrList("addresses", t.Addresses)
	}
	w.StrMap("labels", t.Labels)
	w.OptStr("module", t.Module)
	w.OptStr("prober", t.Prober)
	if len(t.Static) > 0 {
		w.StrList("static", t.Static)
	}
	if t.Ingress != nil {
		w.Open("ingress")
		w.StrMap("selector", t.Ingress.Selector)
		if len(t.Ingress.Namespaces) > 0 {
			w.StrList("namespaces", t.Ingress.Namespaces)
		}
		w.Close()
	}
	w.Close()
}

func (w *writer) tls(t *model.TLS) {
	if t == nil {
		return
	}
	w.Open("tls")
	if t.Secret != "" {
		w.Str("secret", t.Secret)
		// Written out, even when empty: an empty key means the Secret does
		// not hold that part, where the schema's default would add it.
		w.Str("caKey", t.CAKey)
		w.Str("certKey", t.CertKey)
		w.Str("keyKey", t.KeyKey)
	}
	w.OptStr("serverName", t.ServerName)
	if t.InsecureSkipVerify {
		w.Line("insecureSkipVerify: true")
	}
	if t.CAFromServiceAccount {
		w.Line("caFromServiceAccount: true")
	}
	w.Close()
}

func (w *writer) basicAuth(b *model.BasicAuth) {
	if b == nil {
		return
	}
	w.Open("basicAuth")
	w.secretRef("username", b.Username)
	w.secretRef("password", b.Password)
	w.Close()
}

func (w *writer) secretRef(label string, r model.SecretRef) {
	w.Line("%s: {secret: %s, key: %s}", cuetext.Label(label), w.Quote(r.Secret), w.Quote(r.Key))
}

func (w *writer) relabels(label string, rs []model.Relabel) {
	if len(rs) == 0 {
		return
	}
	w.Line("%s: [", cuetext.Label(label))
	w.Indent()
	for _, r := range rs {
		w.Line("{")
		w.Indent()
		w.Str("action", r.Action)
		if len(r.SourceLabels) > 0 {
			w.StrList("sourceLabels", r.SourceLabels)
		}
		if r.Separator != nil {
			w.Str("separator", *r.Separator)
		}
		w.OptStr("targetLabel", r.TargetLabel)
		if r.Regex != nil {
			w.Str("regex", *r.Regex)
		}
		if r.Modulus != 0 {
			w.Line("modulus: %s", strconv.FormatUint(r.Modulus, 10))
		}
		if r.Replacement != nil {
			w.Str("replacement", *r.Replacement)
		}
		w.Dedent()
		w.Line("},")
	}
	w.Dedent()
	w.Line("]")
}
