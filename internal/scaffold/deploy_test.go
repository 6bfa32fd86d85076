package scaffold

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	utilyaml "k8s.io/apimachinery/pkg/util/yaml"

	"github.com/mongen-dev/mongen/internal/golden"
	"github.com/mongen-dev/mongen/internal/verify/kube"
)

// repoDeploy is what this repository's own deploy/ holds: the manifests
// mongen init writes, for the shipped environments.
var repoDeploy = Deploy{
	Name: "mongen", RepoURL: "https://github.com/mongen-dev/mongen.git", Branch: "main",
	Envs:     []string{"dev", "prod"},
	Clusters: map[string][]string{"prod": {"prod-sh1", "prod-bj1"}},
}

const repoRoot = "../.."

// TestRepositoryDeploy keeps deploy/ equal to what the templates render, so
// the manifests users get and the ones this repository shows cannot drift.
// UPDATE_GOLDEN=1 rewrites deploy/.
func TestRepositoryDeploy(t *testing.T) {
	want, err := DeployFiles(repoDeploy)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range Paths(want) {
		name := filepath.Join(repoRoot, filepath.FromSlash(p))
		if golden.Update() {
			if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(name, want[p], 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(name)
		if err != nil {
			t.Errorf("%v (UPDATE_GOLDEN=1 writes it)", err)
			continue
		}
		if !bytes.Equal(got, want[p]) {
			t.Errorf("%s differs from what the templates render (UPDATE_GOLDEN=1 rewrites it)", p)
		}
	}
	have, _ := filepath.Glob(filepath.Join(repoRoot, "deploy", "*", "*"))
	for _, h := range have {
		rel, _ := filepath.Rel(repoRoot, h)
		if _, ok := want[filepath.ToSlash(rel)]; !ok {
			t.Errorf("%s: not rendered by the templates (an environment that no longer exists?)", rel)
		}
	}
}

// crdSources are the Go modules whose CRD files the deploy/ manifests are
// validated against, and the files inside them. Bump them together with the
// apiVersions in the templates. (The newest releases need Go 1.27.)
var crdSources = []struct {
	module string
	files  []string
}{
	{"github.com/fluxcd/source-controller@v1.9.6", []string{"config/crd/bases/source.toolkit.fluxcd.io_gitrepositories.yaml"}},
	{"github.com/fluxcd/kustomize-controller@v1.9.6", []string{"config/crd/bases/kustomize.toolkit.fluxcd.io_kustomizations.yaml"}},
	{"github.com/argoproj/argo-cd/v3@v3.5.7", []string{"manifests/crds/application-crd.yaml", "manifests/crds/applicationset-crd.yaml", "manifests/crds/appproject-crd.yaml"}},
}

// crdValidator reads the Flux and Argo CD CRDs from their modules (go mod
// download, outside any module so go.mod is untouched) and builds a
// validator with the API server's own schema checks.
func crdValidator(t *testing.T) *kube.Validator {
	t.Helper()
	if testing.Short() {
		t.Skip("downloads the Flux and Argo CD modules")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go command not available:", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	crds := map[string][]byte{}
	for _, src := range crdSources {
		cmd := exec.CommandContext(ctx, "go", "mod", "download", "-json", src.module)
		cmd.Dir = t.TempDir()
		cmd.Env = append(os.Environ(), "GOFLAGS=", "GO111MODULE=on")
		out, err := cmd.Output()
		var info struct{ Dir, Error string }
		if jerr := json.Unmarshal(out, &info); jerr != nil || info.Dir == "" {
			t.Fatalf("go mod download %s: %v %v %s", src.module, err, jerr, info.Error)
		}
		for _, f := range src.files {
			data, err := os.ReadFile(filepath.Join(info.Dir, filepath.FromSlash(f)))
			if err != nil {
				t.Fatal(err)
			}
			crds[src.module+"/"+f] = data
		}
	}
	v, err := kube.NewValidatorFromCRDs(crds)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// validateDocs validates every YAML document of a manifest file.
func validateDocs(t *testing.T, v *kube.Validator, name string, data []byte) int {
	t.Helper()
	r := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	n := 0
	for {
		doc, err := r.Read()
		if err != nil {
			break
		}
		if len(bytes.TrimSpace(doc)) == 0 {
			continue
		}
		n++
		if err := v.Validate(doc); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	return n
}

// TestDeployManifestsValid validates this repository's deploy/ and what
// mongen init writes against the Flux and Argo CD CRD schemas.
func TestDeployManifestsValid(t *testing.T) {
	v := crdValidator(t)
	files, err := filepath.Glob(filepath.Join(repoRoot, "deploy", "*", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no manifests under deploy/: %v", err)
	}
	docs := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		docs += validateDocs(t, v, f, data)
	}
	if want := 2 + len(repoDeploy.Envs) - 1 + len(repoDeploy.Clusters["prod"]); docs != want {
		t.Errorf("validated %d objects in deploy/, want %d", docs, want)
	}
	scaffolded, err := Files(Options{Env: "staging", RepoURL: "ssh://git@example.com/platform/monitoring.git", MongenVersion: "v1.2.3"})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range Paths(scaffolded) {
		if strings.HasPrefix(p, "deploy/") {
			validateDocs(t, v, "mongen init: "+p, scaffolded[p])
		}
	}
}

// TestValidatorRejects makes sure the validator is not vacuous: a typo in a
// field and a missing required field are errors.
func TestValidatorRejects(t *testing.T) {
	v := crdValidator(t)
	for name, doc := range map[string]string{
		"unknown field": `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: x, namespace: flux-system}
spec: {interval: 10m, prune: true, prun: true, sourceRef: {kind: GitRepository, name: x}}
`,
		"missing required": `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: x, namespace: flux-system}
spec: {interval: 1m}
`,
		"wrong type": `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: x, namespace: argocd}
spec: {generators: "all", template: {metadata: {}, spec: {project: default, destination: {}}}}
`,
	} {
		if err := v.Validate([]byte(doc)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// TestDeployPathsBuilt proves every Flux Kustomization of deploy/ points at
// a directory mongen builds (out/<env>/ or, for a multi-cluster
// environment, out/<env>/<cluster>/), and every built kustomization is
// applied by one.
func TestDeployPathsBuilt(t *testing.T) {
	files, err := DeployFiles(repoDeploy)
	if err != nil {
		t.Fatal(err)
	}
	applied := map[string]bool{}
	for _, p := range Paths(files) {
		var k struct {
			Spec struct{ Path string } `json:"spec"`
		}
		if !strings.HasPrefix(p, "deploy/flux/kustomization-") {
			continue
		}
		if err := utilyaml.Unmarshal(files[p], &k); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		dir := filepath.Clean(strings.TrimPrefix(k.Spec.Path, "./"))
		applied[filepath.ToSlash(dir)] = true
		if _, err := os.Stat(filepath.Join(repoRoot, dir, "kustomization.yaml")); err != nil {
			t.Errorf("%s: path %s: %v", p, k.Spec.Path, err)
		}
	}
	built, _ := filepath.Glob(filepath.Join(repoRoot, "out", "*", "kustomization.yaml"))
	more, _ := filepath.Glob(filepath.Join(repoRoot, "out", "*", "*", "kustomization.yaml"))
	for _, b := range append(built, more...) {
		rel, _ := filepath.Rel(repoRoot, filepath.Dir(b))
		if !applied[filepath.ToSlash(rel)] {
			t.Errorf("%s is built but no Flux Kustomization in deploy/ applies it", rel)
		}
	}
}
