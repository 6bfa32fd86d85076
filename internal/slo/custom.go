package slo

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/prometheus/prometheus/promql/parser"

	"github.com/mongen-dev/mongen/internal/model"
)

// WindowPlaceholder is where a custom indicator's queries take the window:
// {{.window}}, as Sloth's specs write it (spaces inside the braces are
// allowed: {{ .window }}).
const WindowPlaceholder = "{{.window}}"

var placeholder = regexp.MustCompile(`\{\{\s*\.window\s*\}\}`)

// HasWindow reports whether a custom query takes the window.
func HasWindow(q string) bool { return placeholder.MatchString(q) }

// ExpandWindow writes window where q has the placeholder.
func ExpandWindow(q, window string) string {
	return placeholder.ReplaceAllLiteralString(q, window)
}

// expandAligned writes window where q has the placeholder, padded with
// spaces to the placeholder's length, so the PromQL parser's columns are
// those of the query as written (the lexer skips spaces inside brackets).
func expandAligned(q, window string) string {
	return placeholder.ReplaceAllStringFunc(q, func(m string) string {
		if len(m) <= len(window) {
			return window
		}
		return window + strings.Repeat(" ", len(m)-len(window))
	})
}

// customRatio is a custom indicator's error ratio as a function of the
// window: errorRatio as written, or errors over total with the guards of
// the ratio kind (errors without a series count as 0, a window without
// traffic records no sample).
func customRatio(ind model.Indicator) func(window string) string {
	if ind.ErrorRatio != "" {
		return func(w string) string { return ExpandWindow(strings.TrimSpace(ind.ErrorRatio), w) }
	}
	return func(w string) string {
		errs := "(" + ExpandWindow(strings.TrimSpace(ind.Errors), w) + ")"
		total := "(" + ExpandWindow(strings.TrimSpace(ind.Total), w) + ")"
		return "(" + errs + " or 0 * " + total + ") / (" + total + " > 0)"
	}
}

// CustomQuery is one query of a custom indicator: the field that holds
// it (errors, total or errorRatio) and its text as written.
type CustomQuery struct {
	Field, Text string
}

// CustomQueries lists a custom indicator's queries in field order.
func CustomQueries(ind model.Indicator) []CustomQuery {
	var out []CustomQuery
	for _, q := range []CustomQuery{{"errors", ind.Errors}, {"total", ind.Total}, {"errorRatio", ind.ErrorRatio}} {
		if q.Text != "" {
			out = append(out, q)
		}
	}
	return out
}

// ParseCustom parses one custom query with the window written in, the
// parser's columns those of the query as written.
func ParseCustom(q, window string) (parser.Expr, error) {
	return promql.ParseExpr(expandAligned(q, window))
}

// validateCustom checks a custom indicator: errors and total, or
// errorRatio; each query takes {{.window}} in a range, parses at every
// window and is an instant vector.
func validateCustom(ind model.Indicator, add func(msg string, field ...string)) bool {
	ok := true
	switch {
	case ind.ErrorRatio != "" && (ind.Errors != "" || ind.Total != ""):
		add("give errors and total, or errorRatio, not both", "indicator", "errorRatio")
		return false
	case ind.ErrorRatio == "" && (ind.Errors == "" || ind.Total == ""):
		add("a custom indicator needs errors and total (queries of the bad and of all events, with "+WindowPlaceholder+" where the window goes), or errorRatio", "indicator")
		return false
	}
	for _, q := range CustomQueries(ind) {
		if !checkCustomQuery(q, add) {
			ok = false
		}
	}
	if ok && ind.ErrorRatio == "" && normalizedQuery(ind.Errors) == normalizedQuery(ind.Total) {
		add("errors and total are the same query: the error ratio would always be 1; narrow errors, e.g. with code=~\"5..\"", "indicator", "errors")
		ok = false
	}
	return ok
}

func checkCustomQuery(q CustomQuery, add func(msg string, field ...string)) bool {
	if !HasWindow(q.Text) {
		add(fmt.Sprintf("%s has no %s: write it where the window goes, as in sum(rate(http_requests_total{job=\"app\"}[%s])); mongen writes each alert window there (5m to 3d)", q.Field, WindowPlaceholder, WindowPlaceholder), "indicator", q.Field)
		return false
	}
	for _, w := range Windows() {
		name := WindowName(w)
		expr, err := ParseCustom(q.Text, name)
		if err != nil {
			add(fmt.Sprintf("%s with %s as %s does not parse: %v", q.Field, WindowPlaceholder, name, err), "indicator", q.Field)
			return false
		}
		if t := expr.Type(); t != parser.ValueTypeVector {
			kind := string(t)
			if t == parser.ValueTypeMatrix {
				kind = "range vector"
			}
			add(fmt.Sprintf("%s is a %s, not an instant vector: an error ratio needs one sample per series, such as sum(rate(x_total[%s]))", q.Field, kind, WindowPlaceholder), "indicator", q.Field)
			return false
		}
		if !hasRange(expr, w) {
			add(fmt.Sprintf("%s takes %s outside a range: write it as a range or subquery's duration, such as rate(x_total[%s])", q.Field, WindowPlaceholder, WindowPlaceholder), "indicator", q.Field)
			return false
		}
	}
	return true
}

// hasRange reports whether expr reads a range or subquery of length w.
func hasRange(expr parser.Expr, w time.Duration) bool {
	found := false
	parser.Inspect(expr, func(n parser.Node, _ []parser.Node) error {
		switch x := n.(type) {
		case *parser.MatrixSelector:
			found = found || x.Range == w
		case *parser.SubqueryExpr:
			found = found || x.Range == w
		}
		return nil
	})
	return found
}

// normalizedQuery prints a custom query as the PromQL printer does.
func normalizedQuery(q string) string {
	e, err := ParseCustom(q, WindowName(Windows()[0]))
	if err != nil {
		return q
	}
	return e.String()
}

// IndicatorSelector is one vector selector an indicator reads: the field
// that holds it and the parsed selector.
type IndicatorSelector struct {
	Field    string
	Text     string
	Selector *parser.VectorSelector
}

// Selectors lists the vector selectors of an indicator, each once, in
// field order: the selector fields of the built-in kinds, and every
// selector of a custom indicator's queries (printed without the
// window). Fields that do not parse are left out (Validate reports them).
func Selectors(ind model.Indicator) []IndicatorSelector {
	var out []IndicatorSelector
	if ind.Kind != model.IndicatorCustom {
		for _, f := range []struct{ field, text string }{
			{"errors", ind.Errors}, {"total", ind.Total}, {"bucket", ind.Bucket}, {"probe", ind.Probe},
		} {
			if f.text == "" {
				continue
			}
			if vs, err := ParseSelector(f.text); err == nil {
				out = append(out, IndicatorSelector{Field: f.field, Text: f.text, Selector: vs})
			}
		}
		return out
	}
	for _, q := range CustomQueries(ind) {
		expr, err := ParseCustom(q.Text, WindowName(Windows()[0]))
		if err != nil {
			continue
		}
		seen := map[string]bool{}
		parser.Inspect(expr, func(n parser.Node, _ []parser.Node) error {
			if vs, ok := n.(*parser.VectorSelector); ok {
				c := *vs
				c.OriginalOffset, c.Timestamp, c.StartOrEnd = 0, nil, 0
				text := c.String()
				if !seen[text] {
					seen[text] = true
					out = append(out, IndicatorSelector{Field: q.Field, Text: text, Selector: vs})
				}
			}
			return nil
		})
	}
	return out
}
