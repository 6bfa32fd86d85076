package lint

import (
	"cmp"
	"fmt"
	"sort"
	"strings"

	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/finding"
	"github.com/mongen-dev/mongen/internal/textdist"
)

// suppress splits findings into active and suppressed ones by the
// configuration's vet.disable, and reports problems in vet.disable itself:
// an unknown check id or rule name (a typo would silently suppress
// nothing), and a suppression that hides no finding (left behind after a
// fix, it would hide the next real one).
func suppress(plan *expand.Plan, cfg Config, all []finding.Finding) Result {
	known := map[string]bool{}
	for _, c := range checks {
		known[c.ID] = true
	}
	for _, c := range cfg.ExternalChecks {
		known[c.ID] = true
	}
	rules := map[string]bool{}
	for _, g := range plan.Groups {
		for _, r := range g.Rules {
			rules[r.Name] = true
		}
	}
	var res Result
	used := map[string]map[string]bool{} // id -> rule ("" for all) -> used
	for _, f := range all {
		d, ok := cfg.Disable[f.Check]
		if !ok || f.Check == VetConfigCheck {
			res.Findings = append(res.Findings, f)
			continue
		}
		rule := strings.TrimPrefix(f.Subject, "rule ")
		matched := ""
		if len(d.Rules) == 0 {
			matched = "*"
		} else {
			for _, r := range d.Rules {
				if strings.HasPrefix(f.Subject, "rule ") && r == rule {
					matched = r
				}
			}
		}
		if matched == "" {
			res.Findings = append(res.Findings, f)
			continue
		}
		if used[f.Check] == nil {
			used[f.Check] = map[string]bool{}
		}
		used[f.Check][matched] = true
		res.Suppressed = append(res.Suppressed, finding.Suppressed{Finding: f, Reason: d.Reason, By: cfg.DisableOrigins[f.Check]})
	}

	ids := sortedKeys(cfg.Disable)
	var allIDs []string
	for id := range known {
		allIDs = append(allIDs, id)
	}
	sort.Strings(allIDs)
	var allRules []string
	for r := range rules {
		allRules = append(allRules, r)
	}
	sort.Strings(allRules)
	for _, id := range ids {
		d := cfg.Disable[id]
		pos := cfg.DisableOrigins[id]
		report := func(sev finding.Severity, format string, args ...any) {
			res.Findings = append(res.Findings, finding.Finding{Check: VetConfigCheck, Severity: sev, Position: pos, Subject: "vet.disable." + id, Message: fmt.Sprintf(format, args...)})
		}
		switch {
		case id == VetConfigCheck:
			report(finding.Error, "%s cannot be disabled: it checks vet.disable itself", VetConfigCheck)
			continue
		case !known[id]:
			report(finding.Error, "no check is called %q%s; the checks are listed in docs/lint.md", id, didYouMean(id, allIDs))
			continue
		}
		if !ran(cfg, id) {
			continue // a check that did not run suppresses nothing, rightly
		}
		if len(d.Rules) == 0 {
			if !used[id]["*"] {
				report(finding.Warning, "suppresses nothing: no finding of %s in this environment; remove it", id)
			}
			continue
		}
		for _, r := range d.Rules {
			switch {
			case !rules[r]:
				report(finding.Error, "rule %q is not a rule of this environment%s", r, didYouMean(r, allRules))
			case !used[id][r]:
				report(finding.Warning, "suppresses nothing for rule %s: %s finds nothing there; remove it", r, id)
			}
		}
	}
	finding.Sort(res.Findings)
	sort.SliceStable(res.Suppressed, func(i, j int) bool {
		a, b := res.Suppressed[i].Finding, res.Suppressed[j].Finding
		return cmp.Or(
			strings.Compare(a.Position, b.Position),
			strings.Compare(a.Check, b.Check),
			strings.Compare(a.Subject, b.Subject),
			strings.Compare(a.Message, b.Message),
		) < 0
	})
	return res
}

// ran reports whether check id ran under cfg.Only.
func ran(cfg Config, id string) bool {
	if len(cfg.Only) == 0 {
		return true
	}
	for _, o := range cfg.Only {
		if o == id {
			return true
		}
	}
	return false
}

func didYouMean(s string, candidates []string) string {
	best, bestD := "", 4
	for _, c := range candidates {
		if d := textdist.Distance(strings.ToLower(s), strings.ToLower(c)); d < bestD {
			best, bestD = c, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}
