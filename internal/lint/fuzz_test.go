package lint

import (
	"strings"
	"testing"

	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/finding"
)

// FuzzVet runs every check on an alert and a recording rule built from
// arbitrary expressions and templates: user input, which must never make
// vet panic, and whose findings must be well-formed.
func FuzzVet(f *testing.F) {
	for _, seed := range []struct{ expr, tmpl string }{
		{`up{job="app"} == 0`, "{{ $labels.instance }} down"},
		{`sum by (job) (rate(x_total{code="5.."}[1m])) / on (job) group_left (team) sum by (job, team) (y) > 0.1`, `{{ index $labels "team" }}: {{ $value | humanizePercentage }}`},
		{`absent(up{job=~"^a|b$"}) or vector(1)`, "{{ range $k, $v := $labels }}{{ $k }}{{ end }}{{ .Labels.x }}"},
		{`histogram_quantile(0.9, sum without (pod) (x_bucket)) > 1 and on () count_values("v", y) > 0`, "{{ with query \"up\" }}{{ . | first | label \"job\" }}{{ end }}"},
		{`label_replace(rate(a_total[30s:10s]), "d", "$1", "s", "(.*)") unless ignoring (x) b_total > 0`, "{{"},
		{`sum(`, "{{ $labels. }}"},
	} {
		f.Add(seed.expr, seed.tmpl)
	}
	f.Fuzz(func(t *testing.T, expr, tmpl string) {
		plan, err := expand.Expand(testEnv())
		if err != nil {
			t.Fatal(err)
		}
		a := alert("A", expr, annotation("summary", tmpl), label("team", tmpl))
		r := record("r", expr)
		plan.Groups = []expand.Group{{Name: "g", Rules: []expand.Rule{r, a, alert("A", expr)}}}
		res := Vet(plan, Config{})
		for _, f := range res.Findings {
			if f.Check == "" || f.Message == "" || (f.Severity != finding.Error && f.Severity != finding.Warning) {
				t.Errorf("malformed finding %+v", f)
			}
			if strings.Contains(f.Message, "%!") {
				t.Errorf("bad format verb in %q", f.Message)
			}
		}
	})
}

// FuzzLabelRefs: template label extraction never panics and reports
// positions inside the template.
func FuzzLabelRefs(f *testing.F) {
	for _, s := range []string{"{{ $labels.a }}", "x\n{{ index $labels \"b\" }}", "{{ if .Labels.c }}{{ end }}", "{{", "{{ $labels }}", "é{{ $labels.d }}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		lines := strings.Count(s, "\n") + 1
		tree, _ := parseTemplate("fuzz", s)
		for _, ref := range labelRefs(s, tree) {
			if ref.line < 1 || ref.line > lines || ref.col < 1 {
				t.Errorf("labelRefs(%q): position %d:%d out of range", s, ref.line, ref.col)
			}
		}
	})
}
