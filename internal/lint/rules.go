package lint

import (
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/mongen-dev/mongen/internal/finding"
	"github.com/mongen-dev/mongen/internal/slo"
	"github.com/mongen-dev/mongen/internal/textdist"
)

const severityLabel = "severity"

// severityNone marks an alert that notifies nobody by design
// (kube-prometheus's Watchdog and InfoInhibitor): it needs no tier.
const severityNone = "none"

// checkTier: every alert names one known tier and carries that tier's
// severity; a label key that looks like a misspelt severity is flagged.
func checkTier(p *pass) {
	tiers := sortedKeys(p.cfg.Policy.Tiers)
	for _, r := range p.todo {
		for _, k := range sortedKeys(r.Labels) {
			if k != severityLabel && p.nearSeverityKey(k) {
				p.report("rule/tier", finding.Warning, r.labelOrigin(k), r, "label %q looks like a misspelt %q: alerts are routed by %s only", k, severityLabel, severityLabel)
			}
		}
		if !r.alert() {
			continue
		}
		sev, hasSev := r.Labels[severityLabel]
		if r.Tier == "" && sev == severityNone {
			// For machines, not people: a dead man's switch (Watchdog),
			// an inhibition helper (InfoInhibitor).
			continue
		}
		if r.Tier == "" {
			hint := ""
			if t, ok := p.cfg.Policy.tierOf(sev); ok && hasSev {
				hint = fmt.Sprintf(" (its severity %q is tier %s's)", sev, t)
			}
			p.report("rule/tier", "", r.Origin, r, "alert has no tier%s: set tier to one of %s", hint, strings.Join(tiers, ", "))
			continue
		}
		tp, ok := p.cfg.Policy.Tiers[r.Tier]
		if !ok {
			p.report("rule/tier", "", r.Origin, r, "unknown tier %q: use one of %s", r.Tier, strings.Join(tiers, ", "))
			continue
		}
		switch {
		case !hasSev:
			p.report("rule/tier", "", r.Origin, r, "alert of tier %s has no %s label; it needs %s=%q", r.Tier, severityLabel, severityLabel, tp.Severity)
		case sev != tp.Severity:
			p.report("rule/tier", "", r.labelOrigin(severityLabel), r, "%s=%q contradicts tier %s, whose alerts carry %s=%q", severityLabel, sev, r.Tier, severityLabel, tp.Severity)
		}
	}
}

// nearSeverity reports whether a label key is probably a misspelt
// "severity": the same ignoring case, one typo away (a letter wrong, missing,
// added, or two swapped), or "severity" with something stuck to it
// (gseverity, severity_level). "security" is two typos away and passes.
func nearSeverity(k string) bool {
	l := strings.ToLower(k)
	if strings.Contains(l, severityLabel) {
		return true
	}
	return textdist.Distance(l, severityLabel) <= 1
}

// nearSeverityKey is nearSeverity, once per key and pass.
func (p *pass) nearSeverityKey(k string) bool {
	near, ok := p.nearSeverity[k]
	if !ok {
		near = nearSeverity(k)
		if p.nearSeverity == nil {
			p.nearSeverity = map[string]bool{}
		}
		p.nearSeverity[k] = near
	}
	return near
}

func (r *rule) labelOrigin(k string) string {
	if o := r.LabelOrigins[k]; o != "" {
		return o
	}
	return r.Origin
}

func (r *rule) annotationOrigin(k string) string {
	if o := r.AnnotationOrigins[k]; o != "" {
		return o
	}
	return r.Origin
}

// checkName: names are identifiers (alerts) or metric names (recording
// rules); an alert name is used once unless the rules' labels, or the
// label matchers of their expressions, keep their alerts apart.
func checkName(p *pass) {
	byName := map[string][]*rule{}
	for _, r := range p.rules {
		// A cached verdict saw a good name; the pairs below are
		// plan-wide and always checked.
		if !r.cached {
			if msg := badName(r.Name, r.alert()); msg != "" {
				p.report("rule/name", "", r.Origin, r, "%s", msg)
			}
		}
		if r.alert() {
			byName[r.Name] = append(byName[r.Name], r)
		}
	}
	for _, name := range sortedKeys(byName) {
		rs := byName[name]
		if len(rs) < 2 {
			continue
		}
		// The pairs' verdict is a function of the rules' contents (their
		// keys), in order: a cached pass skips parsing them.
		p.cfg.Verified.Check(p.pairsKey(rs), func() bool {
			cs := make([]constraints, len(rs))
			for i, r := range rs {
				cs[i] = p.alertConstraints(r)
			}
			found := false
			for i := 1; i < len(rs); i++ {
				for j := 0; j < i; j++ {
					if apart(cs[i], cs[j]) {
						continue
					}
					found = true
					p.report("rule/name", "", rs[i].Origin, rs[i], "alert name %s is also used in group %s (%s) with labels that do not tell the two apart: rename one, give them a label with different values, or select different values of one label in their expressions", name, rs[j].group, rs[j].Origin)
					break
				}
			}
			return !found
		})
	}
}

// badName explains why name is not a valid alert or recording rule name,
// or returns "".
func badName(name string, alert bool) string {
	if name == "" {
		return "the rule has no name"
	}
	kind, allowColon := "alert name", false
	if !alert {
		kind, allowColon = "recording rule name", true
	}
	for i, c := range name {
		ok := c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (i > 0 && c >= '0' && c <= '9') || (allowColon && c == ':')
		if ok {
			continue
		}
		what := fmt.Sprintf("%q", c)
		switch {
		case unicode.IsSpace(c):
			what = "a space"
		case c >= utf8.RuneSelf:
			what = fmt.Sprintf("the non-ASCII character %q", c)
		case i == 0 && c >= '0' && c <= '9':
			what = "a leading digit"
		}
		if alert {
			return fmt.Sprintf("%s %q is not an identifier: it has %s (use letters, digits and _, such as %s)", kind, name, what, suggestName(name))
		}
		return fmt.Sprintf("%s %q is not a metric name: it has %s (use level:metric:operations with letters, digits, _ and :)", kind, name, what)
	}
	return ""
}

// suggestName turns "Disk usage (>80%)" into "DiskUsage80".
func suggestName(name string) string {
	var b strings.Builder
	upper := true
	for _, c := range name {
		switch {
		case c < utf8.RuneSelf && (unicode.IsLetter(c) || unicode.IsDigit(c)):
			if upper {
				c = unicode.ToUpper(c)
			}
			b.WriteRune(c)
			upper = false
		default:
			upper = true
		}
	}
	s := b.String()
	if s == "" || (s[0] >= '0' && s[0] <= '9') {
		s = "Alert" + s
	}
	return s
}

// checkAnnotations: the annotations the tier requires are present and not
// blank; runbook_url is an absolute http(s) URL.
func checkAnnotations(p *pass) {
	for _, r := range p.todo {
		if !r.alert() {
			continue
		}
		if tp, ok := p.cfg.Policy.Tiers[r.Tier]; ok {
			var missing []string
			for _, a := range tp.RequiredAnnotations {
				if strings.TrimSpace(r.Annotations[a]) == "" {
					missing = append(missing, a)
				}
			}
			if len(missing) > 0 {
				sort.Strings(missing)
				p.report("rule/annotations", "", r.Origin, r, "tier %s requires the %s %s", r.Tier, plural(len(missing), "annotation", "annotations"), strings.Join(missing, ", "))
			}
		}
		if u, ok := r.Annotations["runbook_url"]; ok && strings.TrimSpace(u) != "" {
			if msg := badURL(u); msg != "" {
				p.report("rule/annotations", "", r.annotationOrigin("runbook_url"), r, "runbook_url %q %s", u, msg)
			}
		}
	}
}

// badURL explains why s is not an absolute http(s) URL. Template actions
// stand for a path segment.
func badURL(s string) string {
	t := s
	for {
		i := strings.Index(t, "{{")
		if i < 0 {
			break
		}
		j := strings.Index(t[i:], "}}")
		if j < 0 {
			break
		}
		t = t[:i] + "x" + t[i+j+2:]
	}
	u, err := url.Parse(strings.TrimSpace(t))
	switch {
	case err != nil:
		return "is not a URL: " + strings.TrimPrefix(err.Error(), fmt.Sprintf("parse %q: ", strings.TrimSpace(t)))
	case u.Scheme != "http" && u.Scheme != "https":
		return "is not an absolute http(s) URL"
	case u.Host == "":
		return "has no host"
	}
	return ""
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// checkFor: recording rules have no `for`; an alert's `for` lies within
// its tier's bounds (a missing `for` is 0: the alert fires on the first
// evaluation that returns a series).
func checkFor(p *pass) {
	for _, r := range p.todo {
		if !r.alert() {
			if r.For != "" {
				p.report("rule/for", finding.Error, r.Origin, r, "a recording rule cannot have `for` (%s): Prometheus refuses the rule file", r.For)
			}
			continue
		}
		tp, ok := p.cfg.Policy.Tiers[r.Tier]
		if !ok {
			continue // rule/tier reports it
		}
		d := time.Duration(0)
		if r.For != "" {
			d = parseDuration(r.For)
		}
		shown := r.For
		if shown == "" {
			shown = "not set (0s)"
		}
		switch {
		// An SLO burn alert's windows are its filter: no minimum (docs/slo.md).
		case tp.MinFor > 0 && d < tp.MinFor && !(r.SLO != "" && slo.IsBurnAlert(r.Rule.Rule)):
			p.report("rule/for", "", r.Origin, r, "for is %s, shorter than tier %s's minimum %s: one bad evaluation would notify", shown, r.Tier, fmtDuration(tp.MinFor))
		case tp.MaxFor > 0 && d > tp.MaxFor:
			p.report("rule/for", "", r.Origin, r, "for is %s, longer than tier %s's maximum %s: the alert comes too late for its tier", shown, r.Tier, fmtDuration(tp.MaxFor))
		}
	}
}
