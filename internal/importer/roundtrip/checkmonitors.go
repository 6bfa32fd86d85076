package roundtrip

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"reflect"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/mongen-dev/mongen/internal/artifact"
	"github.com/mongen-dev/mongen/internal/importer/convert"
	"github.com/mongen-dev/mongen/internal/importer/read"
)

// CompareMonitors compares each input ServiceMonitor, PodMonitor and
// Probe with the one tree holds for the target it became (the operator
// flavour's output, or its rendering of a plain environment's targets),
// field by field of the spec. What the import changes
// on purpose is a normalisation: the job label set by a relabel step to
// the target's name, jobLabel dropped, the monitor's own namespace written
// out as namespaceSelector. Everything else, such as a spec field the
// target could not hold, is a difference.
func CompareMonitors(in *read.Input, imp *convert.Import, tree *artifact.Tree) []Difference {
	var out []Difference
	add := func(pos string, explained bool, format string, args ...any) {
		out = append(out, Difference{Pos: pos, Explained: explained, Msg: fmt.Sprintf(format, args...)})
	}
	if len(in.Monitors) == 0 {
		return nil
	}
	built, err := builtMonitors(tree)
	if err != nil {
		add(imp.Options.Env, false, "the built monitors do not read: %v", err)
		return out
	}
	for mi, m := range in.Monitors {
		var spec map[string]any
		if err := read.ResolveAlias(read.Get(read.ResolveAlias(m.Doc.Root), "spec")).Decode(&spec); err != nil {
			add(m.Pos, false, "%s %s: spec does not read: %v", m.Kind, m.Name, err)
			continue
		}
		names := imp.MonitorTargets[mi]
		listKey := map[string]string{read.KindServiceMonitor: "endpoints", read.KindPodMonitor: "podMetricsEndpoints"}[m.Kind]
		for i, name := range names {
			b, ok := built[m.Kind+"/"+name]
			if !ok {
				add(m.Pos, false, "%s %s: the environment builds no %s %s", m.Kind, m.Name, m.Kind, name)
				continue
			}
			compareMonitorTarget(add, m, spec, listKey, i, len(names), name, b)
		}
	}
	return out
}

// compareMonitorTarget compares target name, the i-th of n that monitor
// m (spec, decoded) became, with the monitor the environment builds for it
// (b): the input's spec with that endpoint only and the namespace
// selector the target implies.
func compareMonitorTarget(add func(string, bool, string, ...any), m read.Monitor, spec map[string]any, listKey string, i, n int, name string, b map[string]any) {
	what := fmt.Sprintf("%s %s", m.Kind, m.Name)
	if n > 1 {
		what = fmt.Sprintf("%s %s endpoint %d", m.Kind, m.Name, i+1)
	}
	want := map[string]any{}
	for k, v := range spec {
		want[k] = v
	}
	if listKey != "" {
		eps, _ := spec[listKey].([]any)
		if i < len(eps) {
			want[listKey] = []any{eps[i]}
		}
	}
	if _, has := want["namespaceSelector"]; !has && m.Kind != read.KindProbe {
		ns := m.Namespace
		if ns == "" {
			ns = "monitoring"
		}
		want["namespaceSelector"] = map[string]any{"matchNames": []any{ns}}
	}
	if jl, has := want["jobLabel"]; has {
		delete(want, "jobLabel")
		add(m.Pos, true, "%s: jobLabel %v is gone: the job label is the target's name, %s", what, jl, name)
	}
	inputJob := orDefault(want["jobName"], "probe/"+m.Namespace+"/"+m.Name)
	if m.Kind == read.KindProbe {
		// A target cannot carry labels.job (schemas' #TargetLabels). With
		// jobName, the operator's job relabelling overwrote it; without,
		// the series carried it, over the job's own name.
		if job, ok := cutStaticLabel(want, "job"); ok {
			switch jn, _ := want["jobName"].(string); {
			case jn != "" || job == "" || job == name:
				add(m.Pos, true, "%s: staticConfig labels.job %q is left out: the series' job is the target's name, %s, as it was", what, job, name)
			default:
				inputJob = fmt.Sprintf("%s, from staticConfig labels.job", job)
				add(m.Pos, false, "%s: the series' job is %s, the target's name; the input's was %s, from staticConfig labels.job", what, name, job)
			}
		}
	}
	if ns, _ := staticLabel(b, "namespace"); m.Kind == read.KindProbe && m.Namespace != "" && ns == m.Namespace {
		cutStaticLabel(b, "namespace")
		switch wns, had := staticLabel(want, "namespace"); {
		case !had:
			add(m.Pos, true, "%s: staticConfig labels.namespace %s is written out: the operator gave the Probe's static targets its namespace, and a target's Probe lives in Prometheus's", what, m.Namespace)
		case wns == ns:
			cutStaticLabel(want, "namespace")
		}
	}
	if m.Kind == read.KindProbe && b["jobName"] == name {
		if jn, has := want["jobName"]; !has || jn != name {
			add(m.Pos, true, "%s: jobName is %s, the target's name (the input's job was %s)", what, name, inputJob)
		}
		delete(want, "jobName")
		delete(b, "jobName")
	}
	if bearerAsAuthorization(want, listKey) {
		add(m.Pos, true, "%s: bearerTokenSecret is written as authorization (type Bearer, the same Secret key), which replaces it", what)
	}
	if stripJobRelabel(b, listKey, name) {
		add(m.Pos, true, "%s: a relabel step sets job=%q, the target's name (the input's job came from the Service or Pod, or jobLabel)", what, name)
	}
	for _, k := range sortedKeys(convert.UnionKeys(want, b)) {
		if reflect.DeepEqual(want[k], b[k]) {
			continue
		}
		if k == listKey {
			compareEndpoint(add, m.Pos, what, want[k], b[k])
			continue
		}
		add(m.Pos, false, "%s: spec.%s is %s, the input has %s", what, k, short(b[k]), short(want[k]))
	}
}

// compareEndpoint reports the fields of one endpoint that differ.
func compareEndpoint(add func(string, bool, string, ...any), pos, what string, want, got any) {
	wl, _ := want.([]any)
	gl, _ := got.([]any)
	if len(wl) != 1 || len(gl) != 1 {
		add(pos, false, "%s: endpoints are %s, the input has %s", what, short(got), short(want))
		return
	}
	w, _ := wl[0].(map[string]any)
	g, _ := gl[0].(map[string]any)
	for _, k := range sortedKeys(convert.UnionKeys(w, g)) {
		if !reflect.DeepEqual(w[k], g[k]) {
			add(pos, false, "%s: endpoint %s is %s, the input has %s", what, k, short(g[k]), short(w[k]))
		}
	}
}

// stripJobRelabel removes the relabel step mongen adds to set the job
// label, and reports whether there was one.
func stripJobRelabel(spec map[string]any, listKey, job string) bool {
	isJobStep := func(x any) bool {
		m, ok := x.(map[string]any)
		return ok && m["targetLabel"] == "job" && m["replacement"] == job && (m["action"] == "replace" || m["action"] == nil) && m["sourceLabels"] == nil
	}
	strip := func(holder map[string]any) bool {
		rs, _ := holder["relabelingConfigs"].([]any)
		key := "relabelingConfigs"
		if rs == nil {
			rs, _ = holder["relabelings"].([]any)
			key = "relabelings"
		}
		var kept []any
		found := false
		for _, r := range rs {
			if isJobStep(r) {
				found = true
				continue
			}
			kept = append(kept, r)
		}
		if found {
			if len(kept) == 0 {
				delete(holder, key)
			} else {
				holder[key] = kept
			}
		}
		return found
	}
	if listKey == "" {
		return strip(spec)
	}
	found := false
	eps, _ := spec[listKey].([]any)
	for _, ep := range eps {
		if m, ok := ep.(map[string]any); ok && strip(m) {
			found = true
		}
	}
	return found
}

// bearerAsAuthorization rewrites an endpoint's bearerTokenSecret as the
// authorization a target renders, and reports whether there was one.
func bearerAsAuthorization(spec map[string]any, listKey string) bool {
	found := false
	eps, _ := spec[listKey].([]any)
	for i, ep := range eps {
		m, ok := ep.(map[string]any)
		if !ok || m["bearerTokenSecret"] == nil || m["authorization"] != nil {
			continue
		}
		c := map[string]any{}
		for k, v := range m {
			c[k] = v
		}
		c["authorization"] = map[string]any{"type": "Bearer", "credentials": m["bearerTokenSecret"]}
		delete(c, "bearerTokenSecret")
		eps[i] = c
		found = true
	}
	return found
}

func orDefault(v any, def string) string {
	if v == nil {
		return def
	}
	return fmt.Sprint(v)
}

// builtMonitors reads the specs of the monitors in the output, by
// kind/name.
func builtMonitors(tree *artifact.Tree) (map[string]map[string]any, error) {
	out := map[string]map[string]any{}
	for _, f := range tree.Files() {
		if !strings.HasSuffix(f.Path, ".yaml") || !bytes.Contains(f.Data, []byte("monitoring.coreos.com/")) {
			continue
		}
		dec := yaml.NewDecoder(bytes.NewReader(f.Data))
		for {
			var obj struct {
				Kind     string                `yaml:"kind"`
				Metadata struct{ Name string } `yaml:"metadata"`
				Spec     map[string]any        `yaml:"spec"`
			}
			err := dec.Decode(&obj)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return nil, fmt.Errorf("%s: %w", f.Path, err)
			}
			switch obj.Kind {
			case read.KindServiceMonitor, read.KindPodMonitor, read.KindProbe:
				out[obj.Kind+"/"+obj.Metadata.Name] = obj.Spec
			}
		}
	}
	return out, nil
}

// short prints a value in one line, shortened.
func short(v any) string {
	if v == nil {
		return "unset"
	}
	b, err := yaml.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	s := strings.TrimSpace(string(b))
	s = strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", " ")), " ")
	if len(s) > 120 {
		s = s[:117] + "..."
	}
	return s
}

// staticLabel is a Probe spec's targets.staticConfig.labels[key].
func staticLabel(spec map[string]any, key string) (any, bool) {
	targets, _ := spec["targets"].(map[string]any)
	static, _ := targets["staticConfig"].(map[string]any)
	labels, _ := static["labels"].(map[string]any)
	v, ok := labels[key]
	return v, ok
}

// cutStaticLabel removes targets.staticConfig.labels[key] from a Probe
// spec (copying what it changes: spec shares its maps with the input) and
// returns its value.
func cutStaticLabel(spec map[string]any, key string) (string, bool) {
	v, ok := staticLabel(spec, key)
	if !ok {
		return "", false
	}
	targets := maps.Clone(spec["targets"].(map[string]any))
	static := maps.Clone(targets["staticConfig"].(map[string]any))
	labels := maps.Clone(static["labels"].(map[string]any))
	delete(labels, key)
	if static["labels"] = labels; len(labels) == 0 {
		delete(static, "labels")
	}
	targets["staticConfig"] = static
	spec["targets"] = targets
	return fmt.Sprint(v), true
}
