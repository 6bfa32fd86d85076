package cuewrite

import (
	"fmt"
	"strconv"

	"github.com/mongen-dev/mongen/internal/importer/convert"
	"github.com/mongen-dev/mongen/internal/importer/cuetext"
)

// libraryFile renders library.cue: the adopted exporters and the
// overrides that make their rules the input's.
func libraryFile(imp *convert.Import) ([]byte, error) {
	if len(imp.Adopted) == 0 {
		return nil, nil
	}
	env := imp.Env
	var w writer
	w.Comment("Library exporters adopted by mongen import, because input rules are their\nrules (the same PromQL once the job and threshold are the input's). The\noverrides make each library rule what the input said, and switch off the\nlibrary rules the input did not have.")
	w.Line("package %s", imp.Options.Env)
	w.Line("")
	w.Line(`import "mongen.dev/mongen/library/exporter"`)
	w.Line("")
	w.OpenRaw("env: exporters:")
	for _, a := range imp.Adopted {
		if a.Job == "" && a.Namespace == "" {
			w.Line("%s: exporter.%s", cuetext.Label(a.Key), a.Definition)
			continue
		}
		w.OpenRaw(fmt.Sprintf("%s: exporter.%s &", cuetext.Label(a.Key), a.Definition))
		w.OptStr("job", a.Job)
		w.OptStr("namespace", a.Namespace)
		w.Close()
	}
	w.Close()
	w.Line("")
	w.OpenRaw("env: overrides:")
	for _, name := range sortedKeys(env.Overrides) {
		ov := env.Overrides[name]
		w.Open(name)
		w.Str("reason", ov.Reason)
		if ov.Disabled != nil {
			w.Line("disabled: %t", *ov.Disabled)
		}
		if ov.Threshold != nil {
			w.Line("threshold: %s", strconv.FormatFloat(*ov.Threshold, 'f', -1, 64))
		}
		w.OptStr("tier", ov.Tier)
		w.OptStr("for", ov.For)
		w.OptStr("keepFiringFor", ov.KeepFiringFor)
		if len(ov.Labels) > 0 {
			w.StrMap("labels", ov.Labels)
		}
		if len(ov.Annotations) > 0 {
			w.StrMap("annotations", ov.Annotations)
		}
		w.Close()
	}
	w.Close()
	src, err := w.Source()
	if err != nil {
		return nil, fmt.Errorf("write library.cue: %w", err)
	}
	return src, nil
}
