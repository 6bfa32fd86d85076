package kpsproof

import (
	"cmp"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mongen-dev/mongen/internal/artifact"
	"github.com/mongen-dev/mongen/internal/corpus"
	"github.com/mongen-dev/mongen/internal/load"
	"github.com/mongen-dev/mongen/internal/pipeline"
	"github.com/mongen-dev/mongen/internal/verify/kustomizecheck"
	sigsyaml "sigs.k8s.io/yaml"
)

// byoValues are the user's own chart values of the corpus's
// rendered-byo.yaml: default rules off, the Alertmanager on an existing
// Secret.
const byoValues = `
defaultRules: {create: false}
alertmanager:
  alertmanagerSpec: {useExistingSecret: true, configSecret: mongen-alertmanager}
`

// TestProdOnTheRenderedChart builds the shipped environments/prod, renders
// the chart with each cluster's generated helm-values.yaml (over the chart
// defaults, and over a bring-your-own values file), and proves every fact
// against the rendered objects.
func TestProdOnTheRenderedChart(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles prod and renders the chart")
	}
	chartDir := corpus.KubePrometheusStackChart(t)
	root, err := load.FindRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	res, err := pipeline.Compile(root, load.Ref{Name: "prod", Dir: "environments/prod"}, load.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range res.Clusters {
		prefix := ""
		if c.Name != "" {
			prefix = c.Name + "/"
		}
		valuesFile, ok := res.Tree.Get(prefix + "helm-values.yaml")
		if !ok {
			// Until environments/prod is on the kube-prometheus-stack
			// profile, it writes no chart values: remove at wiring.
			t.Skipf("out/prod/%shelm-values.yaml is not generated (environments/prod is not on the kube-prometheus-stack profile yet)", prefix)
		}
		mongen := mongenObjects(t, res.Tree, prefix)
		plat := c.Plan.Env.Platform
		chart := Chart{Dir: chartDir, Release: cmp.Or(plat.Release, "kube-prometheus-stack"), Namespace: cmp.Or(plat.Namespace, "monitoring")}
		for _, user := range []struct{ name, values string }{{"chart defaults", userValues(t, filepath.Join(root, "environments", "prod"), plat.Values)}, {"bring-your-own values", byoValues}} {
			t.Run(cmp.Or(c.Name, "prod")+"/"+user.name, func(t *testing.T) {
				values := mergeValues(decodeValues(t, user.values), decodeValues(t, string(valuesFile.Data)))
				objs, err := chart.Render(values)
				if err != nil {
					t.Fatal(err)
				}
				if ps := Prove(objs, mongen); len(ps) > 0 {
					t.Errorf("%d problems:\n%s", len(ps), join(ps))
				}
			})
		}
	}
}

// userValues is the environment's own values file (platform.values,
// relative to the environment's directory), or none.
func userValues(t *testing.T, envDir, file string) string {
	t.Helper()
	if file == "" {
		return "{}"
	}
	b, err := os.ReadFile(filepath.Join(envDir, filepath.FromSlash(file)))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func decodeValues(t *testing.T, s string) map[string]any {
	t.Helper()
	v := map[string]any{}
	if err := sigsyaml.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("values: %v", err)
	}
	return v
}

// mergeValues lays over on base as helm merges two -f files: maps key by
// key, anything else replaced.
func mergeValues(base, over map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range base {
		out[k] = v
	}
	for k, v := range over {
		bm, ok1 := out[k].(map[string]any)
		om, ok2 := v.(map[string]any)
		if ok1 && ok2 {
			out[k] = mergeValues(bm, om)
			continue
		}
		out[k] = v
	}
	return out
}

// mongenObjects is the kustomize build of one cluster's output.
func mongenObjects(t *testing.T, tree *artifact.Tree, prefix string) []Object {
	t.Helper()
	files := map[string][]byte{}
	for _, f := range tree.Files() {
		if rel, ok := strings.CutPrefix(f.Path, prefix); ok {
			files[rel] = f.Data
		}
	}
	out, err := kustomizecheck.Build(files)
	if err != nil {
		t.Fatal(err)
	}
	objs, err := ParseObjects(out, "monitoring", "mongen")
	if err != nil {
		t.Fatal(err)
	}
	return objs
}

func TestMergeValues(t *testing.T) {
	got := mergeValues(decodeValues(t, "{a: {b: 1, c: 2}, d: [1], e: x}"), decodeValues(t, "{a: {c: 3}, d: [2], f: z}"))
	b, _ := sigsyaml.Marshal(got)
	if want := "a:\n  b: 1\n  c: 3\nd:\n- 2\ne: x\nf: z\n"; string(b) != want {
		t.Errorf("merged:\n%s\nwant:\n%s", b, want)
	}
}
