package sloimport

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"cuelang.org/go/cue/format"

	"github.com/mongen-dev/mongen/internal/model"
)

// Options say what environment the SLOs go into.
type Options struct {
	Env     string // environments/<Env>, the CUE package name
	Cluster string // default: Env
	// Flavour is plain or operator; empty picks operator when an input
	// was a Kubernetes resource, plain otherwise.
	Flavour string
	// Sources are the input files, named in the written files' comments.
	Sources []string
	// Existing is true when environments/<Env> exists: only slos.cue is
	// written, next to the environment's own files.
	Existing bool
}

// SLOFile is the name of the file the SLOs are written to.
const SLOFile = "slos.cue"

// Write returns the environment's files: <env>.cue (name, cluster,
// flavour and the vet suppressions; not when the environment exists) and
// slos.cue with the SLOs. suppress holds vet.disable
// entries by check id (Suppressions finds them).
func Write(res *Result, opt Options, suppress map[string]model.VetDisable) (map[string][]byte, error) {
	slos, err := sloFile(res, opt)
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{SLOFile: slos}
	if !opt.Existing {
		if files[opt.Env+".cue"], err = envFile(res, opt, suppress); err != nil {
			return nil, err
		}
	}
	return files, nil
}

// Flavour is the flavour the environment is written with.
func (o Options) flavour(res *Result) string {
	switch {
	case o.Flavour != "":
		return o.Flavour
	case res.Operator:
		return model.FlavourOperator
	}
	return model.FlavourPlain
}

type cueWriter struct{ b bytes.Buffer }

func (w *cueWriter) line(format string, args ...any) { fmt.Fprintf(&w.b, format+"\n", args...) }

func (w *cueWriter) comment(text string) {
	for _, l := range strings.Split(text, "\n") {
		w.line("// %s", l)
	}
}

// quote writes s as a CUE string: JSON's quoting is CUE's, and a \( is
// escaped as \\( so it never interpolates.
func quote(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return strings.TrimSuffix(b.String(), "\n")
}

// label quotes a field name unless it is a CUE identifier.
func label(s string) string {
	for i, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && r >= '0' && r <= '9') {
			return quote(s)
		}
	}
	if s == "" || strings.HasPrefix(s, "_") || s == "if" || s == "for" || s == "in" || s == "let" || s == "import" || s == "package" || s == "true" || s == "false" || s == "null" {
		return quote(s)
	}
	return s
}

func (w *cueWriter) strMap(name string, m map[string]string) {
	if len(m) == 0 {
		return
	}
	w.line("%s: {", label(name))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		w.line("%s: %s", label(k), quote(m[k]))
	}
	w.line("}")
}

func (w *cueWriter) source() ([]byte, error) {
	out, err := format.Source(w.b.Bytes(), format.Simplify())
	if err != nil {
		return nil, fmt.Errorf("format the written CUE (a mongen bug): %w\n%s", err, w.b.String())
	}
	return out, nil
}

func envFile(res *Result, opt Options, suppress map[string]model.VetDisable) ([]byte, error) {
	var w cueWriter
	w.comment(fmt.Sprintf("Package %s was written by mongen import from Sloth or Pyrra SLOs; edit it freely.\n`mongen import --check` compares when its alerts fire with the source tool's.", opt.Env))
	w.line("package %s", opt.Env)
	w.line("")
	w.line(`import "mongen.dev/mongen/schemas"`)
	w.line("")
	w.line("env: schemas.#Environment & {")
	cluster := opt.Cluster
	if cluster == "" {
		cluster = opt.Env
	}
	w.line("name: %s", quote(opt.Env))
	w.line("cluster: %s", quote(cluster))
	w.line("flavour: %s", quote(opt.flavour(res)))
	w.line("selector: {}")
	if len(suppress) > 0 {
		w.comment("The imported SLOs fail these checks as written. Fix them, then delete\nthe entries; `mongen vet` lists what each entry hides.")
		w.line("vet: disable: {")
		for _, check := range slices.Sorted(maps.Keys(suppress)) {
			d := suppress[check]
			w.line("%s: {", quote(check))
			w.line("reason: %s", quote(d.Reason))
			if len(d.Rules) > 0 {
				var rs []string
				for _, r := range d.Rules {
					rs = append(rs, quote(r))
				}
				w.line("rules: [%s]", strings.Join(rs, ", "))
			}
			w.line("}")
		}
		w.line("}")
	}
	w.line("}")
	return w.source()
}

func sloFile(res *Result, opt Options) ([]byte, error) {
	var w cueWriter
	src := "Sloth or Pyrra specs"
	if len(opt.Sources) > 0 {
		src = strings.Join(opt.Sources, ", ")
	}
	w.comment(fmt.Sprintf("SLOs imported by mongen import from %s.\nSee docs/slo.md; the alerts' tiers set their severity.", src))
	w.line("package %s", opt.Env)
	w.line("")
	w.line("env: slos: {")
	for i, s := range res.SLOs {
		if i == 0 || res.SLOs[i-1].Service != s.Service {
			if i > 0 {
				w.line("}")
			}
			w.line("%s: {", label(s.Service))
		}
		w.comment(fmt.Sprintf("from %s (%s)", s.Pos, s.From))
		w.line("%s: {", label(s.Name))
		if s.Description != "" {
			w.line("description: %s", quote(s.Description))
		}
		w.line("objective: %s", s.Objective)
		if s.Period != "" && s.Period != "30d" {
			w.line("period: %s", quote(s.Period))
		}
		w.strMap("labels", s.Labels)
		writeIndicator(&w, s.Indicator)
		writeAlerting(&w, s.SLO)
		w.line("}")
	}
	if len(res.SLOs) > 0 {
		w.line("}")
	}
	w.line("}")
	return w.source()
}

func writeIndicator(w *cueWriter, ind model.Indicator) {
	w.line("indicator: {")
	w.line("kind: %s", quote(ind.Kind))
	for _, f := range []struct{ name, v string }{
		{"errors", ind.Errors}, {"total", ind.Total}, {"errorRatio", ind.ErrorRatio},
		{"bucket", ind.Bucket}, {"threshold", ind.Threshold}, {"probe", ind.Probe},
	} {
		if f.v != "" {
			w.line("%s: %s", f.name, quote(f.v))
		}
	}
	if len(ind.GroupBy) > 0 {
		var gs []string
		for _, g := range ind.GroupBy {
			gs = append(gs, quote(g))
		}
		w.line("groupBy: [%s]", strings.Join(gs, ", "))
	}
	w.line("}")
}

func writeAlerting(w *cueWriter, s model.SLO) {
	a := s.Alerting
	if len(a.Labels) == 0 && len(a.Annotations) == 0 && a.Page.Enabled && a.Ticket.Enabled && a.Page.Name == "" && a.Ticket.Name == "" &&
		len(a.Page.Labels)+len(a.Page.Annotations)+len(a.Ticket.Labels)+len(a.Ticket.Annotations) == 0 &&
		(a.Page.For == "" || a.Page.For == "0s") && (a.Ticket.For == "" || a.Ticket.For == "15m") &&
		(a.Page.Tier == "" || a.Page.Tier == "P0") && (a.Ticket.Tier == "" || a.Ticket.Tier == "P1") {
		return
	}
	w.line("alerting: {")
	w.strMap("labels", a.Labels)
	w.strMap("annotations", a.Annotations)
	for _, b := range []struct {
		burn, tier, forDefault string
		a                      model.BurnAlert
	}{{"page", "P0", "0s", a.Page}, {"ticket", "P1", "15m", a.Ticket}} {
		if b.a.Enabled && b.a.Name == "" && (b.a.Tier == "" || b.a.Tier == b.tier) && (b.a.For == "" || b.a.For == b.forDefault) && len(b.a.Labels) == 0 && len(b.a.Annotations) == 0 {
			continue // the schema's defaults
		}
		w.line("%s: {", b.burn)
		if !b.a.Enabled {
			w.line("enabled: false")
		}
		if b.a.Name != "" {
			w.line("name: %s", quote(b.a.Name))
		}
		if b.a.Tier != "" && b.a.Tier != b.tier {
			w.line("tier: %s", quote(b.a.Tier))
		}
		if b.a.For != "" && b.a.For != b.forDefault {
			w.line("for: %s", quote(b.a.For))
		}
		w.strMap("labels", b.a.Labels)
		w.strMap("annotations", b.a.Annotations)
		w.line("}")
	}
	w.line("}")
}
