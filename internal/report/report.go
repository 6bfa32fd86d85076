// Package report prints findings (lint checks, routing proofs) for people
// and machines: text (coloured on a terminal), JSON, GitHub workflow
// annotations and SARIF 2.1.0 for code scanning.
package report

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/mongen-dev/mongen/internal/finding"
)

// Format is an output format.
type Format string

// The formats.
const (
	Text   Format = "text"
	JSON   Format = "json"
	GitHub Format = "github"
	SARIF  Format = "sarif"
)

// Formats lists the formats, for flag help.
var Formats = []Format{Text, JSON, GitHub, SARIF}

// ParseFormat accepts a format name.
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats {
		if string(f) == s {
			return f, nil
		}
	}
	names := make([]string, len(Formats))
	for i, f := range Formats {
		names[i] = string(f)
	}
	return "", fmt.Errorf("unknown format %q (want %s)", s, strings.Join(names, ", "))
}

// Env is one environment's findings.
type Env struct {
	Name       string
	Findings   []finding.Finding
	Suppressed []finding.Suppressed
	// Error is why the environment could not be checked (a CUE error), if
	// it could not; it counts as an error.
	Error string
}

// Rule describes a check, for SARIF's rule metadata.
type Rule struct {
	ID       string
	Severity finding.Severity
	Summary  string
	// HelpURI points at the check's documentation.
	HelpURI string
}

// Options tune the output.
type Options struct {
	// Color prints text with ANSI colours.
	Color bool
	// Rules describe the checks (SARIF); checks found but not described get
	// an entry with their id only.
	Rules []Rule
	// ToolVersion is mongen's version (SARIF).
	ToolVersion string
}

// Write prints envs in format f.
func Write(w io.Writer, f Format, envs []Env, opts Options) error {
	switch f {
	case Text, "":
		return writeText(w, envs, opts)
	case JSON:
		return writeJSON(w, envs)
	case GitHub:
		return writeGitHub(w, envs)
	case SARIF:
		return writeSARIF(w, envs, opts)
	}
	return fmt.Errorf("unknown format %q", f)
}

// Counts returns how many findings are errors, warnings and suppressed.
func Counts(envs []Env) (errors, warnings, suppressed int) {
	for _, e := range envs {
		for _, f := range e.Findings {
			if f.Severity == finding.Error {
				errors++
			} else {
				warnings++
			}
		}
		suppressed += len(e.Suppressed)
		if e.Error != "" {
			errors++
		}
	}
	return errors, warnings, suppressed
}

// HasErrors reports whether any environment has an error finding.
func HasErrors(envs []Env) bool {
	n, _, _ := Counts(envs)
	return n > 0
}

const (
	red    = "\x1b[1;31m"
	yellow = "\x1b[33m"
	dim    = "\x1b[2m"
	bold   = "\x1b[1m"
	reset  = "\x1b[0m"
)

func writeText(w io.Writer, envs []Env, opts Options) error {
	paint := func(code, s string) string {
		if !opts.Color {
			return s
		}
		return code + s + reset
	}
	var b strings.Builder
	for _, e := range envs {
		prefix := ""
		if e.Name != "" {
			prefix = e.Name + ": "
		}
		if e.Error != "" {
			b.WriteString(prefix + strings.ReplaceAll(e.Error, "\n", "\n    ") + "\n")
			b.WriteString(prefix + paint(red, "could not be checked") + "\n")
			continue
		}
		for _, f := range e.Findings {
			sev := paint(yellow, string(f.Severity))
			if f.Severity == finding.Error {
				sev = paint(red, string(f.Severity))
			}
			b.WriteString(prefix + line(f, sev, paint) + "\n")
		}
		for _, s := range e.Suppressed {
			by := ""
			if s.By != "" {
				by = " (" + s.By + ")"
			}
			b.WriteString(paint(dim, prefix+line(s.Finding, "suppressed "+string(s.Severity), func(_, s string) string { return s })) + "\n")
			b.WriteString(paint(dim, "    reason: "+s.Reason+by) + "\n")
		}
		errs, warns, supp := Counts([]Env{e})
		b.WriteString(prefix + summary(errs, warns, supp) + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// line formats one finding as "file:line:col: severity [check] subject: message".
func line(f finding.Finding, sev string, paint func(code, s string) string) string {
	s := ""
	if f.Position != "" {
		s = f.Position + ": "
	}
	s += sev + " " + paint(bold, "["+f.Check+"]")
	if f.Subject != "" {
		s += " " + f.Subject
	}
	return s + ": " + strings.ReplaceAll(f.Message, "\n", "\n    ")
}

func summary(errs, warns, supp int) string {
	if errs+warns+supp == 0 {
		return "no findings"
	}
	parts := []string{count(errs, "error", "errors"), count(warns, "warning", "warnings")}
	if supp > 0 {
		parts = append(parts, fmt.Sprintf("%d suppressed", supp))
	}
	return strings.Join(parts, ", ")
}

func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// position splits "file:line:col" (or "file:line", or "file"); line and
// col are 0 when absent.
func position(pos string) (file string, line, col int) {
	file = pos
	rest := pos
	var nums []int
	for i := 0; i < 2; i++ {
		j := strings.LastIndexByte(rest, ':')
		if j < 0 {
			break
		}
		n, err := strconv.Atoi(rest[j+1:])
		if err != nil || n <= 0 {
			break
		}
		nums = append([]int{n}, nums...)
		rest = rest[:j]
	}
	file = rest
	switch len(nums) {
	case 2:
		return file, nums[0], nums[1]
	case 1:
		return file, nums[0], 0
	}
	return file, 0, 0
}

// rules merges the described checks with those that appear in envs.
func rules(envs []Env, described []Rule) []Rule {
	out := append([]Rule(nil), described...)
	have := map[string]bool{}
	for _, r := range out {
		have[r.ID] = true
	}
	add := func(f finding.Finding) {
		if !have[f.Check] {
			have[f.Check] = true
			out = append(out, Rule{ID: f.Check, Severity: f.Severity})
		}
	}
	for _, e := range envs {
		for _, f := range e.Findings {
			add(f)
		}
		for _, s := range e.Suppressed {
			add(s.Finding)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}
