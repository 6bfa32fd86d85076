package plain

import (
	"strings"
	"testing"

	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/model"
	"github.com/mongen-dev/mongen/internal/verify/promcheck"
)

func TestGroupFileSettings(t *testing.T) {
	rules := []expand.Rule{
		{Rule: model.Rule{Kind: model.RuleRecord, Name: "b:b:b", Expr: "up"}},
		{Rule: model.Rule{Kind: model.RuleRecord, Name: "a:a:a", Expr: "sum(b:b:b)"}},
	}
	data, err := GroupFile(expand.Group{Name: "slow", Interval: "3m", Limit: 10, QueryOffset: "1m", Rules: rules})
	if err != nil {
		t.Fatal(err)
	}
	want := `groups:
  - name: slow
    interval: 3m
    limit: 10
    query_offset: 1m
    rules:
      - record: b:b:b
        expr: up
      - record: a:a:a
        expr: sum(b:b:b)
`
	if got := string(data); !strings.HasSuffix(got, want) {
		t.Errorf("GroupFile:\n%s\nwant it to end with\n%s", got, want)
	}
	if err := promcheck.Rules("slow", data); err != nil {
		t.Errorf("rulefmt refuses the group: %v", err)
	}
	// Unset settings are left out: Prometheus's defaults apply.
	data, err = GroupFile(expand.Group{Name: "fast", Rules: rules[:1]})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"interval", "limit", "query_offset"} {
		if strings.Contains(string(data), k) {
			t.Errorf("unset %s rendered:\n%s", k, data)
		}
	}
}
