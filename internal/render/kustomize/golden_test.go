package kustomize

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"reflect"
	"sort"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/mongen-dev/mongen/internal/artifact"
	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/golden"
	"github.com/mongen-dev/mongen/internal/model"
	"github.com/mongen-dev/mongen/internal/render/operator"
	"github.com/mongen-dev/mongen/internal/render/plain"
	"github.com/mongen-dev/mongen/internal/verify/kustomizecheck"
)

// A golden case is a txtar archive holding
//
//	input.json          a model.Environment as JSON (decoded strictly)
//	sources.json        optional: the environment's Sources (CUE positions)
//	kustomization.yaml  the expected kustomization
//	resources.txt       the objects `kustomize build` yields, one per line
//	                    (kustomizecheck.ResourceID.String, sorted)
//
// The environment is rendered in its own flavour (plain or operator), then
// kustomize.Render adds the kustomization, and the whole tree is built with
// krusty. Only kustomization.yaml is compared as a file: the other renderers
// have golden tests of their own.
//
// UPDATE_GOLDEN=1 go test ./internal/render/kustomize/ rewrites the
// expected files from the current output.
const resourcesFile = "resources.txt"

func TestGolden(t *testing.T) {
	golden.Run(t, "testdata/*.txtar", golden.EnvInputs, func(t *testing.T, c *golden.Case) {
		p := c.Plan(t)
		tree := golden.Render(t, p, renderAll)
		golden.Deterministic(t, tree, renderAll, c.Plan(t))
		ids := checkBuild(t, p, tree)

		k, _ := tree.Get(Path)
		c.Check(t, []golden.File{
			{Name: Path, Data: k.Data},
			{Name: resourcesFile, Data: formatIDs(ids)},
		})
	})
}

// checkBuild builds the tree with krusty and checks, independently of the
// golden files, that it yields exactly the expected objects: in the
// operator flavour every manifest once and nothing else; in the plain
// flavour the two ConfigMaps, in the Prometheus namespace, labelled with the
// selector and managed-by, holding exactly the rendered files.
func checkBuild(t *testing.T, p *expand.Plan, tree *artifact.Tree) []kustomizecheck.ResourceID {
	t.Helper()
	files := map[string][]byte{}
	for _, f := range tree.Files() {
		files[f.Path] = f.Data
	}
	ids, err := kustomizecheck.Resources(files)
	if err != nil {
		k, _ := tree.Get(Path)
		t.Fatalf("%v\n%s", err, k.Data)
	}
	built, err := kustomizecheck.Build(files)
	if err != nil {
		t.Fatal(err)
	}
	objs := decodeStream(t, built)
	if len(objs) != len(ids) {
		t.Errorf("Build yields %d objects, Resources lists %d", len(objs), len(ids))
	}

	var want []kustomizecheck.ResourceID
	switch p.Env.Flavour {
	case model.FlavourOperator:
		for _, f := range tree.Files() {
			if strings.HasPrefix(f.Path, ManifestsDir+"/") {
				want = append(want, manifestID(t, f))
			}
		}
		// kustomize leaves the objects as rendered.
		for _, o := range objs {
			id := objectID(o)
			f, ok := tree.Get(operator.FilePath(id.Kind, id.Name))
			if !ok {
				t.Errorf("built %s has no manifest", id)
				continue
			}
			if m := decodeStream(t, f.Data); len(m) != 1 || !reflect.DeepEqual(m[0], o) {
				t.Errorf("%s changed by kustomize:\n--- manifest\n%s--- built\n%v", f.Path, f.Data, o)
			}
		}
	case model.FlavourPlain:
		ns := p.Env.Prometheus.Namespace
		want = append(want, kustomizecheck.ResourceID{APIVersion: "v1", Kind: "ConfigMap", Namespace: ns, Name: ConfigMapConfig})
		wantData := map[string]map[string]string{ConfigMapConfig: {}}
		cfg, _ := tree.Get(plain.ConfigPath)
		wantData[ConfigMapConfig][path.Base(plain.ConfigPath)] = string(cfg.Data)
		if len(p.Groups) > 0 {
			want = append(want, kustomizecheck.ResourceID{APIVersion: "v1", Kind: "ConfigMap", Namespace: ns, Name: ConfigMapRules})
			wantData[ConfigMapRules] = map[string]string{}
			for _, g := range p.Groups {
				f, _ := tree.Get(plain.RuleFilePath(g.Name))
				wantData[ConfigMapRules][path.Base(f.Path)] = string(f.Data)
			}
		}
		wantLabels := map[string]string{"app.kubernetes.io/managed-by": "mongen"}
		for k, v := range p.Env.Selector {
			if k != "app.kubernetes.io/managed-by" {
				wantLabels[k] = v
			}
		}
		for _, o := range objs {
			id := objectID(o)
			var cm struct {
				Metadata struct {
					Name      string            `yaml:"name"`
					Namespace string            `yaml:"namespace"`
					Labels    map[string]string `yaml:"labels"`
				} `yaml:"metadata"`
				Data map[string]string `yaml:"data"`
			}
			remarshal(t, o, &cm)
			if !reflect.DeepEqual(cm.Metadata.Labels, wantLabels) {
				t.Errorf("%s: labels %v, want %v", id, cm.Metadata.Labels, wantLabels)
			}
			if wd, ok := wantData[cm.Metadata.Name]; ok && !reflect.DeepEqual(cm.Data, wd) {
				t.Errorf("%s: data keys %v, want the rendered files %v", id, sortedKeys(cm.Data), sortedKeys(wd))
			}
		}
	default:
		t.Fatalf("unknown flavour %q", p.Env.Flavour)
	}
	sortIDs(want)
	if !reflect.DeepEqual(ids, want) {
		t.Errorf("kustomize build yields\n%s\nwant\n%s", formatIDs(ids), formatIDs(want))
	}
	return ids
}

// renderAll renders the plan in its flavour and adds the kustomization, as
// the pipeline does.
func renderAll(p *expand.Plan, tree *artifact.Tree) error {
	var err error
	switch p.Env.Flavour {
	case model.FlavourPlain:
		err = plain.Render(p, tree)
	case model.FlavourOperator:
		err = operator.RenderWith(p, tree, nil)
	default:
		err = fmt.Errorf("unknown flavour %q", p.Env.Flavour)
	}
	if err != nil {
		return err
	}
	return Render(p, tree)
}

func decodeStream(t *testing.T, data []byte) []map[string]any {
	t.Helper()
	var out []map[string]any
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var m map[string]any
		err := dec.Decode(&m)
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("decode: %v\n%s", err, data)
		}
		if m != nil {
			out = append(out, m)
		}
	}
}

func remarshal(t *testing.T, in, out any) {
	t.Helper()
	data, err := yaml.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(data, out); err != nil {
		t.Fatal(err)
	}
}

func objectID(o map[string]any) kustomizecheck.ResourceID {
	md, _ := o["metadata"].(map[string]any)
	str := func(m map[string]any, k string) string { s, _ := m[k].(string); return s }
	return kustomizecheck.ResourceID{APIVersion: str(o, "apiVersion"), Kind: str(o, "kind"), Namespace: str(md, "namespace"), Name: str(md, "name")}
}

func manifestID(t *testing.T, f artifact.File) kustomizecheck.ResourceID {
	t.Helper()
	objs := decodeStream(t, f.Data)
	if len(objs) != 1 {
		t.Fatalf("%s holds %d objects", f.Path, len(objs))
	}
	return objectID(objs[0])
}

func sortIDs(ids []kustomizecheck.ResourceID) {
	sort.Slice(ids, func(i, j int) bool {
		a, b := ids[i], ids[j]
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		if a.Namespace != b.Namespace {
			return a.Namespace < b.Namespace
		}
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.APIVersion < b.APIVersion
	})
}

func formatIDs(ids []kustomizecheck.ResourceID) []byte {
	var b strings.Builder
	for _, id := range ids {
		fmt.Fprintln(&b, id)
	}
	return []byte(b.String())
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
