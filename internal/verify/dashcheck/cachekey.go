package dashcheck

import (
	"crypto/sha256"
	"encoding/binary"
	"slices"

	"github.com/mongen-dev/mongen/internal/expand"
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
	var w digestWriter
	w.str(d.UID)
	w.str(d.Title)
	w.list(d.Counters)
	w.count(len(d.Variables))
	for _, v := range d.Variables {
		w.str(v.Name)
		w.str(v.Type)
		w.list(v.Values)
		w.str(v.Metric)
		w.str(v.Query)
	}
	links := func(ls []model.Link) {
		w.count(len(ls))
		for _, l := range ls {
			w.str(l.Dashboard)
		}
	}
	links(d.Links)
	w.count(len(d.Panels))
	for _, p := range d.Panels {
		w.str(p.Type)
		w.str(p.Title)
		w.str(p.Unit)
		links(p.Links)
		w.count(len(p.Targets))
		for _, q := range p.Targets {
			w.str(q.Expr)
		}
	}
	return w.buf
}

// catalogDigest hashes the plan-wide inputs of the query checks, listed
// above, once per build. Sets are sorted, so only what they hold counts.
func catalogDigest(plan *expand.Plan) []byte {
	var w digestWriter
	env := plan.Env
	if env == nil {
		env = &model.Environment{}
	}

	uids := make([]string, 0, len(plan.Dashboards))
	for _, d := range plan.Dashboards {
		uids = append(uids, d.UID)
	}
	w.set("uids", uids)

	var recorded []string
	for _, g := range plan.Groups {
		for _, r := range g.Rules {
			if r.Kind == model.RuleRecord {
				recorded = append(recorded, r.Name)
			}
		}
	}
	w.set("recorded", recorded)

	jobs := make([]string, 0, len(plan.Jobs))
	for _, j := range plan.Jobs {
		var jw digestWriter
		jw.str(j.Name)
		var metrics []string
		if j.Exporter != "" {
			metrics = env.Exporters[j.Exporter].Metrics
		}
		jw.list(metrics)
		jw.flag(j.Target.HonorLabels)
		jw.count(len(j.Target.Relabel))
		for _, r := range j.Target.Relabel {
			jw.str(r.Action)
			jw.str(r.TargetLabel)
			jw.flag(r.Replacement != nil)
			if r.Replacement != nil {
				jw.str(*r.Replacement)
			}
		}
		jobs = append(jobs, string(jw.buf))
	}
	w.set("jobs", jobs)

	raw := make([]string, 0, len(env.RawScrapeConfigs))
	for name, text := range env.RawScrapeConfigs {
		var rw digestWriter
		rw.str(name)
		rw.str(text)
		raw = append(raw, string(rw.buf))
	}
	w.set("raw", raw)

	fed := make([]string, 0, len(plan.Federation))
	for _, f := range plan.Federation {
		var fw digestWriter
		fw.str(f.Name)
		fw.list(f.Federation.Match)
		fed = append(fed, string(fw.buf))
	}
	w.set("federation", fed)

	sum := sha256.Sum256(w.buf)
	return sum[:]
}

// digestWriter encodes values length-prefixed, so no two different
// sequences encode alike.
type digestWriter struct{ buf []byte }

func (w *digestWriter) count(n int) {
	w.buf = binary.BigEndian.AppendUint64(w.buf, uint64(n))
}

func (w *digestWriter) str(s string) {
	w.count(len(s))
	w.buf = append(w.buf, s...)
}

func (w *digestWriter) flag(b bool) {
	if b {
		w.buf = append(w.buf, 1)
	} else {
		w.buf = append(w.buf, 0)
	}
}

// list keeps the order and tells nil (unknown) from empty.
func (w *digestWriter) list(l []string) {
	w.flag(l != nil)
	w.count(len(l))
	for _, s := range l {
		w.str(s)
	}
}

// set is a named set of strings: sorted, without repeats.
func (w *digestWriter) set(name string, s []string) {
	slices.Sort(s)
	s = slices.Compact(s)
	w.str(name)
	w.count(len(s))
	for _, e := range s {
		w.str(e)
	}
}
