package amserver_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mongen-dev/mongen/internal/e2e/amserver"
)

// routingConfig routes severity="critical" and severity="warning" to two
// webhook receivers, and inhibits a warning while a critical alert with the
// same alertname fires. The critical receiver uses url, the warning receiver
// url_file (the form mongen emits for secrets).
func routingConfig(criticalURL, warningURLFile string) string {
	return fmt.Sprintf(`route:
  receiver: blackhole
  group_by: [alertname]
  group_wait: 0s
  group_interval: 1s
  repeat_interval: 1h
  routes:
    - receiver: critical
      matchers: ['severity="critical"']
    - receiver: warning
      matchers: ['severity="warning"']
inhibit_rules:
  - source_matchers: ['severity="critical"']
    target_matchers: ['severity="warning"']
    equal: [alertname]
receivers:
  - name: blackhole
  - name: critical
    webhook_configs:
      - url: %q
  - name: warning
    webhook_configs:
      - url_file: %q
`, criticalURL, warningURLFile)
}

func writeFile(t *testing.T, path, content string) string {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// alertnames lists, sorted, the alertname of every alert in msgs (with
// repeats if an alert was notified more than once).
func alertnames(msgs []amserver.WebhookMessage) []string {
	var names []string
	for _, m := range msgs {
		for _, a := range m.Alerts {
			names = append(names, a.Labels["alertname"]+"/"+a.Labels["severity"])
		}
	}
	slices.Sort(names)
	return names
}

func hasAlert(name, severity string) func([]amserver.WebhookMessage) bool {
	return func(msgs []amserver.WebhookMessage) bool {
		return slices.Contains(alertnames(msgs), name+"/"+severity)
	}
}

func TestRoutingAndInhibition(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the real Alertmanager; skipped with -short")
	}
	t.Parallel()
	alertmanager, amtool := amserver.Binaries(t)

	// Sinks first: their cleanup then runs after the server's.
	critSink := amserver.NewWebhookSink(t)
	warnSink := amserver.NewWebhookSink(t)

	dir := t.TempDir()
	// A trailing newline, as editors and Kubernetes secrets leave: Alertmanager trims it.
	urlFile := writeFile(t, filepath.Join(dir, "warning-url"), warnSink.URL()+"/warning\n")
	config := writeFile(t, filepath.Join(dir, "alertmanager.yml"), routingConfig(critSink.URL()+"/critical", urlFile))
	amserver.CheckConfig(t, amtool, config)

	for _, tc := range []struct {
		labels map[string]string
		want   []string
	}{
		{map[string]string{"alertname": "A", "severity": "critical"}, []string{"critical"}},
		{map[string]string{"alertname": "A", "severity": "warning"}, []string{"warning"}},
		{map[string]string{"alertname": "A", "severity": "info"}, []string{"blackhole"}},
	} {
		if got := amserver.RouteReceivers(t, amtool, config, tc.labels); !slices.Equal(got, tc.want) {
			t.Errorf("amtool config routes test %v = %v, want %v", tc.labels, got, tc.want)
		}
	}

	start := time.Now()
	srv := amserver.Start(t, alertmanager, config, amserver.Options{})
	t.Logf("alertmanager ready at %s in %s", srv.URL, time.Since(start).Round(time.Millisecond))

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	st, err := srv.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.ClusterStatus != "disabled" {
		t.Errorf("cluster status = %q, want disabled", st.ClusterStatus)
	}
	if st.Version != "0.28.1" {
		t.Logf("alertmanager version %q (harness pinned at 0.28.1)", st.Version)
	}
	if !strings.Contains(st.Config, "url_file: "+urlFile) {
		t.Errorf("loaded config lacks url_file %s:\n%s", urlFile, st.Config)
	}

	const twin, other = "MongenE2EDiskFull", "MongenE2ELatencyHigh"
	critical := amserver.Alert{
		Labels:       map[string]string{"alertname": twin, "severity": "critical", "instance": "db-1"},
		Annotations:  map[string]string{"summary": "disk full"},
		StartsAt:     time.Now().Add(-time.Minute),
		EndsAt:       time.Now().Add(time.Hour),
		GeneratorURL: "http://prometheus.example/graph?g0.expr=disk",
	}
	// The critical alert goes first, and the warnings only once it has been
	// notified: by then the inhibitor (which watches the same alert stream as
	// the dispatcher) has it, so the twin cannot slip out before inhibition.
	if err := srv.PostAlerts(ctx, []amserver.Alert{critical}); err != nil {
		t.Fatal(err)
	}
	critSink.WaitFor(t, hasAlert(twin, "critical"), 20*time.Second)

	warnings := []amserver.Alert{
		{Labels: map[string]string{"alertname": twin, "severity": "warning", "instance": "db-1"}},
		{Labels: map[string]string{"alertname": other, "severity": "warning", "instance": "api-1"},
			Annotations: map[string]string{"summary": "slow"}},
	}
	if err := srv.PostAlerts(ctx, warnings); err != nil {
		t.Fatal(err)
	}
	warnSink.WaitFor(t, hasAlert(other, "warning"), 20*time.Second)

	// The API shows the twin suppressed by the critical alert, the others
	// active, each with the receiver its route names.
	alerts := srv.WaitAlerts(t, 20*time.Second, func(as []amserver.GettableAlert) bool {
		for _, a := range as {
			if a.Labels["alertname"] == twin && a.Labels["severity"] == "warning" {
				return a.State == "suppressed" && len(a.InhibitedBy) == 1
			}
		}
		return false
	})
	if len(alerts) != 3 {
		t.Fatalf("got %d alerts from the API, want 3: %+v", len(alerts), alerts)
	}
	var critFP string
	for _, a := range alerts {
		if a.Labels["severity"] == "critical" {
			critFP = a.Fingerprint
		}
	}
	for _, a := range alerts {
		name, sev := a.Labels["alertname"], a.Labels["severity"]
		wantState, wantInhibitedBy := "active", []string(nil)
		if name == twin && sev == "warning" {
			wantState, wantInhibitedBy = "suppressed", []string{critFP}
		}
		if a.State != wantState || !slices.Equal(a.InhibitedBy, wantInhibitedBy) || len(a.SilencedBy) != 0 {
			t.Errorf("%s/%s: state=%s inhibitedBy=%v silencedBy=%v, want state=%s inhibitedBy=%v",
				name, sev, a.State, a.InhibitedBy, a.SilencedBy, wantState, wantInhibitedBy)
		}
		if !slices.Equal(a.Receivers, []string{sev}) {
			t.Errorf("%s/%s: receivers %v, want [%s]", name, sev, a.Receivers, sev)
		}
	}
	if filtered, err := srv.Alerts(ctx, `severity="warning"`, `alertname="`+other+`"`); err != nil {
		t.Error(err)
	} else if len(filtered) != 1 || filtered[0].Labels["alertname"] != other {
		t.Errorf("filtered alerts = %+v, want only %s", filtered, other)
	}

	// Give a leaked notification of the inhibited twin time to arrive
	// (a few group_intervals), then check what each sink got.
	time.Sleep(3 * time.Second)

	crit := critSink.Received()
	if got := alertnames(crit); !slices.Equal(got, []string{twin + "/critical"}) {
		t.Errorf("critical sink got alerts %v, want exactly [%s/critical]; %s", got, twin, critSink.Summary())
	} else {
		m, a := crit[0], crit[0].Alerts[0]
		if m.Version != "4" || m.Receiver != "critical" || m.Status != "firing" || m.Path != "/critical" ||
			m.GroupLabels["alertname"] != twin || m.CommonLabels["instance"] != "db-1" {
			t.Errorf("critical message = %+v", m)
		}
		if a.Status != "firing" || a.Annotations["summary"] != "disk full" ||
			a.GeneratorURL != critical.GeneratorURL || a.StartsAt.Sub(critical.StartsAt).Abs() > time.Millisecond {
			t.Errorf("critical alert = %+v, want annotations, generatorURL and startsAt %s as posted", a, critical.StartsAt)
		}
	}
	warn := warnSink.Received()
	if got := alertnames(warn); !slices.Equal(got, []string{other + "/warning"}) {
		t.Errorf("warning sink got alerts %v, want exactly [%s/warning] (the twin is inhibited); %s", got, other, warnSink.Summary())
	} else if m := warn[0]; m.Receiver != "warning" || m.Path != "/warning" || m.Alerts[0].Annotations["summary"] != "slow" {
		t.Errorf("warning message (via url_file) = %+v", m)
	}
}

// TestWebhookURLFile checks that a webhook receiver whose URL comes from
// url_file delivers, and that neither amtool nor the server reads the file
// before a notification is due.
func TestWebhookURLFile(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the real Alertmanager; skipped with -short")
	}
	t.Parallel()
	alertmanager, amtool := amserver.Binaries(t)
	sink := amserver.NewWebhookSink(t)

	dir := t.TempDir()
	urlFile := filepath.Join(dir, "secrets", "webhook-url")
	config := writeFile(t, filepath.Join(dir, "alertmanager.yml"), fmt.Sprintf(`route:
  receiver: hook
  group_wait: 0s
  group_interval: 1s
receivers:
  - name: hook
    webhook_configs:
      - url_file: %q
        send_resolved: true
`, urlFile))

	// The file does not exist yet: *_file secrets are read at send time.
	amserver.CheckConfig(t, amtool, config)
	srv := amserver.Start(t, alertmanager, config, amserver.Options{})

	if err := os.MkdirAll(filepath.Dir(urlFile), 0o700); err != nil {
		t.Fatal(err)
	}
	writeFile(t, urlFile, "  "+sink.URL()+"/from-file\n")

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.PostAlerts(ctx, []amserver.Alert{{Labels: map[string]string{"alertname": "MongenE2EFromFile"}}}); err != nil {
		t.Fatal(err)
	}
	msgs := sink.WaitFor(t, hasAlert("MongenE2EFromFile", ""), 20*time.Second)
	if m := msgs[0]; m.Path != "/from-file" || m.Receiver != "hook" || m.Status != "firing" {
		t.Errorf("message = %+v, want path /from-file, receiver hook, firing", m)
	}

	// Resolving the alert sends a resolved notification (send_resolved).
	if err := srv.PostAlerts(ctx, []amserver.Alert{{
		Labels:   map[string]string{"alertname": "MongenE2EFromFile"},
		StartsAt: msgs[0].Alerts[0].StartsAt,
		EndsAt:   time.Now(),
	}}); err != nil {
		t.Fatal(err)
	}
	sink.WaitFor(t, func(msgs []amserver.WebhookMessage) bool {
		return msgs[len(msgs)-1].Status == "resolved"
	}, 20*time.Second)
}

func TestAmtoolRejectsUnknownField(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the real Alertmanager; skipped with -short")
	}
	t.Parallel()
	_, amtool := amserver.Binaries(t)
	config := writeFile(t, filepath.Join(t.TempDir(), "alertmanager.yml"), `route:
  receiver: hook
  group_wiat: 0s
receivers:
  - name: hook
`)
	out, code := amserver.RunAmtool(t, amtool, "check-config", config)
	if code == 0 {
		t.Fatalf("amtool check-config accepted an unknown field:\n%s", out)
	}
	if !strings.Contains(out, "FAILED") || !strings.Contains(out, "group_wiat") {
		t.Errorf("amtool check-config output lacks FAILED and the field name:\n%s", out)
	}
	t.Logf("amtool check-config: exit %d\n%s", code, out)
}
