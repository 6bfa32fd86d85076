package importer

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql/parser"
	"go.yaml.in/yaml/v3"

	"github.com/mongen-dev/mongen/internal/corpus"
	"github.com/mongen-dev/mongen/internal/finding"
	goldenfile "github.com/mongen-dev/mongen/internal/golden"
	"github.com/mongen-dev/mongen/internal/importer/read"
	"github.com/mongen-dev/mongen/internal/load"
	"github.com/mongen-dev/mongen/internal/pipeline"
)

// The differential test against Prometheus's own rule loader (rulefmt, as
// `promtool check rules` and the server load rule files): whatever it
// accepts, `mongen vet FILE` and `mongen import` accept, and the imported
// environment builds and compares equal to the file; whatever it rejects,
// they reject, at a position inside the rule (or group) Prometheus names.
//
// Inputs: Prometheus's own rule-format test data (model/rulefmt/testdata in
// the module cache), the PrometheusRules of the corpus (kube-prometheus,
// and the kube-prometheus-stack chart's rendered defaults) and the cases
// below.

// diffCases are written here: the reports and the edges of the
// format. want is what rulefmt says, checked too, so a case cannot silently
// test nothing.
var diffCases = []struct {
	name, src string
	accept    bool
	// normalised are import --check normalisations the case must report
	// (substrings), for inputs whose meaning mongen changes on purpose.
	normalised []string
}{
	{"for-zero.yaml", "groups:\n- name: a\n  rules:\n  - alert: A\n    expr: up == 0\n    for: 0\n    labels: {severity: critical}\n    annotations: {summary: s, description: d, runbook_url: 'https://r.example/a'}\n  - alert: B\n    expr: up == 0\n    for: \"0\"\n    labels: {severity: info}\n    annotations: {summary: s}\n", true, nil},
	{"for-zero-record.yaml", "groups:\n- name: a\n  rules:\n  - record: a:b:c\n    expr: up\n    for: 0s\n    keep_firing_for: 0\n", true, nil},
	{"empty-mapping.yaml", "{}\n", true, nil},
	{"null.yaml", "null\n", true, nil},
	{"nothing.yaml", "", true, nil},
	{"comment-only.yaml", "# mixtool: no alerts\n", true, nil},
	{"groups-null.yaml", "groups:\n", true, nil},
	{"groups-empty.yaml", "groups: []\n", true, nil},
	{"group-no-rules.yaml", "groups:\n- name: a\n", true, nil},
	{"merge-keys.yaml", `groups:
- name: a
  rules:
  - &base
    alert: Base
    expr: up == 0
    for: 5m
    labels: &labels {severity: info, team: web}
    annotations: {summary: down}
  - <<: *base
    alert: Merged
    labels:
      <<: *labels
      team: db
  - <<: [*base]
    alert: MergedList
`, true, nil},
	{"group-settings.yaml", "groups:\n- name: slow\n  interval: 3m\n  limit: 10\n  query_offset: 1m\n  rules:\n  - record: job:up:sum\n    expr: sum by (job) (up)\n- name: zero\n  interval: 0s\n  limit: -1\n  query_offset: 0s\n  rules:\n  - record: job:up:count\n    expr: count by (job) (up)\n", true, nil},
	{"dependency-order.yaml", "groups:\n- name: node\n  rules:\n  - record: instance:node_num_cpu:sum\n    expr: count without (cpu, mode) (node_cpu_seconds_total{mode=\"idle\"})\n  - record: instance:node_load1_per_cpu:ratio\n    expr: node_load1 / instance:node_num_cpu:sum\n  - alert: NodeLoadHigh\n    expr: instance:node_load1_per_cpu:ratio > 2\n    for: 15m\n    labels: {severity: warning}\n    annotations: {summary: load}\n  - alert: AAA\n    expr: up == 0\n    for: 15m\n    labels: {severity: warning}\n    annotations: {summary: a}\n", true, nil},
	{"stale-order.yaml", "groups:\n- name: node\n  rules:\n  - record: b:ratio\n    expr: node_load1 / a:sum\n  - record: a:sum\n    expr: count(node_cpu_seconds_total)\n", true, []string{"group node: rules in the input's order except where a rule read a series the group records later (on the previous evaluation's value): b:ratio reads a:sum; mongen evaluates the recording rule first"}},
	{"utf8-names.yaml", "groups:\n- name: a\n  rules:\n  - record: hola\n    expr: '1'\n    labels: {ins-tance: localhost}\n  - alert: B\n    expr: up == 0\n    labels: {severity: info}\n    annotations: {ins-tance: x, summary: s}\n", true, nil},
	{"record-label-template.yaml", "groups:\n- name: a\n  rules:\n  - record: a:b:c\n    expr: up\n    labels: {x: '{{ not a template'}\n", true, nil},
	{"duplicate-alert.yaml", "groups:\n- name: a\n  rules:\n  - alert: A\n    expr: up{job=\"a\"} == 0\n    labels: {severity: info, job: a}\n    annotations: {summary: s}\n  - alert: A\n    expr: up{job=\"b\"} == 0\n    labels: {severity: info, job: b}\n    annotations: {summary: s}\n", true, nil},

	{"name-label.yaml", "groups:\n- name: a\n  rules:\n  - record: a:b:c\n    expr: up\n    labels:\n      __name__: x\n", false, nil},
	{"group-name-label.yaml", "groups:\n- name: a\n  labels: {__name__: x}\n  rules:\n  - record: a:b:c\n    expr: up\n", false, nil},
	{"record-keep-firing-for.yaml", "groups:\n- name: a\n  rules:\n  - record: a:b:c\n    expr: up\n    keep_firing_for: 5m\n", false, nil},
	{"record-for.yaml", "groups:\n- name: a\n  rules:\n  - record: a:b:c\n    expr: up\n    for: 1m\n", false, nil},
	{"bad-for.yaml", "groups:\n- name: a\n  rules:\n  - alert: A\n    expr: up == 0\n    for: 5\n", false, nil},
	{"bad-interval.yaml", "groups:\n- name: a\n  interval: 30m1h\n  rules:\n  - record: a:b:c\n    expr: up\n", false, nil},
	{"bad-query-offset.yaml", "groups:\n- name: a\n  query_offset: soon\n  rules:\n  - record: a:b:c\n    expr: up\n", false, nil},
	{"bad-limit.yaml", "groups:\n- name: a\n  limit: many\n  rules:\n  - record: a:b:c\n    expr: up\n", false, nil},
	{"empty-expr.yaml", "groups:\n- name: a\n  rules:\n  - record: a:b:c\n    expr: ''\n", false, nil},
	{"bad-expr.yaml", "groups:\n- name: a\n  rules:\n  - record: a:b:c\n    expr: sum(\n", false, nil},
	{"bad-template.yaml", "groups:\n- name: a\n  rules:\n  - alert: A\n    expr: up == 0\n    labels: {severity: info}\n    annotations:\n      summary: '{{ .Foo '\n", false, nil},
	{"unknown-rule-field.yaml", "groups:\n- name: a\n  rules:\n  - alert: A\n    expr: up == 0\n    summary: x\n", false, nil},
	{"unknown-top-field.yaml", "groups: []\nrules: []\n", false, nil},
	{"no-group-name.yaml", "groups:\n- rules:\n  - record: a:b:c\n    expr: up\n", false, nil},
	{"empty-label-name.yaml", "groups:\n- name: a\n  rules:\n  - record: a:b:c\n    expr: up\n    labels: {'': x}\n", false, nil},
}

type diffInput struct {
	name string
	data []byte // what mongen reads
	// rules is the rule file rulefmt reads: data itself, or a
	// PrometheusRule's spec as the operator writes it.
	rules []byte
	// normalised are import --check normalisations to expect.
	normalised []string
}

// promtoolAccepts is the oracle: rulefmt.Parse as promtool check rules
// calls it (UTF-8 names, unknown fields refused).
func promtoolAccepts(data []byte) []error {
	_, errs := rulefmt.Parse(data, false, model.UTF8Validation, parser.NewParser(parser.Options{}), slog.New(slog.NewTextHandler(io.Discard, nil)))
	return errs
}

func TestPromtoolDifferential(t *testing.T) {
	var inputs []diffInput
	for _, c := range diffCases {
		if errs := promtoolAccepts([]byte(c.src)); (len(errs) == 0) != c.accept {
			t.Errorf("%s: rulefmt says %v, the case expects accept=%v", c.name, errs, c.accept)
		}
		inputs = append(inputs, diffInput{name: c.name, data: []byte(c.src), rules: []byte(c.src), normalised: c.normalised})
	}
	inputs = append(inputs, rulefmtTestdata(t)...)
	inputs = append(inputs, corpusRules(t)...)

	var accepted, rejected, built int
	for _, in := range inputs {
		t.Run(in.name, func(t *testing.T) {
			errs := promtoolAccepts(in.rules)
			if len(errs) == 0 {
				accepted++
				if checkAccepted(t, in) {
					built++
				}
				return
			}
			rejected++
			checkRejected(t, in, errs)
		})
	}
	t.Logf("%d inputs: %d accepted by rulefmt (%d of them imported and built), %d rejected", len(inputs), accepted, built, rejected)
	if accepted < 20 || rejected < 20 {
		t.Errorf("too few cases on one side: %d accepted, %d rejected", accepted, rejected)
	}
}

// refusals are the vet checks that stand for Prometheus refusing the file:
// an expression or a template that does not parse (the reader refuses the
// rest itself). Other findings are mongen's opinions, which do not make a
// file unacceptable. template/syntax also reports templates that parse but
// fail on a sample alert (Prometheus loads those), so on a file rulefmt
// accepts only promql/syntax counts.
var refusals = map[string]bool{"promql/syntax": true, "template/syntax": true}

func diffTiering(t *testing.T) Tiering {
	t.Helper()
	// Prometheus has no tiers: every severity, or none, gets one.
	tiering, err := ParseSeverityMap([]string{"other=P2"})
	if err != nil {
		t.Fatal(err)
	}
	return tiering
}

// vetFile is `mongen vet FILE`: the reader's error, or the findings that
// say Prometheus refuses the file.
func vetFile(t *testing.T, in diffInput) (*Input, []finding.Finding, error) {
	t.Helper()
	input := &Input{}
	if err := input.Read(in.name, in.data); err != nil {
		return nil, nil, err
	}
	res, err := Vet(input, VetOptions{Tiering: diffTiering(t)})
	if err != nil {
		return input, nil, err
	}
	var refused []finding.Finding
	for _, f := range res.Findings {
		if refusals[f.Check] && f.Severity == finding.Error {
			refused = append(refused, f)
		}
	}
	return input, refused, nil
}

func checkAccepted(t *testing.T, in diffInput) bool {
	t.Helper()
	input, refused, err := vetFile(t, in)
	if err != nil {
		t.Fatalf("rulefmt accepts it, mongen vet refuses it: %v", err)
	}
	for _, f := range refused {
		if f.Check == "promql/syntax" {
			t.Fatalf("rulefmt accepts it, mongen vet refuses it: %v", f)
		}
	}
	if len(input.Groups) == 0 {
		return false // nothing to import; read and vetted without error
	}
	imp, err := Convert(input, Options{Env: "diff", Tiering: diffTiering(t)})
	if err != nil {
		t.Fatalf("rulefmt accepts it, mongen import refuses it: %v", err)
	}
	root := t.TempDir()
	goldenfile.WriteFiles(t, root, map[string]string{
		"cue.mod/module.cue": "module: \"example.com/diff@v0\"\nlanguage: version: \"v0.17.0\"\ndeps: \"mongen.dev/mongen@v0\": v: \"v0.1.0\"\n",
	})
	if _, err := imp.Write(filepath.Join(root, "environments", "diff"), false); err != nil {
		t.Fatal(err)
	}
	res, err := pipeline.Compile(root, load.Ref{Name: "diff", Dir: "environments/diff"}, load.Options{})
	if err != nil {
		t.Fatalf("rulefmt accepts it, the environment mongen import writes does not build: %v\n%s", err, imp.Files["rules.cue"])
	}
	var unexplained, explained []string
	for _, d := range Compare(input, imp, res.Plan) {
		if d.Explained {
			explained = append(explained, d.String())
		} else {
			unexplained = append(unexplained, d.String())
		}
	}
	if len(unexplained) > 0 {
		t.Errorf("rulefmt accepts it, import --check reports differences:\n%s", strings.Join(unexplained, "\n"))
	}
	for _, want := range in.normalised {
		if !strings.Contains(strings.Join(explained, "\n"), want) {
			t.Errorf("import --check does not report %q; it reports:\n%s", want, strings.Join(explained, "\n"))
		}
	}
	return true
}

func checkRejected(t *testing.T, in diffInput, errs []error) {
	t.Helper()
	input, refused, err := vetFile(t, in)
	var positions []string
	switch {
	case err != nil:
		positions = append(positions, err.Error())
	case len(refused) > 0:
		for _, f := range refused {
			positions = append(positions, f.Position)
		}
	default:
		t.Fatalf("rulefmt rejects it (%v), mongen vet accepts it", errs)
	}
	spans := ruleSpans(in.rules)
	for _, e := range errs {
		lo, hi, ok := oracleSpan(e, spans)
		if !ok {
			continue // rulefmt gives no place: any position in the file does
		}
		found := false
		for _, p := range positions {
			if l := lineOf(in.name, p); l >= lo && l <= hi {
				found = true
			}
		}
		if !found {
			t.Errorf("rulefmt rejects it at lines %d-%d (%v); mongen at %v", lo, hi, e, positions)
		}
	}
	for _, p := range positions {
		if lineOf(in.name, p) == 0 {
			t.Errorf("mongen's rejection has no line: %s", p)
		}
	}
	if input == nil {
		return // the reader refused it: import reads the same way
	}
	// The reader took it (the refusal is a vet finding): import must
	// refuse it, or what it writes must not build.
	imp, err := Convert(input, Options{Env: "diff", Tiering: diffTiering(t)})
	if err != nil {
		return
	}
	root := t.TempDir()
	goldenfile.WriteFiles(t, root, map[string]string{
		"cue.mod/module.cue": "module: \"example.com/diff@v0\"\nlanguage: version: \"v0.17.0\"\ndeps: \"mongen.dev/mongen@v0\": v: \"v0.1.0\"\n",
	})
	if _, err := imp.Write(filepath.Join(root, "environments", "diff"), false); err != nil {
		t.Fatal(err)
	}
	if _, err := pipeline.Compile(root, load.Ref{Name: "diff", Dir: "environments/diff"}, load.Options{}); err == nil {
		t.Errorf("rulefmt rejects it (%v), and the environment mongen import writes builds", errs)
	}
}

var posLine = regexp.MustCompile(`:(\d+):\d+`)

// lineOf is the line of a mongen position ("file:line:col..." or an error
// starting with one), 0 without one.
func lineOf(file, s string) int {
	rest, ok := strings.CutPrefix(s, file)
	if !ok {
		return 0
	}
	m := posLine.FindStringSubmatch(rest)
	if m == nil || !strings.HasPrefix(rest, m[0]) {
		return 0
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// span is the lines of one group or rule of a rule file.
type span struct {
	name        string // the group's
	group, rule int    // rule 0: the group itself
	lo, hi      int
}

// ruleSpans finds every group and rule of a rule file, with the lines it
// covers (up to the next sibling's first line).
func ruleSpans(data []byte) []span {
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) != nil || len(doc.Content) == 0 {
		return nil
	}
	last := bytes.Count(data, []byte("\n")) + 1
	var out []span
	items := func(seq *yaml.Node, end int, fn func(i int, n *yaml.Node, lo, hi int)) {
		if seq == nil || seq.Kind != yaml.SequenceNode {
			return
		}
		for i, n := range seq.Content {
			hi := end
			if i+1 < len(seq.Content) {
				hi = seq.Content[i+1].Line - 1
			}
			fn(i, n, n.Line, hi)
		}
	}
	items(read.Get(doc.Content[0], "groups"), last, func(gi int, g *yaml.Node, lo, hi int) {
		name := ""
		if n := read.Get(g, "name"); n != nil {
			name = n.Value
		}
		out = append(out, span{name: name, group: gi + 1, lo: lo, hi: hi})
		items(read.Get(g, "rules"), hi, func(ri int, _ *yaml.Node, lo, hi int) {
			out = append(out, span{name: name, group: gi + 1, rule: ri + 1, lo: lo, hi: hi})
		})
	})
	return out
}

var yamlLine = regexp.MustCompile(`line (\d+):`)

// oracleSpan is where rulefmt places an error: the innermost rule or
// group holding the line it names, or the rule it names by group and
// index; ok is false when it names no place.
func oracleSpan(err error, spans []span) (lo, hi int, ok bool) {
	line := 0
	var re *rulefmt.Error
	msg := err.Error()
	if m := regexp.MustCompile(`^(\d+):\d+: `).FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
	} else if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
	}
	if line == 0 && errors.As(err, &re) && re.Rule > 0 {
		// No line: the rule by its group's name and its index.
		for _, s := range spans {
			if s.rule == re.Rule && s.name == re.Group {
				return s.lo, s.hi, true
			}
		}
		return 0, 0, false
	}
	if line == 0 {
		return 0, 0, false
	}
	best := span{lo: 1, hi: 1 << 30}
	for _, s := range spans {
		if line >= s.lo && line <= s.hi && s.hi-s.lo <= best.hi-best.lo {
			best = s
		}
	}
	if best.rule == 0 && best.group == 0 {
		return line, line, true // outside any group (top-level keys)
	}
	return best.lo, best.hi, true
}

// rulefmtTestdata is Prometheus's own rule-format test data, from the
// module cache of the Prometheus version go.mod requires.
func rulefmtTestdata(t *testing.T) []diffInput {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/prometheus/prometheus").Output()
	if err != nil {
		t.Fatalf("find the prometheus module: %v", err)
	}
	dir := filepath.Join(strings.TrimSpace(string(out)), "model", "rulefmt", "testdata")
	names, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil || len(names) < 10 {
		t.Fatalf("rulefmt test data in %s: %d files, %v", dir, len(names), err)
	}
	var inputs []diffInput
	for _, n := range names {
		data, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, diffInput{name: "rulefmt/" + filepath.Base(n), data: data, rules: data})
	}
	return inputs
}

// corpusRules are the corpus's PrometheusRules, one input per manifest;
// rulefmt reads each one's spec, as the operator writes it to a rule file.
func corpusRules(t *testing.T) []diffInput {
	t.Helper()
	var inputs []diffInput
	for _, f := range corpus.Files(t) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, manifestInputs(t, "kube-prometheus/"+filepath.Base(f), data)...)
	}
	data, err := os.ReadFile(filepath.Join(corpus.KubePrometheusStack(t), "rendered-default.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	inputs = append(inputs, manifestInputs(t, "kube-prometheus-stack/rendered-default.yaml", data)...)
	return inputs
}

// manifestInputs splits a YAML stream into its PrometheusRules.
func manifestInputs(t *testing.T, name string, data []byte) []diffInput {
	t.Helper()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var out []diffInput
	for {
		var doc map[string]any
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if doc["kind"] != KindPrometheusRule {
			continue
		}
		obj, err := yaml.Marshal(doc)
		if err != nil {
			t.Fatal(err)
		}
		spec, err := yaml.Marshal(doc["spec"])
		if err != nil {
			t.Fatal(err)
		}
		meta, _ := doc["metadata"].(map[string]any)
		out = append(out, diffInput{name: fmt.Sprintf("%s/%v", name, meta["name"]), data: obj, rules: spec})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}
