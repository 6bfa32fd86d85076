package slo_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/golden"
	"github.com/mongen-dev/mongen/internal/model"
	"github.com/mongen-dev/mongen/internal/render/plain"
	"github.com/mongen-dev/mongen/internal/slo"
	"github.com/mongen-dev/mongen/internal/verify/promcheck"
)

// A golden case is a txtar archive holding
//
//	slo.json    a model.SLO as JSON (decoded strictly)
//	rules.yaml  the rule file the SLO's rules render to, in order
//
// One case per indicator kind and per period (30d, 28d, 7d); every rule
// file also goes through rulefmt and the PromQL parser (promcheck).
//
// UPDATE_GOLDEN=1 go test ./internal/slo/ rewrites the expected files.
func TestGolden(t *testing.T) {
	golden.Run(t, "testdata/*.txtar", []string{"slo.json"}, func(t *testing.T, c *golden.Case) {
		data, ok := c.File("slo.json")
		if !ok {
			t.Fatal("no slo.json")
		}
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		var s model.SLO
		if err := dec.Decode(&s); err != nil {
			t.Fatal(err)
		}
		if ps := slo.Validate(s); len(ps) > 0 {
			t.Fatalf("invalid: %v", ps)
		}
		rules, err := slo.Generate(s)
		if err != nil {
			t.Fatal(err)
		}
		var rs []expand.Rule
		for _, r := range rules {
			rs = append(rs, expand.Rule{Rule: r.Rule, Key: r.Key})
		}
		out, err := plain.RuleFile(expand.SLOGroupPrefix+s.Service, rs)
		if err != nil {
			t.Fatal(err)
		}
		if err := promcheck.Rules("rules.yaml", out); err != nil {
			t.Errorf("rules do not load in Prometheus: %v", err)
		}
		c.Check(t, []golden.File{{Name: "rules.yaml", Data: out}})
	})
}
