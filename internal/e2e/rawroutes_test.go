package e2e

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/mongen-dev/mongen/internal/e2e/amserver"
)

// TestGeneratedRawRoutesInAlertmanager runs raw routes and a receiver with
// two integrations in the real Alertmanager: a `continue` raw route copies
// db alerts to an audit sink, the next raw route takes team=db alerts
// before their tier and notifies both of its webhooks, and an alert no raw
// route takes reaches its tier.
func TestGeneratedRawRoutesInAlertmanager(t *testing.T) {
	if testing.Short() {
		t.Skip("starts an Alertmanager server")
	}
	am, amtool := amserver.Binaries(t)
	sinks := map[string]*amserver.WebhookSink{}
	for _, name := range []string{"audit", "db-a", "db-b", "tier"} {
		sinks[name] = amserver.NewWebhookSink(t)
	}
	root := writeAlertingRepo(t, fmt.Sprintf(`	targets: app: {kind: "static", addresses: ["127.0.0.1:9"]}
	alerting: policy.#Standard & {
		fallback: "tier"
		tiers: {
			P0: {receivers: ["tier"], groupWait: "0s", groupInterval: "1s"}
			P1: {receivers: ["tier"], groupWait: "0s", groupInterval: "1s", activeTimeIntervals: []}
			P2: {receivers: ["tier"], groupWait: "0s", groupInterval: "1s"}
		}
		receivers: {
			tier:  {kind: "webhook", url: %q}
			audit: {kind: "webhook", url: %q}
			db: {
				kind: "webhook"
				url:  %q
				more: [{kind: "webhook", url: %q}]
			}
		}
		routes: [
			{receiver: "audit", matchers: ["service=~\"db|pg\""], continue: true, groupWait: "0s", groupInterval: "1s"},
			{receiver: "db", matchers: ["team=\"db\""], groupWait: "0s", groupInterval: "1s"},
		]
	}
`, sinks["tier"].URL()+"/tier", sinks["audit"].URL()+"/audit", sinks["db-a"].URL()+"/a", sinks["db-b"].URL()+"/b"))
	cfg := filepath.Join(compileAndWrite(t, root), "alertmanager", "alertmanager.yml")
	amserver.CheckConfig(t, amtool, cfg)
	for _, c := range []struct {
		labels map[string]string
		want   []string
	}{
		{map[string]string{"alertname": "X", "severity": "critical", "service": "db", "team": "db"}, []string{"raw/audit", "raw/db"}},
		{map[string]string{"alertname": "X", "severity": "critical", "service": "pg"}, []string{"raw/audit", "P0"}},
		{map[string]string{"alertname": "X", "severity": "info"}, []string{"P2"}},
	} {
		if got := amserver.RouteReceivers(t, amtool, cfg, c.labels); !slices.Equal(got, c.want) {
			t.Errorf("amtool routes %v to %v, want %v", c.labels, got, c.want)
		}
	}

	srv := amserver.Start(t, am, cfg, amserver.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := srv.PostAlerts(ctx, []amserver.Alert{
		{Labels: map[string]string{"alertname": "DBDown", "severity": "critical", "service": "db", "team": "db", "cluster": "loopback"}},
		{Labels: map[string]string{"alertname": "DiskFull", "severity": "info", "cluster": "loopback"}},
	}); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"audit", "db-a", "db-b"} {
		sinks[s].WaitFor(t, hasAlert("DBDown"), 30*time.Second)
	}
	sinks["tier"].WaitFor(t, hasAlert("DiskFull"), 30*time.Second)
	time.Sleep(3 * time.Second) // give a leak time to show
	want := map[string][]string{"audit": {"DBDown"}, "db-a": {"DBDown"}, "db-b": {"DBDown"}, "tier": {"DiskFull"}}
	for name, sink := range sinks {
		var got []string
		for _, m := range sink.Received() {
			for _, a := range m.Alerts {
				got = append(got, a.Labels["alertname"])
			}
		}
		got = slices.Compact(slices.Sorted(slices.Values(got)))
		if !slices.Equal(got, want[name]) {
			t.Errorf("%s webhook got %v, want %v\n%s", name, got, want[name], sink.Summary())
		}
	}
}
