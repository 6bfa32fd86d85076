// Package load evaluates one environment's CUE and decodes it into the model.
package load

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/build"
	"cuelang.org/go/cue/cuecontext"
	cueerrors "cuelang.org/go/cue/errors"
	cueload "cuelang.org/go/cue/load"
	"cuelang.org/go/cue/token"
	"cuelang.org/go/mod/modfile"

	"github.com/mongen-dev/mongen"
	"github.com/mongen-dev/mongen/internal/credgate"
	"github.com/mongen-dev/mongen/internal/diag"
	"github.com/mongen-dev/mongen/internal/model"
	"github.com/mongen-dev/mongen/internal/platform"
	"github.com/mongen-dev/mongen/internal/textdist"
)

// Options configure a load.
type Options struct {
	// Module is the embedded CUE module (schemas and library); defaults to
	// the one compiled into this binary.
	Module fs.FS
	// Source, when set, is the repository's file tree (a git revision, say)
	// to load instead of the files under root on disk; positions are still
	// printed relative to the repository root (source.go).
	Source fs.FS
	// Overlay, when set, holds files by slash path relative to root (the
	// input cache's hashed snapshot) that are loaded instead of the files
	// on disk; a CUE file the load needs that is not among them is an
	// error, so what is evaluated is exactly what was hashed (inputs.go).
	Overlay map[string][]byte

	// parsedAhead, when set, is told how many of the environment's files
	// the loader took from the ahead parser (parse.go): tests hold every
	// load path to using it.
	parsedAhead func(served int)
}

// EnvField is the top-level field an environment package must define.
const EnvField = "env"

// Environment evaluates environments/<ref.Name> in root and decodes it. Of
// a multi-cluster environment it returns the first cluster's view; callers
// that build output use Environments.
func Environment(root string, ref Ref, opts Options) (*model.Environment, error) {
	envs, err := Environments(root, ref, opts)
	if err != nil {
		return nil, err
	}
	return envs[0], nil
}

// Environments evaluates environments/<ref.Name> once and decodes one
// environment per cluster, sorted by cluster (clusters.go): a
// single-cluster environment gives one.
func Environments(root string, ref Ref, opts Options) ([]*model.Environment, error) {
	envs, err := environments(root, ref, opts)
	if err != nil {
		return nil, err
	}
	for _, env := range envs {
		if err := readPlatformValues(root, ref, valuesSource(opts), env); err != nil {
			return nil, err
		}
	}
	return envs, nil
}

func environments(root string, ref Ref, opts Options) ([]*model.Environment, error) {
	if err := checkEnvDir(root, ref, valuesSource(opts)); err != nil { // messages.go
		return nil, err
	}
	if opts.Module == nil {
		opts.Module = mongen.CUEModule
	}
	ownPath, err := modulePath(root, opts.Source)
	if err != nil {
		return nil, err
	}
	var srcOverlay map[string]cueload.Source
	var aheadFiles map[string][]byte // the bytes the loader reads, when not the disk's
	if opts.Source != nil {
		if root, srcOverlay, aheadFiles, err = sourceOverlay(root, opts.Source); err != nil {
			return nil, err
		}
	}
	cfg := &cueload.Config{Dir: root, ModuleRoot: root, Overlay: srcOverlay}
	if err := prepareInputs(cfg, root, ref, opts); err != nil { // inputs.go: limits, Overlay
		return nil, err
	}
	absRoot, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	if opts.Source == nil && opts.Overlay != nil {
		aheadFiles = map[string][]byte{}
		for rel, data := range opts.Overlay {
			aheadFiles[filepath.Join(absRoot, filepath.FromSlash(rel))] = data
		}
	}
	schemasPkg := strings.TrimSuffix(mongen.CUEModulePath, "@v0") + "/schemas"
	if ownPath != mongen.CUEModulePath {
		// A user's repository: serve the embedded schemas and library. The
		// loader reads them through an overlay at a directory that does not
		// exist on disk, so nothing is unpacked.
		vroot := embeddedRoot(root)
		cfg.Registry = &embeddedRegistry{path: mongen.CUEModulePath, version: mongen.CUEModuleVersion, fsys: opts.Module, root: vroot}
		embedded, err := overlay(opts.Module, vroot)
		if err != nil {
			return nil, err
		}
		if cfg.Overlay == nil {
			cfg.Overlay = embedded
		} else {
			maps.Copy(cfg.Overlay, embedded)
		}
	}
	// The environment's own files are parsed on a second core while the
	// loader reads the rest (parse.go).
	ahead := newAheadParser(filepath.Join(absRoot, filepath.FromSlash(ref.Dir)), aheadFiles)
	defer ahead.stop()
	cfg.ParseFile = ahead.parseFile
	insts := cueload.Instances([]string{"./" + ref.Dir, schemasPkg}, cfg)
	if served := ahead.stop(); opts.parsedAhead != nil {
		opts.parsedAhead(served)
	}
	for _, inst := range insts {
		if inst.Err != nil {
			return nil, userError(root, ref, inst.Err)
		}
	}
	if err := checkLoaded(root, ref, insts, opts); err != nil {
		return nil, err
	}
	// The syntax is scanned for credentials on another core while CUE
	// builds the instances (which only reads it); a credential is still
	// reported before any message of CUE's, which could quote it.
	// So are the positions of the fields the environment's files write.
	var scan sync.WaitGroup
	var credErr error
	var written, literals map[string]string
	scan.Go(func() {
		credErr = scanCredentials(root, insts[0], secretRefFields(insts[1]))
		written, literals = syntaxPositions(root, insts[0])
	})
	// One context per environment: a context keeps all it evaluated.
	ctx := cuecontext.New()
	vals, err := ctx.BuildInstances(insts)
	scan.Wait()
	if credErr != nil {
		return nil, credErr
	}
	if err != nil {
		return nil, userError(root, ref, err)
	}
	pkg, schemas := vals[0], vals[1]
	envV := pkg.LookupPath(cue.ParsePath(EnvField))
	if !envV.Exists() {
		return nil, diag.List{diag.At(packagePos(root, insts[0], ref), "the package defines no %q field; write `%s: schemas.#Environment & {...}`", EnvField, EnvField)}
	}
	// Unify with the schema here too, so an environment that forgot to
	// say `schemas.#Environment &` is still checked, and closed. When the
	// files already say it, a second unification would only double the
	// evaluation.
	if !declaresSchema(insts[0]) {
		envV = schemas.LookupPath(cue.ParsePath("#Environment")).Unify(envV)
	}
	var envs []*model.Environment
	clean := false
	if clustersV := envV.LookupPath(cue.ParsePath("clusters")); clustersV.Exists() {
		envs, clean, err = clusterViews(root, ref, envV, clustersV, written, literals)
	} else {
		var env *model.Environment
		env, clean, err = decode(root, ref, envV, written, literals)
		envs = []*model.Environment{env}
	}
	// What evaluation built (concatenations, interpolations, values of
	// imported packages) passes the credential gate too (credentials.go);
	// a credential is reported before any other error.
	if cerr := scanValues(root, envV, envs, clean && err == nil); cerr != nil {
		return nil, cerr
	}
	if err != nil {
		return nil, err
	}
	return envs, nil
}

// decode validates one environment value (or one cluster's view of it)
// and decodes it with its source positions.
func decode(root string, ref Ref, envV cue.Value, written, literals map[string]string) (*model.Environment, bool, error) {
	env, verr, err := decodeModel(envV)
	if verr != nil {
		return nil, false, userErrorIn(root, ref, verr, envV)
	}
	if err != nil {
		if probs := numberError(root, envV); len(probs) > 0 { // messages.go
			return nil, false, probs.Err()
		}
		return nil, false, userError(root, ref, err)
	}
	if env.Name != ref.Name {
		return nil, false, diag.List{diag.At(posOf(root, envV.LookupPath(cue.ParsePath("name")).Pos()), "env.name is %q but the directory is %s: rename one so they match", env.Name, ref.Dir)}
	}
	if probs := platform.Apply(env, written); len(probs) > 0 {
		return nil, false, probs.Err()
	}
	// The decoded model is scanned for credentials (scanValues decides
	// with it) on another core while positions are read: nothing below
	// writes a field its JSON holds (positions go to env.Sources, which it
	// skips).
	var free bool
	var scan sync.WaitGroup
	scan.Go(func() { free = credentialFree(env) })
	defer scan.Wait() // an early return leaves nothing running
	env.Sources = sources(root, envV, written, literals, env)
	scaleSources(env.Sources, written)
	// The platform's fields, for the values file's and the renderers'
	// messages (written by the environment's own files).
	for _, f := range []string{"platform", "platform/values", "platform/profile"} {
		if pos, ok := written["env/"+f]; ok {
			env.Sources[f] = pos
		}
	}
	if probs := validate(root, env, envV, written); len(probs) > 0 { // validate.go
		return nil, false, probs.Err()
	}
	if err := checkOverrides(root, env, envV); err != nil {
		return nil, false, err
	}
	scan.Wait()
	return env, free, nil
}

// decodeModel validates the environment (concrete, final) and turns it
// into the model. CUE's JSON encoder and encoding/json together take about
// half the time of cue.Value.Decode's reflection, with the same result
// (the model's types are plain JSON-tagged structs). The JSON is encoded
// first, so that encoding/json decodes it on another core while CUE
// validates: validation also reaches hidden fields and definitions, which
// the encoder skips, so it still decides (verr) before any decoding error
// counts. Should the JSON path fail on a valid value, Decode runs to give
// CUE's own error.
func decodeModel(envV cue.Value) (env *model.Environment, verr, err error) {
	var decoded model.Environment
	data, jerr := envV.MarshalJSON()
	var unmarshal sync.WaitGroup
	if jerr == nil {
		unmarshal.Go(func() { jerr = json.Unmarshal(data, &decoded) })
	}
	verr = envV.Validate(cue.Concrete(true), cue.Final())
	unmarshal.Wait()
	if verr != nil {
		return nil, verr, nil
	}
	if jerr == nil {
		return &decoded, nil, nil
	}
	decoded = model.Environment{}
	if err := envV.Decode(&decoded); err != nil {
		return nil, nil, err
	}
	return &decoded, nil, nil
}

func modulePath(root string, src fs.FS) (string, error) {
	data, err := moduleFile(root, src)
	if err != nil {
		return "", fmt.Errorf("read module file: %w", err)
	}
	mf, err := modfile.Parse(data, "cue.mod/module.cue")
	if err != nil {
		return "", fmt.Errorf("cue.mod/module.cue: %w", err)
	}
	return mf.Module, nil
}

// embeddedRoot is the virtual directory of the embedded module: inside the
// user's repository (so positions print relative), under a name no real
// directory has.
func embeddedRoot(root string) string {
	return filepath.Join(root, "cue.mod", ".mongen-embedded", embeddedName)
}

// embeddedName is how positions in the embedded module are shown.
const embeddedName = "mongen.dev/mongen@" + mongen.CUEModuleVersion

func userError(root string, ref Ref, err error) error {
	return userErrorIn(root, ref, err, cue.Value{})
}

// userErrorIn is userError for errors inside env: when CUE only points at
// the schema (a required field nobody set), it adds the position where the
// user wrote the enclosing value.
func userErrorIn(root string, ref Ref, err error, envV cue.Value) error {
	var probs diag.List
	secretRefs := embeddedSecretRefs()
	for _, e := range explainCUE(envV, cueerrors.Errors(err)) { // messages.go
		headline := ""
		if envV.Exists() {
			headline = userPosition(root, envV, e.Path())
		}
		// A literal on a Secret reference or credential field, and any
		// credential's shape, is never quoted (credgate.Message).
		d := formatCUEError(root, e, headline)
		d.Msg = credgate.Message(e.Path(), d.Msg, secretRefs)
		probs = append(probs, d)
	}
	return probs.Err()
}

// userPosition finds the closest enclosing value of path that the user
// wrote in their environment.
func userPosition(root string, envV cue.Value, path []string) string {
	// Paths start at the schema definition, or at env when the files
	// unify with it themselves.
	if len(path) > 0 && (strings.HasPrefix(path[0], "#") || path[0] == EnvField) {
		path = path[1:]
	}
	for n := len(path); n > 0; n-- {
		sels := make([]cue.Selector, n)
		for i, p := range path[:n] {
			sels[i] = cue.Str(p)
		}
		v := envV.LookupPath(cue.MakePath(sels...))
		if !v.Exists() {
			continue
		}
		if pos := bestPosition(root, v); strings.HasPrefix(pos, EnvironmentsDir+"/") {
			return pos
		}
	}
	return ""
}

// formatCUEError prints one CUE error as "file:line:col: path: message",
// the form editors and CI annotations understand, with further positions
// that contributed to it after the message.
func formatCUEError(root string, e cueerrors.Error, headline string) diag.Diagnostic {
	path := strings.Join(e.Path(), ".")
	// Error() carries wrapped causes (an import's reason) that Msg() drops.
	msg := strings.TrimPrefix(e.Error(), path+": ")
	// The schema is unified in first, so paths start at the definition;
	// users wrote env.
	if rest, ok := strings.CutPrefix(path, "#Environment"); ok {
		path = EnvField + rest
	}
	var positions []string
	if headline != "" {
		positions = append(positions, headline)
	}
	for _, p := range append([]token.Pos{e.Position()}, e.InputPositions()...) {
		if s := position(root, p); s != "" && !slices.Contains(positions, s) {
			positions = append(positions, s)
		}
	}
	// Prefer a position in the user's environment as the headline.
	sort.SliceStable(positions, func(i, j int) bool {
		return strings.HasPrefix(positions[i], EnvironmentsDir+"/") && !strings.HasPrefix(positions[j], EnvironmentsDir+"/")
	})
	var d diag.Diagnostic
	if len(positions) > 0 {
		d.Pos = diag.Origin(positions[0])
	}
	var b strings.Builder
	if path != "" {
		b.WriteString(path)
		b.WriteString(": ")
	}
	b.WriteString(msg)
	// The user's own files, then the one schema or library line that
	// constrains the value; a longer list is noise.
	var also []string
	outside := 0
	for _, p := range positions[min(1, len(positions)):] {
		if !strings.HasPrefix(p, EnvironmentsDir+"/") {
			if outside++; outside > 1 {
				continue
			}
		}
		also = append(also, p)
	}
	if len(also) > 0 {
		b.WriteString(" (see also ")
		b.WriteString(strings.Join(also, ", "))
		b.WriteString(")")
	}
	d.Msg = b.String()
	return d
}

// position renders a CUE position relative to root, as file:line:col.
func position(root string, p token.Pos) string { return posOf(root, p).String() }

// posOf is a CUE position as a diag.Pos: the file relative to root (the
// embedded module's files under its module path), zero when p is not
// valid.
func posOf(root string, p token.Pos) diag.Pos {
	if !p.IsValid() {
		return diag.Pos{}
	}
	name := p.Filename()
	if rel, err := filepath.Rel(root, name); err == nil && !strings.HasPrefix(rel, "..") {
		name = strings.TrimPrefix(filepath.ToSlash(rel), "cue.mod/.mongen-embedded/")
	}
	return diag.Pos{File: name, Line: p.Line(), Col: p.Column()}
}

// packagePos is where an environment's package is declared: the package
// clause of its first file, or the directory when it has none.
func packagePos(root string, inst *build.Instance, ref Ref) diag.Pos {
	for _, f := range inst.Files {
		for _, d := range f.Decls {
			if p, ok := d.(*ast.Package); ok {
				return posOf(root, p.Pos())
			}
		}
	}
	return diag.Pos{File: ref.Dir}
}

// bestPosition picks, among the places that define v, the one a user most
// wants to see: their environment first, then the library, then the schemas
// (which only constrain).
func bestPosition(root string, v cue.Value) string {
	// The value's own position in an environment's file is the best there
	// is: skip the conjunct walk (v.Expr), which costs more than the
	// evaluation when repeated for every field of 1,000 SLOs.
	if p := position(root, v.Pos()); strings.HasPrefix(p, EnvironmentsDir+"/") {
		return p
	}
	var cands []string
	var walk func(v cue.Value, depth int)
	walk = func(v cue.Value, depth int) {
		if p := position(root, v.Pos()); p != "" {
			cands = append(cands, p)
		}
		if depth > 4 {
			return
		}
		if op, args := v.Expr(); op == cue.AndOp {
			for _, a := range args {
				walk(a, depth+1)
			}
		}
	}
	walk(v, 0)
	rank := func(p string) int {
		switch {
		case strings.HasPrefix(p, EnvironmentsDir+"/"):
			return 0
		case strings.HasPrefix(p, "schemas/") || strings.Contains(p, "/schemas/"):
			return 2
		default:
			return 1
		}
	}
	best := ""
	for _, c := range cands {
		if best == "" || rank(c) < rank(best) {
			best = c
		}
	}
	return best
}

// schemaLabel is the position of a label of an environment's own rule that
// the schema fills in (severity, team and tier from the tier policy): the
// schema's own position, without the walk over its conjuncts that
// bestPosition would do, which finds no better one for a label the
// environment's files do not write, and costs a third of all positions
// for 10,000 rules.
func schemaLabel(root string, v cue.Value, written map[string]string, path []string) (string, bool) {
	if len(path) == 0 || path[0] != "rules" {
		return "", false
	}
	if _, ok := written[EnvField+"/"+strings.Join(path, "/")]; ok {
		return "", false
	}
	p := position(root, v.Pos())
	if strings.HasPrefix(p, "schemas/") || strings.Contains(p, "/schemas/") {
		return p, true
	}
	return "", false
}

// sources records where each target, rule and override is defined, so later
// stages can point their errors at the user's CUE.
//
// literals (syntaxPositions) are the positions of values the
// environment's files write once: those are taken as they are, without
// looking at the evaluated value, which costs most of the time for 10,000
// rules. With nil, every position comes from the evaluated value: a test
// holds the two to the same answer.
//
// env, when not nil, is the decoded environment: with literals, the names
// of each rule's annotations and labels, and whether it has tests, are
// read from it, and the evaluated value is looked at only for what
// literals does not hold (iterating the fields of 10,000 rule structs
// sorts each one's fields, which cost a third of the positions).
func sources(root string, envV cue.Value, written, literals map[string]string, env *model.Environment) map[string]string {
	out := make(map[string]string, len(literals))
	literal := func(parts ...string) bool {
		key := model.SourcePath(parts...)
		pos, ok := literals[EnvField+"/"+key]
		if ok {
			out[key] = pos
		}
		return ok
	}
	record := func(v cue.Value, parts ...string) {
		if literal(parts...) {
			return
		}
		if pos := bestPosition(root, v); pos != "" {
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
	rules := func(v cue.Value, decoded map[string]model.RuleGroup, prefix ...string) {
		if literals != nil && env != nil {
			decodedRules(root, v, decoded, prefix, written, literals, out)
			return
		}
		fields(v, func(group string, g cue.Value) {
			record(g, append(prefix, group)...)
			fields(g, func(name string, r cue.Value) {
				p := append(append([]string{}, prefix...), group, name)
				// A rule is where its expression is written: walking the
				// conjuncts of every rule struct costs more than the
				// evaluation itself.
				if !literal(append(p, "expr")...) {
					record(r.LookupPath(sel("expr")), append(p, "expr")...)
				}
				if pos := position(root, r.Pos()); strings.HasPrefix(pos, EnvironmentsDir+"/") {
					out[model.SourcePath(p...)] = pos
				} else if pos := out[model.SourcePath(append(p, "expr")...)]; pos != "" {
					out[model.SourcePath(p...)] = pos
				}
				fields(r.LookupPath(sel("annotations")), func(a string, av cue.Value) {
					record(av, append(p, "annotations", a)...)
				})
				fields(r.LookupPath(sel("labels")), func(a string, av cue.Value) {
					lp := append(p, "labels", a)
					if pos, ok := schemaLabel(root, av, written, lp); ok {
						out[model.SourcePath(lp...)] = pos
						return
					}
					record(av, lp...)
				})
				testSources(root, r, p, out)
			})
		})
	}
	record(envV.LookupPath(sel("prometheus")), "prometheus")
	alerting := envV.LookupPath(sel("alerting"))
	record(alerting, "alerting")
	record(alerting.LookupPath(sel("fallback")), "alerting", "fallback")
	for _, part := range []string{"receivers", "teams", "inhibit", "tiers", "timeIntervals", "templates"} {
		fields(alerting.LookupPath(cue.MakePath(cue.Str(part))), func(n string, v cue.Value) { record(v, "alerting", part, n) })
	}
	record(alerting.LookupPath(sel("deadMansSwitch")), "alerting", "deadMansSwitch")
	record(alerting.LookupPath(sel("root")), "alerting", "root")
	fields(alerting.LookupPath(sel("receivers")), func(n string, v cue.Value) {
		for _, f := range []string{"title", "text", "html"} {
			record(v.LookupPath(cue.MakePath(cue.Str(f))), "alerting", "receivers", n, f)
		}
	})
	rawRouteSources(alerting.LookupPath(sel("routes")), []string{"alerting", "routes"}, record)
	if tests, err := alerting.LookupPath(sel("routeTests")).List(); err == nil {
		for i := 0; tests.Next(); i++ {
			record(tests.Value(), "alerting", "routeTests", strconv.Itoa(i))
		}
	}
	fields(envV.LookupPath(sel("targets")), func(n string, v cue.Value) { record(v, "targets", n) })
	dashboardSources(root, envV.LookupPath(sel("dashboards")), out, "dashboards")
	fields(envV.LookupPath(sel("federation")), func(n string, v cue.Value) { record(v, "federation", n) })
	fields(envV.LookupPath(sel("overrides")), func(n string, v cue.Value) { record(v, "overrides", n) })
	fields(envV.LookupPath(sel("vet", "disable")), func(n string, v cue.Value) { record(v, "vet", "disable", n) })
	fields(envV.LookupPath(sel("hardening", "accept")), func(n string, v cue.Value) { record(v, "hardening", "accept", n) })
	var envRules map[string]model.RuleGroup
	if env != nil {
		envRules = env.Rules
	}
	rules(envV.LookupPath(sel("rules")), envRules, "rules")
	fields(envV.LookupPath(sel("ruleGroups")), func(n string, v cue.Value) {
		record(v, "ruleGroups", n)
		fields(v, func(f string, fv cue.Value) { record(fv, "ruleGroups", n, f) })
	})
	sloSources(root, envV, written, literals, out)
	fields(envV.LookupPath(sel("exporters")), func(n string, e cue.Value) {
		// Where the user brought the exporter in; walking the conjuncts of
		// a whole exporter costs more than evaluating it.
		if pos, ok := written[model.SourcePath(EnvField, "exporters", n)]; ok {
			out[model.SourcePath("exporters", n)] = pos
		}
		fields(e.LookupPath(sel("targets")), func(t string, v cue.Value) { record(v, "exporters", n, "targets", t) })
		var expRules map[string]model.RuleGroup
		if env != nil {
			expRules = env.Exporters[n].Rules
		}
		rules(e.LookupPath(sel("rules")), expRules, "exporters", n, "rules")
		dashboardSources(root, e.LookupPath(sel("dashboards")), out, "exporters", n, "dashboards")
	})
	return out
}

// checkOverrides reports overrides that name no library rule: a typo there
// would otherwise silently change nothing.
func checkOverrides(root string, env *model.Environment, envV cue.Value) error {
	known := map[string]bool{}
	for _, e := range env.Exporters {
		for _, g := range e.Rules {
			for key := range g {
				known[key] = true
			}
		}
	}
	var names []string
	for name := range env.Overrides {
		if !known[name] {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return nil
	}
	sort.Strings(names)
	all := make([]string, 0, len(known))
	for k := range known {
		all = append(all, k)
	}
	sort.Strings(all)
	var probs diag.List
	for _, name := range names {
		hint := ""
		if s := textdist.Closest(name, all, 3); s != "" {
			hint = fmt.Sprintf(" (did you mean %q?)", s)
		}
		probs.Add(diag.Origin(env.Source("overrides", name)), "override %q names no library rule in this environment's exporters%s", name, hint)
	}
	return probs.Err()
}
