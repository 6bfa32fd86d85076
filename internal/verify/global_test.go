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
