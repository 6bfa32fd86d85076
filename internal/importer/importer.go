// Package importer turns the YAML a team already runs (Prometheus rule
// files, PrometheusRule, ServiceMonitor, PodMonitor and Probe manifests,
// alertmanager.yml, prometheus.yml, kube-prometheus-stack values) into an
// environment's CUE, and vets that YAML. It chains the stages, whose data
// flows one way:
//
//	read       YAML files -> read.Input (rule groups as plain data, the
//	           other files as YAML documents, every node positioned)
//	convert    read.Input -> convert.Import (the environment as plain Go
//	           data, notes, credentials checklist, where each rule went)
//	cuewrite   convert.Import -> the CUE files of environments/<env>/
//	roundtrip  input vs what the written CUE builds
//
// vet runs the lint checks and Alertmanager proofs on read.Input
// (`mongen vet FILE...`); tiers maps severity labels to tiers for both.
// The CLI calls this package; the stages do not call it back.
package importer

import (
	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/importer/convert"
	"github.com/mongen-dev/mongen/internal/importer/cuewrite"
	"github.com/mongen-dev/mongen/internal/importer/read"
	"github.com/mongen-dev/mongen/internal/importer/roundtrip"
	"github.com/mongen-dev/mongen/internal/importer/tiers"
	"github.com/mongen-dev/mongen/internal/importer/vet"
	"github.com/mongen-dev/mongen/internal/lint"
)

// The stages' types the CLI and the tests of the whole chain use.
type (
	Input      = read.Input
	Options    = convert.Options
	Difference = roundtrip.Difference
	Tiering    = tiers.Map
	VetOptions = vet.Options
)

// Rule kinds and input kinds, as read names them.
const (
	Alert              = read.Alert
	Record             = read.Record
	KindPrometheusRule = read.KindPrometheusRule
	OtherSeverity      = tiers.OtherSeverity
)

// Import is an import ready to write: the model convert made and the CUE
// files cuewrite rendered from it.
type Import struct {
	*convert.Import
	// Files are the CUE files by name inside environments/<env>/.
	Files map[string][]byte
}

// Convert turns the input into an environment and renders its CUE files.
func Convert(in *Input, opt Options) (*Import, error) {
	m, err := convert.Convert(in, opt)
	if err != nil {
		return nil, err
	}
	files, err := cuewrite.Files(m)
	if err != nil {
		return nil, err
	}
	return &Import{Import: m, Files: files}, nil
}

// Write puts the import's files into dir (environments/<env>); see
// cuewrite.Write.
func (imp *Import) Write(dir string, force bool) ([]string, error) {
	return cuewrite.Write(dir, imp.Files, force)
}

// Builds reports, as an error with positions in the files, whether the
// import's files build in the repository at root as environments/<env>
// (rel), without writing anything.
func (imp *Import) Builds(root, rel string) error {
	return roundtrip.Builds(root, rel, imp.Files)
}

// Check builds the environment in rel as it is now and compares it with
// the input imp was converted from.
func Check(root, rel string, in *Input, imp *Import) ([]Difference, error) {
	return roundtrip.Check(root, rel, in, imp.Import)
}

// Compare compares the rules plan builds with the input's.
func Compare(in *Input, imp *Import, plan *expand.Plan) []Difference {
	return roundtrip.Compare(in, imp.Import, plan)
}

// Unexplained counts the differences that are not normalisations.
func Unexplained(ds []Difference) int { return roundtrip.Unexplained(ds) }

// Vet runs mongen's lint checks and Alertmanager proofs on the input.
func Vet(in *Input, opt VetOptions) (lint.Result, error) { return vet.Run(in, opt) }

// RuleCount counts alerting and recording rules.
func RuleCount(groups []read.Group) (alerts, records int) { return read.RuleCount(groups) }

// ParseSeverityMap adds --severity-map entries to the default tiering.
func ParseSeverityMap(entries []string) (Tiering, error) { return tiers.ParseSeverityMap(entries) }
