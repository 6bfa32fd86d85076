package expand

import (
	"github.com/mongen-dev/mongen/internal/diag"
	"sort"
	"strings"

	"github.com/mongen-dev/mongen/internal/dashgen"
	"github.com/mongen-dev/mongen/internal/model"
)

// Dashboard is one dashboard to render, with where it came from.
type Dashboard struct {
	model.Dashboard
	// Source says what brought it in: "environment", "exporter node",
	// "signals of job openclaw", "SLO openclaw-availability".
	Source string
	// Origin is the CUE position of the dashboard, or of what generated it.
	Origin string
	// Path is the prefix under which env.Sources holds the positions of
	// its panels (dashboards/<uid>, exporters/<name>/dashboards/<uid>);
	// nil for generated dashboards.
	Path []string
}

// At returns the CUE position of a part of the dashboard (e.g. "panels",
// "2", "targets", "0", "expr"), falling back to the dashboard's own.
func (d *Dashboard) At(env *model.Environment, parts ...string) string {
	if d.Path != nil {
		if pos := env.Source(append(append([]string{}, d.Path...), parts...)...); pos != "" {
			return pos
		}
	}
	return d.Origin
}

// dashboards collects the environment's own dashboards, its exporters',
// one golden-signals dashboard per job with signals and one per SLO, sorted
// by uid. Two with one uid are reported with both positions.
func dashboards(env *model.Environment, jobs []Job) ([]Dashboard, diag.List) {
	var out []Dashboard
	for _, uid := range sortedKeys(env.Dashboards) {
		p := []string{"dashboards", uid}
		out = append(out, Dashboard{Dashboard: env.Dashboards[uid], Source: "environment", Origin: env.Source(p...), Path: p})
	}
	for _, ex := range sortedKeys(env.Exporters) {
		for _, uid := range sortedKeys(env.Exporters[ex].Dashboards) {
			p := []string{"exporters", ex, "dashboards", uid}
			out = append(out, Dashboard{Dashboard: env.Exporters[ex].Dashboards[uid], Source: "exporter " + ex, Origin: env.Source(p...), Path: p})
		}
	}
	// Where Grafana has the global view, the generated dashboards select
	// clusters.
	genOpts := dashgen.Options{Clusters: env.RunsThanosQuery() && env.Flavour == model.FlavourOperator}
	for _, j := range jobs {
		if j.Target.Signals == nil {
			continue
		}
		origin := j.Origin
		if j.Exporter != "" {
			origin = env.Source("exporters", j.Exporter)
		}
		out = append(out, Dashboard{Dashboard: dashgen.GoldenSignals(j.Name, *j.Target.Signals, genOpts), Source: "signals of job " + j.Name, Origin: origin})
	}
	sloIDs := map[string]bool{}
	for _, s := range env.SLOList() {
		// Colliding SLO ids are reported by sloGroups; one dashboard each
		// keeps that the only message.
		if sloIDs[s.ID()] {
			continue
		}
		sloIDs[s.ID()] = true
		d := dashgen.SLO(s, genOpts)
		if s.Global() {
			// Its series exist only in the global view: the dashboard goes
			// where the global evaluator runs and opens on its datasource.
			if !env.HostsGlobal() {
				continue
			}
			ds := env.Global.Datasource
			d.Datasource = &ds
		}
		out = append(out, Dashboard{Dashboard: d, Source: "SLO " + s.ID(), Origin: env.Source("slos", s.Service, s.Name)})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].UID < out[j].UID })
	var problems diag.List
	kept := out[:0]
	for i, d := range out {
		if i > 0 && d.UID == out[i-1].UID {
			prev := out[i-1]
			if strings.HasPrefix(prev.Origin, "environments/") && !strings.HasPrefix(d.Origin, "environments/") {
				d, prev = prev, d // headline at what the user wrote
			}
			problems.Add(diag.Origin(d.Origin), "duplicate dashboard uid %q (%s), also used at %s (%s): Grafana keeps one dashboard per uid; rename one", d.UID, d.Source, prev.Origin, prev.Source)
			continue
		}
		kept = append(kept, d)
	}
	return kept, problems
}
