package grafana_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mongen-dev/mongen/internal/artifact"
	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/golden"
	"github.com/mongen-dev/mongen/internal/load"
	"github.com/mongen-dev/mongen/internal/model"
	"github.com/mongen-dev/mongen/internal/render/grafana"
	"github.com/mongen-dev/mongen/internal/verify/dashcheck"
)

// TestLibraryGolden pins the JSON of every library dashboard (testdata/
// library.txtar), rendered from CUE with every job renamed, and checks that
// no query names a default job, that dashcheck accepts them all, and that
// each one validates against Grafana's dashboard schema.
func TestLibraryGolden(t *testing.T) {
	inputs := []string{"cue.mod/module.cue", "environments/lib/lib.cue"}
	golden.Run(t, "testdata/library.txtar", inputs, func(t *testing.T, c *golden.Case) {
		root := t.TempDir()
		files := map[string]string{}
		for _, name := range inputs {
			data, ok := c.File(name)
			if !ok {
				t.Fatalf("%s missing", name)
			}
			files[name] = string(data)
		}
		golden.WriteFiles(t, root, files)
		ref, err := load.Resolve(root, "lib")
		if err != nil {
			t.Fatal(err)
		}
		env, err := load.Environment(root, ref, load.Options{})
		if err != nil {
			t.Fatal(err)
		}
		p, err := expand.Expand(env)
		if err != nil {
			t.Fatal(err)
		}
		if problems := dashcheck.Check(p, nil); len(problems) > 0 {
			t.Fatalf("dashcheck:\n%s", strings.Join(problems, "\n"))
		}
		tree := renderTree(t, p)
		var got []golden.File
		for _, f := range tree.Files() {
			if strings.HasPrefix(f.Path, grafana.Dir+"/") {
				got = append(got, golden.File{Name: f.Path, Data: f.Data})
				checkJobs(t, f)
				validateSchema(t, f.Path, f.Data)
			}
		}
		if len(got) != 13 {
			t.Errorf("%d library dashboards, want 13", len(got))
		}
		c.Check(t, got)
	})
}

// defaultJobs are the library's default job names, which the environment
// renames: a query still naming one ignored the exporter's job parameter.
var defaultJobs = []string{"node-exporter", "kube-state-metrics", `\"kubelet\"`, `\"cadvisor\"`, `\"apiserver\"`, `\"etcd\"`, `\"coredns\"`, `\"ingress-nginx\"`, "mysqld-exporter", "blackbox-exporter", "kube-scheduler", "kube-controller-manager", "kube-proxy"}

func checkJobs(t *testing.T, f artifact.File) {
	t.Helper()
	for _, j := range defaultJobs {
		if strings.Contains(string(f.Data), "job=\\\""+strings.Trim(j, `\"`)+"\\\"") {
			t.Errorf("%s selects the default job %s", f.Path, j)
		}
	}
}

func renderTree(t *testing.T, p *expand.Plan) *artifact.Tree {
	t.Helper()
	tree := artifact.NewTree()
	if err := grafana.Render(p, tree); err != nil {
		t.Fatal(err)
	}
	again := artifact.NewTree()
	if err := grafana.Render(p, again); err != nil {
		t.Fatal(err)
	}
	if !golden.SameTree(tree, again) {
		t.Fatal("two renders differ: output is not deterministic")
	}
	return tree
}

// TestGeneratedGolden pins a golden-signals dashboard and an SLO dashboard
// built from model values in Go (testdata/generated.txtar).
func TestGeneratedGolden(t *testing.T) {
	golden.Run(t, "testdata/generated.txtar", nil, func(t *testing.T, c *golden.Case) {
		env := &model.Environment{
			Name: "prod", Flavour: model.FlavourOperator,
			Prometheus: model.Prometheus{Namespace: "monitoring", ScrapeInterval: "30s"},
			Targets: map[string]model.Target{"openclaw": {Kind: model.KindService, Signals: &model.Signals{
				Requests: "http_requests_total", Errors: `code=~"5.."`, Latency: "http_request_duration_seconds",
			}}},
			SLOs: map[string]map[string]model.SLO{"openclaw": {"availability": {
				Service: "openclaw", Name: "availability", Objective: "99.9", Period: "30d",
				Description: "Requests answered without a server error.",
				Indicator:   model.Indicator{Kind: model.IndicatorRatio, Errors: `http_requests_total{job="openclaw",code=~"5.."}`, Total: `http_requests_total{job="openclaw"}`},
				Alerting: model.SLOAlerting{
					Page:   model.BurnAlert{Enabled: true, Name: "OpenClawAvailabilityBudgetBurn", Tier: "P0"},
					Ticket: model.BurnAlert{Enabled: true, Name: "OpenClawAvailabilityBudgetSlowBurn", Tier: "P1"},
				},
			}}},
			Grafana: model.Grafana{Folder: "mongen", Datasource: model.GrafanaDatasource{Name: "Prometheus prod", UID: "mongen-prod"},
				Titles: map[string]string{"Error budget remaining": "剩余错误预算"}},
		}
		p, err := expand.Expand(env)
		if err != nil {
			t.Fatal(err)
		}
		tree := renderTree(t, p)
		var got []golden.File
		for _, f := range tree.Files() {
			got = append(got, golden.File{Name: f.Path, Data: f.Data})
			if strings.HasPrefix(f.Path, grafana.Dir+"/") {
				validateSchema(t, f.Path, f.Data)
			}
		}
		c.Check(t, got)
	})
}

// TestShippedDashboardsValidate checks every dashboard committed under
// out/ against Grafana's dashboard schema.
func TestShippedDashboardsValidate(t *testing.T) {
	paths, err := filepath.Glob("../../../out/*/dashboards/*.json")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no dashboards under out/ (%v)", err)
	}
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		validateSchema(t, path, data)
		var d struct {
			SchemaVersion int `json:"schemaVersion"`
		}
		if err := json.Unmarshal(data, &d); err != nil || d.SchemaVersion != grafana.SchemaVersion {
			t.Errorf("%s: schemaVersion %d, want %d (%v)", path, d.SchemaVersion, grafana.SchemaVersion, err)
		}
	}
}
