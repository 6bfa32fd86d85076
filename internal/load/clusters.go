package load

import (
	"sort"

	"cuelang.org/go/cue"

	"github.com/mongen-dev/mongen/internal/diag"
	"github.com/mongen-dev/mongen/internal/model"
)

// clusterOnly are fields a cluster's overrides may not set: they belong to
// the environment as a whole.
var clusterOnly = []string{"name", "cluster", "clusters", "global", "alertingTopology"}

// clusterViews decodes one view per cluster of a multi-cluster
// environment: the shared definitions unified with the cluster's overrides,
// with cluster set to the cluster's key. Unification, not merging: a
// shared concrete value an override contradicts is a conflict at both
// positions, so shared values meant to vary are written as defaults.
func clusterViews(root string, ref Ref, envV, clustersV cue.Value, written, literals map[string]string) ([]*model.Environment, bool, error) {
	clusterV := envV.LookupPath(cue.ParsePath("cluster"))
	if name, err := clusterV.String(); err == nil {
		return nil, false, diag.List{diag.At(posOf(root, clusterV.Pos()), "env.cluster is %q but env.clusters is set too: a multi-cluster environment names its clusters only as keys of clusters", name)}
	}
	it, err := clustersV.Fields()
	if err != nil {
		return nil, false, userErrorIn(root, ref, err, envV)
	}
	type cluster struct {
		name string
		v    cue.Value
	}
	var clusters []cluster
	var problems diag.List
	for it.Next() {
		name, ov := it.Selector().Unquoted(), it.Value()
		for _, f := range clusterOnly {
			if fv := ov.LookupPath(cue.MakePath(cue.Str(f))); fv.Exists() {
				problems.Add(posOf(root, fv.Pos()), "clusters.%s sets %s, which belongs to the whole environment: set it outside clusters", name, f)
			}
		}
		clusters = append(clusters, cluster{name, ov})
	}
	if len(problems) > 0 {
		return nil, false, problems.Err()
	}
	if len(clusters) == 0 {
		return nil, false, diag.List{diag.At(posOf(root, clustersV.Pos()), "env.clusters is empty: name at least one cluster, or drop clusters and set cluster")}
	}
	sort.Slice(clusters, func(i, j int) bool { return clusters[i].name < clusters[j].name })
	names := make([]string, len(clusters))
	for i, c := range clusters {
		names[i] = c.name
	}
	envs := make([]*model.Environment, 0, len(clusters))
	allClean := true
	var details diag.List
	for _, c := range clusters {
		view := envV.Unify(c.v).FillPath(cue.ParsePath("cluster"), c.name)
		env, clean, err := decode(root, ref, view, written, literals)
		allClean = allClean && clean
		if err != nil {
			// Which cluster's view: the same shared line can fail in one
			// cluster and not another.
			details.AddErr(diag.Wrap(err, "cluster "+c.name))
			continue
		}
		env.Clusters = names
		if pos, ok := written[model.SourcePath(EnvField, "clusters", c.name)]; ok {
			env.Sources[model.SourcePath("clusters", c.name)] = pos
		}
		envs = append(envs, env)
	}
	if len(details) > 0 {
		return nil, false, details.Err()
	}
	return envs, allClean, nil
}

// scaleSources records where the environment's global view is written.
func scaleSources(out, written map[string]string) {
	for _, p := range [][]string{{"global"}, {"global", "thanos"}, {"alertingTopology"}} {
		if pos, ok := written[model.SourcePath(append([]string{EnvField}, p...)...)]; ok {
			out[model.SourcePath(p...)] = pos
		}
	}
}
