package load

import (
	"strings"

	"cuelang.org/go/cue"

	"github.com/mongen-dev/mongen/internal/model"
)

// sloSources records where each SLO and the fields its generated rules
// derive from are written, under slos/<service>/<name>[/field...], and the
// positions of its alerts' tests, so expand, lint and mongen test can point
// at the user's CUE.
func sloSources(root string, envV cue.Value, out map[string]string) {
	// Only what the user wrote: a field the schema fills in (a default
	// alert, say) falls back to the SLO's own position (Environment.Source).
	record := func(v cue.Value, parts ...string) {
		if pos := bestPosition(root, v); strings.HasPrefix(pos, EnvironmentsDir+"/") {
			out[model.SourcePath(parts...)] = pos
		}
	}
	fields := func(v cue.Value, fn func(name string, v cue.Value)) {
		it, err := v.Fields()
		if err != nil {
			return
		}
		for it.Next() {
			fn(it.Selector().Unquoted(), it.Value())
		}
	}
	slos := envV.LookupPath(cue.ParsePath("slos"))
	record(slos, "slos")
	fields(slos, func(svc string, sv cue.Value) {
		record(sv, "slos", svc)
		fields(sv, func(name string, s cue.Value) {
			p := []string{"slos", svc, name}
			record(s, p...)
			at := func(parts ...string) []string { return append(append([]string{}, p...), parts...) }
			for _, f := range []string{"objective", "period", "labels", "indicator", "alerting", "scope"} {
				record(s.LookupPath(cue.MakePath(cue.Str(f))), at(f)...)
			}
			fields(s.LookupPath(cue.ParsePath("labels")), func(k string, v cue.Value) { record(v, at("labels", k)...) })
			fields(s.LookupPath(cue.ParsePath("indicator")), func(k string, v cue.Value) { record(v, at("indicator", k)...) })
			fields(s.LookupPath(cue.ParsePath("alerting.labels")), func(k string, v cue.Value) { record(v, at("alerting", "labels", k)...) })
			for _, burn := range []string{"page", "ticket"} {
				bv := s.LookupPath(cue.MakePath(cue.Str("alerting"), cue.Str(burn)))
				record(bv, at("alerting", burn)...)
				testSources(root, bv, at("alerting", burn), out)
			}
		})
	})
}
