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
//   - and, for the whole plan (planDigest):
//     1. every dashboard's uid: links must resolve;
//     2. the lint.Catalog the selectors are looked up in, by its Digest:
//     lint indexes the recording rules, jobs, raw scrape configs and
//     federation into the catalog and hashes what its answers read, so
//     an input it starts reading is in the key without a change here.
//
// Positions (Source, Origin, env.Sources) and the "did you mean" hints
// appear only in messages, and only passes are cached, so they are not
// inputs. The checker's constants (Prometheus's own series, Grafana's
// builtin variables) are code: the cache's identity changes with them.

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

// planDigest hashes the plan-wide inputs of the query checks, listed
// above, once per build.
func planDigest(plan *expand.Plan, cat *lint.Catalog) []byte {
	var w lint.KeyWriter
	uids := make([]string, 0, len(plan.Dashboards))
	for _, d := range plan.Dashboards {
		uids = append(uids, d.UID)
	}
	w.Set(uids)
	w.Str(string(cat.Digest()))
	return w.Sum()
}
