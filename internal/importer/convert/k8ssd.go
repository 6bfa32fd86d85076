package convert

import (
	"fmt"
	"reflect"
	"regexp/syntax"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/importer/read"
	"github.com/mongen-dev/mongen/internal/model"
	"github.com/mongen-dev/mongen/internal/render/plain"
)

// kubernetesSD describes the two discovery roles a target renders.
var kubernetesSD = map[string]struct {
	kind, labelPrefix, portLabel string
}{
	"endpoints": {model.KindService, "__meta_kubernetes_service_label_", "__meta_kubernetes_endpoint_port_name"},
	"pod":       {model.KindPod, "__meta_kubernetes_pod_label_", "__meta_kubernetes_pod_container_port_name"},
}

// wellKnownLabels maps the meta label names of the recommended Kubernetes
// labels back to the labels: Prometheus turns . / - into _, so only these
// are known for sure.
var wellKnownLabels = map[string]string{
	"app_kubernetes_io_name":       "app.kubernetes.io/name",
	"app_kubernetes_io_instance":   "app.kubernetes.io/instance",
	"app_kubernetes_io_component":  "app.kubernetes.io/component",
	"app_kubernetes_io_part_of":    "app.kubernetes.io/part-of",
	"app_kubernetes_io_managed_by": "app.kubernetes.io/managed-by",
	"app_kubernetes_io_version":    "app.kubernetes.io/version",
	"k8s_app":                      "k8s-app",
}

// kubernetesTarget turns a kubernetes_sd job that selects Services or Pods
// by labels and a port name into a service or pod target. The conversion
// is proven: the target, rendered as the plain flavour renders it, must
// load with Prometheus's parser into the same scrape config as the input
// (credentials, which become Secret files, aside). Otherwise it returns
// why not, and the job stays raw.
// classic says the job had the older shape (kubernetesTarget's loop).
func (imp *Import) kubernetesTarget(d read.Doc, j *yaml.Node, name, scrapeInterval string) (t model.Target, classic bool, why string) {
	role, names, why := kubernetesDiscovery(d, j)
	if why != "" {
		return model.Target{}, false, why
	}
	how := kubernetesSD[role]
	steps, ok := relabels(d, read.Get(j, "relabel_configs"), false)
	if !ok {
		return model.Target{}, false, "a relabel step has a field #Relabel lacks"
	}
	t = model.Target{Kind: how.kind, Selector: map[string]string{}}
	if len(names) == 1 {
		t.Namespace = names[0]
	} else {
		t.Namespace, t.Namespaces = names[0], names
	}
	after, why := kubernetesSelection(&t, steps, role)
	if why != "" {
		return model.Target{}, false, why
	}
	secrets := len(imp.Secrets)
	undo := func(why string) (model.Target, bool, string) {
		imp.Secrets = imp.Secrets[:secrets]
		return model.Target{}, false, why
	}
	if why := imp.scrapeFields(d, j, name, &t); why != "" {
		return undo(why)
	}
	// The job's own steps follow the ones a target writes: those of this
	// mongen (the operator's, so the flavours' series match), or, in a
	// job written without them, namespace, service, pod and container
	// only (older mongen, most hand-written jobs), which becomes a target
	// whose series gain endpoint and node and lose finished Pods.
	var first string
	for _, classic := range []bool{false, true} {
		standard := map[string]int{"endpoints": 7, "pod": 4}[role]
		if classic {
			standard = map[string]int{"endpoints": 4, "pod": 3}[role]
		}
		if after+standard > len(steps) {
			continue
		}
		t.Relabel = steps[after+standard:]
		why := sameScrape(name, t, j, scrapeInterval, classic)
		if why == "" {
			return t, classic, ""
		}
		if first == "" {
			first = why
		}
	}
	if first == "" {
		first = map[string]string{
			"endpoints": "it does not copy namespace, service, pod and container into labels as a target does",
			"pod":       "it does not copy namespace, pod and container into labels as a target does",
		}[role]
	}
	return undo(first)
}

// TargetStep reports whether a relabel step, as Prometheus's config
// loader gives it back, is one a service or pod target adds to a job
// written without them: node from a Node-backed address, the drop of
// finished Pods, endpoint=<port>.
func TargetStep(step any, port string) bool {
	m, ok := step.(map[string]any)
	if !ok {
		return false
	}
	src := fmt.Sprint(m["source_labels"])
	switch {
	case m["target_label"] == "node":
		return src == "[__meta_kubernetes_endpoint_address_target_kind __meta_kubernetes_endpoint_address_target_name]" && m["regex"] == "Node;(.*)"
	case m["action"] == "drop":
		return src == "[__meta_kubernetes_pod_phase]" && m["regex"] == "(Failed|Succeeded)"
	case m["target_label"] == "endpoint":
		return m["source_labels"] == nil && m["replacement"] == port
	}
	return false
}

// WithoutTargetSteps is a loaded relabel_configs value without the steps
// TargetStep names.
func WithoutTargetSteps(v any, port string) any {
	steps, ok := v.([]any)
	if !ok {
		return v
	}
	var out []any
	for _, s := range steps {
		if !TargetStep(s, port) {
			out = append(out, s)
		}
	}
	return out
}

// kubernetesDiscovery reads the job's one kubernetes_sd_configs entry: its
// role and the namespaces it lists. why says what a target cannot say.
func kubernetesDiscovery(d read.Doc, j *yaml.Node) (role string, names []string, why string) {
	for _, kv := range read.Fields(j) {
		if k := kv[0].Value; k != "kubernetes_sd_configs" && (!scrapeKeys[k] || k == "static_configs") {
			return "", nil, "it has " + k
		}
	}
	sds := read.ResolveAlias(read.Get(j, "kubernetes_sd_configs"))
	if sds == nil || sds.Kind != yaml.SequenceNode || len(sds.Content) != 1 {
		return "", nil, "it has several kubernetes_sd_configs"
	}
	sd := read.ResolveAlias(sds.Content[0])
	role, _ = d.Scalar(read.Get(sd, "role"), "role")
	if _, ok := kubernetesSD[role]; !ok {
		return "", nil, fmt.Sprintf("its kubernetes_sd role is %s (a target discovers endpoints or pods)", role)
	}
	for _, kv := range read.Fields(sd) {
		switch kv[0].Value {
		case "role":
		case "namespaces":
			for _, nk := range read.Fields(read.ResolveAlias(kv[1])) {
				if nk[0].Value != "names" {
					return "", nil, "its namespaces have " + nk[0].Value
				}
				for _, x := range read.ResolveAlias(nk[1]).Content {
					names = append(names, x.Value)
				}
			}
		default:
			return "", nil, "its kubernetes_sd_configs have " + kv[0].Value
		}
	}
	if len(names) == 0 {
		return "", nil, "it discovers in every namespace (a target lists its namespaces)"
	}
	return role, names, ""
}

// kubernetesSelection reads the relabel steps a target selects with: keep
// steps on the role's labels (t's selector), after a pod target's drop of
// finished Pods, and one on the port name (t's port). It returns the index
// of the step after them.
func kubernetesSelection(t *model.Target, steps []model.Relabel, role string) (int, string) {
	how := kubernetesSD[role]
	i := 0
	if role == "pod" && i < len(steps) && steps[i].Action == "drop" && reflect.DeepEqual(steps[i].SourceLabels, []string{"__meta_kubernetes_pod_phase"}) {
		i++ // a pod target drops finished Pods first, as a PodMonitor does
	}
	for ; i < len(steps); i++ {
		s := steps[i]
		if s.Action != "keep" || len(s.SourceLabels) != 1 || !strings.HasPrefix(s.SourceLabels[0], how.labelPrefix) {
			break
		}
		value, ok := regexLiteral(s.Regex)
		if !ok {
			return 0, fmt.Sprintf("its keep step on %s is a pattern, not a label value", s.SourceLabels[0])
		}
		meta := strings.TrimPrefix(s.SourceLabels[0], how.labelPrefix)
		key := meta
		if wk, ok := wellKnownLabels[meta]; ok {
			key = wk
		} else if strings.Contains(meta, "_") {
			return 0, fmt.Sprintf("its selector label %s may stand for several Kubernetes labels (Prometheus writes . / - as _), and a ServiceMonitor needs the label itself", s.SourceLabels[0])
		}
		t.Selector[key] = value
	}
	if len(t.Selector) == 0 {
		return 0, "it selects by no label (a target selects by labels)"
	}
	if i >= len(steps) || steps[i].Action != "keep" || !reflect.DeepEqual(steps[i].SourceLabels, []string{how.portLabel}) {
		return 0, "it selects no port by name (a target scrapes a named port)"
	}
	port, ok := regexLiteral(steps[i].Regex)
	if !ok {
		return 0, "its port is a pattern, not a name"
	}
	t.Port = port
	return i + 1, ""
}

// sameScrape is the proof: target t, rendered as the plain flavour renders
// it, loads with Prometheus's parser into the same scrape config as the
// input job j (credentials aside). Otherwise it says why not.
// With classic, the steps a target adds to a job written without them
// (TargetStep) are left out of the target's side.
func sameScrape(name string, t model.Target, j *yaml.Node, scrapeInterval string, classic bool) string {
	built, err := plain.ScrapeConfigFile(expand.Job{Name: name, Target: t}, scrapeInterval)
	if err != nil {
		return err.Error()
	}
	got, err := LoadScrapeConfigs(built)
	if err != nil {
		return "the target's scrape config does not load: " + err.Error()
	}
	input, err := yaml.Marshal(map[string]any{"global": map[string]string{"scrape_interval": scrapeInterval}, "scrape_configs": []*yaml.Node{j}})
	if err != nil {
		return err.Error()
	}
	want, err := LoadScrapeConfigs(input)
	if err != nil {
		return "it does not load: " + err.Error()
	}
	g, w := got[name], want[name]
	if classic {
		g["relabel_configs"] = WithoutTargetSteps(g["relabel_configs"], t.Port)
	}
	for _, k := range []string{"basic_auth", "authorization"} {
		delete(g, k)
		delete(w, k)
	}
	var differ []string
	for _, k := range sortedKeys(UnionKeys(g, w)) {
		if !reflect.DeepEqual(g[k], w[k]) {
			differ = append(differ, k)
		}
	}
	if len(differ) > 0 {
		return fmt.Sprintf("a %s target would scrape it differently (%s)", t.Kind, strings.Join(differ, ", "))
	}
	return ""
}

// regexLiteral returns the string a regex matches when it is a plain literal.
func regexLiteral(re *string) (string, bool) {
	if re == nil {
		return "", false
	}
	p, err := syntax.Parse(*re, syntax.Perl)
	if err != nil {
		return "", false
	}
	p = p.Simplify()
	if p.Op != syntax.OpLiteral || p.Flags&syntax.FoldCase != 0 {
		return "", false
	}
	return string(p.Rune), true
}
