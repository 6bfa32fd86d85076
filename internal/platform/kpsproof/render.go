package kpsproof

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"strings"

	"helm.sh/helm/v4/pkg/action"
	"helm.sh/helm/v4/pkg/chart"
	"helm.sh/helm/v4/pkg/chart/common"
	"helm.sh/helm/v4/pkg/chart/loader"
	release "helm.sh/helm/v4/pkg/release/v1"
)

func bufioReader(b []byte) *bufio.Reader { return bufio.NewReader(bytes.NewReader(b)) }

// Chart is a release of a chart rendered offline.
type Chart struct {
	Dir       string // the unpacked chart
	Release   string // release name
	Namespace string // release namespace
	// KubeVersion is the Kubernetes version the chart sees
	// (.Capabilities.KubeVersion); empty means DefaultKubeVersion. helm's
	// own default, when used as a library, is v1.20.0, which the chart
	// refuses.
	KubeVersion string
}

// DefaultKubeVersion is what helm v4.3.2's CLI reports (from its client-go
// version): the corpus renders were made with it.
const DefaultKubeVersion = "v1.37.0"

// Render renders the chart with values the way `helm template` does (helm's
// own Go library: an install with a client-side dry run, no cluster), and
// returns its objects, hooks included, each with its template as Source
// ("templates/prometheus/prometheus.yaml", "charts/grafana/templates/...").
func (c Chart) Render(values map[string]any) ([]Object, error) {
	manifest, err := c.RenderManifest(values)
	if err != nil {
		return nil, err
	}
	objs, err := ParseObjects(manifest, c.Namespace, "chart")
	if err != nil {
		return nil, fmt.Errorf("render chart %s: %w", c.Dir, err)
	}
	for i := range objs {
		// helm names sources <chart name>/<path>.
		if _, rest, ok := strings.Cut(objs[i].Source, "/"); ok {
			objs[i].Source = rest
		}
	}
	return objs, nil
}

// RenderManifest is Render's YAML stream: the manifest, then each hook
// after a "# Source:" line.
func (c Chart) RenderManifest(values map[string]any) ([]byte, error) {
	ch, err := loader.Load(c.Dir)
	if err != nil {
		return nil, fmt.Errorf("load chart %s: %w", c.Dir, err)
	}
	ac, err := chart.NewAccessor(ch)
	if err != nil {
		return nil, fmt.Errorf("load chart %s: %w", c.Dir, err)
	}
	if req := ac.MetaDependencies(); len(req) > 0 {
		if err := action.CheckDependencies(ch, req); err != nil {
			return nil, fmt.Errorf("chart %s: %w", c.Dir, err)
		}
	}
	install := action.NewInstall(action.NewConfiguration())
	install.DryRunStrategy = action.DryRunClient
	install.Replace = true
	install.ReleaseName = c.Release
	install.Namespace = c.Namespace
	kv := cmp.Or(c.KubeVersion, DefaultKubeVersion)
	install.KubeVersion, err = common.ParseKubeVersion(kv)
	if err != nil {
		return nil, fmt.Errorf("render chart %s: kube version %q: %w", c.Dir, kv, err)
	}
	// helm coalesces into the map it is given: hand it a copy.
	vals, err := copyValues(values)
	if err != nil {
		return nil, fmt.Errorf("render chart %s: %w", c.Dir, err)
	}
	ri, err := install.Run(ch, vals)
	if err != nil {
		return nil, fmt.Errorf("render chart %s: %w", c.Dir, err)
	}
	rel, ok := ri.(*release.Release)
	if !ok {
		return nil, fmt.Errorf("render chart %s: unexpected release type %T", c.Dir, ri)
	}
	var buf bytes.Buffer
	buf.WriteString(strings.TrimSpace(rel.Manifest))
	buf.WriteString("\n")
	for _, h := range rel.Hooks {
		fmt.Fprintf(&buf, "---\n# Source: %s\n%s\n", h.Path, h.Manifest)
	}
	return buf.Bytes(), nil
}

// copyValues deep-copies values through JSON (values are JSON-like).
func copyValues(values map[string]any) (map[string]any, error) {
	out := map[string]any{}
	if values == nil {
		return out, nil
	}
	data, err := json.Marshal(values)
	if err != nil {
		return nil, fmt.Errorf("copy values: %w", err)
	}
	if err := json.Unmarshal(data, &out); err != nil {
		return nil, fmt.Errorf("copy values: %w", err)
	}
	return out, nil
}
