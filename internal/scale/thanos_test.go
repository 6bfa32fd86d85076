package scale

import (
	"strings"
	"testing"

	"github.com/mongen-dev/mongen/internal/model"
)

func thanosView(stores map[string]string) *model.Environment {
	return &model.Environment{
		Name: "shop", Cluster: "a", Clusters: []string{"a", "b", "c"}, Flavour: model.FlavourOperator,
		Global: &model.Global{Engine: model.EngineThanos, Cluster: "a", Thanos: &model.Thanos{Stores: stores}},
	}
}

// TestThanosStores: Thanos Query in the hosting cluster needs a StoreAPI
// address for every other cluster, and only for clusters that exist.
func TestThanosStores(t *testing.T) {
	if p := checkThanosStores(thanosView(map[string]string{"b": "b:10901", "c": "c:10901"})); len(p) > 0 {
		t.Errorf("complete stores: %v", p)
	}
	p := checkThanosStores(thanosView(map[string]string{"b": "b:10901", "x": "x:10901"})).Error()
	for _, want := range []string{
		"global.thanos.stores has no address for cluster c: Thanos Query in a must reach",
		"global.thanos.stores names x, which is not a cluster of this environment (a, b, c)",
	} {
		if !strings.Contains(p, want) {
			t.Errorf("problems:\n%s\nwant %q", p, want)
		}
	}
	if strings.Contains(p, "cluster a") {
		t.Errorf("the hosting cluster needs no address (its own Service):\n%s", p)
	}
}

// TestSharedAlertmanagerHA: the shared Alertmanager runs as a cluster of
// at least two members, counting peers in other clusters; peers are
// rendered only in the operator flavour.
func TestSharedAlertmanagerHA(t *testing.T) {
	env := func(flavour string, replicas int, peers ...string) *model.Environment {
		return &model.Environment{
			Name: "pay", Cluster: "hk1", Clusters: []string{"hk1", "sg1"}, Flavour: flavour,
			Alerting:         &model.Alerting{Alertmanager: model.Alertmanager{Replicas: replicas}},
			AlertingTopology: model.AlertingTopology{Mode: model.AlertingShared, Cluster: "hk1", Peers: peers},
		}
	}
	for name, c := range map[string]struct {
		env  *model.Environment
		want string
	}{
		"two replicas":               {env(model.FlavourOperator, 2), ""},
		"one replica":                {env(model.FlavourOperator, 1), "would run as a single member (alerting.alertmanager.replicas 1, 0 peers)"},
		"one replica and a peer":     {env(model.FlavourOperator, 1, "am.sg1.example.com:9094"), ""},
		"peers in the plain flavour": {env(model.FlavourPlain, 3, "am.sg1.example.com:9094"), "--cluster.peer"},
	} {
		got := checkSharedAlertmanagerHA(c.env).Error()
		if (c.want == "") != (got == "") || !strings.Contains(got, c.want) {
			t.Errorf("%s: got %q, want %q", name, got, c.want)
		}
	}
	other := env(model.FlavourOperator, 1)
	other.Cluster = "sg1"
	if p := checkSharedAlertmanagerHA(other); len(p) > 0 {
		t.Errorf("a cluster without the Alertmanager is not checked: %v", p)
	}
}
