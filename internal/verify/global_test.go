package verify

import (
	"strings"
	"testing"

	"github.com/mongen-dev/mongen/internal/artifact"
)

func TestCheckMimirRules(t *testing.T) {
	for name, tc := range map[string]struct{ data, want string }{
		"valid":         {"namespace: g\ngroups:\n  - name: g\n    rules:\n      - record: a:b\n        expr: sum(up)\n", ""},
		"no namespace":  {"groups:\n  - name: g\n    rules:\n      - record: a:b\n        expr: sum(up)\n", "no namespace"},
		"bad query":     {"namespace: g\ngroups:\n  - name: g\n    rules:\n      - record: a:b\n        expr: sum(up\n", "namespace g:"},
		"unknown field": {"namespace: g\ngroups:\n  - name: g\n    partial_response_strategy: warn\n    rules:\n      - record: a:b\n        expr: sum(up)\n", "partial_response_strategy"},
	} {
		tree := artifact.NewTree()
		if err := tree.Add(artifact.File{Path: "mimir/rules/g.yaml", Data: []byte(tc.data)}); err != nil {
			t.Fatal(err)
		}
		var got []string
		checkMimirRules(tree, func(_, p string, err error) {
			if err != nil {
				got = append(got, p+": "+err.Error())
			}
		})
		switch {
		case tc.want == "" && len(got) > 0:
			t.Errorf("%s: %v", name, got)
		case tc.want != "" && (len(got) != 1 || !strings.Contains(got[0], tc.want)):
			t.Errorf("%s: got %v, want an error containing %q", name, got, tc.want)
		}
	}
}

func TestCheckPlainGlobal(t *testing.T) {
	const (
		cfg   = "global:\n  evaluation_interval: 1m\nrule_files:\n  - rules/*.yaml\n"
		noRF  = "global:\n  evaluation_interval: 1m\n"
		rules = "groups:\n  - name: g\n    rules:\n      - record: a:b\n        expr: sum(up)\n"
	)
	for name, tc := range map[string]struct{ config, rules, want string }{
		"valid":          {cfg, rules, ""},
		"no global view": {"", "", ""},
		"bad config":     {"global:\n  evaluation_interval: soon\n", "", "prometheus/global/prometheus.yml"},
		"not loaded":     {noRF, rules, "no rule_files entry of prometheus/global/prometheus.yml loads it"},
		"bad rule":       {cfg, "groups:\n  - name: g\n    rules:\n      - record: a:b\n        expr: sum(up\n", "prometheus/global/rules/g.yaml"},
		"no config":      {"", rules, "rendered without prometheus/global/prometheus.yml"},
	} {
		tree := artifact.NewTree()
		for p, data := range map[string]string{"prometheus/global/prometheus.yml": tc.config, "prometheus/global/rules/g.yaml": tc.rules} {
			if data == "" {
				continue
			}
			if err := tree.Add(artifact.File{Path: p, Data: []byte(data)}); err != nil {
				t.Fatal(err)
			}
		}
		var got []string
		checkPlainGlobal(tree, func(_, p string, err error) {
			if err != nil {
				got = append(got, p+": "+err.Error())
			}
		})
		switch {
		case tc.want == "" && len(got) > 0:
			t.Errorf("%s: %v", name, got)
		case tc.want != "" && (len(got) != 1 || !strings.Contains(got[0], tc.want)):
			t.Errorf("%s: got %v, want one error containing %q", name, got, tc.want)
		}
	}
}
