package report

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mongen-dev/mongen/internal/finding"
	goldenfile "github.com/mongen-dev/mongen/internal/golden"
)

// sample has an environment with findings and suppressions, a clean one
// and one that did not load.
func sample() []Env {
	return []Env{
		{
			Name: "dev",
			Findings: []finding.Finding{
				{Check: "promql/counter", Severity: finding.Error, Position: "environments/dev/dev.cue:18:9", Subject: "rule AppRestarts", Message: "expr 1:1: `restarts_total > 0` compares the counter restarts_total without rate()"},
				{Check: "rule/for", Severity: finding.Warning, Position: "environments/dev/dev.cue:20:3", Subject: "rule AppDown", Message: "for is 1m, shorter than tier P1's minimum 5m"},
				{Check: "alertmanager/unreachable", Severity: finding.Warning, Subject: "receiver a,b", Message: "100% reached\nsecond line"},
			},
			Suppressed: []finding.Suppressed{{
				Finding: finding.Finding{Check: "promql/rate-range", Severity: finding.Warning, Position: "mongen.dev/mongen@v0.1.0/library/exporter/mysqld.cue:53:10", Subject: "rule MysqlSlowQueries", Message: "`increase(x[1m])` has a 1m range"},
				Reason:  "mysqld-exporter is scraped every 15s here",
				By:      "environments/dev/dev.cue:30:4",
			}},
		},
		{Name: "prod"},
		{Name: "staging", Error: "environments/staging/main.cue:3:1: env.name: conflicting values\n    environments/staging/x.cue:1:1: see also"},
	}
}

var sampleRules = []Rule{
	{ID: "promql/counter", Severity: finding.Error, Summary: "a counter compared or aggregated without rate()", HelpURI: "https://example.com/lint#promqlcounter"},
	{ID: "promql/rate-range", Severity: finding.Warning, Summary: "a short rate() range"},
	{ID: "rule/for", Severity: finding.Warning, Summary: "for outside the tier's bounds"},
}

func TestFormats(t *testing.T) {
	for _, tc := range []struct {
		format Format
		color  bool
		file   string
	}{
		{Text, false, "text.golden"},
		{Text, true, "text-color.golden"},
		{JSON, false, "json.golden"},
		{GitHub, false, "github.golden"},
		{SARIF, false, "sarif.golden"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			var b bytes.Buffer
			if err := Write(&b, tc.format, sample(), Options{Color: tc.color, Rules: sampleRules, ToolVersion: "v0.0.0-test"}); err != nil {
				t.Fatal(err)
			}
			golden(t, filepath.Join("testdata", tc.file), b.String())
		})
	}
}

func TestCounts(t *testing.T) {
	errs, warns, supp := Counts(sample())
	if errs != 2 || warns != 2 || supp != 1 {
		t.Errorf("Counts = %d, %d, %d; want 2 errors (one a load failure), 2 warnings, 1 suppressed", errs, warns, supp)
	}
	if !HasErrors(sample()) || HasErrors([]Env{{Name: "x", Findings: []finding.Finding{{Check: "a", Severity: finding.Warning, Message: "m"}}}}) {
		t.Error("HasErrors is wrong")
	}
}

func TestParseFormat(t *testing.T) {
	for _, f := range Formats {
		if got, err := ParseFormat(string(f)); err != nil || got != f {
			t.Errorf("ParseFormat(%q) = %q, %v", f, got, err)
		}
	}
	if _, err := ParseFormat("xml"); err == nil || !strings.Contains(err.Error(), "want text, json, github, sarif") {
		t.Errorf("ParseFormat(xml): %v", err)
	}
}

func TestPosition(t *testing.T) {
	for _, tc := range []struct {
		in        string
		file      string
		line, col int
	}{
		{"a/b.cue:3:4", "a/b.cue", 3, 4},
		{"a/b.cue:3", "a/b.cue", 3, 0},
		{"a/b.cue", "a/b.cue", 0, 0},
		{"mongen.dev/mongen@v0.1.0/x.cue:10:2", "mongen.dev/mongen@v0.1.0/x.cue", 10, 2},
		{"", "", 0, 0},
		{"c:\\x.cue:1:2", "c:\\x.cue", 1, 2},
	} {
		f, l, c := position(tc.in)
		if f != tc.file || l != tc.line || c != tc.col {
			t.Errorf("position(%q) = %q %d %d", tc.in, f, l, c)
		}
	}
}

// TestGitHubEscaping: a workflow command's data and properties must not
// break the command (newlines, %, and in properties : and ,).
func TestGitHubEscaping(t *testing.T) {
	if got := escapeData("a%b\nc\r"); got != "a%25b%0Ac%0D" {
		t.Errorf("escapeData = %q", got)
	}
	if got := escapeProperty("a:b,c"); got != "a%3Ab%2Cc" {
		t.Errorf("escapeProperty = %q", got)
	}
	var b bytes.Buffer
	if err := Write(&b, GitHub, sample(), Options{}); err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSpace(b.String()), "\n") {
		if !strings.HasPrefix(line, "::error ") && !strings.HasPrefix(line, "::warning ") {
			t.Errorf("not a workflow command: %q", line)
		}
	}
}

// TestSARIFSchema validates the SARIF output against the definitions of
// the SARIF 2.1.0 JSON schema (OASIS, sarif-schema-2.1.0.json) for every
// object mongen writes: allowed and required properties, enums, minimums.
func TestSARIFSchema(t *testing.T) {
	for _, envs := range [][]Env{sample(), nil, {{Name: "clean"}}} {
		var b bytes.Buffer
		if err := Write(&b, SARIF, envs, Options{Rules: sampleRules, ToolVersion: "v1"}); err != nil {
			t.Fatal(err)
		}
		var doc any
		if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
			t.Fatal(err)
		}
		for _, p := range validate("sarifLog", doc, "$") {
			t.Error(p)
		}
		// ruleIndex must point at the rule with the result's id.
		log := doc.(map[string]any)
		run := log["runs"].([]any)[0].(map[string]any)
		rules := run["tool"].(map[string]any)["driver"].(map[string]any)["rules"].([]any)
		for _, r := range run["results"].([]any) {
			res := r.(map[string]any)
			i := int(res["ruleIndex"].(float64))
			if rules[i].(map[string]any)["id"] != res["ruleId"] {
				t.Errorf("result %v: ruleIndex %d names %v", res["ruleId"], i, rules[i])
			}
		}
	}
}

// def is one object definition of the SARIF schema: its properties (name to
// the definition or primitive of the value; "[]x" for arrays of x), which
// are required, and which must have one of some values.
type def struct {
	props    map[string]string
	required []string
	anyOf    []string // at least one of these
	enums    map[string][]string
	min      map[string]int
}

var sarifDefs = map[string]def{
	"sarifLog": {props: map[string]string{"$schema": "string", "version": "string", "runs": "[]run", "inlineExternalProperties": "[]any", "properties": "any"},
		required: []string{"version", "runs"}, enums: map[string][]string{"version": {"2.1.0"}}},
	"run": {props: map[string]string{"tool": "tool", "invocations": "[]invocation", "results": "[]result", "language": "string", "columnKind": "string", "properties": "any",
		"conversion": "any", "versionControlProvenance": "[]any", "originalUriBaseIds": "any", "artifacts": "[]any", "logicalLocations": "[]any", "graphs": "[]any",
		"automationDetails": "any", "runAggregates": "[]any", "baselineGuid": "string", "redactionTokens": "[]string", "defaultEncoding": "string",
		"defaultSourceLanguage": "string", "newlineSequences": "[]string", "externalPropertyFileReferences": "any", "threadFlowLocations": "[]any",
		"taxonomies": "[]any", "addresses": "[]any", "translations": "[]any", "policies": "[]any", "webRequests": "[]any", "webResponses": "[]any", "specialLocations": "any"},
		required: []string{"tool"}},
	"tool": {props: map[string]string{"driver": "toolComponent", "extensions": "[]any", "properties": "any"}, required: []string{"driver"}},
	"toolComponent": {props: map[string]string{"guid": "string", "name": "string", "organization": "string", "product": "string", "productSuite": "string",
		"shortDescription": "multiformatMessageString", "fullDescription": "multiformatMessageString", "fullName": "string", "version": "string",
		"semanticVersion": "string", "dottedQuadFileVersion": "string", "releaseDateUtc": "string", "downloadUri": "string", "informationUri": "string",
		"globalMessageStrings": "any", "notifications": "[]reportingDescriptor", "rules": "[]reportingDescriptor", "taxa": "[]reportingDescriptor",
		"locations": "[]artifactLocation", "language": "string", "contents": "[]string", "isComprehensive": "bool", "localizedDataSemanticVersion": "string",
		"minimumRequiredLocalizedDataSemanticVersion": "string", "associatedComponent": "any", "translationMetadata": "any", "supportedTaxonomies": "[]any", "properties": "any"},
		required: []string{"name"}},
	"reportingDescriptor": {props: map[string]string{"id": "string", "deprecatedIds": "[]string", "guid": "string", "deprecatedGuids": "[]string", "name": "string",
		"deprecatedNames": "[]string", "shortDescription": "multiformatMessageString", "fullDescription": "multiformatMessageString", "messageStrings": "any",
		"defaultConfiguration": "reportingConfiguration", "helpUri": "string", "help": "multiformatMessageString", "relationships": "[]any", "properties": "any"},
		required: []string{"id"}},
	"reportingConfiguration": {props: map[string]string{"enabled": "bool", "level": "string", "rank": "number", "parameters": "any", "properties": "any"},
		enums: map[string][]string{"level": {"none", "note", "warning", "error"}}},
	"multiformatMessageString": {props: map[string]string{"text": "string", "markdown": "string", "properties": "any"}, required: []string{"text"}},
	"message":                  {props: map[string]string{"text": "string", "markdown": "string", "id": "string", "arguments": "[]string", "properties": "any"}, anyOf: []string{"text", "id"}},
	"result": {props: map[string]string{"ruleId": "string", "ruleIndex": "number", "rule": "any", "kind": "string", "level": "string", "message": "message",
		"analysisTarget": "artifactLocation", "locations": "[]location", "guid": "string", "correlationGuid": "string", "occurrenceCount": "number",
		"partialFingerprints": "any", "fingerprints": "any", "stacks": "[]any", "codeFlows": "[]any", "graphs": "[]any", "graphTraversals": "[]any",
		"relatedLocations": "[]location", "suppressions": "[]suppression", "baselineState": "string", "rank": "number", "attachments": "[]any",
		"hostedViewerUri": "string", "workItemUris": "[]string", "provenance": "any", "fixes": "[]any", "taxa": "[]any", "webRequest": "any", "webResponse": "any", "properties": "any"},
		required: []string{"message"},
		enums:    map[string][]string{"level": {"none", "note", "warning", "error"}, "kind": {"notApplicable", "pass", "fail", "review", "open", "informational"}},
		min:      map[string]int{"ruleIndex": -1}},
	"location": {props: map[string]string{"id": "number", "physicalLocation": "physicalLocation", "logicalLocations": "[]any", "message": "message",
		"annotations": "[]region", "relationships": "[]any", "properties": "any"}},
	"physicalLocation": {props: map[string]string{"address": "any", "artifactLocation": "artifactLocation", "region": "region", "contextRegion": "region", "properties": "any"},
		anyOf: []string{"address", "artifactLocation"}},
	"artifactLocation": {props: map[string]string{"uri": "string", "uriBaseId": "string", "index": "number", "description": "message", "properties": "any"}},
	"region": {props: map[string]string{"startLine": "number", "startColumn": "number", "endLine": "number", "endColumn": "number", "charOffset": "number",
		"charLength": "number", "byteOffset": "number", "byteLength": "number", "snippet": "any", "message": "message", "sourceLanguage": "string", "properties": "any"},
		anyOf: []string{"startLine", "charOffset", "byteOffset"},
		min:   map[string]int{"startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 1}},
	"suppression": {props: map[string]string{"guid": "string", "kind": "string", "status": "string", "justification": "string", "location": "location", "properties": "any"},
		required: []string{"kind"},
		enums:    map[string][]string{"kind": {"inSource", "external"}, "status": {"accepted", "underReview", "rejected"}}},
	"invocation": {props: map[string]string{"commandLine": "string", "arguments": "[]string", "executionSuccessful": "bool", "exitCode": "number",
		"toolExecutionNotifications": "[]notification", "toolConfigurationNotifications": "[]notification", "properties": "any"},
		required: []string{"executionSuccessful"}},
	"notification": {props: map[string]string{"locations": "[]location", "message": "message", "level": "string", "threadId": "number", "timeUtc": "string",
		"exception": "any", "descriptor": "any", "associatedRule": "any", "properties": "any"},
		required: []string{"message"}, enums: map[string][]string{"level": {"none", "note", "warning", "error"}}},
}

func validate(kind string, v any, path string) []string {
	switch kind {
	case "any":
		return nil
	case "string":
		if _, ok := v.(string); !ok {
			return []string{path + ": not a string"}
		}
		return nil
	case "number":
		if _, ok := v.(float64); !ok {
			return []string{path + ": not a number"}
		}
		return nil
	case "bool":
		if _, ok := v.(bool); !ok {
			return []string{path + ": not a boolean"}
		}
		return nil
	}
	if item, ok := strings.CutPrefix(kind, "[]"); ok {
		arr, ok := v.([]any)
		if !ok {
			return []string{path + ": not an array"}
		}
		var out []string
		for i, e := range arr {
			out = append(out, validate(item, e, path+"["+itoa(i)+"]")...)
		}
		return out
	}
	d, ok := sarifDefs[kind]
	if !ok {
		return []string{path + ": no definition " + kind}
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return []string{path + ": not an object"}
	}
	var out []string
	for k, val := range obj {
		t, ok := d.props[k]
		if !ok {
			out = append(out, path+": property "+k+" is not allowed in "+kind)
			continue
		}
		out = append(out, validate(t, val, path+"."+k)...)
		if allowed, ok := d.enums[k]; ok {
			s, _ := val.(string)
			found := false
			for _, a := range allowed {
				found = found || a == s
			}
			if !found {
				out = append(out, path+"."+k+": "+s+" is not one of "+strings.Join(allowed, ", "))
			}
		}
		if m, ok := d.min[k]; ok {
			if n, _ := val.(float64); int(n) < m {
				out = append(out, path+"."+k+": below the minimum "+itoa(m))
			}
		}
	}
	for _, r := range d.required {
		if _, ok := obj[r]; !ok {
			out = append(out, path+": "+kind+" requires "+r)
		}
	}
	if len(d.anyOf) > 0 {
		found := false
		for _, r := range d.anyOf {
			_, ok := obj[r]
			found = found || ok
		}
		if !found {
			out = append(out, path+": "+kind+" needs one of "+strings.Join(d.anyOf, ", "))
		}
	}
	return out
}

func itoa(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}

func golden(t *testing.T, path, got string) { t.Helper(); goldenfile.CompareFile(t, path, got) }
