package semdiff

import (
	"fmt"
	"strings"
)

// markdown renders r for a pull-request comment: the marker, a summary
// line with counts, then one heading per changed environment with a
// collapsible section per kind of change. withDiffs=false leaves the raw
// file diffs out (to stay under the comment size limit).
func markdown(r *Report, withDiffs bool) string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p("%s\n", CommentMarker)
	p("**mongen diff** %s → %s: %s", code(r.Base), r.Head, r.envSummary())
	if r.HasChanges() {
		p(" · %s", r.Totals.Summary())
	}
	p("\n")
	var unchanged []string
	for _, e := range r.Environments {
		switch e.Status {
		case EnvUnchanged:
			unchanged = append(unchanged, code(e.Name))
			continue
		case EnvError:
			p("\n### %s: cannot compare\n\n%s", e.Name, codeBlock("", e.Error))
			continue
		}
		p("\n### %s: %s\n", e.Name, e.headline())
		if len(e.Alerts) > 0 {
			section(&b, "Alerts", tally(e.Counts.Alerts), func() {
				for _, a := range e.Alerts {
					p("\n%s", ruleHeading(a, true))
					if len(a.Fields) > 0 {
						p("\n%s", codeBlock("diff", fieldDiff(a.Fields)))
					}
				}
			})
		}
		if len(e.RecordingRules) > 0 {
			section(&b, "Recording rules", tally(e.Counts.RecordingRules), func() {
				for _, a := range e.RecordingRules {
					p("\n%s", ruleHeading(a, false))
					if len(a.Fields) > 0 {
						p("\n%s", codeBlock("diff", fieldDiff(a.Fields)))
					}
				}
			})
		}
		if len(e.Routing) > 0 {
			section(&b, "Routing", plural(len(e.Routing), "change", "changes"), func() {
				p("\n")
				for _, rt := range e.Routing {
					p("- %s: %s → **%s**", rt.What, codeList(rt.Before), codeList(rt.After))
					if len(rt.Alerts) > 0 {
						p(" (%s)", strings.Join(rt.Alerts, ", "))
					}
					p("\n")
				}
			})
		}
		if len(e.ScrapeJobs) > 0 {
			section(&b, "Scrape jobs", tally(e.Counts.ScrapeJobs), func() {
				for _, j := range e.ScrapeJobs {
					p("\n**%s %s** (%s)", changeMark(j.Change), code(j.Name), jobDetail(j, code))
					if j.Origin != "" {
						p(" · %s", code(j.Origin))
					}
					p("\n")
					if len(j.Fields) > 0 {
						p("\n%s", codeBlock("diff", fieldDiff(j.Fields)))
					}
				}
			})
		}
		if len(e.Dashboards) > 0 {
			section(&b, "Dashboards", tally(e.Counts.Dashboards), func() {
				for _, d := range e.Dashboards {
					p("\n**%s %s** (%s)", changeMark(d.Change), code(d.UID), dashDetail(d, code))
					if d.Origin != "" {
						p(" · %s", code(d.Origin))
					}
					p("\n")
					if len(d.Fields) > 0 {
						p("\n%s", codeBlock("diff", fieldDiff(d.Fields)))
					}
				}
			})
		}
		if len(e.Files) > 0 {
			section(&b, "Files", tally(e.Counts.Files), func() {
				p("\n| | file | lines |\n| --- | --- | --- |\n")
				for _, f := range e.Files {
					p("| %s | %s | +%d −%d |\n", changeMark(f.Change), code(f.Path), f.LinesAdded, f.LinesRemoved)
				}
				omitted := false
				for _, f := range e.Files {
					if f.Diff == "" {
						continue
					}
					if !withDiffs {
						omitted = true
						continue
					}
					p("\n%s\n\n%s", code(f.Path), codeBlock("diff", f.Diff))
				}
				if omitted {
					p("\nRaw diffs left out to keep this comment under GitHub's size limit: run `mongen diff` locally.\n")
				}
			})
		}
	}
	if len(unchanged) > 0 {
		p("\nNo changes in %s.\n", strings.Join(unchanged, ", "))
	}
	return b.String()
}

// section writes a collapsible <details> block.
func section(b *strings.Builder, title, counts string, body func()) {
	fmt.Fprintf(b, "\n<details><summary><b>%s</b>: %s</summary>\n", title, counts)
	body()
	b.WriteString("\n</details>\n")
}

func ruleHeading(r Rule, alert bool) string {
	s := fmt.Sprintf("**%s %s** (%s)", changeMark(r.Change), code(r.Name), ruleDetail(r, code))
	if alert && r.Change != Changed {
		s += " → " + codeList(r.Receivers)
	}
	if r.Origin != "" {
		s += " · " + code(r.Origin)
	}
	return s + "\n"
}

// fieldDiff renders fields as diff lines: "-for: 5m" / "+for: 10m".
func fieldDiff(fs []Field) string {
	var b strings.Builder
	emit := func(sign, field, value string) {
		for i, l := range strings.Split(value, "\n") {
			if i == 0 {
				fmt.Fprintf(&b, "%s%s: %s\n", sign, field, l)
			} else {
				fmt.Fprintf(&b, "%s  %s\n", sign, l)
			}
		}
	}
	for _, f := range fs {
		if f.Before != "" {
			emit("-", f.Field, f.Before)
		}
		if f.After != "" {
			emit("+", f.Field, f.After)
		}
	}
	return b.String()
}

// code wraps s in a code span long enough for the backticks inside it.
func code(s string) string {
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		return fence + " " + s + " " + fence
	}
	return fence + s + fence
}

func codeList(ss []string) string {
	if len(ss) == 0 {
		return "(nobody)"
	}
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = code(s)
	}
	return strings.Join(out, ", ")
}

// codeBlock fences body with more backticks than any run inside it.
func codeBlock(lang, body string) string {
	fence := "```"
	for strings.Contains(body, fence) {
		fence += "`"
	}
	if !strings.HasSuffix(body, "\n") {
		body += "\n"
	}
	return fence + lang + "\n" + body + fence + "\n"
}
