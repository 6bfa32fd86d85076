package lint

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/prometheus/prometheus/config"
	"github.com/prometheus/prometheus/discovery"
	"github.com/prometheus/prometheus/model/labels"
	promrelabel "github.com/prometheus/prometheus/model/relabel"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/model"
	"github.com/mongen-dev/mongen/internal/render/plain"
)

// labelledTargets are targets whose labels set job, one of each way the
// renderers attach labels: static_configs labels (a static target, a
// static probe) and relabelling (an ingress probe, an annotated probe).
func labelledTargets() map[string]model.Target {
	labels := func(job string) map[string]string { return map[string]string{"job": job, "team": "net"} }
	probe := model.Target{Kind: model.KindProbe, Module: "http_2xx", Prober: "blackbox:9115"}
	web, ing, ann := probe, probe, probe
	web.Static, web.Labels = []string{"https://example.com"}, labels("web-probe")
	ing.Ingress, ing.Labels = &model.IngressProbe{Selector: map[string]string{"app": "x"}}, labels("ing-probe")
	ann.Annotated, ann.Labels = true, labels("ann-probe")
	return map[string]model.Target{
		"edge": {Kind: model.KindStatic, Addresses: []string{"10.0.0.1:9100"}, Labels: labels("edge-nodes")},
		"web":  web, "ing": ing, "ann": ann,
	}
}

// targetJobPlan is testPlan's environment in the given flavour with the
// labelled targets, and rule "R" on expr.
func targetJobPlan(t *testing.T, flavour, expr string) *expand.Plan {
	t.Helper()
	env := testEnv()
	env.Flavour = flavour
	for name, tg := range labelledTargets() {
		env.Targets[name] = tg
	}
	plan, err := expand.Expand(env)
	if err != nil {
		t.Fatal(err)
	}
	plan.Groups = []expand.Group{{Name: "g", Origin: "env.cue:1:1", Rules: []expand.Rule{alert("R", expr)}}}
	return plan
}

// TestStaticLabelsJob: a target's labels.job is the job label its series
// carry where the rendered configuration keeps it. The plain flavour
// writes static labels to static_configs, where they win over job_name
// (Prometheus's scrape.PopulateDiscoveredLabels sets job only when no
// target label did); the operator flavour's ScrapeConfig and Probe set
// jobName, from which the operator writes a job relabelling that runs
// after and overwrites them. Labels that ingress and annotated probes set
// by relabelling come after the job's own step in both flavours. Without
// a known flavour both values are accepted.
func TestStaticLabelsJob(t *testing.T) {
	both := []string{"edge", "edge-nodes", "web", "web-probe"}
	for _, c := range []struct {
		flavour    string
		match, not []string // job values selected with and without a finding
	}{
		{model.FlavourPlain, []string{"edge-nodes", "web-probe", "ing-probe", "ann-probe"}, []string{"edge", "web", "ing", "ann"}},
		{model.FlavourOperator, []string{"edge", "web", "ing-probe", "ann-probe"}, []string{"edge-nodes", "web-probe", "ing", "ann"}},
		{"", both, []string{"ing", "ann"}},
	} {
		for _, job := range append(append([]string{}, c.match...), c.not...) {
			t.Run(fmt.Sprintf("%s/%s", c.flavour, job), func(t *testing.T) {
				plan := targetJobPlan(t, c.flavour, fmt.Sprintf(`up{job=%q} == 0`, job))
				var found []string
				for _, f := range Run(plan, Config{Only: []string{"promql/selector"}}) {
					found = append(found, f.Message)
				}
				want := !contains(c.match, job)
				if got := len(found) > 0; got != want {
					t.Errorf("up{job=%q}: finding %v, want %v: %q", job, got, want, found)
				}
				if want && len(found) > 0 && !strings.Contains(found[0], "no job of the environment has that name") {
					t.Errorf("finding %q, want one saying no job has the name", found[0])
				}
			})
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestPlainTargetJobsAsPrometheusGivesThem renders each labelled target
// with the plain renderer, loads it with Prometheus's config.Load and
// gives a target of it the labels Prometheus gives before scraping:
// the target group's labels, job from job_name only when they set none
// (scrape.PopulateDiscoveredLabels, which this module cannot import),
// then relabel_configs with Prometheus's own relabel.Process. The job
// label that comes out is the only one the catalog accepts; the target's
// name, where it differs, is reported. A renderer that attaches labels
// another way fails here until the catalog follows.
func TestPlainTargetJobsAsPrometheusGivesThem(t *testing.T) {
	// What kubernetes discovery would find for the probes' selectors.
	discovered := labels.FromStrings(
		"__address__", "h:80",
		"__meta_kubernetes_ingress_label_app", "x", "__meta_kubernetes_ingress_scheme", "http",
		"__meta_kubernetes_ingress_path", "/", "__meta_kubernetes_namespace", "ns", "__meta_kubernetes_ingress_name", "i",
		"__meta_kubernetes_service_annotation_prometheus_io_probe", "true", "__meta_kubernetes_service_name", "s",
	)
	plan := targetJobPlan(t, model.FlavourPlain, "up")
	cat := NewCatalog(plan)
	for _, j := range plan.Jobs {
		if _, ok := labelledTargets()[j.Name]; !ok {
			continue
		}
		t.Run(j.Name, func(t *testing.T) {
			text, err := plain.ScrapeConfigFile(j, "30s")
			if err != nil {
				t.Fatal(err)
			}
			cfg, err := config.Load(string(text), slog.New(slog.DiscardHandler))
			if err != nil {
				t.Fatalf("config.Load: %v\n%s", err, text)
			}
			sc := cfg.ScrapeConfigs[0]
			target := discovered
			for _, d := range sc.ServiceDiscoveryConfigs {
				if s, ok := d.(discovery.StaticConfig); ok {
					g := s[0]
					b := labels.NewBuilder(labels.EmptyLabels())
					for k, v := range g.Targets[0] {
						b.Set(string(k), string(v))
					}
					for k, v := range g.Labels {
						b.Set(string(k), string(v))
					}
					target = b.Labels()
				}
			}
			b := labels.NewBuilder(target)
			if b.Get("job") == "" {
				b.Set("job", sc.JobName)
			}
			if !promrelabel.ProcessBuilder(b, sc.RelabelConfigs...) {
				t.Fatalf("the target is dropped:\n%s", text)
			}
			got := b.Get("job")
			if got != j.Target.Labels["job"] {
				t.Fatalf("Prometheus gives job %q, not the target's labels.job %q:\n%s", got, j.Target.Labels["job"], text)
			}
			for _, c := range []struct {
				job  string
				want bool // a problem
			}{{got, false}, {j.Name, true}} {
				vs := mustSelector(t, fmt.Sprintf(`up{job=%q}`, c.job))
				if msg := cat.SelectorProblem(vs); (msg != "") != c.want {
					t.Errorf("up{job=%q}: problem %q, want one %v", c.job, msg, c.want)
				}
			}
		})
	}
}

func mustSelector(t *testing.T, s string) *parser.VectorSelector {
	t.Helper()
	e, err := parser.NewParser(parser.Options{}).ParseExpr(s)
	if err != nil {
		t.Fatal(err)
	}
	return e.(*parser.VectorSelector)
}

// TestStaticLabelsJobRelabelled: a relabelling that writes job still
// applies after labels.job, as it does after the name.
func TestStaticLabelsJobRelabelled(t *testing.T) {
	p := catalogPlan()
	p.Env.Flavour = model.FlavourPlain
	p.Jobs = append(p.Jobs, expand.Job{Name: "edge", Target: model.Target{
		Kind: model.KindStatic, Addresses: []string{"a:1"}, Labels: map[string]string{"job": "edge-nodes"},
		Relabel: []model.Relabel{{TargetLabel: "job", Replacement: strPtr("renamed")}},
	}})
	cat := NewCatalog(p)
	for job, want := range map[string]bool{"edge-nodes": false, "renamed": false, "edge": true} {
		if msg := cat.SelectorProblem(mustSelector(t, fmt.Sprintf(`up{job=%q}`, job))); (msg != "") != want {
			t.Errorf("up{job=%q}: problem %q, want one %v", job, msg, want)
		}
	}
}

// TestRawScrapeConfigStaticLabelsJob: a raw scrape config's
// static_configs labels set job as a target's do; a group without one,
// or any discovery, carries the job name.
func TestRawScrapeConfigStaticLabelsJob(t *testing.T) {
	for _, c := range []struct {
		name, text string
		match, not []string
	}{
		{"labelled", "job_name: raw\nstatic_configs:\n- targets: [a:1]\n  labels: {job: edge}\n", []string{"edge"}, []string{"raw"}},
		{"one group without", "job_name: raw\nstatic_configs:\n- targets: [a:1]\n  labels: {job: edge}\n- targets: [b:1]\n", []string{"edge", "raw"}, nil},
		{"discovery besides", "job_name: raw\nstatic_configs:\n- targets: [a:1]\n  labels: {job: edge}\nfile_sd_configs:\n- files: [x.json]\n", []string{"edge", "raw"}, nil},
		{"unlabelled", "job_name: raw\nstatic_configs:\n- targets: [a:1]\n  labels: {team: net}\n", []string{"raw"}, []string{"net"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := catalogPlan()
			p.Env.RawScrapeConfigs = map[string]string{"raw": c.text}
			cat := NewCatalog(p)
			for _, job := range append(append([]string{}, c.match...), c.not...) {
				want := !contains(c.match, job)
				if msg := cat.SelectorProblem(mustSelector(t, fmt.Sprintf(`up{job=%q}`, job))); (msg != "") != want {
					t.Errorf("up{job=%q}: problem %q, want one %v", job, msg, want)
				}
			}
		})
	}
}

// TestCatalogDigestFollowsStaticLabelsJob: the job a static target's
// labels set, and the flavour that decides whether it holds, are in the
// digest; its other labels, which no check reads, are not.
func TestCatalogDigestFollowsStaticLabelsJob(t *testing.T) {
	build := func(flavour, job, team string) []byte {
		p := catalogPlan()
		p.Env.Flavour = flavour
		p.Jobs = append(p.Jobs, expand.Job{Name: "edge", Target: model.Target{
			Kind: model.KindStatic, Addresses: []string{"a:1"}, Labels: map[string]string{"job": job, "team": team},
		}})
		return NewCatalog(p).Digest()
	}
	base := build(model.FlavourPlain, "edge-nodes", "net")
	if !bytes.Equal(base, build(model.FlavourPlain, "edge-nodes", "net")) {
		t.Fatal("the same plan has two digests")
	}
	if bytes.Equal(base, build(model.FlavourPlain, "edge-hosts", "net")) {
		t.Error("labels.job changed, the digest did not")
	}
	if bytes.Equal(base, build(model.FlavourOperator, "edge-nodes", "net")) {
		t.Error("the flavour changed which job the series carry, the digest did not")
	}
	if !bytes.Equal(base, build(model.FlavourPlain, "edge-nodes", "db")) {
		t.Error("labels.team, which the catalog does not read, changed the digest")
	}
	// In the operator flavour labels.job is overwritten: editing it
	// changes nothing the catalog answers.
	if !bytes.Equal(build(model.FlavourOperator, "edge-nodes", "net"), build(model.FlavourOperator, "edge-hosts", "net")) {
		t.Error("labels.job the operator flavour overwrites changed the digest")
	}
}
