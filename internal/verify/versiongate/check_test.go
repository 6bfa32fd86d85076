package versiongate_test

import (
	"encoding/base64"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mongen-dev/mongen/internal/artifact"
	"github.com/mongen-dev/mongen/internal/load"
	"github.com/mongen-dev/mongen/internal/model"
	"github.com/mongen-dev/mongen/internal/pipeline"
	"github.com/mongen-dev/mongen/internal/verify/versiongate"
)

const repoRoot = "../../.."

// tree reads a committed output directory as the artifacts it was written
// from (the committed files carry no CUE origin).
func tree(t *testing.T, dir string) []artifact.File {
	t.Helper()
	var files []artifact.File
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		files = append(files, artifact.File{Path: filepath.ToSlash(rel), Data: data})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("%s: no files", dir)
	}
	return files
}

// Versions of the profiles the committed trees are built for.
var (
	// kube-prometheus-stack chart 88.5.3 (../shared/corpus/kube-prometheus-stack/FACTS.md):
	// its Prometheus, Alertmanager, operator and Thanos Ruler images.
	chart8853 = model.Versions{Prometheus: "v3.14.0-distroless", Alertmanager: "v0.34.0", Operator: "v0.93.1", Thanos: "v0.42.4"}
	// The plain profile's servers in the end-to-end tests: Prometheus 3.16
	// (tools/prometheus) and Alertmanager v0.28.1.
	plainE2E = model.Versions{Prometheus: "v3.16.0", Alertmanager: "v0.28.1"}
)

func TestCommittedTreesPassAtTheirProfile(t *testing.T) {
	for _, c := range []struct {
		dir string
		v   model.Versions
	}{
		{"out/dev", plainE2E},
		{"out/prod/prod-sh1", chart8853},
		{"out/prod/prod-bj1", chart8853},
	} {
		files := tree(t, filepath.Join(repoRoot, c.dir))
		for _, p := range versiongate.Check(c.v, files, nil) {
			t.Errorf("%s at %+v: %s", c.dir, c.v, p)
		}
		// The trees are not trivially clean: each needs a version the
		// table knows, which is what makes the pass above mean something.
		if len(versiongate.Needs(files)) == 0 {
			t.Errorf("%s: uses no gated feature", c.dir)
		}
	}
}

// TestCommittedProdNeeds pins what the committed prod output needs, the
// versions docs/versions.md quotes: the WeChat receivers make it need
// Alertmanager v0.31.0.
func TestCommittedProdNeeds(t *testing.T) {
	needs := versiongate.Needs(tree(t, filepath.Join(repoRoot, "out/prod/prod-sh1")))
	if f := needs[versiongate.Alertmanager]; f.ID != "alertmanager.wechat.api_secret_file" || f.Since.String() != "v0.31.0" {
		t.Errorf("prod needs Alertmanager for %s at %s, want alertmanager.wechat.api_secret_file at v0.31.0", f.ID, f.Since)
	}
}

// TestWeChatUnderAlertmanager0281 is issue 14's case: the committed prod
// alertmanager.yml has WeChat receivers, whose api_secret_file
// Alertmanager v0.28.1 refuses ("field api_secret_file not found in type
// config.plain").
func TestWeChatUnderAlertmanager0281(t *testing.T) {
	files := tree(t, filepath.Join(repoRoot, "out/prod/prod-sh1"))
	for i := range files {
		files[i].Origin = "environments/prod/alerting.cue:1:1"
	}
	var got []string
	for _, p := range versiongate.Check(model.Versions{Alertmanager: "v0.28.1"}, files, nil) {
		got = append(got, p.String())
	}
	want := []string{
		`environments/prod/alerting.cue:1:1: alertmanager/alertmanager.yml: receiver "P1": receivers[2].wechat_configs[0].api_secret_file needs Alertmanager v0.31.0 or later, but the platform runs v0.28.1: raise Alertmanager to v0.31.0 or later, or use no WeChat receiver (prometheus/alertmanager 0.31.0 / 2026-02-02 #4734)`,
		`environments/prod/alerting.cue:1:1: alertmanager/alertmanager.yml: receiver "P1/platform": receivers[4].wechat_configs[0].api_secret_file needs Alertmanager v0.31.0 or later, but the platform runs v0.28.1: raise Alertmanager to v0.31.0 or later, or use no WeChat receiver (prometheus/alertmanager 0.31.0 / 2026-02-02 #4734)`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// From v0.31.0 on it loads.
	if ps := versiongate.Check(model.Versions{Alertmanager: "v0.31.0"}, files, nil); len(ps) != 0 {
		t.Errorf("at v0.31.0: %v", ps)
	}
}

// TestWeChatAtItsReceiver builds environments/prod through the pipeline and
// places the refusal with PlanLocator at the CUE of the WeChat receiver,
// not at the alerting block.
func TestWeChatAtItsReceiver(t *testing.T) {
	if testing.Short() {
		t.Skip("evaluates environments/prod")
	}
	root, err := filepath.Abs(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	plans, err := pipeline.Plans(root, load.Ref{Name: "prod", Dir: "environments/prod"}, load.Options{})
	if err != nil {
		t.Fatal(err)
	}
	plan := plans[0]
	tr, err := pipeline.Render(plan)
	if err != nil {
		t.Fatal(err)
	}
	wechat := ""
	for name, r := range plan.Alerting.Policy.Receivers {
		for _, in := range r.Integrations() {
			if in.Kind == model.ReceiverWeChat {
				wechat = plan.Env.Source("alerting", "receivers", name)
			}
		}
	}
	if !strings.HasPrefix(wechat, "environments/prod/") {
		t.Fatalf("the WeChat receiver's position is %q", wechat)
	}
	ps := versiongate.Check(model.Versions{Alertmanager: "v0.28.1"}, tr.Files(), versiongate.PlanLocator(plan))
	if len(ps) == 0 {
		t.Fatal("not refused")
	}
	for _, p := range ps {
		t.Log(p)
		if p.Feature.ID != "alertmanager.wechat.api_secret_file" || p.Origin != wechat {
			t.Errorf("%s: want the WeChat receiver at %s", p, wechat)
		}
		if !strings.HasPrefix(p.String(), wechat+": alertmanager/alertmanager.yml: receiver ") {
			t.Errorf("message %q", p)
		}
	}
}

func TestEmptyVersionIsNotGated(t *testing.T) {
	files := tree(t, filepath.Join(repoRoot, "out/prod/prod-sh1"))
	if ps := versiongate.Check(model.Versions{}, files, nil); len(ps) != 0 {
		t.Errorf("no versions: %v", ps)
	}
	// Only the component with a version is gated.
	for _, p := range versiongate.Check(model.Versions{Operator: "v0.1.0"}, files, nil) {
		if p.Component != versiongate.Operator {
			t.Errorf("gated without a version: %s", p)
		}
	}
}

func TestVersionThatDoesNotParse(t *testing.T) {
	locate := func(s versiongate.Subject) string {
		if s.Kind == "versions" {
			return "environments/x/x.cue:3:4"
		}
		return ""
	}
	ps := versiongate.Check(model.Versions{Alertmanager: "latest", Prometheus: "v3.16.0"}, nil, locate)
	if len(ps) != 1 {
		t.Fatalf("got %v", ps)
	}
	want := `environments/x/x.cue:3:4: platform.versions.alertmanager: "latest" is not a version (want vMAJOR.MINOR.PATCH, e.g. v0.28.1)`
	if got := ps[0].String(); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestOlderThanTheBaseline(t *testing.T) {
	files := []artifact.File{{Path: "alertmanager/alertmanager.yml", Data: []byte("route:\n  receiver: r\nreceivers:\n  - name: r\n"), Origin: "e.cue:1:1"}}
	ps := versiongate.Check(model.Versions{Alertmanager: "v0.20.0", Prometheus: "v1.0.0"}, files, nil)
	if len(ps) != 1 {
		t.Fatalf("got %v", ps)
	}
	want := `alertmanager/alertmanager.yml: Alertmanager v0.20.0 is older than v0.21.0, the oldest version mongen's version table was checked against: raise platform.versions.alertmanager to v0.21.0 or later`
	if got := ps[0].String(); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if ps := versiongate.Check(model.Versions{Alertmanager: "v0.21.0"}, files, nil); len(ps) != 0 {
		t.Errorf("at the baseline: %v", ps)
	}
}

// A locator's position wins over the file's; "" falls back to it.
func TestLocatorHook(t *testing.T) {
	files := []artifact.File{{Path: "prometheus/rules/app.yaml", Origin: "environments/a/rules.cue:1:1", Data: []byte(`groups:
  - name: app
    rules:
      - alert: AppDown
        expr: up == 0
        keep_firing_for: 5m
      - alert: AppSlow
        expr: up == 0
        keep_firing_for: 5m
`)}}
	var asked []versiongate.Subject
	locate := func(s versiongate.Subject) string {
		asked = append(asked, s)
		if s.Name == "AppDown" {
			return "environments/a/rules.cue:7:3"
		}
		return ""
	}
	ps := versiongate.Check(model.Versions{Prometheus: "v2.41.0"}, files, locate)
	if len(ps) != 2 {
		t.Fatalf("got %v", ps)
	}
	want := []string{
		`environments/a/rules.cue:1:1: prometheus/rules/app.yaml: rule "AppSlow" (group app): groups[0].rules[1].keep_firing_for needs Prometheus v2.42.0 or later`,
		`environments/a/rules.cue:7:3: prometheus/rules/app.yaml: rule "AppDown" (group app): groups[0].rules[0].keep_firing_for needs Prometheus v2.42.0 or later`,
	}
	for i, p := range ps {
		if !strings.HasPrefix(p.String(), want[i]) {
			t.Errorf("problem %d: %s\nwant prefix %s", i, p, want[i])
		}
	}
	for _, s := range asked {
		if s.Kind != "rule" || s.Group != "app" || s.Path != "prometheus/rules/app.yaml" {
			t.Errorf("subject %+v", s)
		}
	}
}

// The rules the Thanos Ruler evaluates are gated by the Thanos version,
// the others by Prometheus's; the operator's CRD gates the field in both.
func TestPrometheusRuleEvaluator(t *testing.T) {
	rule := func(name, label string) artifact.File {
		return artifact.File{Path: "manifests/prometheusrule-" + name + ".yaml", Data: []byte(`apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: ` + name + `
  labels: {` + label + `}
spec:
  groups:
    - name: ` + name + `
      rules:
        - alert: A
          expr: up == 0
          keep_firing_for: 5m
`)}
	}
	files := []artifact.File{rule("cluster", ""), rule("global", "mongen.dev/evaluator: thanos-ruler")}
	ids := map[string][]string{}
	for _, p := range versiongate.Check(model.Versions{Prometheus: "v2.41.0", Thanos: "v0.30.2", Operator: "v0.65.0"}, files, nil) {
		ids[p.Path] = append(ids[p.Path], p.Feature.ID)
	}
	want := map[string]string{
		"manifests/prometheusrule-cluster.yaml": "operator.rule.keep_firing_for prometheus.rule.keep_firing_for",
		"manifests/prometheusrule-global.yaml":  "operator.rule.keep_firing_for thanos.rule.keep_firing_for",
	}
	for p, w := range want {
		if got := strings.Join(ids[p], " "); got != w {
			t.Errorf("%s: %s, want %s", p, got, w)
		}
	}
}

// An alertmanager.yml carried in a Secret (the chart's configSecret) is
// checked like the file.
func TestAlertmanagerConfigInSecret(t *testing.T) {
	am := "route:\n  receiver: r\nreceivers:\n  - name: r\n    wechat_configs:\n      - api_secret_file: /etc/s/k\n        corp_id: c\n"
	for _, obj := range []string{
		"apiVersion: v1\nkind: Secret\nmetadata:\n  name: am-config\nstringData:\n  alertmanager.yaml: |\n" + indent(am, "    "),
		"apiVersion: v1\nkind: Secret\nmetadata:\n  name: am-config\ndata:\n  alertmanager.yaml: " + base64.StdEncoding.EncodeToString([]byte(am)) + "\n",
	} {
		ps := versiongate.Check(model.Versions{Alertmanager: "v0.30.1"}, []artifact.File{{Path: "manifests/secret-am-config.yaml", Data: []byte(obj)}}, nil)
		if len(ps) != 1 || ps[0].Feature.ID != "alertmanager.wechat.api_secret_file" || ps[0].Field != "Secret am-config alertmanager.yaml: receivers[0].wechat_configs[0].api_secret_file" {
			t.Errorf("got %v", ps)
		}
	}
}

func indent(s, by string) string {
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	return by + strings.Join(lines, "\n"+by) + "\n"
}

// Structural fields every route repeats are reported once per file.
func TestPerFileFeatureOnce(t *testing.T) {
	files := []artifact.File{{Path: "alertmanager/alertmanager.yml", Data: []byte(`route:
  receiver: r
  routes:
    - {receiver: r, matchers: ['a="1"']}
    - {receiver: r, matchers: ['a="2"'], routes: [{receiver: r, matchers: ['b="3"']}]}
receivers:
  - name: r
`)}}
	ps := versiongate.Check(model.Versions{Alertmanager: "v0.21.0"}, files, nil)
	if len(ps) != 1 || ps[0].Feature.ID != "alertmanager.route.matchers" {
		t.Errorf("got %v", ps)
	}
}

// Nested routes are all looked at, and named by their receiver.
func TestNestedRoutes(t *testing.T) {
	files := []artifact.File{{Path: "alertmanager/alertmanager.yml", Data: []byte(`route:
  receiver: r
  routes:
    - receiver: team
      matchers: ['team="a"']
      routes:
        - matchers: ['service.name="x"']
receivers:
  - name: r
  - name: team
`)}}
	ps := versiongate.Check(model.Versions{Alertmanager: "v0.26.0"}, files, nil)
	if len(ps) != 1 || ps[0].Field != "route.routes[0].routes[0].matchers" || ps[0].Subject.Name != "team" {
		t.Fatalf("got %v", ps)
	}
	if !strings.Contains(ps[0].String(), `route to "team": route.routes[0].routes[0].matchers (matchers with a quoted or UTF-8 label name) needs Alertmanager v0.27.0`) {
		t.Errorf("message %s", ps[0])
	}
}

// Files the gate has no business with are left alone, broken or not.
func TestIgnoredFiles(t *testing.T) {
	files := []artifact.File{
		{Path: "dashboards/x.json", Data: []byte(`{"keep_firing_for": 1}`)},
		{Path: "kustomization.yaml", Data: []byte("resources: [a.yaml]\n")},
		{Path: "mimir/rules/g.yaml", Data: []byte("namespace: g\ngroups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up\n        keep_firing_for: 5m\n")},
		{Path: "prometheus/rules/broken.yaml", Data: []byte("groups: [\n")},
		// Rules the gate would flag, in a file that is not .yml or .yaml.
		{Path: "prometheus/rules/g.yaml.orig", Data: []byte("groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up\n        keep_firing_for: 5m\n")},
		{Path: "manifests/deployment-dingtalk-bridge.yaml", Data: []byte("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    spec:\n      containers:\n        - image: timonwong/prometheus-webhook-dingtalk:v2.1.0\n          args: [--endpoint=x]\n")},
	}
	if ps := versiongate.Check(model.Versions{Prometheus: "v2.26.0", Thanos: "v0.8.0", Operator: "v0.44.0"}, files, nil); len(ps) != 0 {
		t.Errorf("got %v", ps)
	}
}

func TestPinned(t *testing.T) {
	files := []artifact.File{
		{Path: "manifests/prometheus-k8s.yaml", Data: []byte("apiVersion: monitoring.coreos.com/v1\nkind: Prometheus\nmetadata: {name: k8s}\nspec:\n  version: v3.16.0\n  thanos: {version: v0.39.2}\n")},
		{Path: "manifests/alertmanager-main.yaml", Data: []byte("apiVersion: monitoring.coreos.com/v1\nkind: Alertmanager\nmetadata: {name: main}\nspec:\n  version: v0.28.1\n")},
		{Path: "manifests/thanosruler-global.yaml", Data: []byte("apiVersion: monitoring.coreos.com/v1\nkind: ThanosRuler\nmetadata: {name: global}\nspec:\n  version: v0.40.0\n")},
		{Path: "manifests/deployment-thanos-query.yaml", Data: []byte("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: thanos-query}\nspec:\n  template:\n    spec:\n      containers:\n        - image: quay.io/thanos/thanos:v0.38.0\n          args: [query]\n")},
	}
	want := model.Versions{Prometheus: "v3.16.0", Alertmanager: "v0.28.1", Thanos: "v0.38.0"}
	if got := versiongate.Pinned(files); got != want {
		t.Errorf("Pinned = %+v, want %+v", got, want)
	}
	// What they pin is what Check can be run at.
	if ps := versiongate.Check(versiongate.Pinned(files), files, nil); len(ps) != 0 {
		t.Errorf("%v", ps)
	}
}

// The order of the files does not change the result.
func TestDeterministic(t *testing.T) {
	files := tree(t, filepath.Join(repoRoot, "out/prod/prod-sh1"))
	v := model.Versions{Alertmanager: "v0.21.0", Prometheus: "v2.26.0", Operator: "v0.44.0", Thanos: "v0.8.0"}
	first := versiongate.Check(v, files, nil)
	if len(first) < 10 {
		t.Fatalf("only %d problems at the oldest versions", len(first))
	}
	rev := append([]artifact.File(nil), files...)
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	second := versiongate.Check(v, rev, nil)
	for i := range first {
		if first[i].String() != second[i].String() {
			t.Fatalf("problem %d: %s != %s", i, first[i], second[i])
		}
	}
}

// A relabel action in a monitor needs the operator's CRD to allow it and
// the Prometheus the operator configures to run it.
func TestRelabelActionInAMonitor(t *testing.T) {
	files := []artifact.File{{Path: "manifests/servicemonitor-app.yaml", Data: []byte(`apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: app}
spec:
  endpoints:
    - port: metrics
      relabelings:
        - {sourceLabels: [a], targetLabel: b, action: Lowercase}
      metricRelabelings:
        - {sourceLabels: [a], targetLabel: b, action: DropEqual}
`)}}
	var got []string
	for _, p := range versiongate.Check(model.Versions{Prometheus: "v2.35.0", Operator: "v0.57.0"}, files, nil) {
		got = append(got, p.Feature.ID+" "+p.Field)
	}
	want := []string{
		"operator.relabel.equal spec.endpoints[0].metricRelabelings[0].action",
		"prometheus.relabel.equal spec.endpoints[0].metricRelabelings[0].action",
		"operator.relabel.case spec.endpoints[0].relabelings[0].action",
		"prometheus.relabel.case spec.endpoints[0].relabelings[0].action",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
