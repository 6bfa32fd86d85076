package dashcheck

import (
	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/lint"
	"github.com/mongen-dev/mongen/internal/model"
	"github.com/mongen-dev/mongen/internal/verifycache"
)

// The query checks' verdict on one dashboard (checker.dashboard: uid,
// titles, units, variables, links, every panel and variable query) reads
//
//   - the dashboard's model (dashboardInputs): its uid, title and
//     counters; each variable's name, type, values, metric and query; the
//     dashboard each link points at; each panel's type, title, unit,
//     links and queries;
//   - and, for the whole plan (catalogDigest):
//     1. every dashboard's uid: links must resolve;
//     2. the names of the recording rules of plan.Groups: lint.Catalog
//     lets a selector of a recorded name match;
//     3. each scrape job of plan.Jobs: its name, its exporter's metrics
//     list (env.Exporters[...].Metrics; none means
//     unknown, so anything matches), honorLabels (with no list, any job
//     label) and its relabel steps' action, target label and replacement
//     (the job values they write);
//     4. env.RawScrapeConfigs, name and text (the job values their
//     relabel_configs write);
//     5. plan.Federation: each job's name and match[] selectors.
//
// Positions (Source, Origin, env.Sources) and the "did you mean" hints
// appear only in messages, and only passes are cached, so they are not
// inputs. Nor are what the catalog indexes for the rules' own checks and
// the dashboard checks never read: intervals, metric types, rule
// expressions, thresholds and labels. The checker's constants (Prometheus's
// own series, Grafana's builtin variables) are code: the cache's identity
// changes with them.

// dashboardKey names the query checks' verdict on d against the catalog
// with digest; "" (always check) without a cache.
func dashboardKey(vc *verifycache.Cache, digest []byte, d *expand.Dashboard) string {
	if vc == nil {
		return ""
	}
	return vc.Key("dashboard-queries", digest, dashboardInputs(&d.Dashboard))
}

// dashboardInputs encodes the fields of d that the query checks read
// (cachekey_test.go holds every other field to be unread, so a new field
// is not left out unnoticed). Without reflection: this runs for every
// dashboard on every build.
func dashboardInputs(d *model.Dashboard) []byte {
	var w lint.KeyWriter
	w.Str(d.UID)
	w.Str(d.Title)
	w.List(d.Counters)
	w.Count(len(d.Variables))
	for _, v := range d.Variables {
		w.Str(v.Name)
		w.Str(v.Type)
		w.List(v.Values)
		w.Str(v.Metric)
		w.Str(v.Query)
	}
	links := func(ls []model.Link) {
		w.Count(len(ls))
		for _, l := range ls {
			w.Str(l.Dashboard)
		}
	}
	links(d.Links)
	w.Count(len(d.Panels))
	for _, p := range d.Panels {
		w.Str(p.Type)
		w.Str(p.Title)
		w.Str(p.Unit)
		links(p.Links)
		w.Count(len(p.Targets))
		for _, q := range p.Targets {
			w.Str(q.Expr)
		}
	}
	return w.Bytes()
}

// catalogDigest hashes the plan-wide inputs of the query checks, listed
// above, once per build. Sets are sorted, so only what they hold counts.
func catalogDigest(plan *expand.Plan) []byte {
	var w lint.KeyWriter
	env := plan.Env
	if env == nil {
		env = &model.Environment{}
	}

	uids := make([]string, 0, len(plan.Dashboards))
	for _, d := range plan.Dashboards {
		uids = append(uids, d.UID)
	}
	w.Str("uids")
	w.Set(uids)

	var recorded []string
	for _, g := range plan.Groups {
		for _, r := range g.Rules {
			if r.Kind == model.RuleRecord {
				recorded = append(recorded, r.Name)
			}
		}
	}
	w.Str("recorded")
	w.Set(recorded)

	jobs := make([]string, 0, len(plan.Jobs))
	for _, j := range plan.Jobs {
		var jw lint.KeyWriter
		jw.Str(j.Name)
		var metrics []string
		if j.Exporter != "" {
			metrics = env.Exporters[j.Exporter].Metrics
		}
		jw.List(metrics)
		jw.Bool(j.Target.HonorLabels)
		jw.Count(len(j.Target.Relabel))
		for _, r := range j.Target.Relabel {
			jw.Str(r.Action)
			jw.Str(r.TargetLabel)
			jw.Bool(r.Replacement != nil)
			if r.Replacement != nil {
				jw.Str(*r.Replacement)
			}
		}
		jobs = append(jobs, string(jw.Bytes()))
	}
	w.Str("jobs")
	w.Set(jobs)

	raw := make([]string, 0, len(env.RawScrapeConfigs))
	for name, text := range env.RawScrapeConfigs {
		var rw lint.KeyWriter
		rw.Str(name)
		rw.Str(text)
		raw = append(raw, string(rw.Bytes()))
	}
	w.Str("raw")
	w.Set(raw)

	fed := make([]string, 0, len(plan.Federation))
	for _, f := range plan.Federation {
		var fw lint.KeyWriter
		fw.Str(f.Name)
		fw.List(f.Federation.Match)
		fed = append(fed, string(fw.Bytes()))
	}
	w.Str("federation")
	w.Set(fed)

	return w.Sum()
}
