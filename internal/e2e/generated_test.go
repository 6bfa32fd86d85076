// Package e2e runs mongen's generated output in the real Prometheus server.
package e2e

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/mongen-dev/mongen/internal/e2e/promserver"
	goldenfile "github.com/mongen-dev/mongen/internal/golden"
	"github.com/mongen-dev/mongen/internal/load"
	"github.com/mongen-dev/mongen/internal/pipeline"
	"github.com/mongen-dev/mongen/internal/verify/promcheck"
	"github.com/mongen-dev/mongen/internal/write"
)

// writeUserRepo writes a monitoring repository that imports the embedded
// schemas and library, with one environment "e2e" holding envCUE.
func writeUserRepo(t *testing.T, envCUE string) string {
	t.Helper()
	root := t.TempDir()
	files := map[string]string{
		"cue.mod/module.cue":       "module: \"example.com/e2e@v0\"\nlanguage: version: \"v0.17.0\"\ndeps: \"mongen.dev/mongen@v0\": v: \"v0.1.0\"\n",
		"environments/e2e/e2e.cue": envCUE,
	}
	goldenfile.WriteFiles(t, root, files)
	return root
}

// compileAndWrite builds the repository's e2e environment with the real
// pipeline and writes it under out/e2e, returning that directory.
func compileAndWrite(t *testing.T, root string) string {
	t.Helper()
	ref, err := load.Resolve(root, "e2e")
	if err != nil {
		t.Fatal(err)
	}
	res, err := pipeline.Compile(root, ref, load.Options{})
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	out := filepath.Join(root, "out", "e2e")
	if _, err := write.Apply(out, res.Tree); err != nil {
		t.Fatal(err)
	}
	return out
}

// userRepo is a plain environment scraping addr.
func userRepo(t *testing.T, addr string) string {
	t.Helper()
	return writeUserRepo(t, fmt.Sprintf(`package e2e

import (
	"mongen.dev/mongen/schemas"
	"mongen.dev/mongen/library/exporter"
)

env: schemas.#Environment & {
	name:     "e2e"
	cluster:  "loopback"
	flavour:  "plain"
	selector: {}
	prometheus: {scrapeInterval: "1s", evaluationInterval: "1s"}
	exporters: node: exporter.#NodeExporter
	targets: app: {
		kind:      "static"
		addresses: [%q]
		labels: tier: "web"
	}
	rules: app: {
		"job:app_inflight_requests:sum": {
			kind: "record"
			expr: "sum by (job) (app_inflight_requests{job=\"app\"})"
		}
		AppDown: {
			tier: "P2"
			expr: "up{job=\"app\"} == 0"
			for:  "5m"
			annotations: summary: "app {{ $labels.instance }} is down"
		}
	}
}
`, addr))
}

// TestGeneratedPlainConfigRunsInPrometheus compiles an environment with the
// real pipeline, writes it, and proves Prometheus 3 loads it: promtool
// accepts config and rules, the server loads every generated group, scrapes
// the loopback target and evaluates the recording rule on its samples.
func TestGeneratedPlainConfigRunsInPrometheus(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a Prometheus server")
	}
	prom, promtool := promserver.Binaries(t)

	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4")
		fmt.Fprint(w, "# TYPE app_inflight_requests gauge\napp_inflight_requests{code=\"200\"} 5\napp_inflight_requests{code=\"500\"} 2\n")
	}))
	defer app.Close()
	addr := strings.TrimPrefix(app.URL, "http://")

	out := compileAndWrite(t, userRepo(t, addr))
	cfg := filepath.Join(out, "prometheus", "prometheus.yml")
	promserver.CheckConfig(t, promtool, cfg)

	want := generatedRules(t, filepath.Join(out, "prometheus", "rules"))
	srv := promserver.Start(t, prom, cfg, promserver.Options{})
	target := srv.WaitTargetUp(t, "app", 30*time.Second)
	if target.Labels["tier"] != "web" {
		t.Errorf("target labels = %v, want tier=web from the static config", target.Labels)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	assertRulesLoaded(ctx, t, srv, want)

	// The recording rule sees the scraped samples: 5 + 2.
	waitQuery(ctx, t, srv, "job:app_inflight_requests:sum", "job:app_inflight_requests:sum never became 7", func(samples []promserver.Sample) bool {
		return len(samples) == 1 && samples[0].Value == 7
	})
}

// TestShippedDevOutputLoadsInPrometheus runs the committed out/dev in the
// real server: every generated rule group must load.
func TestShippedDevOutputLoadsInPrometheus(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a Prometheus server")
	}
	prom, promtool := promserver.Binaries(t)
	repo, err := promserver.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	// Copy, so the server's writes never touch the repository.
	dir := t.TempDir()
	src := filepath.Join(repo, "out", "dev", "prometheus")
	copyDir(t, src, dir)
	cfg := filepath.Join(dir, "prometheus.yml")
	promserver.CheckConfig(t, promtool, cfg)
	want := generatedRules(t, filepath.Join(dir, "rules"))
	if len(want) == 0 {
		t.Fatal("out/dev has no rules to load")
	}
	srv := promserver.Start(t, prom, cfg, promserver.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	assertRulesLoaded(ctx, t, srv, want)
}

// generatedRules reads every rule file mongen wrote: group name to rule names.
func generatedRules(t *testing.T, dir string) map[string][]string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		groups, err := promcheck.ParseRules(f, data)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range groups.Groups {
			for _, r := range g.Rules {
				want[g.Name] = append(want[g.Name], r.Alert+r.Record)
			}
		}
	}
	return want
}

func assertRulesLoaded(ctx context.Context, t *testing.T, srv *promserver.Server, want map[string][]string) {
	t.Helper()
	groups, err := srv.Rules(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, g := range groups {
		for _, r := range g.Rules {
			got[g.Name] = append(got[g.Name], r.Name)
			if r.Health == "err" {
				t.Errorf("rule %s/%s failed to evaluate: %s", g.Name, r.Name, r.LastError)
			}
		}
	}
	if fmt.Sprint(sorted(got)) != fmt.Sprint(sorted(want)) {
		t.Errorf("server loaded rules\n%v\nwant\n%v\n%s", sorted(got), sorted(want), srv.Log())
	}
}

func sorted(m map[string][]string) []string {
	var out []string
	for g, rules := range m {
		for _, r := range rules {
			out = append(out, g+"/"+r)
		}
	}
	sort.Strings(out)
	return out
}

func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}
