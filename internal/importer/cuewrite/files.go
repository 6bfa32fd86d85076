// Package cuewrite is the importer's third stage: it renders the import
// model (convert.Import) as the CUE files of environments/<env>/ (Files),
// and puts them on disk after the credential gate (Write). It decides
// nothing about the input: every choice was made by convert.
package cuewrite

import (
	"fmt"
	"maps"
	"slices"

	"github.com/mongen-dev/mongen/internal/importer/convert"
	"github.com/mongen-dev/mongen/internal/importer/cuetext"
)

// Files renders the import model as the CUE files of environments/<env>/,
// by name: <env>.cue with the environment itself and its vet
// suppressions, rules.cue with the rules, library.cue with the adopted
// library exporters and their overrides, alerting.cue with the routing,
// templates.cue with the notification templates, targets.cue with the
// targets. A file with nothing to say is left out.
func Files(imp *convert.Import) (map[string][]byte, error) {
	files := map[string][]byte{}
	for _, f := range []struct {
		name  string
		write func(*convert.Import) ([]byte, error)
	}{
		{imp.Options.Env + ".cue", envFile},
		{"library.cue", libraryFile},
		{"rules.cue", rulesFile},
		{"alerting.cue", alertingFile},
		{"templates.cue", templatesFile},
		{"targets.cue", targetsFile},
	} {
		src, err := f.write(imp)
		if err != nil {
			return nil, err
		}
		if src != nil {
			files[f.name] = src
		}
	}
	return files, nil
}

// envFile is <env>.cue: the environment's name, cluster, platform or
// flavour, selector and the vet suppressions of the import.
func envFile(imp *convert.Import) ([]byte, error) {
	opt, env := imp.Options, imp.Env
	var w writer
	w.Comment(fmt.Sprintf("Package %s was written by mongen import; edit it freely.\n`mongen import --check` compares it with the files it came from.", opt.Env))
	w.Line("package %s", opt.Env)
	w.Line("")
	w.Line(`import "mongen.dev/mongen/schemas"`)
	w.Line("")
	w.OpenRaw("env: schemas.#Environment &")
	w.Str("name", env.Name)
	w.Str("cluster", env.Cluster)
	if p := env.Platform; p.Profile != "" {
		if p.Release != "" {
			w.Line("platform: {profile: %s, release: %s}", w.Quote(p.Profile), w.Quote(p.Release))
		} else {
			w.Line("platform: profile: %s", w.Quote(p.Profile))
		}
	} else {
		w.Str("flavour", env.Flavour)
	}
	if len(env.Selector) == 0 {
		w.Line("selector: {}")
	} else {
		w.StrMap("selector", env.Selector)
	}
	if len(imp.Suppressed) > 0 {
		w.Comment("The imported rules fail these checks as written. Fix the rules, then\ndelete their names here; `mongen vet` lists what each entry hides.")
		w.OpenRaw("vet: disable:")
		for _, check := range sortedKeys(imp.Suppressed) {
			d := imp.Suppressed[check]
			w.Open(check)
			w.Str("reason", d.Reason)
			if len(d.Rules) > 0 {
				w.StrList("rules", d.Rules)
			}
			w.Close()
		}
		w.Close()
	}
	w.Close()
	return w.Source()
}

// writer is a CUE source writer with the importer's composite fields
// (targets, TLS, credentials, relabelling).
type writer struct{ cuetext.Writer }

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
