package alertmanager

import (
	"strings"
	"testing"

	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/model"
)

func planWith(t *testing.T, flavour string, rcv model.Receiver, bridges model.Bridges) *expand.Plan {
	t.Helper()
	tier := func(sev string) model.TierPolicy {
		return model.TierPolicy{Severity: sev, GroupWait: "1s", GroupInterval: "1s", RepeatInterval: "1h", Receivers: []string{"r"}}
	}
	env := &model.Environment{
		Name: "e", Flavour: flavour, Prometheus: model.Prometheus{Namespace: "monitoring"},
		Alerting: &model.Alerting{
			Fallback:     "r",
			Tiers:        map[string]model.TierPolicy{"P0": tier("critical"), "P1": tier("warning"), "P2": tier("info")},
			Receivers:    map[string]model.Receiver{"r": rcv},
			Bridges:      bridges,
			Alertmanager: model.Alertmanager{Name: "main", Namespace: "monitoring", SecretsDir: "/run/secrets"},
		},
	}
	p, err := expand.Expand(env)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestReceiverErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		rcv  model.Receiver
		want string
	}{
		{"webhook without url", model.Receiver{Integration: model.Integration{Kind: "webhook"}}, `receiver "r": a webhook needs exactly one of url and urlSecret`},
		{"webhook with both", model.Receiver{Integration: model.Integration{Kind: "webhook", URL: "http://x", URLSecret: &model.SecretRef{Secret: "s", Key: "k"}}}, "exactly one of url and urlSecret"},
		{"dingtalk without bridge", model.Receiver{Integration: model.Integration{Kind: "dingtalk", Target: "ops"}}, "a dingtalk receiver needs alerting.bridges.dingtalk"},
		{"feishu without bridge", model.Receiver{Integration: model.Integration{Kind: "feishu", Template: "t"}}, "a feishu receiver needs alerting.bridges.feishu"},
		{"unknown kind", model.Receiver{Integration: model.Integration{Kind: "pigeon"}}, `unknown receiver kind "pigeon"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Config(planWith(t, model.FlavourPlain, c.rcv, model.Bridges{}))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want %q", err, c.want)
			}
		})
	}
}

// The secrets mount is the operator's in the operator flavour, whatever
// secretsDir says, and secretsDir in the plain flavour.
func TestSecretsDirPerFlavour(t *testing.T) {
	rcv := model.Receiver{Integration: model.Integration{Kind: "pagerduty", RoutingKey: &model.SecretRef{Secret: "pd", Key: "key"}}}
	for flavour, want := range map[string]string{
		model.FlavourPlain:    "routing_key_file: /run/secrets/pd/key",
		model.FlavourOperator: "routing_key_file: /etc/alertmanager/secrets/pd/key",
	} {
		data, err := Config(planWith(t, flavour, rcv, model.Bridges{}))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(data), want) {
			t.Errorf("%s flavour: want %q in\n%s", flavour, want, data)
		}
	}
}
