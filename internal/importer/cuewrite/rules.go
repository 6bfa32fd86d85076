package cuewrite

import (
	"github.com/mongen-dev/mongen/internal/importer/convert"
	model "github.com/mongen-dev/mongen/internal/model"
)

// writeGroupSettings writes env.ruleGroups.
func writeGroupSettings(w *writer, settings map[string]model.RuleGroupSettings) {
	if len(settings) == 0 {
		return
	}
	w.Line("")
	w.Comment("Group settings of the input (Prometheus's interval, limit and query_offset).")
	w.OpenRaw("env: ruleGroups:")
	for _, key := range sortedKeys(settings) {
		s := settings[key]
		w.Open(key)
		if s.Interval != "" {
			w.Str("interval", s.Interval)
		}
		if s.Limit != nil {
			w.Line("limit: %d", *s.Limit)
		}
		if s.QueryOffset != "" {
			w.Str("queryOffset", s.QueryOffset)
		}
		w.Close()
	}
	w.Close()
}

// rulesFile is rules.cue: the rules left in env.rules (those that did not
// become library overrides) and the groups' settings.
func rulesFile(imp *convert.Import) ([]byte, error) {
	opt, env := imp.Options, imp.Env
	if len(env.Rules) == 0 {
		return nil, nil
	}
	var r writer
	r.Comment("Rules imported by mongen import. Alert tiers come from their severity\nlabels (critical P0, warning P1, info P2); CUE adds the severity label.")
	r.Line("package %s", opt.Env)
	r.Line("")
	r.OpenRaw("env: rules:")
	for _, gkey := range sortedKeys(env.Rules) {
		r.Open(gkey)
		g := env.Rules[gkey]
		for _, key := range sortedKeys(g) {
			rule := g[key]
			r.Open(key)
			if key != rule.Name {
				r.Str("name", rule.Name)
			}
			if rule.Kind == model.RuleRecord {
				r.Str("kind", model.RuleRecord)
			} else {
				r.Str("tier", rule.Tier)
			}
			r.Str("expr", rule.Expr)
			switch {
			case rule.For != "":
				r.Str("for", rule.For)
			case rule.Kind == model.RuleAlert && env.Alerting != nil:
				// Without it, the tier's defaultFor would apply.
				r.Str("for", "0s")
			}
			if rule.KeepFiringFor != "" {
				r.Str("keepFiringFor", rule.KeepFiringFor)
			}
			if rule.Order != nil {
				r.Line("order: %d", *rule.Order)
			}
			labels := map[string]string{}
			for k, v := range rule.Labels {
				if k == "severity" && rule.Kind == model.RuleAlert {
					continue // the tier sets it
				}
				labels[k] = v
			}
			r.StrMap("labels", labels)
			r.StrMap("annotations", rule.Annotations)
			r.Close()
		}
		r.Close()
	}
	r.Close()
	writeGroupSettings(&r, env.RuleGroups)
	return r.Source()
}
