package report

import (
	"encoding/json"
	"io"

	"github.com/mongen-dev/mongen/internal/finding"
)

// SARIF 2.1.0 (OASIS), the subset code scanning tools read.
const (
	sarifVersion = "2.1.0"
	sarifSchema  = "https://json.schemastore.org/sarif-2.1.0.json"
	toolURI      = "https://github.com/mongen-dev/mongen"
)

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool        sarifTool         `json:"tool"`
	Invocations []sarifInvocation `json:"invocations,omitempty"`
	Results     []sarifResult     `json:"results"`
}

type sarifInvocation struct {
	ExecutionSuccessful        bool                `json:"executionSuccessful"`
	ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications,omitempty"`
}

type sarifNotification struct {
	Level   string       `json:"level"`
	Message sarifMessage `json:"message"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID                   string        `json:"id"`
	ShortDescription     *sarifMessage `json:"shortDescription,omitempty"`
	HelpURI              string        `json:"helpUri,omitempty"`
	DefaultConfiguration sarifConfig   `json:"defaultConfiguration"`
}

type sarifConfig struct {
	Level string `json:"level"`
}

type sarifMessage struct {
	Text string `json:"text"`
}

type sarifResult struct {
	RuleID       string             `json:"ruleId"`
	RuleIndex    int                `json:"ruleIndex"`
	Level        string             `json:"level"`
	Message      sarifMessage       `json:"message"`
	Locations    []sarifLocation    `json:"locations,omitempty"`
	Suppressions []sarifSuppression `json:"suppressions,omitempty"`
	Properties   map[string]string  `json:"properties,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
}

type sarifSuppression struct {
	Kind          string         `json:"kind"`
	Justification string         `json:"justification,omitempty"`
	Location      *sarifLocation `json:"location,omitempty"`
}

func sarifLevel(s finding.Severity) string {
	if s == finding.Error {
		return "error"
	}
	return "warning"
}

func sarifLocations(pos string) []sarifLocation {
	if pos == "" {
		return nil
	}
	loc := sarifLocationAt(pos)
	return []sarifLocation{*loc}
}

func sarifLocationAt(pos string) *sarifLocation {
	file, line, col := position(pos)
	loc := &sarifLocation{PhysicalLocation: sarifPhysical{ArtifactLocation: sarifArtifact{URI: file}}}
	if line > 0 {
		loc.PhysicalLocation.Region = &sarifRegion{StartLine: line, StartColumn: col}
	}
	return loc
}

func writeSARIF(w io.Writer, envs []Env, opts Options) error {
	rs := rules(envs, opts.Rules)
	index := map[string]int{}
	driver := sarifDriver{Name: "mongen", Version: opts.ToolVersion, InformationURI: toolURI, Rules: []sarifRule{}}
	for i, r := range rs {
		index[r.ID] = i
		sr := sarifRule{ID: r.ID, HelpURI: r.HelpURI, DefaultConfiguration: sarifConfig{Level: sarifLevel(r.Severity)}}
		if r.Summary != "" {
			sr.ShortDescription = &sarifMessage{Text: r.Summary}
		}
		driver.Rules = append(driver.Rules, sr)
	}
	run := sarifRun{Tool: sarifTool{Driver: driver}, Results: []sarifResult{}}
	result := func(env string, f finding.Finding) sarifResult {
		msg := f.Message
		if f.Subject != "" {
			msg = f.Subject + ": " + msg
		}
		r := sarifResult{
			RuleID:    f.Check,
			RuleIndex: index[f.Check],
			Level:     sarifLevel(f.Severity),
			Message:   sarifMessage{Text: msg},
			Locations: sarifLocations(f.Position),
		}
		if env != "" {
			r.Properties = map[string]string{"environment": env}
		}
		return r
	}
	for _, e := range envs {
		if e.Error != "" {
			if len(run.Invocations) == 0 {
				run.Invocations = []sarifInvocation{{ExecutionSuccessful: false}}
			}
			inv := &run.Invocations[0]
			inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, sarifNotification{Level: "error", Message: sarifMessage{Text: e.Name + ": " + e.Error}})
			continue
		}
		for _, f := range e.Findings {
			run.Results = append(run.Results, result(e.Name, f))
		}
		for _, s := range e.Suppressed {
			r := result(e.Name, s.Finding)
			sup := sarifSuppression{Kind: "inSource", Justification: s.Reason}
			if s.By != "" {
				sup.Location = sarifLocationAt(s.By)
			}
			r.Suppressions = []sarifSuppression{sup}
			run.Results = append(run.Results, r)
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(sarifLog{Schema: sarifSchema, Version: sarifVersion, Runs: []sarifRun{run}})
}
