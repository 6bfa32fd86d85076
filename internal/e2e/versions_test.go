package e2e

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/alertmanager/pkg/labels"
	"github.com/prometheus/common/model"
	"go.yaml.in/yaml/v3"

	"github.com/mongen-dev/mongen/internal/artifact"
	"github.com/mongen-dev/mongen/internal/e2e/amserver"
	"github.com/mongen-dev/mongen/internal/e2e/procserver"
	"github.com/mongen-dev/mongen/internal/e2e/promserver"
	"github.com/mongen-dev/mongen/internal/load"
	mmodel "github.com/mongen-dev/mongen/internal/model"
	"github.com/mongen-dev/mongen/internal/pipeline"
)

// TestShippedOutputAtPlatformVersions loads every shipped environment's
// generated Alertmanager configurations, and its prometheus.yml and rule
// files (plain flavour) or PrometheusRule groups (operator flavours), in the
// real servers at the version the environment's platform runs and at the
// newest that builds here. The versions come from the platform: a version
// that cannot load the output is for the version gates (versiongate) to
// refuse at build time, not for this test to find.
func TestShippedOutputAtPlatformVersions(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Alertmanager and Prometheus servers")
	}
	root, err := promserver.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	newestAM, newestProm := newestVersions(t)
	// dev (plain), prod (kube-prometheus-stack), and the kube-prometheus
	// environment the platform proofs build.
	for _, e := range []struct{ name, root string }{
		{"dev", root},
		{"prod", root},
		{"kp", filepath.Join(root, "internal", "platform", "kpsproof", "testdata", "kubeprom")},
	} {
		env := e.name
		t.Run(env, func(t *testing.T) {
			ref, err := load.Resolve(e.root, env)
			if err != nil {
				t.Fatal(err)
			}
			res, err := pipeline.Compile(e.root, ref, load.Options{})
			if err != nil {
				t.Fatalf("compile %s: %v", env, err)
			}
			platform := res.Plan.Env.Platform.Versions
			t.Logf("%s: platform %s runs Prometheus %s, Alertmanager %s", env, res.Plan.Env.Platform.Profile, platform.Prometheus, platform.Alertmanager)
			if platform.Prometheus == "" || platform.Alertmanager == "" {
				t.Fatalf("%s: no Prometheus or Alertmanager version for the platform: %+v", env, platform)
			}
			checkOutputAtVersions(t, res.Tree.Files(), platform, newestAM, newestProm)
		})
	}
}

// plainFloor is the oldest Prometheus and Alertmanager the plain and operator
// profiles support: what Debian bookworm packages.
var plainFloor = mmodel.Versions{Prometheus: "v2.42.0", Alertmanager: "v0.25.0"}

// TestPlainOutputAtProfileFloor builds a plain environment that declares the
// plain profile's oldest supported versions and runs its output in those
// servers and the newest: Alertmanager runs its configuration, Prometheus
// loads every rule group, scrapes a loopback target and evaluates a
// recording rule on it.
func TestPlainOutputAtProfileFloor(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Alertmanager and Prometheus servers")
	}
	newestAM, newestProm := newestVersions(t)
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4")
		fmt.Fprint(w, "# TYPE app_inflight_requests gauge\napp_inflight_requests{code=\"200\"} 5\napp_inflight_requests{code=\"500\"} 2\n")
	}))
	defer app.Close()
	sink := amserver.NewWebhookSink(t)

	root := writeAlertingRepo(t, fmt.Sprintf(`	prometheus: {version: %q, scrapeInterval: "1s", evaluationInterval: "1s"}
	exporters: node: exporter.#NodeExporter
	targets: app: {kind: "static", addresses: [%q]}
	rules: app: {
		"job:app_inflight_requests:sum": {kind: "record", expr: "sum by (job) (app_inflight_requests{job=\"app\"})"}
		AppDown: {tier: "P2", expr: "up{job=\"app\"} == 0", for: "5m", annotations: summary: "app {{ $labels.instance }} is down"}
	}
	alerting: policy.#Standard & {
		fallback: "chat"
		tiers: {
			P0: receivers: ["chat"]
			P1: {receivers: ["chat"], activeTimeIntervals: []}
			P2: receivers: ["mail"]
		}
		receivers: {
			chat: {kind: "webhook", url: %q}
			mail: {kind: "email", to: ["alerts@example.com"], from: "am@example.com", smarthost: "smtp.example.com:587"}
		}
		alertmanager: version: %q
	}
`, plainFloor.Prometheus, strings.TrimPrefix(app.URL, "http://"), sink.URL(), plainFloor.Alertmanager))
	// writeAlertingRepo imports library/policy; the node exporter needs
	// library/exporter too.
	envFile := filepath.Join(root, "environments", "e2e", "e2e.cue")
	src, err := os.ReadFile(envFile)
	if err != nil {
		t.Fatal(err)
	}
	src = []byte(strings.Replace(string(src), "import (\n", "import (\n\t\"mongen.dev/mongen/library/exporter\"\n", 1))
	if err := os.WriteFile(envFile, src, 0o644); err != nil {
		t.Fatal(err)
	}
	ref, err := load.Resolve(root, "e2e")
	if err != nil {
		t.Fatal(err)
	}
	res, err := pipeline.Compile(root, ref, load.Options{})
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	if got := res.Plan.Env.Platform.Versions; got.Prometheus != plainFloor.Prometheus || got.Alertmanager != plainFloor.Alertmanager {
		t.Fatalf("the platform's versions are %+v, want the declared %+v", got, plainFloor)
	}
	checkOutputAtVersions(t, res.Tree.Files(), plainFloor, newestAM, newestProm)

	// The floor Prometheus scrapes the loopback target and evaluates the
	// recording rule on its samples (5 + 2).
	prometheus, _ := promserver.BinariesAt(t, plainFloor.Prometheus)
	dir := t.TempDir()
	for _, f := range res.Tree.Files() {
		if rel, ok := strings.CutPrefix(f.Path, "prometheus/"); ok {
			dst := filepath.Join(dir, filepath.FromSlash(rel))
			if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(dst, f.Data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	srv := promserver.Start(t, prometheus, filepath.Join(dir, "prometheus.yml"), promserver.Options{})
	srv.WaitTargetUp(t, "app", 30*time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	waitQuery(ctx, t, srv, "job:app_inflight_requests:sum", "job:app_inflight_requests:sum never became 7 in Prometheus "+plainFloor.Prometheus, func(samples []promserver.Sample) bool {
		return len(samples) == 1 && samples[0].Value == 7
	})
}

// newestVersions are the newest Alertmanager and Prometheus that build here:
// the Alertmanager module mongen's verification links (go.mod) and the
// Prometheus that scripts/install-prometheus.sh builds.
func newestVersions(t *testing.T) (alertmanager, prometheus string) {
	t.Helper()
	root, err := promserver.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	alertmanager, err = procserver.PinnedVersion(filepath.Join(root, "go.mod"), "github.com/prometheus/alertmanager")
	if err != nil {
		t.Fatal(err)
	}
	prometheus, err = promserver.PinnedRelease()
	if err != nil {
		t.Fatal(err)
	}
	return alertmanager, prometheus
}

// checkOutputAtVersions loads the generated files in Alertmanager and
// Prometheus at the platform's versions and at the newest ones.
func checkOutputAtVersions(t *testing.T, files []artifact.File, platform mmodel.Versions, newestAM, newestProm string) {
	t.Helper()
	ams := alertmanagerConfigs(t, files)
	if len(ams) == 0 {
		t.Fatal("no generated Alertmanager configuration")
	}
	for _, v := range versionsFrom(t, platform.Alertmanager, newestAM) {
		alertmanager, _ := amserver.BinariesAt(t, v)
		checkReportsVersion(t, alertmanager, v)
		for _, name := range sortedKeys(ams) {
			t.Run("alertmanager-"+v+"/"+name, func(t *testing.T) {
				assertAlertmanagerLoads(t, alertmanager, v, ams[name])
			})
		}
	}

	promDirs := plainPrometheusDirs(files)
	ruleFiles := operatorRuleFiles(t, files)
	if len(promDirs) == 0 && len(ruleFiles) == 0 {
		t.Fatal("neither a prometheus.yml nor a PrometheusRule to load")
	}
	for _, v := range versionsFrom(t, platform.Prometheus, newestProm) {
		prometheus, promtool := promserver.BinariesAt(t, v)
		checkReportsVersion(t, prometheus, v)
		for _, dir := range promDirs {
			t.Run("prometheus-"+v+"/"+dir, func(t *testing.T) {
				assertPlainPrometheusLoads(t, prometheus, promtool, files, dir)
			})
		}
		for _, dir := range sortedKeys(ruleFiles) {
			t.Run("prometheus-"+v+"/"+dir+"/prometheusrules", func(t *testing.T) {
				assertRuleGroupsLoad(t, prometheus, promtool, ruleFiles[dir])
			})
		}
	}
}

// versionsFrom returns the platform's version and the newest one, once each,
// oldest first. A platform newer than the newest that builds here fails: the
// newest must move up.
func versionsFrom(t *testing.T, platform, newest string) []string {
	t.Helper()
	platform = "v" + strings.TrimPrefix(platform, "v")
	c, err := procserver.CompareVersions(platform, newest)
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case c > 0:
		t.Fatalf("the platform runs %s, newer than the newest the tests build (%s)", platform, newest)
	case c == 0:
		return []string{newest}
	}
	return []string{platform, newest}
}

// checkReportsVersion fails the test unless the binary says it is version.
func checkReportsVersion(t *testing.T, bin, version string) {
	t.Helper()
	out, err := exec.Command(bin, "--version").CombinedOutput()
	if err != nil {
		t.Fatalf("%s --version: %v\n%s", bin, err, out)
	}
	first, _, _ := strings.Cut(string(out), "\n")
	if !strings.Contains(first+" ", " version "+strings.TrimPrefix(version, "v")+" ") &&
		!strings.Contains(first, " version "+strings.TrimPrefix(version, "v")+"+") {
		t.Fatalf("%s reports %q, want version %s", bin, first, version)
	}
}

// alertmanagerConfigs returns every generated Alertmanager configuration by
// where it is: each alertmanager.yml, and each Secret key alertmanager.yaml
// (a kube-prometheus-stack configSecret) whose content no alertmanager.yml
// already has.
func alertmanagerConfigs(t *testing.T, files []artifact.File) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	seen := map[string]bool{}
	for _, f := range files {
		if path.Base(f.Path) == "alertmanager.yml" {
			out[f.Path] = f.Data
			seen[string(f.Data)] = true
		}
	}
	for _, f := range files {
		if !strings.HasSuffix(f.Path, ".yaml") || !strings.Contains(string(f.Data), "kind: Secret") {
			continue
		}
		var secret struct {
			Kind       string            `yaml:"kind"`
			StringData map[string]string `yaml:"stringData"`
		}
		if err := yaml.Unmarshal(f.Data, &secret); err != nil || secret.Kind != "Secret" {
			continue
		}
		if cfg, ok := secret.StringData["alertmanager.yaml"]; ok && !seen[cfg] {
			out[f.Path+"#alertmanager.yaml"] = []byte(cfg)
			seen[cfg] = true
		}
	}
	return out
}

// assertAlertmanagerLoads starts Alertmanager on cfg and checks, through
// /api/v2/status, that it runs version with that configuration: the same
// receivers and integrations, route tree, inhibitions, time intervals and
// templates (Alertmanager re-marshals the file, filling in defaults, so the
// two are compared by meaning).
func assertAlertmanagerLoads(t *testing.T, alertmanager, version string, cfg []byte) {
	t.Helper()
	dir := t.TempDir()
	file := filepath.Join(dir, "alertmanager.yml")
	if err := os.WriteFile(file, cfg, 0o600); err != nil {
		t.Fatal(err)
	}
	srv := amserver.Start(t, alertmanager, file, amserver.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st, err := srv.Status(ctx)
	if err != nil {
		t.Fatalf("status: %v\n%s", err, srv.Log())
	}
	if st.Version != strings.TrimPrefix(version, "v") && !strings.HasPrefix(st.Version, strings.TrimPrefix(version, "v")+"+") {
		t.Errorf("server reports version %q, want %s", st.Version, version)
	}
	want, err := amSummary(cfg)
	if err != nil {
		t.Fatalf("generated configuration: %v", err)
	}
	got, err := amSummary([]byte(st.Config))
	if err != nil {
		t.Fatalf("server's configuration: %v\n%s", err, st.Config)
	}
	if got != want {
		t.Errorf("the server runs another configuration than the generated one\nserver:\n%s\ngenerated:\n%s", got, want)
	}
}

// amSummary renders what an Alertmanager configuration means, one line per
// receiver, route, inhibition, time interval and template, with matchers and
// durations in one canonical form, so that a file and its re-marshalling by
// any Alertmanager version compare equal.
func amSummary(data []byte) (string, error) {
	var cfg map[string]any
	if err := yaml.Unmarshal(data, &cfg); err != nil {
		return "", err
	}
	var b strings.Builder
	for _, r := range asList(cfg["receivers"]) {
		rm := asMap(r)
		var kinds []string
		for k, v := range rm {
			if strings.HasSuffix(k, "_configs") && len(asList(v)) > 0 {
				kinds = append(kinds, fmt.Sprintf("%s×%d", k, len(asList(v))))
			}
		}
		slices.Sort(kinds)
		fmt.Fprintf(&b, "receiver %v: %s\n", rm["name"], strings.Join(kinds, " "))
	}
	if err := summariseRoute(&b, asMap(cfg["route"]), "route"); err != nil {
		return "", err
	}
	for i, r := range asList(cfg["inhibit_rules"]) {
		rm := asMap(r)
		var parts []string
		for _, k := range []string{"source_matchers", "target_matchers"} {
			ms, err := canonicalMatchers(rm, k)
			if err != nil {
				return "", fmt.Errorf("inhibit_rules[%d]: %v", i, err)
			}
			parts = append(parts, k+"="+ms)
		}
		for _, k := range []string{"source_match", "source_match_re", "target_match", "target_match_re"} {
			if v, ok := rm[k]; ok {
				parts = append(parts, fmt.Sprintf("%s=%v", k, v))
			}
		}
		parts = append(parts, fmt.Sprintf("equal=%v", rm["equal"]))
		fmt.Fprintf(&b, "inhibit %s\n", strings.Join(parts, " "))
	}
	for _, k := range []string{"time_intervals", "mute_time_intervals"} {
		for _, ti := range asList(cfg[k]) {
			tm := asMap(ti)
			fmt.Fprintf(&b, "time interval %v: %d\n", tm["name"], len(asList(tm["time_intervals"])))
		}
	}
	for _, tpl := range asList(cfg["templates"]) {
		fmt.Fprintf(&b, "template %v\n", tpl)
	}
	return b.String(), nil
}

func summariseRoute(b *strings.Builder, r map[string]any, at string) error {
	ms, err := canonicalMatchers(r, "matchers")
	if err != nil {
		return fmt.Errorf("%s: %v", at, err)
	}
	fmt.Fprintf(b, "%s receiver=%v matchers=%s", at, r["receiver"], ms)
	for _, k := range []string{"match", "match_re", "group_by", "continue", "mute_time_intervals", "active_time_intervals"} {
		if v, ok := r[k]; ok && v != false {
			fmt.Fprintf(b, " %s=%v", k, v)
		}
	}
	for _, k := range []string{"group_wait", "group_interval", "repeat_interval"} {
		s, ok := r[k].(string)
		if !ok {
			continue
		}
		d, err := model.ParseDuration(s)
		if err != nil {
			return fmt.Errorf("%s.%s: %v", at, k, err)
		}
		if at == "route" && isRootDefault(k, d) {
			// The server writes its defaults on the root route.
			continue
		}
		fmt.Fprintf(b, " %s=%s", k, d)
	}
	b.WriteString("\n")
	for i, c := range asList(r["routes"]) {
		if err := summariseRoute(b, asMap(c), fmt.Sprintf("%s.%d", at, i)); err != nil {
			return err
		}
	}
	return nil
}

// isRootDefault reports whether d is the root route's default for k, which
// the server fills in when the file leaves it out.
func isRootDefault(k string, d model.Duration) bool {
	def := map[string]model.Duration{
		"group_wait":      model.Duration(30 * time.Second),
		"group_interval":  model.Duration(5 * time.Minute),
		"repeat_interval": model.Duration(4 * time.Hour),
	}
	return def[k] == d
}

// canonicalMatchers parses the matchers list at m[key] with Alertmanager's
// own parser and prints it in one form, sorted.
func canonicalMatchers(m map[string]any, key string) (string, error) {
	var out []string
	for _, s := range asList(m[key]) {
		str, ok := s.(string)
		if !ok {
			return "", fmt.Errorf("%s: %v is not a string", key, s)
		}
		parsed, err := labels.ParseMatchers(str)
		if err != nil {
			return "", fmt.Errorf("%s: %q: %v", key, str, err)
		}
		for _, p := range parsed {
			out = append(out, p.String())
		}
	}
	slices.Sort(out)
	return "[" + strings.Join(out, ",") + "]", nil
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// plainPrometheusDirs returns the directories of the tree that hold a
// prometheus.yml (the plain flavour), sorted.
func plainPrometheusDirs(files []artifact.File) []string {
	var dirs []string
	for _, f := range files {
		if path.Base(f.Path) == "prometheus.yml" {
			dirs = append(dirs, path.Dir(f.Path))
		}
	}
	slices.Sort(dirs)
	return dirs
}

// assertPlainPrometheusLoads writes the tree's files under dir to a
// temporary directory, checks them with promtool, runs Prometheus on its
// prometheus.yml and checks that every generated rule group loaded.
func assertPlainPrometheusLoads(t *testing.T, prometheus, promtool string, files []artifact.File, dir string) {
	t.Helper()
	tmp := t.TempDir()
	for _, f := range files {
		rel, ok := strings.CutPrefix(f.Path, dir+"/")
		if !ok {
			continue
		}
		dst := filepath.Join(tmp, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfg := filepath.Join(tmp, "prometheus.yml")
	promserver.CheckConfig(t, promtool, cfg)
	want := generatedRules(t, filepath.Join(tmp, "rules"))
	srv := promserver.Start(t, prometheus, cfg, promserver.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	assertRulesLoaded(ctx, t, srv, want)
}

// operatorRuleFiles returns the rule groups of every generated
// PrometheusRule that Prometheus evaluates (not those a ThanosRuler in the
// tree selects) as rule files, the groups as the operator mounts them, by
// the output directory they are in (a cluster's, or "." for a
// single-cluster environment) and file name.
func operatorRuleFiles(t *testing.T, files []artifact.File) map[string]map[string][]byte {
	t.Helper()
	type object struct {
		Kind     string `yaml:"kind"`
		Metadata struct {
			Labels map[string]string `yaml:"labels"`
		} `yaml:"metadata"`
		Spec struct {
			Groups       []any `yaml:"groups"`
			RuleSelector struct {
				MatchLabels map[string]string `yaml:"matchLabels"`
			} `yaml:"ruleSelector"`
		} `yaml:"spec"`
	}
	objects := map[string]object{}
	var rulers []map[string]string
	for _, f := range files {
		if !strings.HasSuffix(f.Path, ".yaml") || !strings.Contains(string(f.Data), "kind: PrometheusRule") && !strings.Contains(string(f.Data), "kind: ThanosRuler") {
			continue
		}
		var obj object
		if err := yaml.Unmarshal(f.Data, &obj); err != nil {
			t.Fatalf("%s: %v", f.Path, err)
		}
		switch obj.Kind {
		case "PrometheusRule":
			objects[f.Path] = obj
		case "ThanosRuler":
			rulers = append(rulers, obj.Spec.RuleSelector.MatchLabels)
		}
	}
	out := map[string]map[string][]byte{}
	for _, p := range sortedKeys(objects) {
		obj := objects[p]
		if len(obj.Spec.Groups) == 0 || slices.ContainsFunc(rulers, func(sel map[string]string) bool { return selects(sel, obj.Metadata.Labels) }) {
			continue
		}
		data, err := yaml.Marshal(map[string]any{"groups": obj.Spec.Groups})
		if err != nil {
			t.Fatal(err)
		}
		dir, _, _ := strings.Cut(p, "/manifests/")
		if !strings.Contains(p, "/manifests/") {
			dir = path.Dir(p)
		}
		if out[dir] == nil {
			out[dir] = map[string][]byte{}
		}
		out[dir][path.Base(p)] = data
	}
	return out
}

// selects reports whether a non-empty matchLabels selector selects labels.
func selects(sel, labels map[string]string) bool {
	if len(sel) == 0 {
		return false
	}
	for k, v := range sel {
		if labels[k] != v {
			return false
		}
	}
	return true
}

// assertRuleGroupsLoad writes the rule files beside a prometheus.yml that
// only loads them, checks them with promtool and checks that Prometheus
// loads every group.
func assertRuleGroupsLoad(t *testing.T, prometheus, promtool string, ruleFiles map[string][]byte) {
	t.Helper()
	tmp := t.TempDir()
	rules := filepath.Join(tmp, "rules")
	if err := os.MkdirAll(rules, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, data := range ruleFiles {
		if err := os.WriteFile(filepath.Join(rules, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfg := filepath.Join(tmp, "prometheus.yml")
	if err := os.WriteFile(cfg, []byte("global:\n  evaluation_interval: 1s\nrule_files:\n  - rules/*.yaml\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	promserver.CheckConfig(t, promtool, cfg)
	want := generatedRules(t, rules)
	srv := promserver.Start(t, prometheus, cfg, promserver.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	assertRulesLoaded(ctx, t, srv, want)
}

// TestAMSummary: the comparison of a generated configuration with the
// server's re-marshalling ignores form (matcher quoting and order, duration
// spelling, the root route's defaults written out) and sees meaning.
func TestAMSummary(t *testing.T) {
	const generated = `route:
  receiver: a
  routes:
    - receiver: b
      matchers: ['severity="critical"', team=x]
      group_wait: 90m
      continue: true
receivers:
  - name: a
    webhook_configs: [{url_file: /s/u}]
  - name: b
    email_configs: [{to: x@example.com}]
inhibit_rules:
  - source_matchers: [severity=critical]
    target_matchers: [severity=warning]
    equal: [alertname]
`
	const remarshalled = `global:
  resolve_timeout: 5m
route:
  receiver: a
  continue: false
  group_wait: 30s
  group_interval: 5m
  repeat_interval: 4h
  routes:
    - receiver: b
      matchers: ['team="x"', 'severity="critical"']
      continue: true
      group_wait: 1h30m
receivers:
  - name: a
    webhook_configs: [{send_resolved: true, url: <secret>}]
  - name: b
    email_configs: [{to: x@example.com, send_resolved: false}]
inhibit_rules:
  - source_matchers: ['severity="critical"']
    target_matchers: ['severity="warning"']
    equal: [alertname]
`
	want, err := amSummary([]byte(generated))
	if err != nil {
		t.Fatal(err)
	}
	got, err := amSummary([]byte(remarshalled))
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Fatalf("same meaning, different summaries:\n%s\nwant\n%s", got, want)
	}
	for name, edit := range map[string][2]string{
		"matcher":     {"team=x", "team=y"},
		"receiver":    {"receiver: b\n", "receiver: a\n"},
		"continue":    {"continue: true", "continue: false"},
		"duration":    {"90m", "30m"},
		"equal":       {"equal: [alertname]", "equal: [cluster]"},
		"integration": {"email_configs", "webhook_configs"},
	} {
		edited, err := amSummary([]byte(strings.Replace(generated, edit[0], edit[1], 1)))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if edited == want {
			t.Errorf("%s edited (%q → %q): the summary did not change", name, edit[0], edit[1])
		}
	}
}
