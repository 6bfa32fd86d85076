package load

import (
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/cuecontext"
	cueerrors "cuelang.org/go/cue/errors"
	"cuelang.org/go/cue/parser"
	"cuelang.org/go/cue/token"

	"github.com/mongen-dev/mongen"
	"github.com/mongen-dev/mongen/internal/diag"
	"github.com/mongen-dev/mongen/internal/inputlimit"
	"github.com/mongen-dev/mongen/internal/textdist"
)

// explained is a CUE error retold in the user's words: the same positions,
// another message (docs/errors.md lists every case).
type explained struct {
	orig cueerrors.Error
	path []string
	msg  string
	pos  token.Pos // zero: the original error's
}

func (e *explained) Path() []string              { return e.path }
func (e *explained) InputPositions() []token.Pos { return e.orig.InputPositions() }
func (e *explained) Bottom()                     {}
func (e *explained) Error() string               { return strings.Join(e.path, ".") + ": " + e.msg }
func (e *explained) Msg() (string, []any) {
	return e.msg, nil
}
func (e *explained) Position() token.Pos {
	if e.pos.IsValid() {
		return e.pos
	}
	return e.orig.Position()
}

// explainCUE retells the CUE errors it knows in the user's words, and
// drops the ones that only echo what the schema would have chosen:
//   - a severity label that contradicts the rule's tier names the tier;
//   - a threshold override on a library rule without a threshold points at
//     the override;
//   - a field the schema does not allow suggests the closest allowed one;
//   - a value out of a known pattern (duration, name, label name) says what
//     the pattern wants;
//   - of an empty disjunction, the branch that conflicts with a default the
//     user never wrote is dropped, and the header with it.
//
// Errors it does not know pass through unchanged.
func explainCUE(envV cue.Value, errs []cueerrors.Error) []cueerrors.Error {
	byPath := map[string][]cueerrors.Error{}
	for _, e := range errs {
		k := strings.Join(e.Path(), ".")
		byPath[k] = append(byPath[k], e)
	}
	// A refused labels.job is explained once: what else CUE says there
	// (interpolations of the refused labels) follows from it.
	jobLabels := map[string]bool{}
	for _, e := range errs {
		if msg, _ := e.Msg(); msg == "field not allowed" && targetJobLabel(e, envPath(e.Path())) != nil {
			jobLabels[strings.Join(e.Path(), ".")] = true
		}
	}
	var out []cueerrors.Error
	for _, e := range errs {
		msg, _ := e.Msg()
		siblings := byPath[strings.Join(e.Path(), ".")]
		if len(siblings) > 1 && disjunctionNoise(e, siblings) {
			continue
		}
		if jobLabels[strings.Join(e.Path(), ".")] && msg != "field not allowed" {
			continue
		}
		rel := envPath(e.Path())
		switch {
		case strings.HasPrefix(msg, "conflicting values") && isSeverity(rel):
			if x := severityConflict(envV, e, rel); x != nil {
				out = append(out, x)
				continue
			}
		case msg == "field is required but not present" && isLibraryThreshold(rel):
			if x := thresholdOverride(envV, e, rel); x != nil {
				out = append(out, x)
				continue
			}
		case msg == "field not allowed":
			if x := unknownField(envV, e, rel); x != nil {
				out = append(out, x)
				continue
			}
		case strings.HasPrefix(msg, "invalid value %v (out of bound %s)"):
			if x := outOfBound(e); x != nil {
				out = append(out, x)
				continue
			}
		}
		out = append(out, e)
	}
	return out
}

// envPath drops the leading #Environment or env of an error path.
func envPath(p []string) []string {
	if len(p) > 0 && (p[0] == "#Environment" || p[0] == EnvField) {
		return p[1:]
	}
	return p
}

func lookup(envV cue.Value, path []string) cue.Value {
	sels := make([]cue.Selector, len(path))
	for i, p := range path {
		if n, err := strconv.Atoi(p); err == nil {
			sels[i] = cue.Index(n)
			continue
		}
		sels[i] = cue.Str(strings.Trim(p, `"`))
	}
	return envV.LookupPath(cue.MakePath(sels...))
}

// disjunctionNoise reports whether e only adds noise to the other errors
// at its path: the "N errors in empty disjunction" header, or a conflict
// with a default value when another branch says what is wrong with the
// value the user wrote (period: "28 d" against the default "30d").
func disjunctionNoise(e cueerrors.Error, siblings []cueerrors.Error) bool {
	msg, _ := e.Msg()
	other := false
	for _, s := range siblings {
		if m, _ := s.Msg(); !strings.HasPrefix(m, "conflicting values") && !strings.Contains(m, "errors in empty disjunction") {
			other = true
		}
	}
	if !other {
		return false
	}
	return strings.Contains(msg, "errors in empty disjunction") || strings.HasPrefix(msg, "conflicting values")
}

func isSeverity(p []string) bool {
	n := len(p)
	return n >= 4 && p[n-2] == "labels" && p[n-1] == "severity" && slicesContains(p, "rules")
}

func isLibraryThreshold(p []string) bool {
	n := len(p)
	return n == 6 && p[0] == "exporters" && p[2] == "rules" && p[n-1] == "threshold"
}

func slicesContains(p []string, s string) bool {
	for _, x := range p {
		if x == s {
			return true
		}
	}
	return false
}

// severityConflict: a severity set by hand on a rule whose tier sets it.
func severityConflict(envV cue.Value, e cueerrors.Error, rel []string) cueerrors.Error {
	rule := lookup(envV, rel[:len(rel)-2])
	tier, err := rule.LookupPath(cue.ParsePath("tier")).String()
	if err != nil {
		return nil
	}
	table := tierSeverities()
	want, ok := table[tier]
	if !ok {
		return nil
	}
	var tiers []string
	for _, t := range sortedKeys(table) {
		tiers = append(tiers, fmt.Sprintf("%s %q", t, table[t]))
	}
	msg := fmt.Sprintf("the severity label is set by the rule's tier (%s sets %q): remove labels.severity, or change tier to the one you mean (%s)", tier, want, strings.Join(tiers, ", "))
	return &explained{orig: e, path: append([]string{EnvField}, rel...), msg: msg}
}

// tierSeverities reads the tier table from the embedded schemas.
func tierSeverities() map[string]string {
	out := map[string]string{}
	data, err := fs.ReadFile(mongen.CUEModule, "schemas/tier.cue")
	if err != nil {
		return out
	}
	v := cuecontext.New().CompileBytes(data).LookupPath(cue.ParsePath("#Tiers"))
	it, err := v.Fields(cue.Definitions(false))
	if err != nil {
		return out
	}
	for it.Next() {
		if s, err := it.Value().LookupPath(cue.ParsePath("severity")).String(); err == nil {
			out[it.Selector().Unquoted()] = s
		}
	}
	return out
}

// thresholdOverride: an override sets threshold on a library rule that has
// none. CUE reports it at the exporter; the user wrote the override.
func thresholdOverride(envV cue.Value, e cueerrors.Error, rel []string) cueerrors.Error {
	name := strings.Trim(rel[4], `"`)
	ov := envV.LookupPath(cue.MakePath(cue.Str("overrides"), cue.Str(name), cue.Str("threshold")))
	if !ov.Exists() {
		return nil
	}
	msg := fmt.Sprintf("library rule %s (exporter %s) has no threshold to change: its expression takes no parameter; remove threshold from the override (for, keepFiringFor, tier, labels, annotations and disabled apply to every rule)", name, strings.Trim(rel[1], `"`))
	return &explained{orig: e, path: []string{EnvField, "overrides", name, "threshold"}, msg: msg, pos: ov.Pos()}
}

// unknownField suggests the closest field the schema allows.
func unknownField(envV cue.Value, e cueerrors.Error, rel []string) cueerrors.Error {
	if len(rel) == 0 {
		return nil
	}
	field := strings.Trim(rel[len(rel)-1], `"`)
	parent := lookup(envV, rel[:len(rel)-1])
	if !parent.Exists() {
		return nil
	}
	if x := targetJobLabel(e, rel); x != nil {
		return x
	}
	it, err := parent.Fields(cue.Optional(true), cue.Definitions(false), cue.Hidden(false))
	if err != nil {
		return nil
	}
	var names []string
	for it.Next() {
		if n := it.Selector().Unquoted(); n != field {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	msg := "field not allowed: the schema has no such field"
	if s := textdist.Closest(field, names, 3); s != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", s)
	} else if len(names) > 0 && len(names) <= 30 {
		msg += " (allowed here: " + strings.Join(names, ", ") + ")"
	}
	return &explained{orig: e, path: append([]string{EnvField}, rel...), msg: msg}
}

// targetJobLabel explains labels.job on a static target, probe or
// federation job (#TargetLabels), or on a blackbox exporter's probe: the
// key names the job, in both flavours.
func targetJobLabel(e cueerrors.Error, rel []string) cueerrors.Error {
	n := len(rel)
	if n < 4 || rel[n-1] != "job" || rel[n-2] != "labels" {
		return nil
	}
	key := strings.Trim(rel[n-3], `"`)
	job, what := key, "target"
	switch {
	case rel[n-4] == "targets":
	case rel[n-4] == "federation" && n == 4:
		what = "federation job"
	case rel[n-4] == "probes" && n == 6 && rel[0] == "exporters":
		job, what = "probe-"+key, "probe"
	default:
		return nil
	}
	// The value is not in envV (the field is refused), so it is not quoted.
	msg := fmt.Sprintf("field not allowed: a %s's key names its job, and every series it scrapes carries job=%q in both flavours; a job label would break that (the operator flavour's job relabelling overwrites it on some kinds, Prometheus keeps it on others): drop labels.job, and to call the job otherwise, rename the %s", what, job, what)
	return &explained{orig: e, path: append([]string{EnvField}, rel...), msg: msg}
}

// patterns are the schema's named patterns, in words.
var patterns = map[string]string{
	`=~"^([0-9]+(ms|s|m|h|d|w|y))+$"`:     "a duration is a number and a unit with nothing between, such as 30s, 5m, 1h30m or 28d",
	`=~"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"`: "a name is lowercase letters, digits and -, starting and ending with a letter or digit (a Kubernetes DNS-1123 label)",
	`=~"^[a-zA-Z_][a-zA-Z0-9_]*$"`:        "a label name is letters, digits and _, not starting with a digit",
	`=~"^v[0-9]+\\.[0-9]+\\.[0-9]+$"`:     "a version is v<major>.<minor>.<patch>, such as v3.16.0",
	`=~"^https?://"`:                      "a URL starts with http:// or https://",
	`=~"^[^@\\s]+@[^@\\s]+$"`:             "an email address is one user@domain, without spaces",
	`=~"^[^:\\s]+:[0-9]+$"`:               "a smarthost is host:port, such as smtp.example.com:587",
	`=~"^([01][0-9]|2[0-4]):[0-5][0-9]$"`: "a time of day is HH:MM, 00:00 to 24:00",
	`=~"^[0-9.]+:[0-9]+$"`:                "an endpoint is an IP address and a port, such as 10.0.0.1:2379",
	`=~"^[-._a-zA-Z0-9]+$"`:               "a Secret key is letters, digits, -, _ and .",
	`=~"^[#@]"`:                           "a Slack channel starts with # or @",
	`=~"^P[1-5]$"`:                        "an OpsGenie priority is P1 to P5",
	`=~"^[a-zA-Z_:][a-zA-Z0-9_:]*$"`:      "a metric name is letters, digits, _ and :, not starting with a digit",
	`=~"^(monday|tuesday|wednesday|thursday|friday|saturday|sunday)(:(monday|tuesday|wednesday|thursday|friday|saturday|sunday))?$"`: "a weekday range is a lowercase day or day:day, such as monday:friday",
}

var outOfBoundRe = regexp.MustCompile(`^(=~".*")$`)

// outOfBound says what a schema pattern wants, in words.
func outOfBound(e cueerrors.Error) cueerrors.Error {
	_, args := e.Msg()
	if len(args) != 2 {
		return nil
	}
	bound := fmt.Sprint(args[1])
	if p := e.Path(); bound == `!=""` && len(p) >= 3 && p[len(p)-1] == "port" && p[len(p)-3] == "targets" {
		// A service or pod target's port: name the port to scrape.
		return &explained{orig: e, path: e.Path(), msg: `an empty name: write the name of the Service's or Pod's port to scrape, such as "metrics"`}
	}
	words, ok := patterns[bound]
	if !ok || !outOfBoundRe.MatchString(bound) {
		return nil
	}
	msg := fmt.Sprintf("invalid value %v: %s", args[0], words)
	return &explained{orig: e, path: e.Path(), msg: msg}
}

// numberError finds the numbers the environment wrote that no 64-bit
// float holds (threshold: 1e400): Decode only says "value was rounded up".
func numberError(root string, envV cue.Value) diag.List {
	// One line per position: a library rule's threshold is where the
	// override put it, so the shortest path (the override's) names it.
	byPos := map[string][]string{}
	var walk func(v cue.Value, path []string, depth int)
	walk = func(v cue.Value, path []string, depth int) {
		if depth > 12 {
			return
		}
		switch v.IncompleteKind() {
		case cue.StructKind:
			it, err := v.Fields()
			if err != nil {
				return
			}
			for it.Next() {
				walk(it.Value(), append(slices.Clone(path), it.Selector().String()), depth+1)
			}
		case cue.ListKind:
			it, err := v.List()
			if err != nil {
				return
			}
			for i := 0; it.Next(); i++ {
				walk(it.Value(), append(slices.Clone(path), strconv.Itoa(i)), depth+1)
			}
		case cue.NumberKind, cue.FloatKind, cue.IntKind:
			f, err := v.Float64()
			if err == nil && !math.IsInf(f, 0) {
				return
			}
			pos := bestPosition(root, v)
			if old, ok := byPos[pos]; !ok || len(path) < len(old) {
				byPos[pos] = path
			}
		}
	}
	walk(envV, []string{EnvField}, 0)
	var out diag.List
	for _, pos := range sortedKeys(byPos) {
		out.Add(diag.Origin(pos), "%s: the number is beyond what Prometheus can hold (a 64-bit float, at most about 1.8e308 in size): write a smaller number", strings.Join(byPos[pos], "."))
	}
	// The user's own files only, when they hold one.
	var own diag.List
	for _, d := range out {
		if strings.HasPrefix(d.Pos.File, EnvironmentsDir+"/") {
			own = append(own, d)
		}
	}
	if len(own) > 0 {
		return own
	}
	return out
}

var envNameRe = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)

// checkEnvDir refuses an environment directory whose name env.name could
// never equal (a space, capitals): CUE's loader would only say it found no
// dependency for a package path. src is the repository's tree when it is
// not read from disk (valuesSource).
func checkEnvDir(root string, ref Ref, src fs.FS) error {
	if envNameRe.MatchString(ref.Name) {
		return nil
	}
	fixed := strings.Trim(regexp.MustCompile(`[^a-z0-9]+`).ReplaceAllString(strings.ToLower(ref.Name), "-"), "-")
	hint := ""
	if fixed != "" {
		hint = fmt.Sprintf(", for example to %q", fixed)
	}
	msg := fmt.Sprintf("an environment directory is named like env.name, in lowercase letters, digits and - (a Kubernetes DNS-1123 label): rename the directory%s", hint)
	at := envDirPos(root, ref, src)
	if at.File != ref.Dir {
		msg = ref.Dir + ": " + msg // the directory, at its package clause
	}
	return diag.List{{Pos: at, Msg: msg}}
}

// envDirPos is where the user declared the environment's package: the
// package clause of the directory's first CUE file (each file names it),
// or the directory itself when it holds none. A file on disk is read
// within the CUE file limit (inputlimit), so a named pipe cannot block.
func envDirPos(root string, ref Ref, src fs.FS) diag.Pos {
	fsys := src
	if fsys == nil {
		fsys = os.DirFS(root)
	}
	entries, err := fs.ReadDir(fsys, ref.Dir)
	if err != nil {
		return diag.Pos{File: ref.Dir}
	}
	for _, e := range entries {
		if !e.Type().IsRegular() || !strings.HasSuffix(e.Name(), ".cue") {
			continue
		}
		rel := ref.Dir + "/" + e.Name()
		var data []byte
		if src != nil {
			data, err = fs.ReadFile(src, rel)
		} else {
			data, err = inputlimit.CUE().ReadFile(filepath.Join(root, filepath.FromSlash(rel)), rel)
		}
		if err != nil {
			continue
		}
		f, err := parser.ParseFile(rel, data, parser.PackageClauseOnly)
		if err != nil {
			continue
		}
		for _, d := range f.Decls {
			if p, ok := d.(*ast.Package); ok && p.Pos().IsValid() {
				return diag.Pos{File: rel, Line: p.Pos().Line(), Col: p.Pos().Column()}
			}
		}
	}
	return diag.Pos{File: ref.Dir}
}
