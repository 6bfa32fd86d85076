package sloimport

import (
	"errors"
	"fmt"
	"maps"
	"path"
	"slices"
	"strings"
	"testing/fstest"

	"github.com/mongen-dev/mongen/internal/diag"
	"github.com/mongen-dev/mongen/internal/finding"
	"github.com/mongen-dev/mongen/internal/importer/roundtrip"
	"github.com/mongen-dev/mongen/internal/load"
	"github.com/mongen-dev/mongen/internal/model"
	"github.com/mongen-dev/mongen/internal/pipeline"
)

// Build writes the environment's files in memory and compiles them with
// the repository's CUE (nothing is written to disk). Checks the imported
// SLOs fail as written (a P0 page without runbook_url, indicator
// selectors of jobs the environment does not scrape yet) are suppressed
// in vet.disable with a reason, and noted; anything else that stops the
// build is returned, at the positions of the CUE the import would write.
func Build(root string, res *Result, opt Options) (map[string][]byte, []Note, error) {
	rel := path.Join(load.EnvironmentsDir, opt.Env)
	files, err := Write(res, opt, nil)
	if err != nil {
		return nil, nil, err
	}
	_, err = compile(root, rel, files)
	var fe *pipeline.FindingsError
	if err == nil {
		return files, nil, nil
	}
	if !errors.As(err, &fe) || opt.Existing {
		return nil, nil, fmt.Errorf("%w\nmongen import: the environment it would write to %s does not build (above, at the positions of the CUE it would write); nothing was written", err, rel)
	}
	suppress, notes := suppressions(fe.Findings, rel)
	if files, err = Write(res, opt, suppress); err != nil {
		return nil, nil, err
	}
	if _, err := compile(root, rel, files); err != nil {
		return nil, nil, fmt.Errorf("%w\nmongen import: the environment it would write to %s does not build (above), even with the failing checks suppressed; nothing was written", err, rel)
	}
	return files, notes, nil
}

// suppressions are vet.disable entries for the error findings, naming
// the rules where a finding names one.
func suppressions(fs []finding.Finding, rel string) (map[string]model.VetDisable, []Note) {
	rules := map[string]map[string]bool{}
	whole := map[string]bool{}
	for _, f := range fs {
		if f.Severity != finding.Error {
			continue
		}
		if rules[f.Check] == nil {
			rules[f.Check] = map[string]bool{}
		}
		if name, ok := strings.CutPrefix(f.Subject, "rule "); ok {
			rules[f.Check][name] = true
		} else {
			whole[f.Check] = true
		}
	}
	out := map[string]model.VetDisable{}
	var notes []Note
	for _, check := range slices.Sorted(maps.Keys(rules)) {
		d := model.VetDisable{Reason: "imported by mongen import: these SLOs' alerts fail this check as they were written; fix them and remove this entry"}
		if !whole[check] {
			d.Rules = slices.Sorted(maps.Keys(rules[check]))
		}
		if check == "promql/selector" {
			d = model.VetDisable{Reason: "imported by mongen import without the targets that produce the indicators' series: add them, then remove this entry"}
		}
		out[check] = d
		msg := fmt.Sprintf("the imported SLOs fail %s as written: suppressed in vet.disable with a reason, listed by mongen vet", check)
		if check == "rule/annotations" {
			msg += " (a P0 page needs a runbook_url annotation: add it under alerting.annotations)"
		}
		notes = append(notes, Note{Pos: dirPos(rel), Msg: msg})
	}
	return out, notes
}

// compile builds environments/<env> from the repository's CUE files with
// files in place of the environment's own.
func compile(root, rel string, files map[string][]byte) (*pipeline.Result, error) {
	src, err := roundtrip.RepositoryCUE(root)
	if err != nil {
		return nil, err
	}
	for name, data := range files {
		src[path.Join(rel, name)] = &fstest.MapFile{Data: data, Mode: 0o644}
	}
	ref, err := load.ParseRef(rel)
	if err != nil {
		return nil, err
	}
	return pipeline.Compile(root, ref, load.Options{Source: src})
}

func dirPos(rel string) diag.Pos { return diag.Pos{File: rel} }
