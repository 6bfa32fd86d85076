package pipeline

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mongen-dev/mongen/internal/artifact"
	"github.com/mongen-dev/mongen/internal/diag"
	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/model"
	"github.com/mongen-dev/mongen/internal/verifycache"
)

// Whatever the stages before it missed, a tree holding a credential is
// not handed to write; the error names the file, line, field and origin,
// never the value.
func TestGateStopsACredentialBeforeWrite(t *testing.T) {
	tree := artifact.NewTree()
	for _, f := range []artifact.File{
		{Path: "prometheus/prometheus.yml", Data: []byte("scrape_configs:\n- job_name: a\n  params:\n    access_token: [GATESECRET1]\n"), Origin: "environments/dev/targets.cue:3:2"},
		{Path: "alertmanager/alertmanager.yml", Data: []byte("receivers:\n- name: x\n  webhook_configs:\n  - url: https://alice:GATESECRET2@hooks.example.com/\n")},
		{Path: "dashboards/a.json", Data: []byte(`{"panels": []}`)},
	} {
		if err := tree.Add(f); err != nil {
			t.Fatal(err)
		}
	}
	res := &Result{Tree: tree, Plan: &expand.Plan{Env: &model.Environment{Name: "dev"}}}
	err := gate(res, nil)
	if err == nil {
		t.Fatal("the gate let a credential through")
	}
	msg := err.Error()
	for _, want := range []string{
		"environments/dev/targets.cue:3:2: out/dev/prometheus/prometheus.yml:4:20: scrape_configs[].params.access_token[]: a credential would be written (a token parameter (access_token))",
		"the environment's CUE: out/dev/alertmanager/alertmanager.yml:4:10: receivers[].webhook_configs[].url: a credential would be written (a URL with a user name or password in it)",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error:\n%s\nwant: %s", msg, want)
		}
	}
	if strings.Contains(msg, "GATESECRET") {
		t.Errorf("the error quotes a credential:\n%s", msg)
	}
	// The CUE the file came from is the diagnostic's position; a file
	// without an origin has none, and says so in words.
	l, ok := diag.As(err)
	if !ok || len(l) != 2 || !errors.Is(err, ErrCredential) {
		t.Fatalf("want two credential diagnostics, got %v", err)
	}
	if l[1].Pos != (diag.Pos{File: "environments/dev/targets.cue", Line: 3, Col: 2}) || !l[0].Pos.IsZero() { // in the files' order
		t.Errorf("positions %v and %v, want none and the targets' CUE", l[0].Pos, l[1].Pos)
	}
	clean := artifact.NewTree()
	if err := clean.Add(artifact.File{Path: "a.yaml", Data: []byte("password_file: /etc/x\n")}); err != nil {
		t.Fatal(err)
	}
	if err := gate(&Result{Tree: clean}, nil); err != nil {
		t.Errorf("a clean tree: %v", err)
	}
}

// TestGateCacheKeepsOnlyPasses: a file that passed is not scanned again,
// and a changed file is, whatever passed before under its path.
func TestGateCacheKeepsOnlyPasses(t *testing.T) {
	path := filepath.Join(t.TempDir(), "verified.json")
	vc := verifycache.Open(path, "test")
	tree := func(url string) *Result {
		tr := artifact.NewTree()
		if err := tr.Add(artifact.File{Path: "alertmanager/alertmanager.yml", Data: []byte("receivers:\n- name: x\n  webhook_configs:\n  - url: " + url + "\n")}); err != nil {
			t.Fatal(err)
		}
		return &Result{Tree: tr, Plan: &expand.Plan{Env: &model.Environment{Name: "dev"}}}
	}
	if err := gate(tree("https://hooks.example.com/"), vc); err != nil {
		t.Fatal(err)
	}
	if err := vc.Save(path); err != nil {
		t.Fatal(err)
	}
	warm := verifycache.Open(path, "test")
	if err := gate(tree("https://hooks.example.com/"), warm); err != nil || warm.Misses() != 0 {
		t.Fatalf("the unchanged file: err %v, %d scans, want none", err, warm.Misses())
	}
	if err := gate(tree("https://alice:GATESECRET3@hooks.example.com/"), warm); err == nil {
		t.Fatal("a credential in a file that passed before under the same path went through")
	}
}
