package pipeline

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/cuecontext"
	cueload "cuelang.org/go/cue/load"

	"github.com/mongen-dev/mongen/internal/load"
	"github.com/mongen-dev/mongen/internal/slo"
)

// thousandSLOsCUE is an environment declaring 1,000 SLOs in CUE, the mix
// of internal/slo's BenchmarkGenerate1000: 100 services of 10 SLOs, a third
// each ratio, latency and availability, periods 30d, 28d and 7d, both
// alerts, each service a scrape target its selectors name; flavour is
// "operator" or "plain".
func thousandSLOsCUE(flavour string) string {
	var b strings.Builder
	b.WriteString(`package big

import "mongen.dev/mongen/schemas"

env: schemas.#Environment & {
	name:     "big"
	cluster:  "big"
	flavour:  "` + flavour + `"
	selector: release: "monitoring"
`)
	if flavour == "operator" {
		// The plain flavour runs no Prometheus: replicas and retention are
		// the server's, and setting them is an error there.
		b.WriteString("\tprometheus: {replicas: 1, retention: \"3d\"}\n")
	}
	objectives := []string{"99.9", "99.95", "99", "99.5"}
	periods := []string{"30d", "28d", "7d"}
	for svc := range 100 {
		job := fmt.Sprintf("svc%03d", svc)
		fmt.Fprintf(&b, "\ttargets: %s: {kind: \"service\", namespace: \"apps\", selector: app: %q, port: \"metrics\"}\n", job, job)
		for n := range 10 {
			i := svc*10 + n
			fmt.Fprintf(&b, "\tslos: %s: \"slo%d\": {\n\t\tobjective: %s\n\t\tperiod: %q\n\t\tteam: \"team\"\n\t\tlabels: owner: \"team\"\n", job, n, objectives[i%4], periods[i%3])
			b.WriteString("\t\talerting: annotations: runbook_url: \"https://runbooks.example.com/x\"\n")
			switch i % 3 {
			case 0:
				fmt.Fprintf(&b, "\t\tindicator: {kind: \"ratio\", errors: \"http_requests_total{job=\\\"%s\\\",code=~\\\"5..\\\"}\", total: \"http_requests_total{job=\\\"%s\\\"}\"}\n", job, job)
			case 1:
				fmt.Fprintf(&b, "\t\tindicator: {kind: \"latency\", bucket: \"http_request_duration_seconds_bucket{job=\\\"%s\\\"}\", threshold: \"0.3\"}\n", job)
			default:
				fmt.Fprintf(&b, "\t\tindicator: {kind: \"availability\", probe: \"probe_success{job=\\\"%s\\\"}\", groupBy: [\"instance\"]}\n", job)
			}
			b.WriteString("\t}\n")
		}
	}
	b.WriteString("}\n")
	return b.String()
}

// thousandSLOsRepo writes a repository holding mongen's CUE module (the
// schemas and library, as the repository root does) and environment big
// of the given flavour.
func thousandSLOsRepo(b testing.TB, flavour string) string {
	b.Helper()
	src, err := load.FindRoot(".")
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	for _, d := range []string{"cue.mod", "schemas", "library"} {
		if err := os.CopyFS(filepath.Join(dir, d), os.DirFS(filepath.Join(src, d))); err != nil {
			b.Fatal(err)
		}
	}
	env := filepath.Join(dir, "environments", "big")
	if err := os.MkdirAll(env, 0o755); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(env, "slos.cue"), []byte(thousandSLOsCUE(flavour)), 0o644); err != nil {
		b.Fatal(err)
	}
	return dir
}

var bigRef = load.Ref{Name: "big", Dir: "environments/big"}

// BenchmarkCompile1000SLOs is a whole build of an environment declaring
// 1,000 SLOs: CUE load, expand (SLO validation and generation), render,
// verify (every one of the 16,000 generated rules through rulefmt) and lint.
func BenchmarkCompile1000SLOs(b *testing.B) {
	root := thousandSLOsRepo(b, "operator")
	for b.Loop() {
		res, err := Compile(root, bigRef, load.Options{})
		if err != nil {
			b.Fatal(err)
		}
		if n := len(res.Plan.Env.SLOList()); n != 1000 {
			b.Fatalf("%d SLOs", n)
		}
	}
}

// BenchmarkLoad1000SLOs is the CUE load stage of the same build alone.
func BenchmarkLoad1000SLOs(b *testing.B) {
	root := thousandSLOsRepo(b, "operator")
	for b.Loop() {
		if _, err := load.Environment(root, bigRef, load.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGenerate1000SLOs is the Go generation of the same 1,000 SLOs,
// read from the loaded model: slo.Validate and slo.Generate, as
// internal/slo's BenchmarkGenerate1000 measures.
func BenchmarkGenerate1000SLOs(b *testing.B) {
	env, err := load.Environment(thousandSLOsRepo(b, "operator"), bigRef, load.Options{})
	if err != nil {
		b.Fatal(err)
	}
	slos := env.SLOList()
	for b.Loop() {
		rules := 0
		for _, s := range slos {
			if ps := slo.Validate(s); len(ps) > 0 {
				b.Fatal(ps)
			}
			rs, err := slo.Generate(s)
			if err != nil {
				b.Fatal(err)
			}
			rules += len(rs)
		}
		if rules != 16000 {
			b.Fatalf("%d rules", rules)
		}
	}
}

// BenchmarkCUEExport1000SLOs is the reference: `cue export -e env` of the
// same CUE (load, evaluate, validate, marshal), in the same run.
func BenchmarkCUEExport1000SLOs(b *testing.B) {
	root := thousandSLOsRepo(b, "operator")
	for b.Loop() {
		insts := cueload.Instances([]string{"./environments/big"}, &cueload.Config{Dir: root, ModuleRoot: root})
		v := cuecontext.New().BuildInstance(insts[0]).LookupPath(cue.ParsePath("env"))
		if err := v.Validate(cue.Concrete(true)); err != nil {
			b.Fatal(err)
		}
		if _, err := json.Marshal(v); err != nil {
			b.Fatal(err)
		}
	}
}
