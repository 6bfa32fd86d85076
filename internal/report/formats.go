package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/mongen-dev/mongen/internal/finding"
)

type jsonEnv struct {
	Name       string               `json:"name"`
	Findings   []finding.Finding    `json:"findings"`
	Suppressed []finding.Suppressed `json:"suppressed"`
	Error      string               `json:"error,omitempty"`
}

type jsonReport struct {
	Environments []jsonEnv `json:"environments"`
	Errors       int       `json:"errors"`
	Warnings     int       `json:"warnings"`
	Suppressed   int       `json:"suppressed"`
}

func writeJSON(w io.Writer, envs []Env) error {
	r := jsonReport{Environments: []jsonEnv{}}
	for _, e := range envs {
		je := jsonEnv(e)
		if je.Findings == nil {
			je.Findings = []finding.Finding{}
		}
		if je.Suppressed == nil {
			je.Suppressed = []finding.Suppressed{}
		}
		r.Environments = append(r.Environments, je)
	}
	r.Errors, r.Warnings, r.Suppressed = Counts(envs)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

// writeGitHub prints workflow commands, which GitHub Actions shows as
// annotations on the lines they name. Suppressed findings are not
// annotated: they are no problem to fix.
func writeGitHub(w io.Writer, envs []Env) error {
	var b strings.Builder
	for _, e := range envs {
		if e.Error != "" {
			// The message starts with the CUE position of its first line.
			first, _, _ := strings.Cut(e.Error, "\n")
			var props []string
			if pos, _, ok := strings.Cut(first, ": "); ok {
				if file, line, col := position(pos); line > 0 {
					props = append(props, "file="+escapeProperty(file), fmt.Sprintf("line=%d", line))
					if col > 0 {
						props = append(props, fmt.Sprintf("col=%d", col))
					}
				}
			}
			props = append(props, "title="+escapeProperty(e.Name+": could not be checked"))
			fmt.Fprintf(&b, "::error %s::%s\n", strings.Join(props, ","), escapeData(e.Error))
			continue
		}
		for _, f := range e.Findings {
			cmd := "warning"
			if f.Severity == finding.Error {
				cmd = "error"
			}
			var props []string
			file, line, col := position(f.Position)
			if file != "" {
				props = append(props, "file="+escapeProperty(file))
			}
			if line > 0 {
				props = append(props, fmt.Sprintf("line=%d", line))
			}
			if col > 0 {
				props = append(props, fmt.Sprintf("col=%d", col))
			}
			title := f.Check
			if e.Name != "" {
				title = e.Name + ": " + title
			}
			props = append(props, "title="+escapeProperty(title))
			msg := f.Message
			if f.Subject != "" {
				msg = f.Subject + ": " + msg
			}
			fmt.Fprintf(&b, "::%s %s::%s\n", cmd, strings.Join(props, ","), escapeData(msg))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// escapeData and escapeProperty follow the workflow command syntax
// (actions/toolkit, command.ts).
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
