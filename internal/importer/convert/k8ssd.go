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
func (imp *Import) kubernetesTarget(d read.Doc, j *yaml.Node, name, scrapeInterval string) (model.Target, string) {
	role, names, why := kubernetesDiscovery(d, j)
	if why != "" {
		return model.Target{}, why
	}
	how := kubernetesSD[role]
	steps, ok := relabels(d, read.Get(j, "relabel_configs"), false)
	if !ok {
		return model.Target{}, "a relabel step has a field #Relabel lacks"
	}
	t := model.Target{Kind: how.kind, Selector: map[string]string{}}
	if len(names) == 1 {
		t.Namespace = names[0]
	} else {
		t.Namespace, t.Namespaces = names[0], names
	}
	if t.Relabel, why = kubernetesSelection(&t, steps, role); why != "" {
		return model.Target{}, why
	}
	secrets := len(imp.Secrets)
	undo := func(why string) (model.Target, string) {
		imp.Secrets = imp.Secrets[:secrets]
		return model.Target{}, why
	}
	if why := imp.scrapeFields(d, j, name, &t); why != "" {
		return undo(why)
	}
	if why := sameScrape(name, t, j, scrapeInterval); why != "" {
		return undo(why)
	}
	return t, ""
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

// kubernetesSelection reads the relabel steps a target writes itself: keep
// steps on the role's labels (t's selector), one on the port name (t's
// port), then the standard namespace, service, pod and container labels.
// It returns the steps after those, the job's own.
func kubernetesSelection(t *model.Target, steps []model.Relabel, role string) ([]model.Relabel, string) {
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
			return nil, fmt.Sprintf("its keep step on %s is a pattern, not a label value", s.SourceLabels[0])
		}
		meta := strings.TrimPrefix(s.SourceLabels[0], how.labelPrefix)
		key := meta
		if wk, ok := wellKnownLabels[meta]; ok {
			key = wk
		} else if strings.Contains(meta, "_") {
			return nil, fmt.Sprintf("its selector label %s may stand for several Kubernetes labels (Prometheus writes . / - as _), and a ServiceMonitor needs the label itself", s.SourceLabels[0])
		}
		t.Selector[key] = value
	}
	if len(t.Selector) == 0 {
		return nil, "it selects by no label (a target selects by labels)"
	}
	if i >= len(steps) || steps[i].Action != "keep" || !reflect.DeepEqual(steps[i].SourceLabels, []string{how.portLabel}) {
		return nil, "it selects no port by name (a target scrapes a named port)"
	}
	port, ok := regexLiteral(steps[i].Regex)
	if !ok {
		return nil, "its port is a pattern, not a name"
	}
	t.Port = port
	// A target adds node (endpoints), namespace, service (endpoints), pod,
	// container labels, drops finished Pods (endpoints; pods did first)
	// and adds endpoint after the selection, as the operator's monitors
	// do; what follows is the job's own. sameScrape proves the count.
	standard := map[string]int{"endpoints": 7, "pod": 4}[role]
	if i+1+standard > len(steps) {
		return nil, map[string]string{
			"endpoints": "it does not add the node, namespace, service, pod, container and endpoint labels and drop finished Pods as a target does",
			"pod":       "it does not add the namespace, pod, container and endpoint labels as a target does",
		}[role]
	}
	return steps[i+1+standard:], ""
}

// sameScrape is the proof: target t, rendered as the plain flavour renders
// it, loads with Prometheus's parser into the same scrape config as the
// input job j (credentials aside). Otherwise it says why not.
func sameScrape(name string, t model.Target, j *yaml.Node, scrapeInterval string) string {
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
