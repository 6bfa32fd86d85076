package importer

import (
	"fmt"
	"log/slog"
	"reflect"

	"github.com/prometheus/prometheus/config"
	"go.yaml.in/yaml/v2"
	yaml3 "go.yaml.in/yaml/v3"

	// The service discovery mechanisms mongen's verifier registers too.
	_ "github.com/prometheus/prometheus/discovery/file"
	_ "github.com/prometheus/prometheus/discovery/kubernetes"
)

// CompareScrapeConfigs compares the scrape configs of the input's
// prometheus.yml files with the prometheus.yml the environment builds
// (plain flavour), job by job, after Prometheus's own config loader has
// filled in its defaults on both sides. Credentials that became Secret
// files are normalisations; every other difference is reported by field.
func CompareScrapeConfigs(in *Input, imp *Import, built []byte) []Difference {
	var out []Difference
	add := func(pos string, explained bool, format string, args ...any) {
		out = append(out, Difference{Pos: pos, Explained: explained, Msg: fmt.Sprintf(format, args...)})
	}
	got, err := loadScrapeConfigs(built)
	if err != nil {
		add(imp.Options.Env, false, "the built prometheus.yml does not load: %v", err)
		return out
	}
	secretJobs := map[string]bool{}
	for _, s := range imp.Secrets {
		secretJobs[s.Secret] = true
	}
	for _, f := range in.Prometheus {
		want, err := loadScrapeConfigs(f.Data)
		if err != nil {
			add(f.Name, true, "not compared: the input does not load with Prometheus's config parser as mongen links it (kubernetes and file service discovery only): %v", err)
			continue
		}
		sc := resolveAlias(get(resolveAlias(f.doc.root), "scrape_configs"))
		pos := map[string]string{}
		if sc != nil {
			for _, j := range sc.Content {
				pos[get(j, "job_name").Value] = f.doc.pos(j)
			}
		}
		for _, name := range sortedKeys(want) {
			g, ok := got[name]
			if !ok {
				add(pos[name], false, "job %s is not in the built prometheus.yml", name)
				continue
			}
			w := want[name]
			for _, k := range sortedKeys(union2(w, g)) {
				if reflect.DeepEqual(w[k], g[k]) {
					continue
				}
				switch {
				case (k == "basic_auth" || k == "authorization") && secretJobs[secretName(name)]:
					add(pos[name], true, "job %s: %s reads its credentials from Secret %s (see the checklist)", name, k, secretName(name))
				default:
					add(pos[name], false, "job %s: %s is %v, the input has %v", name, k, g[k], w[k])
				}
			}
		}
	}
	return out
}

// loadScrapeConfigs loads a prometheus.yml with Prometheus's parser and
// returns each scrape config, marshalled back (defaults filled, secrets
// masked) as a map, by job name.
func loadScrapeConfigs(data []byte) (map[string]map[string]any, error) {
	cfg, err := config.Load(string(data), slog.New(slog.DiscardHandler))
	if err != nil {
		return nil, err
	}
	out := map[string]map[string]any{}
	for _, sc := range cfg.ScrapeConfigs {
		b, err := yaml.Marshal(sc)
		if err != nil {
			return nil, err
		}
		m := map[string]any{}
		if err := yaml3.Unmarshal(b, &m); err != nil {
			return nil, err
		}
		out[sc.JobName] = m
	}
	return out, nil
}

func union2(a, b map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}
