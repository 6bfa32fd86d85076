package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mongen-dev/mongen/internal/corpus"
)

// TestInventoryIsCurrent: the committed inventory is what the generator
// makes of the chart in the corpus (run go generate when it is not).
func TestInventoryIsCurrent(t *testing.T) {
	inv, err := Generate(corpus.KubePrometheusStackChart(t))
	if err != nil {
		t.Fatal(err)
	}
	got, err := Encode(inv)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join("..", "inventory", inv.Chart+".json"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("inventory/%s.json is stale: run go generate ./internal/platform/kpsrules", inv.Chart)
	}
}

// TestRefusesWhatItCannotModel: gates the generator does not understand,
// rules under else/with/range and names made by actions are errors, not
// silently wrong data.
func TestRefusesWhatItCannotModel(t *testing.T) {
	head := "spec:\n  groups:\n  - name: g\n    rules:\n"
	for name, tmpl := range map[string]string{
		"or gate":       "{{- if or .Values.a .Values.b }}\n" + head + "    - alert: A\n{{- end }}\n",
		"else":          "{{- if .Values.a }}\n{{- else }}\n" + head + "    - alert: A\n{{- end }}\n",
		"range":         head + "{{- range .Values.x }}\n    - alert: A\n{{- end }}\n",
		"templated":     head + "    - alert: {{ .Values.name }}\n",
		"no group":      "    - alert: A\n",
		"eq comparison": "{{- if eq .Values.a \"x\" }}\n" + head + "    - alert: A\n{{- end }}\n",
	} {
		if _, err := templateRules("t.yaml", tmpl); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	rules, err := templateRules("t.yaml", "{{- if and .Values.a (not (.Values.b.c | default false)) }}\n"+head+
		"{{- if .Values.d }}\n    - alert: A\n{{- end }}\n    - record: 'r:x'\n{{- end }}\n")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rules {
		var gates []string
		for _, g := range r.Gates {
			if g.Negate {
				gates = append(gates, "!"+g.Path)
			} else {
				gates = append(gates, g.Path)
			}
		}
		got = append(got, r.Name+"@"+r.Group+":"+strings.Join(gates, ","))
	}
	if want := "A@g:a,!b.c,d r:x@g:a,!b.c"; strings.Join(got, " ") != want {
		t.Errorf("got %q, want %q", strings.Join(got, " "), want)
	}
}
