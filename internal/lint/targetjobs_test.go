package lint

import (
	"bytes"
	"fmt"
	"log/slog"
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

// labelledTargets are targets with labels, one of each way the renderers
// attach them: static_configs labels (a static target, a static probe)
// and relabelling (an ingress probe, an annotated probe). None sets job:
// the schema refuses it (#TargetLabels).
func labelledTargets() map[string]model.Target {
	labels := map[string]string{"team": "net"}
	probe := model.Target{Kind: model.KindProbe, Module: "http_2xx", Prober: "blackbox:9115"}
	web, ing, ann := probe, probe, probe
	web.Static, web.Labels = []string{"https://example.com"}, labels
	ing.Ingress, ing.Labels = &model.IngressProbe{Selector: map[string]string{"app": "x"}}, labels
	ann.Annotated, ann.Labels = true, labels
	return map[string]model.Target{
		"edge": {Kind: model.KindStatic, Addresses: []string{"10.0.0.1:9100"}, Labels: labels},
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
// label that comes out is the target's name, as the catalog assumes and
// docs/environments.md promises; another is reported. A renderer that
// attaches job another way fails here.
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
			if got != j.Name {
				t.Fatalf("Prometheus gives job %q, not the target's name %q:\n%s", got, j.Name, text)
			}
			for _, c := range []struct {
				job  string
				want bool // a problem
			}{{got, false}, {got + "-nodes", true}} {
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

// TestCatalogDigestFollowsRawStaticLabelsJob: the job a raw scrape
// config's static_configs labels set is in the digest; its other labels,
// which no check reads, are not.
func TestCatalogDigestFollowsRawStaticLabelsJob(t *testing.T) {
	build := func(job, team string) []byte {
		p := catalogPlan()
		p.Env.RawScrapeConfigs = map[string]string{"raw": fmt.Sprintf("job_name: raw\nstatic_configs:\n- targets: [a:1]\n  labels: {job: %s, team: %s}\n", job, team)}
		return NewCatalog(p).Digest()
	}
	base := build("edge-nodes", "net")
	if !bytes.Equal(base, build("edge-nodes", "net")) {
		t.Fatal("the same plan has two digests")
	}
	if bytes.Equal(base, build("edge-hosts", "net")) {
		t.Error("labels.job changed, the digest did not")
	}
	if !bytes.Equal(base, build("edge-nodes", "db")) {
		t.Error("labels.team, which the catalog does not read, changed the digest")
	}
}
