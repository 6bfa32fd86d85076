package semdiff

import (
	"fmt"
	"strings"
)

const (
	ansiRed    = "\x1b[31m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
	ansiCyan   = "\x1b[36m"
	ansiBold   = "\x1b[1m"
	ansiDim    = "\x1b[2m"
	ansiReset  = "\x1b[0m"
)

type textWriter struct {
	b     strings.Builder
	color bool
}

func (t *textWriter) paint(code, s string) string {
	if !t.color || s == "" {
		return s
	}
	return code + s + ansiReset
}

func (t *textWriter) line(indent int, s string) {
	t.b.WriteString(strings.Repeat(" ", indent))
	t.b.WriteString(s)
	t.b.WriteString("\n")
}

func (t *textWriter) mark(c Change) string {
	switch c {
	case Added:
		return t.paint(ansiGreen, "+")
	case Removed:
		return t.paint(ansiRed, "-")
	}
	return t.paint(ansiYellow, "~")
}

func text(r *Report, color bool) string {
	t := &textWriter{color: color}
	t.line(0, t.paint(ansiBold, r.title())+": "+r.envSummary())
	for _, e := range r.Environments {
		t.line(0, t.paint(ansiBold, e.Name)+": "+e.headline())
		if e.Status == EnvError {
			for _, l := range strings.Split(strings.TrimRight(e.Error, "\n"), "\n") {
				t.line(4, l)
			}
			continue
		}
		plain := func(s string) string { return s }
		if len(e.Alerts) > 0 {
			t.line(2, t.paint(ansiBold, "alerts"))
			for _, a := range e.Alerts {
				head := fmt.Sprintf("%s %s (%s)", t.mark(a.Change), t.paint(ansiBold, a.Name), ruleDetail(a, plain))
				if a.Change != Changed {
					head += " → " + receivers(a.Receivers)
				}
				t.line(4, head)
				t.fields(a.Fields)
			}
		}
		if len(e.RecordingRules) > 0 {
			t.line(2, t.paint(ansiBold, "recording rules"))
			for _, a := range e.RecordingRules {
				t.line(4, fmt.Sprintf("%s %s (%s)", t.mark(a.Change), t.paint(ansiBold, a.Name), ruleDetail(a, plain)))
				t.fields(a.Fields)
			}
		}
		if len(e.Routing) > 0 {
			t.line(2, t.paint(ansiBold, "routing"))
			for _, rt := range e.Routing {
				t.line(4, fmt.Sprintf("%s %s: %s → %s", t.mark(Changed), rt.What, t.paint(ansiRed, receivers(rt.Before)), t.paint(ansiGreen, receivers(rt.After))))
				if len(rt.Alerts) > 0 {
					t.line(8, t.paint(ansiDim, strings.Join(rt.Alerts, ", ")))
				}
			}
		}
		if len(e.ScrapeJobs) > 0 {
			t.line(2, t.paint(ansiBold, "scrape jobs"))
			for _, j := range e.ScrapeJobs {
				t.line(4, fmt.Sprintf("%s %s (%s)", t.mark(j.Change), t.paint(ansiBold, j.Name), jobDetail(j, plain)))
				t.fields(j.Fields)
			}
		}
		if len(e.Dashboards) > 0 {
			t.line(2, t.paint(ansiBold, "dashboards"))
			for _, d := range e.Dashboards {
				t.line(4, fmt.Sprintf("%s %s (%s)", t.mark(d.Change), t.paint(ansiBold, d.UID), dashDetail(d, plain)))
				t.fields(d.Fields)
			}
		}
		if len(e.Files) > 0 {
			t.line(2, t.paint(ansiBold, "files"))
			for _, f := range e.Files {
				t.line(4, fmt.Sprintf("%s %s %s %s", t.mark(f.Change), f.Path, t.paint(ansiGreen, fmt.Sprintf("+%d", f.LinesAdded)), t.paint(ansiRed, fmt.Sprintf("-%d", f.LinesRemoved))))
				for _, l := range strings.Split(strings.TrimSuffix(f.Diff, "\n"), "\n") {
					if l == "" && f.Diff == "" {
						continue
					}
					t.line(8, t.diffLine(l))
				}
			}
		}
	}
	return t.b.String()
}

func (t *textWriter) diffLine(l string) string {
	switch {
	case strings.HasPrefix(l, "@@"):
		return t.paint(ansiCyan, l)
	case strings.HasPrefix(l, "+"):
		return t.paint(ansiGreen, l)
	case strings.HasPrefix(l, "-"):
		return t.paint(ansiRed, l)
	}
	return l
}

// fields prints changed values: "for: 5m → 10m" when short, else the
// field name and a - and a + line.
func (t *textWriter) fields(fs []Field) {
	for _, f := range fs {
		if short(f) {
			switch {
			case f.Before == "":
				t.line(8, f.Field+": "+t.paint(ansiGreen, f.After))
			case f.After == "":
				t.line(8, f.Field+": "+t.paint(ansiRed, f.Before)+" → (unset)")
			default:
				t.line(8, f.Field+": "+t.paint(ansiRed, f.Before)+" → "+t.paint(ansiGreen, f.After))
			}
			continue
		}
		t.line(8, f.Field+":")
		if f.Before != "" {
			for _, l := range strings.Split(f.Before, "\n") {
				t.line(10, t.paint(ansiRed, "- "+l))
			}
		}
		if f.After != "" {
			for _, l := range strings.Split(f.After, "\n") {
				t.line(10, t.paint(ansiGreen, "+ "+l))
			}
		}
	}
}
