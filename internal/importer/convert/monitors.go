package convert

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/mongen-dev/mongen/internal/importer/read"
	"github.com/mongen-dev/mongen/internal/model"
)

// endpointKeys are the ServiceMonitor/PodMonitor endpoint fields a
// #Target expresses.
var endpointKeys = map[string]bool{
	"port": true, "path": true, "scheme": true, "interval": true, "scrapeTimeout": true, "honorLabels": true,
	"params": true, "relabelings": true, "metricRelabelings": true, "tlsConfig": true, "basicAuth": true,
	"bearerTokenSecret": true, "bearerTokenFile": true, "authorization": true,
}

// convertMonitor turns a ServiceMonitor or PodMonitor into one target per
// endpoint, and a Probe into a probe target. What a target cannot say is
// reported, never dropped without a word.
func (imp *Import) convertMonitor(mi int, m read.Monitor, targets map[string]model.Target) error {
	d := m.Doc
	spec := read.ResolveAlias(read.Get(read.ResolveAlias(d.Root), "spec"))
	warn := func(n *yaml.Node, format string, args ...any) {
		imp.note(d.Pos(n), NoteWarning, "%s %s: %s", m.Kind, m.Name, fmt.Sprintf(format, args...))
	}
	base, err := monitorBase(m, spec, warn)
	if err != nil {
		return err
	}
	switch m.Kind {
	case read.KindProbe:
		return imp.convertProbe(mi, m, spec, base, targets)
	case read.KindServiceMonitor:
		base.Kind = model.KindService
	default:
		base.Kind = model.KindPod
	}
	listKey := "endpoints"
	if m.Kind == read.KindPodMonitor {
		listKey = "podMetricsEndpoints"
	}
	eps := read.ResolveAlias(read.Get(spec, listKey))
	if eps == nil || eps.Kind != yaml.SequenceNode || len(eps.Content) == 0 {
		return d.Errorf(spec, "%s %s has no %s", m.Kind, m.Name, listKey)
	}
	for i, ep := range eps.Content {
		ep = read.ResolveAlias(ep)
		name := GroupKey(m.Name)
		if len(eps.Content) > 1 {
			name = fmt.Sprintf("%s-%d", name, i+1)
		}
		if _, dup := targets[name]; dup {
			return d.Errorf(ep, "%s %s: target %s is defined twice", m.Kind, m.Name, name)
		}
		t, err := endpointTarget(m, base, ep, warn)
		if err != nil {
			return err
		}
		targets[name] = t
		imp.MonitorTargets[mi] = append(imp.MonitorTargets[mi], name)
		imp.note(d.Pos(ep), NoteChange, "%s %s becomes %s target %s (its series get job=%q)", m.Kind, m.Name, t.Kind, name, name)
	}
	return nil
}

// monitorBase is what every target of monitor m shares: its namespace,
// selector and namespaces. Spec fields a target has no place for are
// warned about.
func monitorBase(m read.Monitor, spec *yaml.Node, warn func(*yaml.Node, string, ...any)) (model.Target, error) {
	d := m.Doc
	ns := m.Namespace
	if ns == "" {
		ns = "monitoring"
	}
	base := model.Target{Namespace: ns}
	if sel := read.Get(spec, "selector"); sel != nil {
		labels, _, err := d.StringMap(read.Get(sel, "matchLabels"), "matchLabels")
		if err != nil {
			return model.Target{}, err
		}
		base.Selector = labels
		if e := read.Get(sel, "matchExpressions"); e != nil {
			warn(e, "matchExpressions are not kept: a target selects by labels only; add them as relabel keep steps")
		}
	}
	if nsSel := read.Get(spec, "namespaceSelector"); nsSel != nil {
		if any, _ := d.Scalar(read.Get(nsSel, "any"), "any"); any == "true" {
			warn(nsSel, "namespaceSelector any: true is not kept: list the namespaces in namespaces")
		}
		if names := read.ResolveAlias(read.Get(nsSel, "matchNames")); names != nil && names.Kind == yaml.SequenceNode {
			for _, n := range names.Content {
				base.Namespaces = append(base.Namespaces, n.Value)
			}
		}
	}
	known := map[string]bool{"selector": true, "namespaceSelector": true, "jobLabel": true, "endpoints": m.Kind == read.KindServiceMonitor, "podMetricsEndpoints": m.Kind == read.KindPodMonitor}
	if m.Kind == read.KindProbe {
		known = map[string]bool{"module": true, "prober": true, "interval": true, "scrapeTimeout": true, "targets": true, "jobName": true}
	}
	for _, kv := range read.Fields(spec) {
		if !known[kv[0].Value] {
			warn(kv[0], "spec field %s is not kept: a target has no such field (mongen import --check reports it)", kv[0].Value)
		}
	}
	if jl := read.Get(spec, "jobLabel"); jl != nil {
		warn(jl, "jobLabel is not kept: the job label is the target's name, %s", m.Name)
	}
	return base, nil
}

// endpointTarget is the target one endpoint of monitor m becomes: base
// with the endpoint's port, path, scheme, timing, params, relabelling,
// TLS and credentials (as Secret references).
func endpointTarget(m read.Monitor, base model.Target, ep *yaml.Node, warn func(*yaml.Node, string, ...any)) (model.Target, error) {
	d := m.Doc
	t := base
	s := func(key string) string { v, _ := d.Scalar(read.Get(ep, key), key); return v }
	for _, kv := range read.Fields(ep) {
		if !endpointKeys[kv[0].Value] {
			warn(kv[0], "endpoint field %s is not kept: #Target has no such field", kv[0].Value)
		}
	}
	t.Port, t.Path, t.Scheme, t.Interval, t.Timeout = s("port"), s("path"), s("scheme"), s("interval"), s("scrapeTimeout")
	t.HonorLabels = s("honorLabels") == "true"
	if t.Port == "" {
		return model.Target{}, d.Errorf(ep, "%s %s: the endpoint has no port name (targetPort is not supported): a target scrapes a named port", m.Kind, m.Name)
	}
	var ok bool
	if t.Params, ok = paramsOf(read.Get(ep, "params")); !ok {
		warn(read.Get(ep, "params"), "params are not kept: a value is not a list")
	}
	if t.Relabel, ok = relabels(d, read.Get(ep, "relabelings"), true); !ok {
		warn(read.Get(ep, "relabelings"), "relabelings are not kept: a step has a field #Relabel lacks")
	}
	if t.MetricRelabel, ok = relabels(d, read.Get(ep, "metricRelabelings"), true); !ok {
		warn(read.Get(ep, "metricRelabelings"), "metricRelabelings are not kept: a step has a field #Relabel lacks")
	}
	t.TLS = monitorTLS(d, read.Get(ep, "tlsConfig"), warn)
	if b := read.ResolveAlias(read.Get(ep, "basicAuth")); b != nil {
		t.BasicAuth = &model.BasicAuth{Username: selectorRef(d, read.Get(b, "username")), Password: selectorRef(d, read.Get(b, "password"))}
	}
	if b := read.Get(ep, "bearerTokenSecret"); b != nil {
		r := selectorRef(d, b)
		t.BearerToken = &r
	}
	if a := read.Get(ep, "authorization"); a != nil {
		r := selectorRef(d, read.Get(a, "credentials"))
		t.BearerToken = &r
	}
	if f := s("bearerTokenFile"); f != "" {
		if f != model.ServiceAccountTokenFile {
			warn(read.Get(ep, "bearerTokenFile"), "bearerTokenFile %s is not kept: only Prometheus's service account token (serviceAccountToken) is", f)
		} else {
			t.ServiceAccountToken = true
		}
	}
	return t, nil
}

// selectorRef reads a Kubernetes SecretKeySelector {name, key}.
func selectorRef(d read.Doc, n *yaml.Node) model.SecretRef {
	name, _ := d.Scalar(read.Get(n, "name"), "name")
	key, _ := d.Scalar(read.Get(n, "key"), "key")
	return model.SecretRef{Secret: name, Key: key}
}

func monitorTLS(d read.Doc, n *yaml.Node, warn func(*yaml.Node, string, ...any)) *model.TLS {
	n = read.ResolveAlias(n)
	if n == nil {
		return nil
	}
	t := &model.TLS{}
	for _, kv := range read.Fields(n) {
		switch kv[0].Value {
		case "serverName":
			t.ServerName = kv[1].Value
		case "insecureSkipVerify":
			t.InsecureSkipVerify = kv[1].Value == "true"
		case "caFile":
			if kv[1].Value == model.ServiceAccountCAFile {
				t.CAFromServiceAccount = true
			} else {
				warn(kv[0], "tlsConfig caFile %s is not kept: certificates come from a Secret", kv[1].Value)
			}
		case "ca", "cert":
			r := selectorRef(d, read.Get(kv[1], "secret"))
			t.Secret = r.Secret
			if kv[0].Value == "ca" {
				t.CAKey = r.Key
			} else {
				t.CertKey = r.Key
			}
		case "keySecret":
			r := selectorRef(d, kv[1])
			t.Secret = r.Secret
			t.KeyKey = r.Key
		default:
			warn(kv[0], "tlsConfig %s is not kept", kv[0].Value)
		}
	}
	return t
}

func (imp *Import) convertProbe(mi int, m read.Monitor, spec *yaml.Node, base model.Target, targets map[string]model.Target) error {
	d := m.Doc
	t := base
	t.Kind = model.KindProbe
	t.Selector = nil
	name := GroupKey(m.Name)
	if j, _ := d.Scalar(read.Get(spec, "jobName"), "jobName"); j != "" {
		name = GroupKey(j)
	}
	t.Module, _ = d.Scalar(read.Get(spec, "module"), "module")
	if p := read.Get(spec, "prober"); p != nil {
		u, _ := d.Scalar(read.Get(p, "url"), "url")
		t.Prober = u
		if path, _ := d.Scalar(read.Get(p, "path"), "path"); path != "" && path != "/probe" {
			imp.note(d.Pos(p), NoteWarning, "Probe %s: prober path %s is not kept", m.Name, path)
		}
	}
	t.Interval, _ = d.Scalar(read.Get(spec, "interval"), "interval")
	t.Timeout, _ = d.Scalar(read.Get(spec, "scrapeTimeout"), "scrapeTimeout")
	tg := read.Get(spec, "targets")
	if sc := read.Get(tg, "staticConfig"); sc != nil {
		if st := read.ResolveAlias(read.Get(sc, "static")); st != nil && st.Kind == yaml.SequenceNode {
			for _, x := range st.Content {
				t.Static = append(t.Static, x.Value)
			}
		}
		labels, _, err := d.StringMap(read.Get(sc, "labels"), "labels")
		if err != nil {
			return err
		}
		// A target's job is its name (schemas' #TargetLabels refuses
		// labels.job). With jobName set, the operator's job relabelling
		// overwrote labels.job anyway; without, the series carried it.
		if job, ok := labels["job"]; ok {
			delete(labels, "job")
			if jn, _ := d.Scalar(read.Get(spec, "jobName"), "jobName"); jn == "" && job != "" && job != name {
				imp.note(d.Pos(read.Get(read.Get(sc, "labels"), "job")), NoteWarning, "Probe %s: staticConfig labels.job %q is not kept: a target's job is its name, so its series get job=%q (name the target %q to keep theirs)", m.Name, job, name, job)
			}
		}
		// The operator gave a Probe's static targets the Probe's namespace
		// unless its labels set one; a target's Probe lives in
		// Prometheus's namespace, so another is written out to keep it.
		promNS := imp.Env.Prometheus.Namespace
		if promNS == "" {
			promNS = "monitoring" // schemas' #Prometheus default
		}
		if _, ok := labels["namespace"]; !ok && t.Namespace != promNS {
			if labels == nil {
				labels = map[string]string{}
			}
			labels["namespace"] = t.Namespace
		}
		t.Labels = labels
	} else if ing := read.Get(tg, "ingress"); ing != nil {
		labels, _, err := d.StringMap(read.Get(read.Get(ing, "selector"), "matchLabels"), "matchLabels")
		if err != nil {
			return err
		}
		t.Ingress = &model.IngressProbe{Selector: labels}
		if names := read.ResolveAlias(read.Get(read.Get(ing, "namespaceSelector"), "matchNames")); names != nil {
			for _, n := range names.Content {
				t.Ingress.Namespaces = append(t.Ingress.Namespaces, n.Value)
			}
		}
	} else {
		return d.Errorf(spec, "Probe %s has neither targets.staticConfig nor targets.ingress", m.Name)
	}
	switch t.Module {
	case "http_2xx", "http_post_2xx", "tcp_connect", "icmp", "dns":
	default:
		return d.Errorf(read.Get(spec, "module"), "Probe %s: module %q is not one mongen's probe targets know (%s)", m.Name, t.Module, strings.Join([]string{"http_2xx", "http_post_2xx", "tcp_connect", "icmp", "dns"}, ", "))
	}
	if _, dup := targets[name]; dup {
		return d.Errorf(spec, "Probe %s: target %s is defined twice", m.Name, name)
	}
	targets[name] = t
	imp.MonitorTargets[mi] = append(imp.MonitorTargets[mi], name)
	imp.note(d.Pos(spec), NoteChange, "Probe %s becomes probe target %s", m.Name, name)
	return nil
}
