package semdiff

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Format is an output format of mongen diff.
type Format string

// The formats.
const (
	Text     Format = "text"
	Markdown Format = "markdown"
	JSON     Format = "json"
)

// Formats lists them, for flag help.
var Formats = []Format{Text, Markdown, JSON}

// ParseFormat accepts a format name ("md" for markdown).
func ParseFormat(s string) (Format, error) {
	if s == "md" {
		return Markdown, nil
	}
	for _, f := range Formats {
		if string(f) == s {
			return f, nil
		}
	}
	return "", fmt.Errorf("unknown format %q (want text, markdown or json)", s)
}

// WriteOptions tune the output.
type WriteOptions struct {
	// Color prints text with ANSI colours.
	Color bool
}

// Write prints r in format f.
func Write(w io.Writer, f Format, r *Report, opts WriteOptions) error {
	var s string
	switch f {
	case Text, "":
		s = text(r, opts.Color)
	case Markdown:
		s = markdown(r, true)
		if len(s) > maxComment {
			s = markdown(r, false)
		}
	case JSON:
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(r)
	default:
		return fmt.Errorf("unknown format %q", f)
	}
	_, err := io.WriteString(w, s)
	return err
}

// CommentMarker starts the Markdown output, so a workflow can find its own
// pull-request comment and update it rather than add another.
const CommentMarker = "<!-- mongen-diff -->"

// maxComment keeps the Markdown under GitHub's 65,536-character limit for a
// comment; past it the raw file diffs are left out.
const maxComment = 60000

// Summary is the one-line summary of counts: "2 alerts (1 added, 1
// changed), 1 routing change, 3 files changed", or "no changes".
func (c Counts) Summary() string {
	var parts []string
	add := func(s string) {
		if s != "" {
			parts = append(parts, s)
		}
	}
	add(phrase(c.Alerts, "alert", "alerts"))
	add(phrase(c.RecordingRules, "recording rule", "recording rules"))
	if c.Routing > 0 {
		add(plural(c.Routing, "routing change", "routing changes"))
	}
	add(phrase(c.ScrapeJobs, "scrape job", "scrape jobs"))
	add(phrase(c.Dashboards, "dashboard", "dashboards"))
	add(phrase(c.Files, "file", "files"))
	if len(parts) == 0 {
		return "no changes"
	}
	return strings.Join(parts, ", ")
}

// tally is "1 added, 2 changed".
func tally(t Tally) string {
	var parts []string
	for _, p := range []struct {
		n    int
		word string
	}{{t.Added, "added"}, {t.Removed, "removed"}, {t.Changed, "changed"}} {
		if p.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", p.n, p.word))
		}
	}
	return strings.Join(parts, ", ")
}

func phrase(t Tally, one, many string) string {
	n := t.Total()
	if n == 0 {
		return ""
	}
	parts := tally(t)
	if !strings.Contains(parts, ",") {
		// "3 alerts changed"
		_, word, _ := strings.Cut(parts, " ")
		return plural(n, one, many) + " " + word
	}
	return fmt.Sprintf("%s (%s)", plural(n, one, many), parts)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// headline is an environment's one-line summary.
func (e Env) headline() string {
	switch e.Status {
	case EnvError:
		return "cannot compare"
	case EnvAdded:
		return "environment added: " + e.Counts.Summary()
	case EnvRemoved:
		return "environment removed: " + e.Counts.Summary()
	}
	return e.Counts.Summary()
}

// title is the report's first line.
func (r *Report) title() string {
	return fmt.Sprintf("mongen diff %s → %s", r.Base, r.Head)
}

// envSummary is "1 of 2 environments changed" (with added and removed).
func (r *Report) envSummary() string {
	t := r.Totals.Environments
	s := fmt.Sprintf("%d of %s changed", t.Changed, plural(len(r.Environments), "environment", "environments"))
	if t.Added > 0 {
		s += fmt.Sprintf(", %d added", t.Added)
	}
	if t.Removed > 0 {
		s += fmt.Sprintf(", %d removed", t.Removed)
	}
	return s
}

func changeMark(c Change) string {
	switch c {
	case Added:
		return "+"
	case Removed:
		return "-"
	}
	return "~"
}

func receivers(rs []string) string {
	if len(rs) == 0 {
		return "(nobody)"
	}
	return strings.Join(rs, ", ")
}

// ruleDetail is "group node-exporter, P1, team platform".
func ruleDetail(r Rule, code func(string) string) string {
	parts := []string{"group " + code(r.Group)}
	if r.Tier != "" {
		parts = append(parts, r.Tier)
	}
	if r.Team != "" {
		parts = append(parts, "team "+code(r.Team))
	}
	return strings.Join(parts, ", ")
}

func dashDetail(d Dashboard, code func(string) string) string {
	return fmt.Sprintf("%s, %s", code(d.Title), d.Source)
}

func jobDetail(j Job, code func(string) string) string {
	s := j.Kind
	if j.Exporter != "" {
		s += ", exporter " + code(j.Exporter)
	}
	return s
}

// short reports whether a field fits on one line as "before → after".
func short(f Field) bool {
	return !strings.Contains(f.Before+f.After, "\n") && len(f.Before)+len(f.After) <= 60
}
