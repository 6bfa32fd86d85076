package load

import (
	"testing"

	"github.com/mongen-dev/mongen/internal/model"
	"github.com/mongen-dev/mongen/internal/slo"
)

// SLOs decode with the objective's text exactly as written, the schema's
// defaults filled in (the alert name CUE computes equals slo.AlertName),
// and the positions of what the user wrote recorded.
func TestLoadSLO(t *testing.T) {
	root := writeFiles(t, map[string]string{
		"cue.mod/module.cue": userModule,
		"environments/dev/dev.cue": `package dev

import "mongen.dev/mongen/schemas"

env: schemas.#Environment & {
	name:     "dev"
	cluster:  "dev-local"
	flavour:  "plain"
	selector: {}
	slos: "web-shop": {
		"check-out": {
			objective: 99.95
			indicator: {kind: "availability", probe: "probe_success"}
		}
		"5xx": {
			objective: 9.99e1
			period:    "28d"
			indicator: {
				kind:   "ratio"
				errors: "e_total"
				total:  "t_total"
			}
			alerting: ticket: {enabled: false, tier: "P2"}
		}
	}
}
`,
	})
	env, err := Environment(root, Ref{Name: "dev", Dir: "environments/dev"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkout := env.SLOs["web-shop"]["check-out"]
	if checkout.Objective != "99.95" || checkout.Period != "30d" || checkout.Service != "web-shop" || checkout.Name != "check-out" {
		t.Errorf("check-out = %+v", checkout)
	}
	wantPage := model.BurnAlert{Enabled: true, Name: "WebShopCheckOutErrorBudgetBurn", Tier: "P0", Severity: "critical", For: "0s"} // the short window is the reset: no for (docs/slo.md)
	if p := checkout.Alerting.Page; p.Name != wantPage.Name || p.Tier != wantPage.Tier || p.Severity != wantPage.Severity || p.For != wantPage.For || !p.Enabled {
		t.Errorf("page = %+v, want %+v", p, wantPage)
	}
	if checkout.Alerting.Ticket.Tier != "P1" || checkout.Alerting.Ticket.Severity != "warning" || checkout.Alerting.Ticket.For != "15m" {
		t.Errorf("ticket = %+v", checkout.Alerting.Ticket)
	}
	fivexx := env.SLOs["web-shop"]["5xx"]
	if fivexx.Objective != "99.9" {
		t.Errorf("9.99e1 decoded as %q, want 99.9", fivexx.Objective)
	}
	if tk := fivexx.Alerting.Ticket; tk.Enabled || tk.Severity != "info" {
		t.Errorf("5xx ticket = %+v", tk)
	}
	for _, s := range env.SLOList() {
		if s.Alerting.Page.Name != slo.AlertName(s) {
			t.Errorf("%s: CUE's default alert name %q, Go's %q", s.ID(), s.Alerting.Page.Name, slo.AlertName(s))
		}
	}
	for path, want := range map[string]string{
		"slos/web-shop/check-out":               "environments/dev/dev.cue:11:3",
		"slos/web-shop/5xx/indicator/errors":    "environments/dev/dev.cue:20:13",
		"slos/web-shop/5xx/period":              "environments/dev/dev.cue:17:15",
		"slos/web-shop/check-out/alerting/page": "",
		"slos/web-shop/5xx/alerting/ticket":     "environments/dev/dev.cue:23:14",
	} {
		if got := env.Sources[path]; got != want {
			t.Errorf("Sources[%s] = %q, want %q", path, got, want)
		}
	}
}
