package load

import (
	"strings"

	"cuelang.org/go/cue"

	"github.com/mongen-dev/mongen/internal/model"
)

// decodedRules records the positions of a map of rule groups (the
// environment's rules or an exporter's) as sources' walk over the
// evaluated value does, but takes the groups, rules, annotation and label
// names from the decoded model and each position from literals where it
// holds one: the evaluated value is looked up only for the rest (a label
// the schema fills in, an annotation the library writes). v is the
// evaluated map, prefix its path; out receives the positions.
func decodedRules(root string, v cue.Value, groups map[string]model.RuleGroup, prefix []string, written, literals, out map[string]string) {
	// lookup evaluates a path below v once, when a position is needed.
	type lazy struct {
		parent func() cue.Value
		name   string
		v      *cue.Value
	}
	get := func(l *lazy) cue.Value {
		if l.v == nil {
			x := l.parent().LookupPath(sel(l.name))
			l.v = &x
		}
		return *l.v
	}
	// record is sources' record: the literal's position, else the best
	// one the evaluated value gives.
	record := func(l *lazy, parts []string) {
		key := model.SourcePath(parts...)
		if pos, ok := literals[EnvField+"/"+key]; ok {
			out[key] = pos
			return
		}
		if x := get(l); x.Exists() {
			if pos := bestPosition(root, x); pos != "" {
				out[key] = pos
			}
		}
	}
	for group, rules := range groups {
		gp := append(prefix[:len(prefix):len(prefix)], group)
		g := &lazy{parent: func() cue.Value { return v }, name: group}
		record(g, gp)
		for name, rule := range rules {
			p := append(gp[:len(gp):len(gp)], name)
			r := &lazy{parent: func() cue.Value { return get(g) }, name: name}
			exprPath := append(p[:len(p):len(p)], "expr")
			record(&lazy{parent: func() cue.Value { return get(r) }, name: "expr"}, exprPath)
			// The rule is where its evaluated value says, when that is in
			// an environment's file, else where its expression is. (Not
			// the literal's: a rule struct's Pos is not its label's.)
			rulePos := ""
			if x := get(r); x.Exists() {
				rulePos = position(root, x.Pos())
			}
			if strings.HasPrefix(rulePos, EnvironmentsDir+"/") {
				out[model.SourcePath(p...)] = rulePos
			} else if pos := out[model.SourcePath(exprPath...)]; pos != "" {
				out[model.SourcePath(p...)] = pos
			}
			if len(rule.Annotations) > 0 {
				annotations := &lazy{parent: func() cue.Value { return get(r) }, name: "annotations"}
				for a := range rule.Annotations {
					record(&lazy{parent: func() cue.Value { return get(annotations) }, name: a}, append(p[:len(p):len(p)], "annotations", a))
				}
			}
			if len(rule.Labels) > 0 {
				labels := &lazy{parent: func() cue.Value { return get(r) }, name: "labels"}
				for a := range rule.Labels {
					lp := append(p[:len(p):len(p)], "labels", a)
					l := &lazy{parent: func() cue.Value { return get(labels) }, name: a}
					if _, ok := written[EnvField+"/"+strings.Join(lp, "/")]; !ok {
						// Not written by the environment: perhaps the
						// schema's (schemaLabel), which needs the value.
						if x := get(l); x.Exists() {
							if pos, ok := schemaLabel(root, x, written, lp); ok {
								out[model.SourcePath(lp...)] = pos
								continue
							}
						}
					}
					record(l, lp)
				}
			}
			if len(rule.Tests) > 0 {
				if x := get(r); x.Exists() {
					testSources(root, x, p, out)
				}
			}
		}
	}
}
