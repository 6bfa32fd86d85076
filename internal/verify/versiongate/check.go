// Package versiongate refuses rendered output that the versions an
// environment deploys onto do not accept: a field Alertmanager, Prometheus,
// the Prometheus Operator or Thanos only knows from some release on, used
// while the platform runs an older one.
//
// The table (table.go, docs/versions.md) holds one entry per thing mongen
// can render that not every version accepts, each with the first version
// that accepts it and the upstream changelog line that says so. Check reads
// the rendered artifacts as YAML and looks for the keys and values of each
// entry; it never greps text.
package versiongate

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/mongen-dev/mongen/internal/diag"
	"io"
	"path"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/mongen-dev/mongen/internal/artifact"
	"github.com/mongen-dev/mongen/internal/model"
	"github.com/mongen-dev/mongen/internal/verifycache"
)

// Subject is what in a rendered file uses a feature, for a Locator to turn
// into a CUE position finer than the file's.
type Subject struct {
	// Kind is "receiver", "route", "inhibit rule", "time interval",
	// "rule", "job", "remote write", "global", "versions", or a
	// Kubernetes kind (Probe, ScrapeConfig, Prometheus, ...).
	Kind string
	// Name is the receiver, route receiver, time interval, rule, job,
	// remote write (its name, else its URL) or object name; for "versions",
	// the component.
	Name string
	// Group is a rule's group.
	Group string
	// Integration is a receiver's integration ("wechat", "webhook", ...).
	Integration string
	// Index is an inhibit rule's position in inhibit_rules.
	Index int
	// Path is the artifact the subject is in.
	Path string
}

func (s Subject) String() string {
	switch s.Kind {
	case "", "versions":
		return ""
	case "rule":
		return fmt.Sprintf("rule %q (group %s)", s.Name, s.Group)
	case "route":
		return fmt.Sprintf("route to %q", s.Name)
	case "inhibit rule":
		return fmt.Sprintf("inhibit rule %d", s.Index)
	case "global":
		return "global"
	}
	if s.Name == "" {
		return s.Kind
	}
	return fmt.Sprintf("%s %q", s.Kind, s.Name)
}

// Locator returns the CUE position of a subject, or "" when it knows none;
// the file's Origin is used then.
type Locator func(Subject) string

// Problem is one use of a feature the deployed version does not accept.
type Problem struct {
	// Origin is the CUE position: the Locator's, else the file's.
	Origin string
	// Path is the artifact.
	Path    string
	Subject Subject
	// Field is the concrete place in the artifact,
	// e.g. "receivers[3].wechat_configs[0].api_secret_file".
	Field     string
	Component Component
	// Deployed is the version the platform runs, as declared.
	Deployed string
	// Feature is the table entry; for a version older than the table's
	// baseline its ID is empty and Since is the baseline; for a version
	// that does not parse, Since is zero.
	Feature Feature
	// Err is set for a version that does not parse.
	Err error
}

// String is the message verify prints: position, artifact, subject, what
// needs which version, what runs, and what to do.
func (p Problem) String() string { return p.Diagnostic().Error() }

// Diagnostic is the problem at its CUE position, the message naming the
// artifact and subject, what needs which version, what runs, and what to
// do.
func (p Problem) Diagnostic() diag.Diagnostic {
	return diag.Diagnostic{Pos: diag.Origin(p.Origin), Msg: p.message()}
}

func (p Problem) message() string {
	var where []string
	for _, s := range []string{p.Path, p.Subject.String()} {
		if s != "" {
			where = append(where, s)
		}
	}
	prefix := strings.Join(where, ": ")
	if prefix != "" {
		prefix += ": "
	}
	c := p.Component.Title()
	setting := "platform.versions." + string(p.Component)
	switch {
	case p.Err != nil:
		return fmt.Sprintf("%s%s: %v", prefix, setting, p.Err)
	case p.Feature.ID == "":
		return fmt.Sprintf("%s%s %s is older than %s, the oldest version mongen's version table was checked against: raise %s to %s or later", prefix, c, p.Deployed, p.Feature.Since, setting, p.Feature.Since)
	}
	f := p.Feature
	field := p.Field
	if f.valueBased {
		// The path alone does not say what is new: the value is.
		field += " (" + f.Field + ")"
	}
	todo := ", or " + f.Instead
	if f.Instead == "" {
		todo = "; mongen has no other way to render " + f.Source
	}
	return fmt.Sprintf("%s%s needs %s %s or later, but the platform runs %s: raise %s to %s or later%s (%s)",
		prefix, field, c, f.Since, p.Deployed, c, f.Since, todo, f.Cite.Short())
}

// Short cites a changelog line in a few words.
func (c Citation) Short() string {
	s := c.Repo + " " + c.Heading
	if len(c.PRs) > 0 {
		s += " " + strings.Join(c.PRs, " ")
	}
	return s
}

// Check returns every use of a feature in files that the deployed versions
// do not accept, sorted by origin, path and field. A component whose
// version is empty is not gated; a version that does not parse is one
// problem. locate may be nil.
func Check(v model.Versions, files []artifact.File, locate Locator) []Problem {
	return CheckCached(v, files, locate, nil)
}

// CheckCached is Check with a verification cache: a file whose exact
// bytes passed the gate at the same versions before is not decoded again;
// the cache keeps which components it runs on, for the baseline check.
// vc may be nil.
func CheckCached(v model.Versions, files []artifact.File, locate Locator, vc *verifycache.Cache) []Problem {
	deployed := map[Component]string{
		Prometheus:   v.Prometheus,
		Alertmanager: v.Alertmanager,
		Operator:     v.Operator,
		Thanos:       v.Thanos,
	}
	var problems []Problem
	versions := map[Component]Version{}
	for _, c := range []Component{Alertmanager, Operator, Prometheus, Thanos} {
		s := deployed[c]
		if s == "" {
			continue
		}
		ver, err := ParseVersion(s)
		if err != nil {
			sub := Subject{Kind: "versions", Name: string(c)}
			problems = append(problems, Problem{Origin: at(locate, sub, ""), Subject: sub, Component: c, Deployed: s, Err: err})
			continue
		}
		versions[c] = ver
	}
	if len(versions) == 0 {
		return problems
	}
	// Only the entries newer than the deployed versions can refuse
	// anything; at current versions there are none and no file is read.
	var table []spec
	for _, sp := range specs() {
		if ver, gated := versions[sp.Component]; gated && ver.Less(sp.Since) {
			table = append(table, sp)
		}
	}
	base := baselines()
	old := false
	for c, ver := range versions {
		old = old || ver.Less(base[c])
	}
	if len(table) == 0 && !old {
		return problems
	}
	present := map[Component]string{} // component -> first file that runs on it
	seen := func(f artifact.File, cs []Component) {
		for _, c := range cs {
			if _, ok := present[c]; !ok {
				present[c] = f.Path
			}
		}
	}
	gate := []byte(fmt.Sprint(deployed)) // fmt prints maps sorted
	for _, f := range files {
		if !isYAML(f.Path) {
			continue // no documents (documents): nothing to hash or gate
		}
		// A pass records the components the file runs on.
		use := func(payload []byte) bool {
			var cs []Component
			if json.Unmarshal(payload, &cs) != nil {
				return false
			}
			seen(f, cs)
			return true
		}
		vc.CheckPayload(vc.Key("version-gate", gate, []byte(f.Path), f.Data), use, func() ([]byte, bool) {
			docs, err := documents(f)
			if err != nil {
				// Not YAML: the parsers of verify report it; nothing to gate.
				return nil, false
			}
			var cs []Component
			found := false
			for _, d := range docs {
				cs = append(cs, d.components()...)
				ps := scan(d, f, table, deployed, locate)
				found = found || len(ps) > 0
				problems = append(problems, ps...)
			}
			seen(f, cs)
			if found {
				return nil, false
			}
			payload, err := json.Marshal(cs)
			return payload, err == nil
		})
	}
	for c, p := range present {
		ver, ok := versions[c]
		if !ok {
			continue
		}
		if b := base[c]; ver.Less(b) {
			sub := Subject{Kind: "versions", Name: string(c)}
			problems = append(problems, Problem{Origin: at(locate, sub, ""), Path: p, Subject: sub, Component: c, Deployed: deployed[c], Feature: Feature{Component: c, Since: b}})
		}
	}
	sort.SliceStable(problems, func(i, j int) bool {
		a, b := problems[i], problems[j]
		if a.Origin != b.Origin {
			return a.Origin < b.Origin
		}
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		if a.Field != b.Field {
			return a.Field < b.Field
		}
		return a.Feature.ID < b.Feature.ID
	})
	return problems
}

func at(locate Locator, s Subject, fallback string) string {
	if locate != nil {
		if o := locate(s); o != "" {
			return o
		}
	}
	return fallback
}

// scan finds the uses of the table's features in one document.
// The table holds only the entries newer than the deployed versions.
func scan(d document, f artifact.File, table []spec, deployed map[Component]string, locate Locator) []Problem {
	var out []Problem
	for _, s := range table {
		reported := false
		for _, w := range s.where {
			root, pattern, ok := d.target(w)
			if !ok {
				continue
			}
			match(root, pattern, func(trail []step, v any) {
				if s.test != nil && !s.test(v) {
					return
				}
				if s.perFile && reported {
					return
				}
				reported = true
				sub := d.subject(trail)
				sub.Path = f.Path
				field := d.prefix + pathString(trail)
				if pattern == "kind" {
					field = "kind " + d.objKind
				}
				out = append(out, Problem{
					Origin:    at(locate, sub, f.Origin),
					Path:      f.Path,
					Subject:   sub,
					Field:     field,
					Component: s.Component,
					Deployed:  deployed[s.Component],
					Feature:   s.Feature,
				})
			})
		}
	}
	return out
}

// document is one YAML document of a rendered file, with what it is.
type document struct {
	kind docKind // docAlertmanager, docPrometheus, docRules, docThanosRules or docObject
	root any
	// objKind and objName are a Kubernetes object's kind and name.
	objKind, objName string
	// prefix is prepended to field paths: the Secret key an embedded
	// alertmanager.yml came from, or "spec." for a PrometheusRule's rules.
	prefix string
}

// target is the root and pattern a table location applies to in d, if any.
func (d document) target(w where) (any, string, bool) {
	if w.doc != d.kind {
		return nil, "", false
	}
	if d.kind != docObject {
		return d.root, w.pattern, true
	}
	kind, pattern, ok := strings.Cut(w.pattern, ":")
	if !ok || (kind != "*" && kind != d.objKind) {
		return nil, "", false
	}
	if pattern == "kind" { // the kind itself is the feature
		return map[string]any{"kind": d.objKind}, "kind", true
	}
	return d.root, pattern, true
}

// components are the servers a document is loaded by.
func (d document) components() []Component {
	switch d.kind {
	case docAlertmanager:
		return []Component{Alertmanager}
	case docPrometheus, docRules:
		return []Component{Prometheus}
	case docThanosRules:
		return []Component{Thanos}
	}
	out := []Component{Operator}
	switch d.objKind {
	case "ThanosRuler":
		out = append(out, Thanos)
	case "Deployment": // only Thanos Query's is kept (documents)
		out = []Component{Thanos}
	case "Prometheus":
		m, _ := d.root.(map[string]any)
		spec, _ := m["spec"].(map[string]any)
		if _, ok := spec["thanos"]; ok {
			out = append(out, Thanos)
		}
	}
	return out
}

// subject reads what a matched path belongs to.
func (d document) subject(trail []step) Subject {
	switch d.kind {
	case docAlertmanager:
		return amSubject(trail)
	case docPrometheus:
		if len(trail) >= 2 && trail[1].index >= 0 {
			switch trail[0].key {
			case "scrape_configs":
				return Subject{Kind: "job", Name: str(trail[1].node, "job_name")}
			case "remote_write":
				name := str(trail[1].node, "name")
				if name == "" {
					name = str(trail[1].node, "url")
				}
				return Subject{Kind: "remote write", Name: name}
			}
		}
		if len(trail) > 0 && trail[0].key == "global" {
			return Subject{Kind: "global"}
		}
		return Subject{}
	case docRules, docThanosRules:
		return ruleSubject(trail)
	}
	if d.objKind == "PrometheusRule" && len(trail) > 0 && trail[0].key == "spec" {
		if s := ruleSubject(trail[1:]); s.Kind == "rule" {
			return s
		}
	}
	return Subject{Kind: d.objKind, Name: d.objName}
}

func amSubject(trail []step) Subject {
	if len(trail) == 0 {
		return Subject{}
	}
	switch trail[0].key {
	case "receivers":
		if len(trail) < 2 {
			return Subject{Kind: "receiver"}
		}
		s := Subject{Kind: "receiver", Name: str(trail[1].node, "name")}
		if len(trail) > 2 {
			s.Integration = strings.TrimSuffix(trail[2].key, "_configs")
		}
		return s
	case "route":
		// The deepest route on the path that names its receiver.
		name := str(trail[0].node, "receiver")
		for _, st := range trail[1:] {
			if st.index >= 0 {
				if r := str(st.node, "receiver"); r != "" {
					name = r
				}
			}
		}
		return Subject{Kind: "route", Name: name}
	case "inhibit_rules":
		if len(trail) >= 2 {
			return Subject{Kind: "inhibit rule", Index: trail[1].index}
		}
	case "time_intervals":
		if len(trail) >= 2 {
			return Subject{Kind: "time interval", Name: str(trail[1].node, "name")}
		}
	}
	return Subject{}
}

// ruleSubject reads groups[i].rules[j] of a rule file or PrometheusRule spec.
func ruleSubject(trail []step) Subject {
	if len(trail) < 2 || trail[0].key != "groups" {
		return Subject{}
	}
	group := str(trail[1].node, "name")
	if len(trail) >= 4 && trail[2].key == "rules" {
		r := trail[3].node
		name := str(r, "alert")
		if name == "" {
			name = str(r, "record")
		}
		return Subject{Kind: "rule", Name: name, Group: group}
	}
	return Subject{Kind: "rule group", Name: group}
}

// EvaluatorLabel and its Thanos value mark the PrometheusRules the Thanos
// Ruler evaluates (internal/render/operator). They are repeated here so the
// gate needs no renderer.
const (
	evaluatorLabel       = "mongen.dev/evaluator"
	evaluatorThanosRuler = "thanos-ruler"
)

// documents decodes a file into the documents the gate looks at; a file of
// no interest (dashboards, kustomization, Mimir rules) has none.
func documents(f artifact.File) ([]document, error) {
	if !isYAML(f.Path) {
		return nil, nil
	}
	roots, err := decodeAll(f.Data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.Path, err)
	}
	var out []document
	for _, root := range roots {
		m, ok := root.(map[string]any)
		if !ok {
			continue
		}
		if kind, _ := m["kind"].(string); kind != "" && m["apiVersion"] != nil {
			out = append(out, objectDocuments(m, kind)...)
			continue
		}
		switch {
		case strings.HasPrefix(f.Path, "mimir/"):
			// Mimir's ruler: its version is not modelled.
		case isAlertmanagerConfig(f.Path, m):
			out = append(out, document{kind: docAlertmanager, root: m})
		case strings.HasPrefix(f.Path, "prometheus/") && m["groups"] != nil:
			out = append(out, document{kind: docRules, root: m})
		case strings.HasPrefix(f.Path, "prometheus/") && hasAny(m, "global", "scrape_configs", "rule_files", "remote_write", "alerting"):
			out = append(out, document{kind: docPrometheus, root: m})
		}
	}
	return out, nil
}

// isYAML reports whether the file at p is YAML by its extension (.yml or
// .yaml, as written): only those have documents to gate.
func isYAML(p string) bool {
	ext := path.Ext(p)
	return ext == ".yml" || ext == ".yaml"
}

func isAlertmanagerConfig(p string, m map[string]any) bool {
	base := path.Base(p)
	return base == "alertmanager.yml" || base == "alertmanager.yaml" || (m["receivers"] != nil && m["route"] != nil)
}

func hasAny(m map[string]any, keys ...string) bool {
	for _, k := range keys {
		if _, ok := m[k]; ok {
			return true
		}
	}
	return false
}

// objectDocuments are a Kubernetes object's documents: the object itself,
// plus the rules of a PrometheusRule as their evaluator reads them and the
// alertmanager.yml a Secret carries.
func objectDocuments(m map[string]any, kind string) []document {
	meta, _ := m["metadata"].(map[string]any)
	name, _ := meta["name"].(string)
	obj := document{kind: docObject, root: m, objKind: kind, objName: name}
	switch kind {
	case "Deployment":
		if !runsThanos(m) {
			return nil
		}
		return []document{obj}
	case "PrometheusRule":
		spec, _ := m["spec"].(map[string]any)
		labels, _ := meta["labels"].(map[string]any)
		rules := document{kind: docRules, root: spec, prefix: "spec."}
		if labels[evaluatorLabel] == evaluatorThanosRuler {
			rules.kind = docThanosRules
		}
		return []document{obj, rules}
	case "Secret":
		var out []document
		for _, key := range []string{"alertmanager.yaml", "alertmanager.yml"} {
			data, ok := secretValue(m, key)
			if !ok {
				continue
			}
			roots, err := decodeAll(data)
			if err != nil || len(roots) == 0 {
				continue
			}
			if am, ok := roots[0].(map[string]any); ok {
				out = append(out, document{kind: docAlertmanager, root: am, prefix: "Secret " + name + " " + key + ": "})
			}
		}
		return out
	case "ServiceMonitor", "PodMonitor", "Probe", "ScrapeConfig", "Prometheus", "Alertmanager", "ThanosRuler":
		return []document{obj}
	}
	return nil
}

// runsThanos reports whether a Deployment runs a Thanos image.
func runsThanos(m map[string]any) bool {
	var found bool
	match(m, "spec.template.spec.containers[].image", func(_ []step, v any) {
		if s, ok := v.(string); ok && strings.Contains(s, "thanos") {
			found = true
		}
	})
	return found
}

// secretValue reads a key from a Secret's stringData, or its base64 data.
func secretValue(m map[string]any, key string) ([]byte, bool) {
	if sd, ok := m["stringData"].(map[string]any); ok {
		if s, ok := sd[key].(string); ok {
			return []byte(s), true
		}
	}
	if d, ok := m["data"].(map[string]any); ok {
		if s, ok := d[key].(string); ok {
			b, err := base64.StdEncoding.DecodeString(s)
			if err == nil {
				return b, true
			}
		}
	}
	return nil, false
}

// decodeAll decodes every YAML document of data into plain Go values:
// map[string]any, []any and scalars.
func decodeAll(data []byte) ([]any, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var out []any
	for {
		var v any
		err := dec.Decode(&v)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		out = append(out, normalise(v))
	}
}

// normalise turns the map[any]any a non-string key decodes into (a label
// named 1, say) into map[string]any, so patterns see every mapping.
func normalise(v any) any {
	switch n := v.(type) {
	case map[string]any:
		for k, e := range n {
			n[k] = normalise(e)
		}
		return n
	case map[any]any:
		out := make(map[string]any, len(n))
		for k, e := range n {
			out[keyString(k)] = normalise(e)
		}
		return out
	case []any:
		for i, e := range n {
			n[i] = normalise(e)
		}
		return n
	}
	return v
}

func keyString(k any) string {
	switch x := k.(type) {
	case string:
		return x
	case int:
		return strconv.Itoa(x)
	}
	return fmt.Sprint(k)
}
