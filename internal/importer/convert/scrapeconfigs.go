package convert

import (
	"log/slog"

	"github.com/prometheus/prometheus/config"
	_ "github.com/prometheus/prometheus/discovery/file"
	_ "github.com/prometheus/prometheus/discovery/kubernetes"
	"go.yaml.in/yaml/v2"
	yaml3 "go.yaml.in/yaml/v3"
)

// loadScrapeConfigs loads a prometheus.yml with Prometheus's parser and
// returns each scrape config, marshalled back (defaults filled, secrets
// masked) as a map, by job name.
func LoadScrapeConfigs(data []byte) (map[string]map[string]any, error) {
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

func UnionKeys(a, b map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}
