package versiongate

import (
	"strings"

	"github.com/mongen-dev/mongen/internal/artifact"
	"github.com/mongen-dev/mongen/internal/model"
)

// Needs is, per component, the feature of the table that files use with
// the newest first version: the oldest version of each component the
// output loads in, as far as the table knows (the baseline where no entry
// is used). A component files do not run on is absent.
func Needs(files []artifact.File) map[Component]Feature {
	zero := "v0.0.0"
	all := model.Versions{Prometheus: zero, Alertmanager: zero, Operator: zero, Thanos: zero}
	out := map[Component]Feature{}
	for _, p := range Check(all, files, nil) {
		if cur, ok := out[p.Component]; !ok || cur.Since.Less(p.Feature.Since) || (cur.Since == p.Feature.Since && cur.ID == "") {
			out[p.Component] = p.Feature
		}
	}
	return out
}

// Pinned are the versions mongen's own server resources pin in files: the
// Prometheus and Alertmanager resources' spec.version, and the Thanos
// version of the sidecar, the ruler and Thanos Query's image. Under the
// operator profile, where mongen owns them, they are what runs. Where
// several pin one component, the oldest counts; a component nothing pins
// is empty.
func Pinned(files []artifact.File) model.Versions {
	found := map[Component]Version{}
	raw := map[Component]string{}
	note := func(c Component, s string) {
		v, err := ParseVersion(s)
		if err != nil {
			return
		}
		if i := strings.LastIndex(s, ":"); i >= 0 && strings.Contains(s, "/") { // an image: its tag
			s = s[i+1:]
		}
		if cur, ok := found[c]; !ok || v.Less(cur) {
			found[c], raw[c] = v, s
		}
	}
	for _, f := range files {
		docs, err := documents(f)
		if err != nil {
			continue
		}
		for _, d := range docs {
			if d.kind != docObject {
				continue
			}
			switch d.objKind {
			case "Prometheus":
				match(d.root, "spec.version", func(_ []step, v any) { note(Prometheus, stringOf(v)) })
				match(d.root, "spec.thanos.version", func(_ []step, v any) { note(Thanos, stringOf(v)) })
			case "Alertmanager":
				match(d.root, "spec.version", func(_ []step, v any) { note(Alertmanager, stringOf(v)) })
			case "ThanosRuler":
				match(d.root, "spec.version", func(_ []step, v any) { note(Thanos, stringOf(v)) })
			case "Deployment":
				match(d.root, "spec.template.spec.containers[].image", func(_ []step, v any) { note(Thanos, stringOf(v)) })
			}
		}
	}
	return model.Versions{Prometheus: raw[Prometheus], Alertmanager: raw[Alertmanager], Operator: raw[Operator], Thanos: raw[Thanos]}
}

func stringOf(v any) string {
	s, _ := v.(string)
	return s
}
