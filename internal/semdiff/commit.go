package semdiff

import (
	"fmt"
	"strings"
)

// maxCommitItems bounds the lines listed per environment in a commit
// message.
const maxCommitItems = 25

// CommitMessage is the message of mongen build --commit: a subject naming
// the environments built, then the semantic diff of their sources since the
// base revision, one line per alert, recording rule, routing change and
// scrape job.
func CommitMessage(r *Report, envs []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "mongen build: %s\n\n", strings.Join(envs, ", "))
	fmt.Fprintf(&b, "Changes from %s to the %s, as mongen diff reports them:\n", r.Base, r.Head)
	for _, e := range r.Environments {
		fmt.Fprintf(&b, "\n%s: %s\n", e.Name, e.headline())
		if e.Status == EnvError {
			first, _, _ := strings.Cut(e.Error, "\n")
			fmt.Fprintf(&b, "  %s\n", first)
			continue
		}
		var items []string
		for _, a := range e.Alerts {
			items = append(items, ruleItem("alert", a))
		}
		for _, a := range e.RecordingRules {
			items = append(items, ruleItem("recording rule", a))
		}
		for _, rt := range e.Routing {
			s := fmt.Sprintf("~ %s: %s → %s", rt.What, receivers(rt.Before), receivers(rt.After))
			if len(rt.Alerts) > 0 {
				s += " (" + strings.Join(rt.Alerts, ", ") + ")"
			}
			items = append(items, s)
		}
		for _, j := range e.ScrapeJobs {
			s := fmt.Sprintf("%s scrape job %s (%s)", changeMark(j.Change), j.Name, j.Kind)
			if j.Change == Changed {
				s += ": " + fieldNames(j.Fields)
			}
			items = append(items, s)
		}
		if len(items) > maxCommitItems {
			more := len(items) - maxCommitItems
			items = append(items[:maxCommitItems], fmt.Sprintf("... and %d more", more))
		}
		for _, it := range items {
			fmt.Fprintf(&b, "  %s\n", it)
		}
	}
	return b.String()
}

func ruleItem(kind string, r Rule) string {
	s := fmt.Sprintf("%s %s %s (group %s)", changeMark(r.Change), kind, r.Name, r.Group)
	switch r.Change {
	case Changed:
		s += ": " + fieldNames(r.Fields)
	case Added:
		if kind == "alert" {
			s += " → " + receivers(r.Receivers)
		}
	}
	return s
}

func fieldNames(fs []Field) string {
	names := make([]string, len(fs))
	for i, f := range fs {
		names[i] = f.Field
	}
	return strings.Join(names, ", ")
}
