package ruletest

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	commonmodel "github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql"
	"github.com/prometheus/prometheus/promql/promqltest"
	"github.com/prometheus/prometheus/rules"

	"github.com/mongen-dev/mongen/internal/model"
)

// alert is an alert reduced to what a check compares.
type alert struct {
	labels      labels.Labels
	annotations labels.Labels
	// note says more about an expected alert that is not firing.
	note string
}

func (a alert) compare(b alert) int {
	if c := labels.Compare(a.labels, b.labels); c != 0 {
		return c
	}
	return labels.Compare(a.annotations, b.annotations)
}

func (a alert) equal(b alert) bool { return a.compare(b) == 0 }

// ExpectedLabels returns the full label set of an expected alert: the
// labels the rule attaches itself (ruleLabels; templated values excepted,
// since only evaluation knows them), overlaid by the test's labels, and
// alertname.
func ExpectedLabels(alertName string, ruleLabels, testLabels map[string]string) labels.Labels {
	m := map[string]string{}
	for k, v := range ruleLabels {
		if !strings.Contains(v, "{{") {
			m[k] = v
		}
	}
	for k, v := range testLabels {
		m[k] = v
	}
	m[labels.AlertName] = alertName
	return labels.FromMap(m)
}

// without returns l without the keys in drop.
func without(l map[string]string, drop []string) labels.Labels {
	m := make(map[string]string, len(l))
	for k, v := range l {
		if !slices.Contains(drop, k) {
			m[k] = v
		}
	}
	return labels.FromMap(m)
}

// compareAlerts compares the firing alerts among active with the expected
// ones. It returns "" when they match, else a one-line message and the
// expected and actual alerts side by side.
func compareAlerts(name string, ruleLabels map[string]string, drop []string, expect []model.ExpectedAlert, active []*rules.Alert) (string, string) {
	withAnnotations := len(expect) == 0 || expect[0].Annotations != nil
	var exp, got []alert
	for _, e := range expect {
		a := alert{labels: ExpectedLabels(name, ruleLabels, e.Labels)}
		if withAnnotations {
			a.annotations = without(e.Annotations, drop)
		}
		exp = append(exp, a)
	}
	for _, a := range active {
		if a.State != rules.StateFiring {
			continue
		}
		g := alert{labels: a.Labels.Copy()}
		if withAnnotations {
			g.annotations = without(a.Annotations.Map(), drop)
		}
		got = append(got, g)
	}
	slices.SortFunc(exp, alert.compare)
	slices.SortFunc(got, alert.compare)
	if slices.EqualFunc(exp, got, alert.equal) {
		return "", ""
	}

	// Set exact matches aside, then pair what is left by the labels they
	// share, so the table puts each expected alert beside its closest
	// firing one.
	var restExp, restGot []alert
	used := make([]bool, len(got))
	for _, e := range exp {
		found := false
		for j, g := range got {
			if !used[j] && e.equal(g) {
				used[j], found = true, true
				break
			}
		}
		if !found {
			restExp = append(restExp, e)
		}
	}
	for j, g := range got {
		if !used[j] {
			restGot = append(restGot, g)
		}
	}
	for i := range restExp {
		for _, a := range active {
			if a.State == rules.StatePending && labels.Equal(a.Labels, restExp[i].labels) {
				restExp[i].note = fmt.Sprintf("pending since %s", fmtDuration(a.ActiveAt.Sub(epoch)))
			}
		}
	}
	var msg string
	switch {
	case len(exp) == 0:
		msg = fmt.Sprintf("must not fire, but %s firing", count(len(got), "alert is", "alerts are"))
	case len(got) == 0:
		msg = fmt.Sprintf("expected %s, none is firing", count(len(exp), "firing alert", "firing alerts"))
	default:
		msg = fmt.Sprintf("expected %s, %d firing; %d not as expected", count(len(exp), "firing alert", "firing alerts"), len(got), max(len(restExp), len(restGot)))
	}
	if !withAnnotations {
		msg += " (annotations not compared)"
	} else if len(drop) > 0 {
		msg += fmt.Sprintf(" (annotations %s not compared: the environment overrides them)", strings.Join(drop, ", "))
	}

	var b strings.Builder
	for _, p := range pair(restExp, restGot) {
		t := &table{}
		expLabel, gotLabel := "expected", "firing"
		switch {
		case p.exp == nil:
			expLabel = "(not expected)"
		case p.got == nil:
			gotLabel = "(not firing)"
			if p.exp.note != "" {
				gotLabel = "(not firing: " + p.exp.note + ")"
			}
		}
		t.header(expLabel, gotLabel)
		var e, g alert
		if p.exp != nil {
			e = *p.exp
		}
		if p.got != nil {
			g = *p.got
		}
		t.section("labels", e.labels, g.labels, p.exp != nil, p.got != nil)
		if withAnnotations {
			t.section("annotations", e.annotations, g.annotations, p.exp != nil, p.got != nil)
		}
		b.WriteString(t.String())
	}
	return msg, b.String()
}

type alertPair struct{ exp, got *alert }

// pair matches each expected alert with the firing alert sharing most
// label values with it, greedily, in order; the rest stand alone.
func pair(exp, got []alert) []alertPair {
	var out []alertPair
	used := make([]bool, len(got))
	for i := range exp {
		best, bestScore := -1, -1
		for j := range got {
			if used[j] {
				continue
			}
			score := 0
			exp[i].labels.Range(func(l labels.Label) {
				if got[j].labels.Get(l.Name) == l.Value {
					score++
				}
			})
			if score > bestScore {
				best, bestScore = j, score
			}
		}
		p := alertPair{exp: &exp[i]}
		if best >= 0 {
			used[best] = true
			p.got = &got[best]
		}
		out = append(out, p)
	}
	for j := range got {
		if !used[j] {
			out = append(out, alertPair{got: &got[j]})
		}
	}
	return out
}

// table prints expected and actual values side by side, one row per key,
// marking differing rows with "!".
type table struct {
	rows []row
}

type row struct {
	title         bool // a section title: key only
	mark          string
	key, exp, got string
}

const (
	// A value longer than this is printed on lines of its own.
	maxColumn = 40
	absent    = "-"
)

func (t *table) header(exp, got string) { t.rows = append(t.rows, row{exp: exp, got: got}) }

func (t *table) section(title string, exp, got labels.Labels, hasExp, hasGot bool) {
	keys := map[string]bool{}
	exp.Range(func(l labels.Label) { keys[l.Name] = true })
	got.Range(func(l labels.Label) { keys[l.Name] = true })
	if len(keys) == 0 {
		return
	}
	t.rows = append(t.rows, row{title: true, key: title + ":"})
	names := make([]string, 0, len(keys))
	for k := range keys {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		r := row{key: k}
		if hasExp {
			r.exp = absent
			if exp.Has(k) {
				r.exp = strconv.Quote(exp.Get(k))
			}
		}
		if hasGot {
			r.got = absent
			if got.Has(k) {
				r.got = strconv.Quote(got.Get(k))
			}
		}
		if hasExp && hasGot && r.exp != r.got {
			r.mark = "!"
		}
		t.rows = append(t.rows, r)
	}
}

func (t *table) String() string {
	keyW, expW := 0, 0
	for _, r := range t.rows {
		if !r.title {
			keyW = max(keyW, len(r.key))
			if len(r.exp) <= maxColumn {
				expW = max(expW, len(r.exp))
			}
		}
	}
	var b strings.Builder
	for _, r := range t.rows {
		if r.title {
			fmt.Fprintf(&b, "    %s\n", r.key)
			continue
		}
		mark := r.mark
		if mark == "" {
			mark = " "
		}
		if r.exp == r.got && len(r.exp) > maxColumn {
			// Equal and long: once is enough.
			fmt.Fprintf(&b, "    %s %-*s  %s\n", mark, keyW, r.key, r.exp)
			continue
		}
		if len(r.exp) > maxColumn || (len(r.got) > maxColumn && r.exp != "" && r.got != "") {
			// Too wide for two columns: stack them.
			fmt.Fprintf(&b, "    %s %-*s  expected: %s\n", mark, keyW, r.key, r.exp)
			fmt.Fprintf(&b, "      %-*s  actual:   %s\n", keyW, "", r.got)
			continue
		}
		line := fmt.Sprintf("    %s %-*s  %-*s  %s", mark, keyW, r.key, expW, r.exp, r.got)
		b.WriteString(strings.TrimRight(line, " "))
		b.WriteByte('\n')
	}
	return b.String()
}

func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// sample is an expression result reduced to what a check compares.
type sample struct {
	labels labels.Labels
	value  float64
	hist   string // promqltest's notation of a native histogram, else ""
}

func (s sample) valueString() string {
	if s.hist != "" {
		return s.hist
	}
	return strconv.FormatFloat(s.value, 'g', -1, 64)
}

// compareSamples compares an expression's result with the expected
// samples, as sets (promtool without fuzzy_compare: values must be equal).
func compareSamples(expect []model.ExpectedSample, result promql.Vector) (string, string) {
	var exp, got []sample
	for _, e := range expect {
		l, err := ruleParser.ParseMetric(e.Labels)
		if err != nil {
			return fmt.Sprintf("expected sample labels %q: %v", e.Labels, err), ""
		}
		exp = append(exp, sample{labels: l, value: e.Value})
	}
	for _, s := range result {
		got = append(got, sample{labels: s.Metric.Copy(), value: s.F, hist: promqltest.HistogramTestExpression(s.H)})
	}
	cmpSample := func(a, b sample) int { return labels.Compare(a.labels, b.labels) }
	slices.SortStableFunc(exp, cmpSample)
	slices.SortStableFunc(got, cmpSample)
	if slices.EqualFunc(exp, got, func(a, b sample) bool {
		return labels.Equal(a.labels, b.labels) && a.value == b.value && a.hist == b.hist
	}) {
		return "", ""
	}
	var msg string
	switch {
	case len(exp) == 0:
		msg = fmt.Sprintf("expected an empty result, got %s", count(len(got), "sample", "samples"))
	case len(got) == 0:
		msg = fmt.Sprintf("expected %s, got an empty result", count(len(exp), "sample", "samples"))
	default:
		msg = fmt.Sprintf("expected %s, got %d; they differ", count(len(exp), "sample", "samples"), len(got))
	}
	t := &table{}
	t.header("expected", "actual")
	i, j := 0, 0
	for i < len(exp) || j < len(got) {
		var c int
		switch {
		case i == len(exp):
			c = 1
		case j == len(got):
			c = -1
		default:
			c = labels.Compare(exp[i].labels, got[j].labels)
		}
		switch {
		case c == 0:
			mark := " "
			if exp[i].value != got[j].value || exp[i].hist != got[j].hist {
				mark = "!"
			}
			t.rows = append(t.rows, row{mark: mark, key: seriesString(exp[i].labels), exp: exp[i].valueString(), got: got[j].valueString()})
			i++
			j++
		case c < 0:
			t.rows = append(t.rows, row{mark: "!", key: seriesString(exp[i].labels), exp: exp[i].valueString(), got: absent})
			i++
		default:
			t.rows = append(t.rows, row{mark: "!", key: seriesString(got[j].labels), exp: absent, got: got[j].valueString()})
			j++
		}
	}
	return msg, t.String()
}

// seriesString prints labels in PromQL series notation: name{label="v"}.
func seriesString(l labels.Labels) string {
	name := l.Get(commonmodel.MetricNameLabel)
	if name == "" {
		return l.String()
	}
	rest := labels.NewBuilder(l).Del(commonmodel.MetricNameLabel).Labels()
	if rest.IsEmpty() {
		return name
	}
	return name + rest.String()
}
