package importer

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mongen-dev/mongen/internal/corpus"
	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/finding"
	goldenfile "github.com/mongen-dev/mongen/internal/golden"
	"github.com/mongen-dev/mongen/internal/load"
	"github.com/mongen-dev/mongen/internal/pipeline"
)

func readCorpus(t testing.TB) *Input {
	t.Helper()
	names := corpus.Files(t)
	in := &Input{}
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if err := in.Read("kube-prometheus/"+filepath.Base(name), data); err != nil {
			t.Fatal(err)
		}
	}
	return in
}

// TestCorpusRoundTrip imports every kube-prometheus rule, builds the
// environment with the whole pipeline (load, expand, render, verify with
// the upstream parsers, lint) and compares the built rules with the input:
// all 234 rules must come back equal after normalisation, and the
// normalisations are pinned in a golden file.
func TestCorpusRoundTrip(t *testing.T) {
	in := readCorpus(t)
	alerts, records := RuleCount(in.Groups)
	if alerts != 139 || records != 95 {
		t.Fatalf("read %d alerting and %d recording rules; the corpus README says 139 and 95", alerts, records)
	}
	tiering, err := ParseSeverityMap([]string{"none=P2"})
	if err != nil {
		t.Fatal(err)
	}
	imp, err := Convert(in, Options{Env: "kp", Tiering: tiering})
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	goldenfile.WriteFiles(t, root, map[string]string{
		"cue.mod/module.cue": "module: \"example.com/corpus@v0\"\nlanguage: version: \"v0.17.0\"\ndeps: \"mongen.dev/mongen@v0\": v: \"v0.1.0\"\n",
	})
	if _, err := imp.Write(filepath.Join(root, "environments", "kp"), false); err != nil {
		t.Fatal(err)
	}
	res, err := pipeline.Compile(root, load.Ref{Name: "kp", Dir: "environments/kp"}, load.Options{})
	if err != nil {
		t.Fatalf("the imported corpus does not build: %v", err)
	}
	if finding.HasErrors(res.Findings) {
		t.Errorf("the imported corpus has error findings: %v", res.Findings)
	}
	built := 0
	for _, g := range res.Plan.Groups {
		built += len(g.Rules)
	}
	if built != alerts+records {
		t.Errorf("the environment builds %d rules, the input has %d", built, alerts+records)
	}
	diffs := Compare(in, imp, res.Plan)
	var b strings.Builder
	b.WriteString("# mongen import --check on the kube-prometheus corpus (--severity-map none=P2).\n")
	b.WriteString("# Every line is a normalisation with its reason. Regenerate with UPDATE_GOLDEN=1.\n")
	for _, d := range diffs {
		if !d.Explained {
			t.Errorf("unexplained difference: %s", d)
		}
		b.WriteString(d.String() + "\n")
	}
	goldenfile.CompareFile(t, filepath.Join("testdata", "kube-prometheus-check.golden"), b.String())
}

// TestCompareFindsEdits proves the comparison is not blind: an edited
// expression, label, annotation and `for` and a removed rule are each
// reported as real differences.
func TestCompareFindsEdits(t *testing.T) {
	in := &Input{}
	src := `groups:
- name: app
  rules:
  - alert: AppDown
    expr: up{job="app"} == 0
    for: 5m
    labels: {severity: critical, team: web}
    annotations: {summary: down}
  - record: job:x:rate5m
    expr: rate(x_total[5m])
`
	if err := in.Read("rules.yaml", []byte(src)); err != nil {
		t.Fatal(err)
	}
	imp, err := Convert(in, Options{Env: "app"})
	if err != nil {
		t.Fatal(err)
	}
	plan := buildPlan(t, imp)
	if ds := Compare(in, imp, plan); Unexplained(ds) != 0 {
		t.Fatalf("unchanged import differs: %v", ds)
	}
	// The rules are built in the input's order (AppDown first, kept by
	// order: fields); edit AppDown and drop the recording rule.
	r := plan.Groups[0].Rules[0]
	if r.Key != "AppDown" {
		t.Fatalf("built order %+v: AppDown is not first, as in the input", plan.Groups[0].Rules)
	}
	r.Expr = `up{job="app"} < 1`
	r.For = "10m"
	r.Labels = map[string]string{"severity": "critical", "team": "db"}
	r.Annotations = map[string]string{"summary": "gone"}
	plan.Groups[0].Rules = []expand.Rule{r}
	var got []string
	for _, d := range Compare(in, imp, plan) {
		if !d.Explained {
			got = append(got, d.Msg)
		}
	}
	want := []string{
		`rule AppDown: expression is "up{job=\"app\"} < 1", the input has "up{job=\"app\"} == 0"`,
		`rule AppDown: for is "10m", the input has "5m"`,
		`rule AppDown: label team is "db", the input has "web"`,
		`rule AppDown: annotation summary is "gone", the input has "down"`,
		`rule job:x:rate5m is not in group app of the environment (key job:x:rate5m)`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("differences:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestCorpusVet runs `mongen vet FILE...`'s checks on the kube-prometheus
// manifests as they are: the findings of internal/lint's corpus golden,
// less promql/selector (no prometheus.yml is given), at the YAML positions.
func TestCorpusVet(t *testing.T) {
	in := readCorpus(t)
	tiering, err := ParseSeverityMap([]string{"none=P2"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := Vet(in, VetOptions{Tiering: tiering})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("# mongen vet --severity-map none=P2 on the kube-prometheus manifests. Regenerate with UPDATE_GOLDEN=1.\n")
	for _, f := range res.Findings {
		if f.Check == "promql/selector" {
			t.Errorf("promql/selector ran without a prometheus.yml: %s", f)
		}
		if !strings.HasPrefix(f.Position, "kube-prometheus/") || strings.Count(f.Position, ":") != 2 {
			t.Errorf("finding without a YAML file:line:col: %s", f)
		}
		b.WriteString(f.String() + "\n")
	}
	goldenfile.CompareFile(t, filepath.Join("testdata", "kube-prometheus-vet.golden"), b.String())
}
