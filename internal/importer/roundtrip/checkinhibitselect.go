package roundtrip

import (
	"fmt"
	"slices"
	"strings"

	amcommon "github.com/prometheus/alertmanager/config/common"
	"github.com/prometheus/alertmanager/inhibit"
	amlabels "github.com/prometheus/alertmanager/pkg/labels"
	"github.com/prometheus/common/model"

	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/importer/convert"
	"github.com/mongen-dev/mongen/internal/importer/read"
	"github.com/mongen-dev/mongen/internal/importer/tiers"
	mmodel "github.com/mongen-dev/mongen/internal/model"
	"github.com/mongen-dev/mongen/internal/render/plain"
	"github.com/mongen-dev/mongen/internal/verify/amcheck"
)

// importedAlert is one alerting rule of the input with the labels its
// alerts carry for sure (alertname and static labels) as the input wrote
// them and as the built environment renders them.
type importedAlert struct {
	name          string
	before, after map[string]string
	// tier is the built rule's tier, whose severity the environment
	// stamps on it.
	tier string
}

// importedAlerts pairs every alerting rule of the input with the rule it
// became in the plan. A rule the plan lacks is left out: Compare reports
// it.
func importedAlerts(in *read.Input, imp *convert.Import, plan *expand.Plan) []importedAlert {
	built := builtByPlace(plan)
	var out []importedAlert
	for gi, g := range in.Groups {
		if gi >= len(imp.Placed) {
			break
		}
		for ri, r := range g.Rules {
			if ri >= len(imp.Placed[gi]) {
				break
			}
			b, ok := built[imp.Placed[gi][ri]]
			if r.Kind != read.Alert || !ok || b.Kind != mmodel.RuleAlert {
				continue
			}
			before := map[string]string{}
			for k, v := range g.Labels {
				before[k] = v
			}
			for k, v := range r.Labels {
				before[k] = v
			}
			before["alertname"] = r.Name
			after := map[string]string{"alertname": b.Name}
			for k, v := range plain.RuleLabels(b) { // nil without labels
				after[k] = v
			}
			out = append(out, importedAlert{name: r.Name, before: before, after: after, tier: b.Tier})
		}
	}
	return out
}

// compareInhibitSelection compares, for every inhibit rule of the input's
// alertmanager.yml, which of the input's alerts it selects as source and
// as target with the labels the input gave them and with the labels the
// built environment gives them. The rule is the input's own in both cases
// (a changed rule is compareInhibits' difference), so what differs is the
// alerts' labels: most often the severity --severity-map rewrote (none
// becoming info puts kube-prometheus-stack's Watchdog and InfoInhibitor
// under the chart's inhibition of info alerts). Each alert that newly
// matches a side, or no longer does, is a difference at the inhibit
// rule's position, with the labels that made it.
func compareInhibitSelection(f read.File, rules []amcommon.InhibitRule, alerts []importedAlert, tiering tiers.Map, add func(pos, format string, args ...any)) {
	nodes := read.ResolveAlias(read.Get(read.ResolveAlias(f.Doc.Root), "inhibit_rules"))
	for i, cr := range rules {
		pos := f.Name
		if nodes != nil && i < len(nodes.Content) {
			pos = f.Doc.Pos(nodes.Content[i])
		}
		r := inhibit.NewInhibitRule(cr)
		name := describeInhibit(i, cr)
		for _, side := range []struct {
			name     string
			matchers amlabels.Matchers
		}{{"source", r.SourceMatchers}, {"target", r.TargetMatchers}} {
			// Alerts by direction and cause, each cause with the alerts
			// it moved, in input order.
			type change struct {
				newly bool
				cause string
			}
			moved := map[change][]string{}
			var order []change
			for _, a := range alerts {
				was, is := side.matchers.Matches(modelLabels(a.before)), side.matchers.Matches(modelLabels(a.after))
				if was == is {
					continue
				}
				c := change{newly: is, cause: selectionCause(a, side.matchers, tiering)}
				if _, seen := moved[c]; !seen {
					order = append(order, c)
				}
				if !slices.Contains(moved[c], a.name) {
					moved[c] = append(moved[c], a.name)
				}
			}
			for _, c := range order {
				names := moved[c]
				what, verb, pron := "alerts", "no longer match", "they did"
				if c.newly {
					verb, pron = "now match", "they did not"
				}
				if len(names) == 1 {
					what, verb = "alert", strings.Replace(verb, "match", "matches", 1)
					pron = strings.Replace(pron, "they", "it", 1)
				}
				add(pos, "%s: %s %s %s its %s (in the input %s): %s", name, what, strings.Join(names, ", "), verb, side.name, pron, c.cause)
			}
		}
	}
}

// describeInhibit names input inhibit rule i (0-based) with its matchers
// in Alertmanager's notation, sorted (match and match_re are maps, and
// match_re as written, not anchored as Alertmanager compiles it).
func describeInhibit(i int, cr amcommon.InhibitRule) string {
	return fmt.Sprintf("inhibit rule %d (%s)", i+1, amcheck.InhibitRuleString(cr))
}

// selectionCause says which of the labels the matchers read differ
// between the input's alert and the built one, naming the --severity-map
// entry when the severity is its tier's.
func selectionCause(a importedAlert, ms amlabels.Matchers, tiering tiers.Map) string {
	used := map[string]bool{}
	for _, m := range ms {
		used[m.Name] = true
	}
	var causes []string
	for _, k := range sortedKeys(used) {
		w, inBefore := a.before[k]
		v, inAfter := a.after[k]
		switch {
		case inBefore == inAfter && w == v:
		case k == "severity" && inAfter && v == tiers.Severity(a.tier):
			entry := "other=" + a.tier
			if _, explicit := tiering[w]; explicit && inBefore {
				entry = w + "=" + a.tier
			}
			if inBefore {
				causes = append(causes, fmt.Sprintf("severity %s became %s, %s", w, v, tierSeverity(a.tier, entry)))
			} else {
				causes = append(causes, fmt.Sprintf("severity %s was added, %s", v, tierSeverity(a.tier, entry)))
			}
		case inBefore && inAfter:
			causes = append(causes, fmt.Sprintf("label %s is %q, the input has %q", k, v, w))
		case inAfter:
			causes = append(causes, fmt.Sprintf("label %s=%q is not in the input", k, v))
		default:
			causes = append(causes, fmt.Sprintf("label %s=%q of the input is missing", k, w))
		}
	}
	return strings.Join(causes, "; ")
}

func modelLabels(m map[string]string) model.LabelSet {
	ls := make(model.LabelSet, len(m))
	for k, v := range m {
		ls[model.LabelName(k)] = model.LabelValue(v)
	}
	return ls
}
