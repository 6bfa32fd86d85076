// Package kubeprom renders, for an environment on kube-prometheus, the
// kustomize Component that adapts kube-prometheus's generated manifests to
// mongen's output: kube-prometheus has no values file, so what it must
// change is a patch the user includes in their kube-prometheus
// kustomization (components: [.../out/<env>/kube-prometheus]). It points
// Alertmanager main at mongen's configuration and mounts the Secrets it
// reads, drops kube-prometheus's own configuration Secret, the
// ServiceMonitors of components mongen's library exporters now scrape and
// the rules whose alert names mongen defines, and mounts mongen's
// dashboards and datasource into kube-prometheus's Grafana, which has no
// sidecar.
package kubeprom

import (
	"bytes"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/mongen-dev/mongen/internal/artifact"
	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/model"
	"github.com/mongen-dev/mongen/internal/platform/kubeprom"
	"github.com/mongen-dev/mongen/internal/render/alertmanager"
	"github.com/mongen-dev/mongen/internal/render/encode"
	"github.com/mongen-dev/mongen/internal/render/grafana"
)

// Path of the component inside the environment's (or cluster's) output.
const Path = "kube-prometheus/kustomization.yaml"

// patch is one entry of the component's patches, with why.
type patch struct {
	why    string
	target map[string]string // kind, name, namespace (JSON 6902 patches)
	body   any
}

// Render adds the component for a kube-prometheus environment.
func Render(p *expand.Plan, t *artifact.Tree) error {
	if p.Env.Platform.Profile != model.ProfileKubePrometheus {
		return nil
	}
	patches, err := Patches(p)
	if err != nil {
		return err
	}
	data, err := encodeComponent(p.Env, patches)
	if err != nil {
		return fmt.Errorf("render kube-prometheus component: %w", err)
	}
	return t.Add(artifact.File{Path: Path, Data: data, Origin: p.Env.Source("platform")})
}

func meta(kind, apiVersion, name, ns string) map[string]any {
	return map[string]any{"apiVersion": apiVersion, "kind": kind, "metadata": map[string]any{"name": name, "namespace": ns}}
}

// Patches are the component's patches, in a fixed order.
func Patches(p *expand.Plan) ([]patch, error) {
	env := p.Env
	ns := env.Platform.Namespace
	var out []patch
	if env.Alerting != nil && env.RunsAlertmanager() {
		am := env.Alerting.Alertmanager
		obj := meta("Alertmanager", "monitoring.coreos.com/v1", am.Name, am.Namespace)
		spec := map[string]any{"configSecret": alertmanager.ConfigSecretName(am)}
		if len(p.Alerting.Secrets) > 0 {
			spec["secrets"] = slices.Clone(p.Alerting.Secrets)
		}
		obj["spec"] = spec
		out = append(out, patch{why: "Alertmanager main runs mongen's alertmanager.yml (the Secret mongen's kustomization generates) with the Secrets its *_file paths read mounted", body: obj})
		del := meta("Secret", "v1", "alertmanager-main", am.Namespace)
		del["$patch"] = "delete"
		out = append(out, patch{why: "kube-prometheus's own Alertmanager configuration is replaced by mongen's", body: del})
	}
	services := p.PlatformServiceJobs()
	for _, s := range slices.Sorted(maps.Keys(services)) {
		name, ok := kubeprom.ServiceMonitor(s)
		if !ok {
			continue
		}
		del := meta("ServiceMonitor", "monitoring.coreos.com/v1", name, ns)
		del["$patch"] = "delete"
		jobs := services[s].Jobs
		out = append(out, patch{why: fmt.Sprintf("mongen's job %s scrapes %s: kube-prometheus's ServiceMonitor %s would scrape it twice", strings.Join(jobs, ", "), s, name), body: del})
	}
	rules, err := rulePatches(p, ns)
	if err != nil {
		return nil, err
	}
	out = append(out, rules...)
	if g := grafanaPatch(p); g != nil {
		out = append(out, *g)
	}
	return out, nil
}

// rulePatches take out of kube-prometheus's PrometheusRules every alert
// whose name mongen defines; a series both record is an error.
func rulePatches(p *expand.Plan, ns string) ([]patch, error) {
	theirs, err := kubeprom.Rules()
	if err != nil {
		return nil, err
	}
	alerts, records := p.RuleOrigins()
	byObject := map[string][]kubeprom.Rule{}
	names := map[string][]string{}
	var probs []string
	for _, r := range theirs {
		if r.Record {
			if origin, ok := records[r.Name]; ok {
				probs = append(probs, fmt.Sprintf("%s: mongen records %s, which kube-prometheus's PrometheusRule %s (group %s) records too: rename mongen's series, or drop that group from your kube-prometheus build", origin, r.Name, r.Object, r.Group))
			}
			continue
		}
		if _, ok := alerts[r.Name]; ok {
			byObject[r.Object] = append(byObject[r.Object], r)
			if !slices.Contains(names[r.Object], r.Name) {
				names[r.Object] = append(names[r.Object], r.Name)
			}
		}
	}
	if len(probs) > 0 {
		sort.Strings(probs)
		return nil, fmt.Errorf("kube-prometheus rules:\n\t%s", strings.Join(probs, "\n\t"))
	}
	var out []patch
	for _, obj := range slices.Sorted(maps.Keys(byObject)) {
		var ops []any
		for _, path := range kubeprom.Removals(byObject[obj]) {
			ops = append(ops, map[string]any{"op": "remove", "path": path})
		}
		sort.Strings(names[obj])
		out = append(out, patch{
			why:    fmt.Sprintf("mongen defines %s: kube-prometheus's rules of those names (PrometheusRule %s, commit %s) are taken out", strings.Join(names[obj], ", "), obj, kubeprom.Commit),
			target: map[string]string{"group": "monitoring.coreos.com", "version": "v1", "kind": "PrometheusRule", "name": obj, "namespace": ns},
			body:   ops,
		})
	}
	return out, nil
}

// grafanaPatch mounts mongen's dashboards under kube-prometheus's
// dashboard provider path and its datasource beside kube-prometheus's.
func grafanaPatch(p *expand.Plan) *patch {
	cms := grafana.ConfigMaps(p)
	if len(cms) == 0 {
		return nil
	}
	var mounts, volumes []any
	for _, cm := range cms {
		mounts = append(mounts, map[string]any{"name": cm.Name, "mountPath": "/grafana-dashboard-definitions/0/" + cm.Name, "readOnly": true})
		volumes = append(volumes, map[string]any{"name": cm.Name, "configMap": map[string]any{"name": cm.Name}})
	}
	key := "mongen-" + p.Env.Name + ".yaml"
	mounts = append(mounts, map[string]any{"name": grafana.DatasourceConfigMapName, "mountPath": "/etc/grafana/provisioning/datasources/" + key, "subPath": key, "readOnly": true})
	volumes = append(volumes, map[string]any{"name": grafana.DatasourceConfigMapName, "configMap": map[string]any{"name": grafana.DatasourceConfigMapName}})
	obj := meta("Deployment", "apps/v1", "grafana", grafana.Namespace(p.Env))
	obj["spec"] = map[string]any{"template": map[string]any{"spec": map[string]any{
		"containers": []any{map[string]any{"name": "grafana", "volumeMounts": mounts}},
		"volumes":    volumes,
	}}}
	return &patch{why: "kube-prometheus's Grafana has no sidecar: mongen's dashboards are mounted under its dashboard provider's path (/grafana-dashboard-definitions/0) and its datasource beside kube-prometheus's", body: obj}
}

func encodeComponent(env *model.Environment, patches []patch) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(encode.Header)
	fmt.Fprintf(&buf, "# A kustomize Component for kube-prometheus (commit %s) in namespace %q: add it to the\n", kubeprom.Commit, env.Platform.Namespace)
	buf.WriteString("# kustomization that applies kube-prometheus's manifests, as\n")
	buf.WriteString("#   components: [<path to this directory>]\n")
	buf.WriteString("# docs/platforms.md says why each patch is there.\n")
	buf.WriteString("apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\npatches:\n")
	for _, pt := range patches {
		body, err := yamlText(pt.body)
		if err != nil {
			return nil, err
		}
		for _, line := range strings.Split(encode.Wrap(pt.why, 76), "\n") {
			buf.WriteString("  # " + line + "\n")
		}
		buf.WriteString("  - ")
		if pt.target != nil {
			t, err := yamlFlow(pt.target)
			if err != nil {
				return nil, err
			}
			buf.WriteString("target: " + t + "\n    ")
		}
		buf.WriteString("patch: |-\n")
		for _, line := range strings.Split(strings.TrimRight(body, "\n"), "\n") {
			buf.WriteString("      " + line + "\n")
		}
	}
	return buf.Bytes(), nil
}

func yamlText(v any) (string, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	if err := enc.Close(); err != nil {
		return "", err
	}
	return buf.String(), nil
}

func yamlFlow(m map[string]string) (string, error) {
	var n yaml.Node
	if err := n.Encode(m); err != nil {
		return "", err
	}
	n.Style = yaml.FlowStyle
	data, err := yaml.Marshal(&n)
	return strings.TrimSpace(string(data)), err
}
