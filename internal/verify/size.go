package verify

import (
	"bytes"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/mongen-dev/mongen/internal/artifact"
	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/render/grafana"
	"github.com/mongen-dev/mongen/internal/render/kustomize"
	"github.com/mongen-dev/mongen/internal/verify/kustomizecheck"
)

// MaxApplySize is the most an object may weigh as JSON: kubectl's
// client-side apply (and Argo CD's default sync) copies the whole object
// into its kubectl.kubernetes.io/last-applied-configuration annotation,
// and the API server refuses annotations over 256 KiB in total. The
// kube-prometheus dashboards are the classic victims.
const MaxApplySize = kustomize.MaxObjectSize

// checkApplySize fails the build naming every object that would not apply.
func checkApplySize(plan *expand.Plan, tree *artifact.Tree, ids []kustomizecheck.ResourceID, sizes map[kustomizecheck.ResourceID]int, add func(string, string, error)) {
	dashboards := map[string]string{}
	for _, d := range plan.Dashboards {
		dashboards[grafana.ConfigMapName(d.UID)] = d.Origin
	}
	var objects map[string]string // parsed only when an object is too big
	for _, id := range ids {
		if n := sizes[id]; n > MaxApplySize {
			if objects == nil {
				objects = objectOrigins(tree)
			}
			hint := "split it"
			origin := objects[id.Kind+"/"+id.Name]
			switch {
			case id.Kind == "ConfigMap" && dashboards[id.Name] != "":
				hint = "split the dashboard or drop panels"
				origin = dashboards[id.Name]
			case id.Kind == "PrometheusRule":
				hint = "split the rule group into smaller groups"
			}
			// The CUE that made the object, when one place did: the user
			// edits that, not the generated file.
			add(origin, kustomize.Path, fmt.Errorf("%s is %d bytes as JSON, over the %d bytes kubectl's last-applied-configuration annotation can hold: %s, or apply it server-side", id, n, MaxApplySize, hint))
		}
	}
}

// objectOrigins maps "Kind/name" of every object in the tree's YAML files
// to the CUE position its file came from.
func objectOrigins(tree *artifact.Tree) map[string]string {
	out := map[string]string{}
	for _, f := range tree.Files() {
		if f.Origin == "" || !strings.HasSuffix(f.Path, ".yaml") {
			continue
		}
		dec := yaml.NewDecoder(bytes.NewReader(f.Data))
		for {
			var head struct {
				Kind     string `yaml:"kind"`
				Metadata struct {
					Name string `yaml:"name"`
				} `yaml:"metadata"`
			}
			if err := dec.Decode(&head); err != nil {
				break
			}
			if head.Kind != "" && head.Metadata.Name != "" {
				out[head.Kind+"/"+head.Metadata.Name] = f.Origin
			}
		}
	}
	return out
}
