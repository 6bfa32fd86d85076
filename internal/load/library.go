package load

import (
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/cuecontext"
	"cuelang.org/go/cue/literal"
	cueload "cuelang.org/go/cue/load"

	"github.com/mongen-dev/mongen"
	"github.com/mongen-dev/mongen/internal/model"
)

// ExporterProbe asks how a library exporter looks with some parameters:
// its definition in library/exporter (such as "#NodeExporter") and the job
// it scrapes and the namespace its Service is in ("" keeps the exporter's
// default).
type ExporterProbe struct {
	Definition string
	Job        string
	Namespace  string
	// Profile and Release are the platform the exporter is evaluated on
	// (its #PlatformView): empty for the generic view.
	Profile, Release string
}

// ProbedExporter is one probe's answer: the exporter as an environment
// would decode it. Err is set when it does not evaluate with those
// parameters (a job that is not a valid name, a required parameter such
// as endpoints); the other fields are then empty.
type ProbedExporter struct {
	model.Exporter
	// Sentinel holds the same rules with every threshold set to the
	// sentinel value, so a caller can find where a threshold appears in an
	// expression.
	Sentinel map[string]model.RuleGroup
	Err      error
}

// probeDir is the package the probes are written to, inside a virtual
// copy of the embedded module that nothing on disk backs.
const probeDir = "mongenprobe"

// ProbeExporters evaluates library exporters with the given parameters,
// in one CUE evaluation of the embedded module (module nil: the one in this
// binary).
func ProbeExporters(module fs.FS, probes []ExporterProbe, sentinel float64) ([]ProbedExporter, error) {
	if module == nil {
		module = mongen.CUEModule
	}
	vroot := filepath.Join(string(filepath.Separator), ".mongen-library-probe")
	ov, err := overlay(module, vroot)
	if err != nil {
		return nil, err
	}
	var src strings.Builder
	src.WriteString("package " + probeDir + "\n\nimport \"" + strings.TrimSuffix(mongen.CUEModulePath, "@v0") + "/library/exporter\"\n\n")
	for i, p := range probes {
		if !strings.HasPrefix(p.Definition, "#") || strings.ContainsAny(p.Definition, " .\n{}&|") {
			return nil, fmt.Errorf("probe library: %q is not an exporter definition", p.Definition)
		}
		fmt.Fprintf(&src, "p%d: exporter.%s & {\n", i, p.Definition)
		if p.Job != "" {
			fmt.Fprintf(&src, "\tjob: %s\n", literal.String.Quote(p.Job))
		}
		if p.Namespace != "" {
			fmt.Fprintf(&src, "\tnamespace: %s\n", literal.String.Quote(p.Namespace))
		}
		if p.Profile != "" {
			fmt.Fprintf(&src, "\tplatform: profile: %s\n", literal.String.Quote(p.Profile))
		}
		if p.Release != "" {
			fmt.Fprintf(&src, "\tplatform: release: %s\n", literal.String.Quote(p.Release))
		}
		src.WriteString("}\n")
	}
	ov[filepath.Join(vroot, probeDir, "probe.cue")] = cueload.FromString(src.String())
	insts := cueload.Instances([]string{"./" + probeDir}, &cueload.Config{Dir: vroot, ModuleRoot: vroot, Overlay: ov})
	if insts[0].Err != nil {
		return nil, fmt.Errorf("probe library: %w", insts[0].Err)
	}
	pkg := cuecontext.New().BuildInstance(insts[0])
	out := make([]ProbedExporter, len(probes))
	for i := range probes {
		out[i] = probeOne(pkg.LookupPath(cue.MakePath(cue.Str(fmt.Sprintf("p%d", i)))), sentinel)
	}
	return out, nil
}

func probeOne(v cue.Value, sentinel float64) ProbedExporter {
	var pe ProbedExporter
	if err := v.Decode(&pe.Exporter); err != nil {
		return ProbedExporter{Err: err}
	}
	for g, rules := range pe.Rules {
		for key, r := range rules {
			if r.Threshold != nil {
				v = v.FillPath(cue.MakePath(cue.Str("rules"), cue.Str(g), cue.Str(key), cue.Str("threshold")), sentinel)
			}
		}
	}
	if err := v.LookupPath(cue.MakePath(cue.Str("rules"))).Decode(&pe.Sentinel); err != nil {
		return ProbedExporter{Err: fmt.Errorf("rules with thresholds set: %w", err)}
	}
	return pe
}
