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
func sloSources(root string, envV cue.Value, written, literals map[string]string, out map[string]string) {
	// Only what the user wrote: a field the schema fills in (a default
	// alert, say) falls back to the SLO's own position (Environment.Source).
	// A value written once as a literal is where the literal is, without
	// the conjunct walk (literals may be nil: sources).
	record := func(v cue.Value, parts ...string) {
		if pos, ok := literals[model.SourcePath(append([]string{EnvField}, parts...)...)]; ok {
			if strings.HasPrefix(pos, EnvironmentsDir+"/") {
				out[model.SourcePath(parts...)] = pos
			}
			return
		}
		if pos := bestPosition(root, v); strings.HasPrefix(pos, EnvironmentsDir+"/") {
			out[model.SourcePath(parts...)] = pos
		}
	}
	// Inside an SLO written out in an environment's file, a field missing
	// from the syntax tree is the schema's (scope, a default alert): the
	// conjunct walk of bestPosition would find no position of the user's,
	// and costs more than evaluating the SLO (1,000 SLOs: most of a load).
	// SLOs made by a comprehension are not in the syntax tree: walk those.
	recordIn := func(slo []string, v cue.Value, parts ...string) {
		_, sloWritten := written[model.SourcePath(append([]string{EnvField}, slo...)...)]
		pos, ok := written[model.SourcePath(append([]string{EnvField}, parts...)...)]
		switch {
		case ok && v.IncompleteKind() == cue.StructKind:
			// A struct is where its field is written (a walk of its
			// conjuncts would visit the schema's whole definition).
			out[model.SourcePath(parts...)] = pos
		case ok || !sloWritten:
			record(v, parts...)
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
	slos := envV.LookupPath(sel("slos"))
	record(slos, "slos")
	fields(slos, func(svc string, sv cue.Value) {
		record(sv, "slos", svc)
		fields(sv, func(name string, s cue.Value) {
			p := []string{"slos", svc, name}
			recordIn(p, s, p...)
			at := func(parts ...string) []string { return append(append([]string{}, p...), parts...) }
			for _, f := range []string{"objective", "period", "labels", "indicator", "alerting", "scope"} {
				recordIn(p, s.LookupPath(cue.MakePath(cue.Str(f))), at(f)...)
			}
			fields(s.LookupPath(sel("labels")), func(k string, v cue.Value) { recordIn(p, v, at("labels", k)...) })
			fields(s.LookupPath(sel("indicator")), func(k string, v cue.Value) { recordIn(p, v, at("indicator", k)...) })
			fields(s.LookupPath(sel("alerting", "labels")), func(k string, v cue.Value) { recordIn(p, v, at("alerting", "labels", k)...) })
			for _, burn := range []string{"page", "ticket"} {
				bv := s.LookupPath(cue.MakePath(cue.Str("alerting"), cue.Str(burn)))
				recordIn(p, bv, at("alerting", burn)...)
				testSources(root, bv, at("alerting", burn), out)
			}
		})
	})
}
