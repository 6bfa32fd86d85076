package verify_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mongen-dev/mongen/internal/artifact"
	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/load"
	"github.com/mongen-dev/mongen/internal/pipeline"
	"github.com/mongen-dev/mongen/internal/verify"
	"github.com/mongen-dev/mongen/internal/verifycache"
)

// shipped compiles a shipped environment without verifying it and returns
// its first cluster's plan and tree.
func shipped(t *testing.T, name string) (*expand.Plan, *artifact.Tree) {
	t.Helper()
	root, err := load.FindRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	res, err := pipeline.Unverified(root, load.Ref{Name: name, Dir: "environments/" + name}, load.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return res.Clusters[0].Plan, res.Clusters[0].Tree
}

// edited is tree with one file's bytes changed.
func edited(t *testing.T, tree *artifact.Tree, path string, edit func(string) string) *artifact.Tree {
	t.Helper()
	out := artifact.NewTree()
	found := false
	for _, f := range tree.Files() {
		if f.Path == path {
			found = true
			before := string(f.Data)
			if f.Data = []byte(edit(before)); string(f.Data) == before {
				t.Fatalf("%s: the edit changed nothing", path)
			}
		}
		if err := out.Add(f); err != nil {
			t.Fatal(err)
		}
	}
	if !found {
		t.Fatalf("no file %s", path)
	}
	return out
}

// warm verifies tree into a fresh cache, saves it and returns it reopened.
func warm(t *testing.T, plan *expand.Plan, tree *artifact.Tree) (string, func() *verifycache.Cache) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "verified.json")
	vc := verifycache.Open(path, "test-binary")
	if _, err := verify.TreeWith(plan, tree, verify.Options{Verified: vc}); err != nil {
		t.Fatalf("the shipped tree does not verify: %v", err)
	}
	if err := vc.Save(path); err != nil {
		t.Fatal(err)
	}
	return path, func() *verifycache.Cache { return verifycache.Open(path, "test-binary") }
}

// TestCacheServesNoStaleVerdict: with every verdict of the unedited tree
// cached, each kind of edit is still caught, and exactly the checks of the
// edited artifact run again (Misses); the same tree again runs none.
func TestCacheServesNoStaleVerdict(t *testing.T) {
	plan, tree := shipped(t, "prod")
	_, reopen := warm(t, plan, tree)

	vc := reopen()
	if _, err := verify.TreeWith(plan, tree, verify.Options{Verified: vc}); err != nil {
		t.Fatal(err)
	}
	if n := vc.Misses(); n != 0 {
		t.Errorf("the unchanged tree ran %d cached checks again, want 0", n)
	}

	cases := []struct {
		name, path string
		edit       func(string) string
		want       string // in the error
		misses     int    // the file's own check and the kustomize build
	}{
		{"rule expression", "manifests/prometheusrule-openclaw.yaml",
			func(s string) string { return strings.Replace(s, "expr: ", "expr: sum by (( ", 1) }, "prometheusrule-openclaw.yaml", 2},
		{"selector label", "manifests/servicemonitor-openclaw.yaml",
			func(s string) string {
				return strings.Replace(s, "release: kube-prometheus-stack", "release: other", 1)
			}, "would never select it", 2},
		{"TLS verification off", "manifests/servicemonitor-openclaw.yaml",
			func(s string) string {
				return strings.Replace(s, "  - port: metrics\n", "  - port: metrics\n    tlsConfig:\n      insecureSkipVerify: true\n", 1)
			}, "hardening/tls-verify", 2},
		{"CRD schema", "manifests/probe-probe-websites.yaml",
			func(s string) string { return strings.Replace(s, "spec:\n", "spec:\n  notAField: 1\n", 1) }, "probe-probe-websites.yaml", 2},
		{"dashboard type", "dashboards/apiserver.json",
			func(s string) string { return strings.Replace(s, `"title": `, `"title": 7, "x": `, 1) }, "dashboards/apiserver.json", 3}, // Grafana's types, the datasource check, kustomize
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			vc := reopen()
			fs, err := verify.TreeWith(plan, edited(t, tree, c.path, c.edit), verify.Options{Verified: vc})
			reported := fmt.Sprint(fs)
			if err != nil {
				reported = err.Error()
			}
			if !strings.Contains(reported, c.want) {
				t.Fatalf("verify reported %s, want it to name %q", reported, c.want)
			}
			if n := vc.Misses(); n != c.misses {
				t.Errorf("%d checks ran again, want %d (the edited file's and the kustomize build's)", n, c.misses)
			}
		})
	}

	// The verdict on a manifest depends on the selector too: a changed
	// selector runs every manifest's check again and finds them unselected.
	t.Run("selector of the plan", func(t *testing.T) {
		moved := *plan
		env := *plan.Env
		env.Selector = map[string]string{"release": "another-release"}
		moved.Env = &env
		vc := reopen()
		_, err := verify.TreeWith(&moved, tree, verify.Options{Verified: vc})
		if err == nil || !strings.Contains(err.Error(), `lacks label release="another-release"`) {
			t.Fatalf("err = %v, want unselected objects", err)
		}
	})
}

// TestCacheOnPlainRuleFiles: the plain flavour's rule files are cached by
// their bytes; a broken one is found with a warm cache, at its rule.
func TestCacheOnPlainRuleFiles(t *testing.T) {
	plan, tree := shipped(t, "dev")
	_, reopen := warm(t, plan, tree)
	vc := reopen()
	_, err := verify.TreeWith(plan, edited(t, tree, "prometheus/rules/openclaw.yaml", func(s string) string {
		return strings.Replace(s, "expr: ", "expr: rate(( ", 1)
	}), verify.Options{Verified: vc})
	if err == nil || !strings.Contains(err.Error(), "openclaw") {
		t.Fatalf("err = %v, want the broken rule", err)
	}
	if vc.Misses() == 0 {
		t.Error("the edited rule file was not checked again")
	}
}

// TestCacheOnVersionGate: at an operator version that predates
// keep_firing_for, a PrometheusRule that gains one is refused with a warm
// cache, and only the edited file's gate verdict (with its manifest checks
// and kustomize part) runs again.
func TestCacheOnVersionGate(t *testing.T) {
	plan, tree := shipped(t, "prod")
	old := *plan
	env := *plan.Env
	env.Platform.Versions.Operator = "v0.65.0"
	old.Env = &env
	_, reopen := warm(t, &old, tree)

	vc := reopen()
	if _, err := verify.TreeWith(&old, tree, verify.Options{Verified: vc}); err != nil {
		t.Fatal(err)
	}
	if n := vc.Misses(); n != 0 {
		t.Errorf("the unchanged tree ran %d cached checks again, want 0", n)
	}
	vc = reopen()
	_, err := verify.TreeWith(&old, edited(t, tree, "manifests/prometheusrule-openclaw.yaml", func(s string) string {
		return strings.Replace(s, "      for: ", "      keep_firing_for: 5m\n      for: ", 1)
	}), verify.Options{Verified: vc})
	if err == nil || !strings.Contains(err.Error(), "keep_firing_for") {
		t.Fatalf("err = %v, want the gate to refuse keep_firing_for at v0.65.0", err)
	}
	if n := vc.Misses(); n != 3 {
		t.Errorf("%d checks ran again, want 3 (the edited file's manifest check and gate, and its kustomize part)", n)
	}
}

// TestCacheOnDashboardDatasource: a dashboard whose panel stops going
// through the datasource variable is caught with a warm cache.
func TestCacheOnDashboardDatasource(t *testing.T) {
	plan, tree := shipped(t, "prod")
	_, reopen := warm(t, plan, tree)
	vc := reopen()
	_, err := verify.TreeWith(plan, edited(t, tree, "dashboards/apiserver.json", func(s string) string {
		return strings.Replace(s, `"uid": "${datasource}"`, `"uid": "prometheus-main"`, 1)
	}), verify.Options{Verified: vc})
	if err == nil || !strings.Contains(err.Error(), "not the datasource variable") {
		t.Fatalf("err = %v, want the datasource reference refused", err)
	}
}
