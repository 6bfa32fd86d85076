package amcheck

import (
	"strings"
	"testing"

	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/model"
)

// withSwitch is the test plan with a Watchdog rule, a heartbeat receiver
// and the dead man's switch, edited by edit before expansion.
func withSwitch(t *testing.T, edit func(a *model.Alerting)) *expand.Plan {
	t.Helper()
	env := plan(t).Env
	env.Rules["g"]["Watchdog"] = model.Rule{Kind: "alert", Name: "Watchdog", Expr: "vector(1)", Tier: "P2", Enabled: true, Labels: map[string]string{"severity": "info"}}
	env.Alerting.Receivers["heartbeat"] = model.Receiver{Integration: model.Integration{Kind: "webhook", URL: "http://127.0.0.1:1/hb"}}
	env.Alerting.Receivers["null"] = model.Receiver{Integration: model.Integration{Kind: model.ReceiverNone}}
	env.Alerting.Routes = []model.RawRoute{{Receiver: "null", Matchers: []string{`alertname="Noise"`}}}
	env.Alerting.DeadMansSwitch = &model.DeadMansSwitch{Alertname: "Watchdog", Receiver: "heartbeat", GroupWait: "0s", GroupInterval: "1m", RepeatInterval: "1m"}
	if edit != nil {
		edit(env.Alerting)
	}
	p, err := expand.Expand(env)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func same(s string) string { return s }

// The switch's alert reaches the heartbeat only; a none receiver is no
// no-integration error; the Watchdog rule is not held to its tier.
func TestDeadMansSwitchProven(t *testing.T) {
	if fs := prove(t, withSwitch(t, nil), same); len(fs) > 0 {
		t.Errorf("findings:\n%s", checks(fs))
	}
	// A file whose switch route is gone: Watchdog reaches its tier.
	fs := find(prove(t, withSwitch(t, nil), func(s string) string {
		return strings.Replace(s, `alertname="Watchdog"`, `alertname="Watchdog2"`, 1)
	}), CheckDeadMansSwitch)
	if len(fs) != 1 || !strings.Contains(fs[0].Message, `should reach only the heartbeat receiver "heartbeat", but the routing tree sends them to [mail]`) {
		t.Errorf("switch findings: %s", checks(fs))
	}
}

// An inhibit rule whose target matches the switch's alert silences it
// unless alertname is in equal and no rule of that name matches the source.
func TestDeadMansSwitchInhibited(t *testing.T) {
	for _, c := range []struct {
		name string
		in   model.Inhibit
		want string
	}{
		{"no equal", model.Inhibit{Enabled: true, Source: []string{`severity="critical"`}, Target: []string{`severity="info"`}, Global: true}, "it has no equal, so any alert matching its source silences it"},
		{"equal without alertname", model.Inhibit{Enabled: true, Source: []string{`severity="critical"`}, Target: []string{`severity="info"`}, Equal: []string{"cluster"}}, "any alert matching its source with the same cluster silences it"},
		{"twins: no Watchdog matches the source", model.Inhibit{Enabled: true, Source: []string{`severity="critical"`}, Target: []string{`severity="info"`}, Equal: []string{"alertname", "cluster"}}, ""},
		{"twins: the Watchdog rule matches the source", model.Inhibit{Enabled: true, Source: []string{`alertname="Watchdog"`}, Target: []string{`severity="info"`}, Equal: []string{"alertname"}}, "the rule Watchdog at  matches its source"},
		{"target excludes it", model.Inhibit{Enabled: true, Target: []string{`severity="info"`, `alertname!="Watchdog"`}, Global: true}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := withSwitch(t, func(a *model.Alerting) { a.Inhibit = map[string]model.Inhibit{"x": c.in} })
			fs := find(prove(t, p, same), CheckDeadMansSwitch)
			if c.want == "" {
				if len(fs) > 0 {
					t.Errorf("findings: %s", checks(fs))
				}
				return
			}
			if len(fs) != 1 || !strings.Contains(fs[0].Message, c.want) {
				t.Errorf("findings: %s, want one containing %q", checks(fs), c.want)
			}
		})
	}
}

// An inhibit rule without equal is an error, a warning with global.
func TestInhibitEqual(t *testing.T) {
	for _, global := range []bool{false, true} {
		p := withSwitch(t, func(a *model.Alerting) {
			a.Inhibit = map[string]model.Inhibit{"x": {Enabled: true, Target: []string{`alertname="InfoInhibitor"`}, Global: global}}
		})
		fs := find(prove(t, p, same), CheckInhibitEqual)
		want := "error"
		if global {
			want = "warning"
		}
		if len(fs) != 1 || string(fs[0].Severity) != want || !strings.Contains(fs[0].Message, `while any alert fires, every alert matching alertname="InfoInhibitor" is silenced`) {
			t.Errorf("global=%v: findings %s, want one %s", global, checks(fs), want)
		}
	}
}
