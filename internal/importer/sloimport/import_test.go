package sloimport

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	commonmodel "github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/rulefmt"

	"github.com/mongen-dev/mongen/internal/diag"
	"github.com/mongen-dev/mongen/internal/golden"
	"github.com/mongen-dev/mongen/internal/load"
	"github.com/mongen-dev/mongen/internal/pipeline"
	"github.com/mongen-dev/mongen/internal/slo"
)

// repo makes an empty mongen repository (cue.mod only) for builds.
func repo(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	golden.WriteFiles(t, root, map[string]string{
		"cue.mod/module.cue": "module: \"example.com/monitoring@v0\"\nlanguage: version: \"v0.17.0\"\ndeps: \"mongen.dev/mongen@v0\": v: \"v0.1.0\"\n",
	})
	return root
}

// readDocs reads testdata files as the import command does.
func readDocs(t *testing.T, files ...string) []Doc {
	t.Helper()
	var docs []Doc
	for _, f := range files {
		name := filepath.ToSlash(filepath.Join("testdata", f))
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		ds, err := Read(name, data)
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, ds...)
	}
	return docs
}

// importAndBuild converts the inputs, writes the environment the import
// writes into a fresh repository, builds it as mongen build does, and
// compares the written files and the notes with testdata/want/<name>.txt.
func importAndBuild(t *testing.T, name string, inputs ...string) (*Result, *pipeline.Result) {
	t.Helper()
	res, err := Convert(readDocs(t, inputs...))
	if err != nil {
		t.Fatal(err)
	}
	root := repo(t)
	opt := Options{Env: "imported", Sources: inputs}
	files, notes, err := Build(root, res, opt)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, n := range append(slices.Clone(res.Notes), notes...) {
		fmt.Fprintln(&b, "note:", n)
	}
	written := map[string]string{}
	for _, f := range slices.Sorted(maps.Keys(files)) {
		fmt.Fprintf(&b, "-- %s --\n%s", f, files[f])
		written["environments/imported/"+f] = string(files[f])
	}
	golden.CompareFile(t, filepath.Join("testdata", "want", name+".txt"), b.String())
	golden.WriteFiles(t, root, written)
	ref, err := load.ParseRef("environments/imported")
	if err != nil {
		t.Fatal(err)
	}
	built, err := pipeline.Compile(root, ref, load.Options{})
	if err != nil {
		t.Fatalf("the written environment does not build: %v", err)
	}
	return res, built
}

// Sloth's example specs import and build, and their alerts fire in the
// minute Sloth's own generated rules (examples/_gen) fire: page and
// ticket, in a full outage and in a partial one, every SLO.
func TestSlothExamplesFireAtSlothsMinute(t *testing.T) {
	for i, ex := range []string{"getting-started", "k8s-getting-started", "kubernetes-apiserver", "raw-home-wifi", "home-wifi"} {
		t.Run(ex, func(t *testing.T) {
			if i > 0 && testing.Short() {
				t.Skip("-short: getting-started only (each example simulates 36h of evaluations per SLO)")
			}
			res, built := importAndBuild(t, "sloth-"+ex, "sloth/"+ex+".yml", "sloth/_gen/"+ex+".yml")
			source, err := SourceRules(res.Generated)
			if err != nil {
				t.Fatal(err)
			}
			subjects := subjectsOf(t, res, built, source)
			firings, notes, err := Check(context.Background(), subjects)
			if err != nil {
				t.Fatal(err)
			}
			if len(notes) > 0 {
				t.Fatalf("SLOs not compared: %v", notes)
			}
			if want := 4 * len(res.SLOs); len(firings) != want {
				t.Fatalf("%d firings, want %d", len(firings), want)
			}
			for _, f := range firings {
				t.Log(f)
				if !f.Same() {
					t.Errorf("%s", f)
				}
				if f.Scenario == "full outage" && f.Burn == slo.BurnPage && f.Mongen == Never {
					t.Errorf("%s: the page does not fire in a full outage", f.ID)
				}
			}
		})
	}
}

func subjectsOf(t *testing.T, res *Result, built *pipeline.Result, source map[string]*rulefmt.RuleGroups) []Subject {
	t.Helper()
	var out []Subject
	for _, s := range res.SLOs {
		m, err := MongenRules(built.Plan, s.ID())
		if err != nil {
			t.Fatal(err)
		}
		spec, err := slo.NewSpec(s.SLO)
		if err != nil {
			t.Fatal(err)
		}
		budget, _ := spec.Budget.Float64()
		if source[s.ID()] == nil {
			t.Fatalf("no Sloth rules for %s", s.ID())
		}
		out = append(out, Subject{ID: s.ID(), Budget: budget, Mongen: m, Source: source[s.ID()], SourceName: "Sloth"})
	}
	return out
}

// The check tells apart alerts that fire at different minutes: a page
// held by a 5m for fires five minutes after Sloth's.
func TestCheckSeesALaterPage(t *testing.T) {
	res, built := importAndBuild(t, "sloth-getting-started", "sloth/getting-started.yml", "sloth/_gen/getting-started.yml")
	source, err := SourceRules(res.Generated)
	if err != nil {
		t.Fatal(err)
	}
	subjects := subjectsOf(t, res, built, source)
	for gi, g := range subjects[0].Mongen.Groups {
		for ri, r := range g.Rules {
			if r.Alert != "" && r.Labels[slo.LabelBurn] == slo.BurnPage {
				subjects[0].Mongen.Groups[gi].Rules[ri].For = commonmodel.Duration(5 * time.Minute)
			}
		}
	}
	firings, _, err := Check(context.Background(), subjects)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range firings {
		if f.Burn != slo.BurnPage {
			continue
		}
		if f.Same() || f.Mongen-f.Source != 5*time.Minute {
			t.Errorf("%s: want mongen five minutes after the source", f)
		}
	}
}

// Pyrra's examples import and build (no rules Pyrra generated are kept
// to compare with).
func TestImportBuilds(t *testing.T) {
	for name, inputs := range map[string][]string{
		"pyrra": {"pyrra/apiserver-request-errors.yaml", "pyrra/apiserver-request-latency.yaml", "pyrra/caddy-response-latency.yaml", "pyrra/coredns-response-errors.yaml"},
	} {
		t.Run(name, func(t *testing.T) {
			res, built := importAndBuild(t, name, inputs...)
			for _, s := range res.SLOs {
				if _, err := MongenRules(built.Plan, s.ID()); err != nil {
					t.Error(err)
				}
			}
		})
	}
}

func TestDetect(t *testing.T) {
	for file, want := range map[string]Kind{
		"sloth/getting-started.yml":          SlothSpec,
		"sloth/k8s-getting-started.yml":      SlothCRD,
		"sloth/_gen/getting-started.yml":     SlothRules,
		"sloth/_gen/k8s-getting-started.yml": SlothRules,
		"pyrra/caddy-response-latency.yaml":  PyrraSLO,
	} {
		data, err := os.ReadFile(filepath.Join("testdata", file))
		if err != nil {
			t.Fatal(err)
		}
		if got, ok := Detect(data); !ok || got != want {
			t.Errorf("%s: Detect = %q, %v; want %q", file, got, ok, want)
		}
	}
	for _, other := range []string{"groups:\n- name: app\n  rules: []\n", "route:\n  receiver: x\n", "", "{}"} {
		if k, ok := Detect([]byte(other)); ok {
			t.Errorf("%q: detected as %s", other, k)
		}
	}
}

// What cannot be imported is an error at its position in the input, and
// nothing is converted.
func TestConvertErrors(t *testing.T) {
	for _, tc := range []struct{ name, yaml, want string }{
		{"plugin", "version: prometheus/v1\nservice: app\nslos:\n- name: avail\n  objective: 99\n  sli:\n    plugin:\n      id: sloth-common/kubernetes/apiserver/availability\n  alerting:\n    name: A\n",
			"in.yml:7:5: Sloth SLI plugin \"sloth-common/kubernetes/apiserver/availability\" cannot be imported"},
		{"service name", "version: prometheus/v1\nservice: My_Service\nslos: []\n",
			"in.yml:2:10: service \"My_Service\" is not a mongen name"},
		{"objective", "version: prometheus/v1\nservice: app\nslos:\n- name: a\n  objective: high\n  sli: {raw: {error_ratio_query: \"x[{{.window}}]\"}}\n",
			"in.yml:5:14: objective \"high\" is not a decimal percentage"},
		{"slo label", "version: prometheus/v1\nservice: app\nlabels: {slo_team: x}\nslos:\n- name: a\n  objective: 99\n  sli: {raw: {error_ratio_query: \"x[{{.window}}]\"}}\n",
			"in.yml:3:10: label \"slo_team\": slo_* labels are mongen's own"},
		{"duplicate", "version: prometheus/v1\nservice: app\nslos:\n- name: a\n  objective: 99\n  sli: {raw: {error_ratio_query: \"x[{{.window}}]\"}}\n- name: a\n  objective: 98\n  sli: {raw: {error_ratio_query: \"x[{{.window}}]\"}}\n",
			"in.yml:7:3: SLO id \"app-a\" (service-name) is also the id of the SLO at in.yml:4:3 (see in.yml:4:3); rename one"},
		{"pyrra bool gauge", "apiVersion: pyrra.dev/v1alpha1\nkind: ServiceLevelObjective\nmetadata: {name: up, namespace: web}\nspec:\n  target: \"99\"\n  window: 4w\n  indicator:\n    bool_gauge:\n      metric: up\n",
			"in.yml:7:3: Pyrra's latencyNative and bool_gauge indicators cannot be imported yet"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			docs, err := Read("in.yml", []byte(tc.yaml))
			if err != nil {
				t.Fatal(err)
			}
			_, err = Convert(docs)
			if _, ok := diag.As(err); !ok {
				t.Fatalf("err = %v, want a diag.List", err)
			}
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("err = %v\nwant prefix %s", err, tc.want)
			}
		})
	}
}

// Fields mongen has no place for are named, at their keys.
func TestConvertNotesDroppedFields(t *testing.T) {
	docs, err := Read("in.yml", []byte("version: prometheus/v1\nservice: app\nslo_plugins: {chain: []}\nslos:\n- name: a\n  objective: 99\n  sli: {raw: {error_ratio_query: \"x[{{.window}}]\"}}\n  alerting:\n    name: A\n    page_alert: {for: 5m, silence: true}\n"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Convert(docs)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, n := range res.Notes {
		got = append(got, n.String())
	}
	want := []string{
		"in.yml:3:1: slo_plugins is not imported: mongen has no such setting; what it does is lost",
		"in.yml:10:27: slos[0].alerting.page_alert.silence is not imported: mongen has no such setting; what it does is lost",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("notes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// A page's for (newer Sloth) is kept; the ticket without one gets 0s.
	if p, tk := res.SLOs[0].Alerting.Page.For, res.SLOs[0].Alerting.Ticket.For; p != "5m" || tk != "0s" {
		t.Errorf("page for %q, ticket for %q; want 5m, 0s", p, tk)
	}
}

func TestPyrraLatency(t *testing.T) {
	ind, err := pyrraLatency(`x_bucket{job="a",le="0.05"}`, `x_count{job="a"}`)
	if err != nil || ind.Kind != "latency" || ind.Bucket != `x_bucket{job="a"}` || ind.Threshold != "0.05" {
		t.Errorf("same matchers: %+v, %v", ind, err)
	}
	ind, err = pyrraLatency(`x_bucket{job="a",le="0.05"}`, `x_count{job="b"}`)
	if err != nil || ind.Kind != "custom" || ind.Errors != `sum(rate(x_count{job="b"}[{{.window}}])) - sum(rate(x_bucket{job="a",le="0.05"}[{{.window}}]))` {
		t.Errorf("other matchers: %+v, %v", ind, err)
	}
}

func TestRegexSample(t *testing.T) {
	for re, want := range map[string]string{"5..": "5xx", "(5..|429)": "5xx", "LIST|GET": "LIST", "resource|": "resource", "a+b?": "a", "[45]xx": "4xx"} {
		got, ok := regexSample(re)
		if !ok || got != want {
			t.Errorf("regexSample(%q) = %q, %v; want %q", re, got, ok, want)
		}
	}
}

// measureAhead's storage, measured first and then run on by mongen's
// rules, gives the ratio and the firings that storages of their own give,
// in both scenarios; a storage with another scenario's series gives other
// firings, so the comparison can fail.
func TestMeasureAheadSharesStorage(t *testing.T) {
	res, built := importAndBuild(t, "sloth-getting-started", "sloth/getting-started.yml", "sloth/_gen/getting-started.yml")
	source, err := SourceRules(res.Generated)
	if err != nil {
		t.Fatal(err)
	}
	s := subjectsOf(t, res, built, source)[0]
	ctx := context.Background()
	sim, err := newSimulation(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	type outcome struct {
		ratio  float64
		firing map[string]time.Duration
	}
	alone := func(data string) outcome {
		loader, err := newLoader(data)
		if err != nil {
			t.Fatal(err)
		}
		ratio, err := sim.measure(ctx, loader)
		loader.Close()
		if err != nil {
			t.Fatal(err)
		}
		m, err := sim.run(ctx, nil, data, s.Mongen)
		if err != nil {
			t.Fatal(err)
		}
		return outcome{ratio, m}
	}
	shared := func(data string) outcome {
		loader, ratio, err := sim.measureAhead(ctx, data)
		if err != nil {
			t.Fatal(err)
		}
		m, err := sim.run(ctx, loader, data, s.Mongen)
		if err != nil {
			t.Fatal(err)
		}
		return outcome{ratio, m}
	}
	full, partial := sim.load(1), sim.load(min(20*s.Budget, 0.5))
	var outcomes []outcome
	for _, data := range []string{full, partial} {
		a, b := alone(data), shared(data)
		if a.ratio != b.ratio || !maps.Equal(a.firing, b.firing) {
			t.Errorf("shared storage: ratio %v, firings %v; storages of their own: ratio %v, firings %v", b.ratio, b.firing, a.ratio, a.firing)
		}
		outcomes = append(outcomes, b)
	}
	if maps.Equal(outcomes[0].firing, outcomes[1].firing) {
		t.Errorf("the full and the partial outage fire alike (%v): the comparison above cannot tell storages apart", outcomes[0].firing)
	}
	// A run on a storage measured with the other scenario's series sees
	// that scenario.
	loader, _, err := sim.measureAhead(ctx, partial)
	if err != nil {
		t.Fatal(err)
	}
	m, err := sim.run(ctx, loader, full, s.Mongen)
	if err != nil {
		t.Fatal(err)
	}
	if maps.Equal(m, outcomes[0].firing) {
		t.Errorf("a run on the partial outage's storage fires as the full outage does: %v", m)
	}
}
