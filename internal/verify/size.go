package verify

import (
	"fmt"

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
const MaxApplySize = 262144

// checkApplySize fails the build naming every object that would not apply.
func checkApplySize(plan *expand.Plan, ids []kustomizecheck.ResourceID, sizes map[kustomizecheck.ResourceID]int, add func(string, string, error)) {
	origins := map[string]string{}
	for _, d := range plan.Dashboards {
		origins[grafana.ConfigMapName(d.UID)] = d.Origin
	}
	for _, id := range ids {
		if n := sizes[id]; n > MaxApplySize {
			hint := "split it"
			if id.Kind == "ConfigMap" && origins[id.Name] != "" {
				hint = "split the dashboard or drop panels"
			}
			add(origins[id.Name], kustomize.Path, fmt.Errorf("%s is %d bytes as JSON, over the %d bytes kubectl's last-applied-configuration annotation can hold: %s, or apply it server-side", id, n, MaxApplySize, hint))
		}
	}
}
