package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/mongen-dev/mongen/internal/e2e/amserver"
)

// alertingRepo is a plain environment whose three tiers notify three
// webhook sinks; P0's URL is a Secret, read from a file as in a cluster.
func alertingRepo(t *testing.T, secretsDir, p1URL, p2URL string) string {
	t.Helper()
	return writeAlertingRepo(t, fmt.Sprintf(`	targets: app: {kind: "static", addresses: ["127.0.0.1:9"]}
	rules: app: {
		AppDown: {
			tier: "P0"
			expr: "up{job=\"app\"} == 0"
			annotations: {summary: "s", description: "d", runbook_url: "https://runbooks.example.com/AppDown"}
		}
		AppDownWarning: {
			tier: "P1"
			expr: "up{job=\"app\"} == 0"
			annotations: {summary: "s", description: "d"}
		}
		AppSlow: {
			tier: "P2"
			expr: "scrape_duration_seconds{job=\"app\"} > 1"
			annotations: summary: "s"
		}
	}
	alerting: policy.#Standard & {
		fallback: "p2"
		tiers: {
			P0: {receivers: ["p0"], groupWait: "0s", groupInterval: "1s"}
			// Working hours would make the test depend on the clock.
			P1: {receivers: ["p1"], groupWait: "0s", groupInterval: "1s", activeTimeIntervals: []}
			P2: {receivers: ["p2"], groupWait: "0s", groupInterval: "1s"}
		}
		receivers: {
			p0: {kind: "webhook", urlSecret: {secret: "pager", key: "url"}}
			p1: {kind: "webhook", url: %q}
			p2: {kind: "webhook", url: %q}
		}
		alertmanager: secretsDir: %q
	}
`, p1URL, p2URL, secretsDir))
}

// TestGeneratedAlertmanagerRoutesTiers runs the generated alertmanager.yml
// in the real Alertmanager: each tier's alert reaches exactly its tier's
// webhook, and a firing P0 inhibits its P1 twin.
func TestGeneratedAlertmanagerRoutesTiers(t *testing.T) {
	if testing.Short() {
		t.Skip("starts an Alertmanager server")
	}
	am, amtool := amserver.Binaries(t)
	sinks := map[string]*amserver.WebhookSink{}
	for _, tier := range []string{"P0", "P1", "P2"} {
		sinks[tier] = amserver.NewWebhookSink(t)
	}
	secrets := t.TempDir()
	if err := os.MkdirAll(filepath.Join(secrets, "pager"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(secrets, "pager", "url"), []byte(sinks["P0"].URL()+"/pager\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	out := compileAndWrite(t, alertingRepo(t, secrets, sinks["P1"].URL()+"/chat", sinks["P2"].URL()+"/mail"))
	cfg := filepath.Join(out, "alertmanager", "alertmanager.yml")
	amserver.CheckConfig(t, amtool, cfg)
	for labels, want := range map[string][]string{
		"critical": {"P0"}, "warning": {"P1"}, "info": {"P2"}, "": {"fallback"},
	} {
		got := amserver.RouteReceivers(t, amtool, cfg, map[string]string{"alertname": "X", "severity": labels})
		if !slices.Equal(got, want) {
			t.Errorf("amtool routes severity=%q to %v, want %v", labels, got, want)
		}
	}

	srv := amserver.Start(t, am, cfg, amserver.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	alert := func(name, sev string) amserver.Alert {
		return amserver.Alert{Labels: map[string]string{"alertname": name, "severity": sev, "cluster": "loopback"}}
	}
	// The P0 first, so its inhibition is in place when its twin arrives.
	if err := srv.PostAlerts(ctx, []amserver.Alert{alert("AppDown", "critical")}); err != nil {
		t.Fatal(err)
	}
	sinks["P0"].WaitFor(t, hasAlert("AppDown"), 30*time.Second)
	if err := srv.PostAlerts(ctx, []amserver.Alert{
		alert("AppDown", "warning"), // the P0's twin: inhibited
		alert("AppDownWarning", "warning"),
		alert("AppSlow", "info"),
	}); err != nil {
		t.Fatal(err)
	}
	sinks["P1"].WaitFor(t, hasAlert("AppDownWarning"), 30*time.Second)
	sinks["P2"].WaitFor(t, hasAlert("AppSlow"), 30*time.Second)
	// Give a leak time to show, then check each sink got exactly its own.
	time.Sleep(3 * time.Second)
	want := map[string][]string{
		"P0": {"AppDown/critical"},
		"P1": {"AppDownWarning/warning"},
		"P2": {"AppSlow/info"},
	}
	for tier, sink := range sinks {
		got := map[string]bool{}
		for _, m := range sink.Received() {
			if m.Receiver != tier {
				t.Errorf("%s sink got a notification for receiver %q", tier, m.Receiver)
			}
			for _, a := range m.Alerts {
				got[a.Labels["alertname"]+"/"+a.Labels["severity"]] = true
			}
		}
		var names []string
		for k := range got {
			names = append(names, k)
		}
		slices.Sort(names)
		if !slices.Equal(names, want[tier]) {
			t.Errorf("%s webhook got %v, want %v\n%s", tier, names, want[tier], sink.Summary())
		}
	}
	alerts, err := srv.Alerts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range alerts {
		twin := a.Labels["alertname"] == "AppDown" && a.Labels["severity"] == "warning"
		if twin && (a.State != "suppressed" || len(a.InhibitedBy) == 0) {
			t.Errorf("the P1 twin of the firing P0 is %s (inhibited by %v), want suppressed by the generated inhibition", a.State, a.InhibitedBy)
		}
		if !twin && a.State != "active" {
			t.Errorf("alert %v is %s, want active", a.Labels, a.State)
		}
	}
}
