package roundtrip

import (
	"fmt"
	"maps"
	"reflect"

	// The service discovery mechanisms mongen's verifier registers too.
	"github.com/mongen-dev/mongen/internal/importer/convert"
	"github.com/mongen-dev/mongen/internal/importer/read"
	_ "github.com/prometheus/prometheus/discovery/file"
	_ "github.com/prometheus/prometheus/discovery/kubernetes"
)

// CompareScrapeConfigs compares the scrape configs of the input's
// prometheus.yml files with the prometheus.yml the environment builds
// (plain flavour), job by job, after Prometheus's own config loader has
// filled in its defaults on both sides. Credentials that became Secret
// files are normalisations; every other difference is reported by field.
func CompareScrapeConfigs(in *read.Input, imp *convert.Import, built []byte) []Difference {
	var out []Difference
	add := func(pos string, explained bool, format string, args ...any) {
		out = append(out, Difference{Pos: pos, Explained: explained, Msg: fmt.Sprintf(format, args...)})
	}
	got, err := convert.LoadScrapeConfigs(built)
	if err != nil {
		add(imp.Options.Env, false, "the built prometheus.yml does not load: %v", err)
		return out
	}
	secretJobs := map[string]bool{}
	for _, s := range imp.Secrets {
		secretJobs[s.Secret] = true
	}
	for _, f := range in.Prometheus {
		want, err := convert.LoadScrapeConfigs(f.Data)
		if err != nil {
			add(f.Name, true, "not compared: the input does not load with Prometheus's config parser as mongen links it (kubernetes and file service discovery only): %v", err)
			continue
		}
		sc := read.ResolveAlias(read.Get(read.ResolveAlias(f.Doc.Root), "scrape_configs"))
		pos := map[string]string{}
		if sc != nil {
			for _, j := range sc.Content {
				pos[read.Get(j, "job_name").Value] = f.Doc.Pos(j)
			}
		}
		for _, name := range sortedKeys(want) {
			g, ok := got[name]
			if !ok {
				add(pos[name], false, "job %s is not in the built prometheus.yml", name)
				continue
			}
			w := want[name]
			for _, k := range sortedKeys(convert.UnionKeys(w, g)) {
				if reflect.DeepEqual(w[k], g[k]) {
					continue
				}
				switch {
				case (k == "basic_auth" || k == "authorization") && secretJobs[convert.SecretName(name)]:
					add(pos[name], true, "job %s: %s reads its credentials from Secret %s (see the checklist)", name, k, convert.SecretName(name))
				case k == "relabel_configs" && targetSteps(imp, name, w[k], g[k]):
					add(pos[name], true, "job %s: relabel_configs gain the steps every target adds, as a ServiceMonitor or PodMonitor does: endpoint and node labels, and finished Pods dropped", name)
				case k == "static_configs" && reflect.DeepEqual(withoutNameJob(w[k], name), g[k]):
					add(pos[name], true, "job %s: static_configs' labels.job is left out: it is the job name, which Prometheus gives the series where no label sets job", name)
				default:
					add(pos[name], false, "job %s: %s is %v, the input has %v", name, k, g[k], w[k])
				}
			}
		}
	}
	return out
}

// withoutNameJob is a loaded static_configs value with each group's
// labels.job left out where it is the job name or empty: Prometheus sets
// job to job_name where no target label did, so those say nothing a
// target's key does not, and the import drops them (a target cannot carry
// labels.job).
func withoutNameJob(v any, name string) any {
	groups, ok := v.([]any)
	if !ok {
		return v
	}
	out := make([]any, len(groups))
	for i, g := range groups {
		out[i] = g
		m, ok := g.(map[string]any)
		if !ok {
			continue
		}
		labels, ok := m["labels"].(map[string]any)
		if job, has := labels["job"]; !ok || !has || (job != name && job != "") {
			continue
		}
		labels = maps.Clone(labels)
		delete(labels, "job")
		m = maps.Clone(m)
		if m["labels"] = labels; len(labels) == 0 {
			delete(m, "labels")
		}
		out[i] = m
	}
	return out
}

// targetSteps reports whether the built job's relabel_configs are the
// input's plus only the steps a service or pod target adds to a job
// written without them (convert.TargetStep).
func targetSteps(imp *convert.Import, name string, want, got any) bool {
	if imp.Env == nil {
		return false
	}
	t, ok := imp.Env.Targets[name]
	if !ok || t.Port == "" {
		return false
	}
	return reflect.DeepEqual(want, convert.WithoutTargetSteps(got, t.Port))
}
