package kpsproof

import (
	"cmp"
	"fmt"
	"path"
	"slices"
	"strings"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	corev1 "k8s.io/api/core/v1"
	sigsyaml "sigs.k8s.io/yaml"
)

// The operator reads an Alertmanager's configuration from this key of its
// config Secret, and mounts spec.secrets and spec.configMaps here.
const (
	amConfigKey     = "alertmanager.yaml"
	amSecretsDir    = "/etc/alertmanager/secrets/"
	amConfigMapsDir = "/etc/alertmanager/configmaps/"
	amConfigDir     = "/etc/alertmanager/config/"
)

// secretData is a Secret's data and stringData, decoded.
func secretData(o Object) (map[string]string, error) {
	var s corev1.Secret
	if err := o.decode(&s); err != nil {
		return nil, err
	}
	out := map[string]string{}
	for k, v := range s.Data { // base64 already decoded by encoding/json
		out[k] = string(v)
	}
	for k, v := range s.StringData {
		out[k] = v
	}
	return out, nil
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// proveAlertmanager: each platform Alertmanager reads the configuration
// Secret mongen generates, the platform renders none of its own, and
// every file the configuration reads is mounted.
func proveAlertmanager(w *world) []Problem {
	// mongen's Secrets that hold an Alertmanager configuration.
	type cfgSecret struct {
		Object
		data map[string]string
	}
	var generated []cfgSecret
	var ps []Problem
	for _, o := range w.mongen {
		if o.Kind != "Secret" {
			continue
		}
		data, err := secretData(o)
		if err != nil {
			ps = append(ps, Problem{o.String(), "decode", err.Error()})
			continue
		}
		if _, ok := data[amConfigKey]; ok {
			generated = append(generated, cfgSecret{o, data})
		} else if _, ok := data["alertmanager.yml"]; ok {
			generated = append(generated, cfgSecret{o, data})
		}
	}
	if len(generated) == 0 {
		return ps // mongen configures no Alertmanager: nothing to prove
	}
	if len(w.alertmanagers) == 0 {
		for _, g := range generated {
			ps = append(ps, Problem{g.String(), FactAlertmanagerConfig, w.name + " renders no Alertmanager to read it"})
		}
		return ps
	}
	for _, am := range w.alertmanagers {
		amName := fmt.Sprintf("Alertmanager %s/%s", am.Namespace, am.Name)
		secret := cmp.Or(am.Spec.ConfigSecret, "alertmanager-"+am.Name)
		field := "spec.configSecret"
		if am.Spec.ConfigSecret == "" {
			field = "the default of an empty spec.configSecret"
		}
		i := slices.IndexFunc(generated, func(g cfgSecret) bool { return g.Namespace == am.Namespace && g.Name == secret })
		if i < 0 {
			var gen []string
			for _, g := range generated {
				gen = append(gen, g.Namespace+"/"+g.Name)
			}
			ps = append(ps, Problem{amName, FactAlertmanagerConfig, fmt.Sprintf("reads Secret %s/%s (%s); mongen generates its configuration as %s", am.Namespace, secret, field, strings.Join(gen, ", "))})
			continue
		}
		g := generated[i]
		// The chart's own config Secret, or any platform Secret the
		// Alertmanager would read.
		for _, o := range w.platform {
			if o.Kind != "Secret" || o.Namespace != am.Namespace || (o.Name != secret && o.Name != "alertmanager-"+am.Name) {
				continue
			}
			if data, err := secretData(o); err == nil {
				if _, ok := data[amConfigKey]; ok || o.Name == secret {
					ps = append(ps, Problem{amName, FactAlertmanagerConfig, fmt.Sprintf("%s still renders its own configuration Secret %s/%s (%s)", w.name, o.Namespace, o.Name, o.Source)})
				}
			}
		}
		cfg, ok := g.data[amConfigKey]
		if !ok {
			ps = append(ps, Problem{g.String(), FactAlertmanagerConfig, fmt.Sprintf("the operator reads key %s; the Secret has %s", amConfigKey, quoteList(sortedKeys(g.data)))})
			continue
		}
		ps = append(ps, proveFiles(g.Object, g.data, cfg, am)...)
	}
	return ps
}

// proveFiles: every *_file path of the configuration is in a mounted
// Secret or ConfigMap, and every template glob is in the config Secret.
func proveFiles(o Object, data map[string]string, cfg string, am *monitoringv1.Alertmanager) []Problem {
	var doc any
	if err := sigsyaml.Unmarshal([]byte(cfg), &doc); err != nil {
		return []Problem{{o.String(), FactAlertmanagerConfig, fmt.Sprintf("%s: %v", amConfigKey, err)}}
	}
	var ps []Problem
	amName := fmt.Sprintf("Alertmanager %s/%s", am.Namespace, am.Name)
	walkFiles(doc, "", func(at, p string) {
		if err := mounted(p, am); err != "" {
			ps = append(ps, Problem{o.String(), FactSecretMounted, fmt.Sprintf("%s: %s: %s for %s", at, p, err, amName)})
		}
	})
	if m, ok := doc.(map[string]any); ok {
		if ts, ok := m["templates"].([]any); ok {
			for i, t := range ts {
				glob, _ := t.(string)
				if !strings.HasPrefix(glob, amConfigDir) {
					ps = append(ps, Problem{o.String(), FactAlertmanagerConfig, fmt.Sprintf("templates[%d]: %s is not under %s, where the operator puts the config Secret's keys", i, glob, amConfigDir)})
					continue
				}
				hit := false
				for k := range data {
					if ok, _ := path.Match(strings.TrimPrefix(glob, amConfigDir), k); ok {
						hit = true
					}
				}
				if !hit {
					ps = append(ps, Problem{o.String(), FactAlertmanagerConfig, fmt.Sprintf("templates[%d]: %s matches no key of the Secret (%s)", i, glob, quoteList(sortedKeys(data)))})
				}
			}
		}
	}
	return ps
}

// mounted says why a file path is not readable in the Alertmanager pod,
// or "".
func mounted(p string, am *monitoringv1.Alertmanager) string {
	for _, m := range []struct {
		dir, field string
		names      []string
	}{{amSecretsDir, "spec.secrets", am.Spec.Secrets}, {amConfigMapsDir, "spec.configMaps", am.Spec.ConfigMaps}} {
		rest, ok := strings.CutPrefix(path.Clean(p), m.dir)
		if !ok {
			continue
		}
		name, key, ok := strings.Cut(rest, "/")
		if !ok || key == "" {
			return fmt.Sprintf("names no key inside %s<name>/", m.dir)
		}
		if !slices.Contains(m.names, name) {
			return fmt.Sprintf("%q is not in %s (%s)", name, m.field, quoteList(m.names))
		}
		return ""
	}
	return fmt.Sprintf("is outside %s<secret>/ and %s<configmap>/", amSecretsDir, amConfigMapsDir)
}

// walkFiles calls f for every string value of a key ending in _file,
// with its path in the document.
func walkFiles(v any, at string, f func(at, p string)) {
	switch v := v.(type) {
	case map[string]any:
		for _, k := range sortedKeys(v) {
			child := k
			if at != "" {
				child = at + "." + k
			}
			if s, ok := v[k].(string); ok && strings.HasSuffix(k, "_file") {
				f(child, s)
				continue
			}
			walkFiles(v[k], child, f)
		}
	case []any:
		for i, e := range v {
			walkFiles(e, fmt.Sprintf("%s[%d]", at, i), f)
		}
	}
}
