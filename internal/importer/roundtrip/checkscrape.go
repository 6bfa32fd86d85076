package roundtrip

import (
	"fmt"
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
				default:
					add(pos[name], false, "job %s: %s is %v, the input has %v", name, k, g[k], w[k])
				}
			}
		}
	}
	return out
}
