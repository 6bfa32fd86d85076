package e2e

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mongen-dev/mongen/internal/e2e/amserver"
	"github.com/mongen-dev/mongen/internal/e2e/promserver"
	"github.com/mongen-dev/mongen/internal/verify/promcheck"
)

// sloRepo is a plain environment scraping addr every second, with two
// SLOs of service app and a webhook per tier.
func sloRepo(t *testing.T, addr, p0URL, p1URL string) string {
	t.Helper()
	return writeAlertingRepo(t, fmt.Sprintf(`	prometheus: {scrapeInterval: "1s", evaluationInterval: "1s"}
	targets: app: {kind: "static", addresses: [%q]}
	slos: app: {
		availability: {
			objective: 99.9
			indicator: {
				kind:   "ratio"
				errors: "http_requests_total{job=\"app\",code=~\"5..\"}"
				total:  "http_requests_total{job=\"app\"}"
			}
			alerting: annotations: runbook_url: "https://runbooks.example.com/app/availability"
		}
		latency: {
			objective: 99
			period:    "28d"
			indicator: {
				kind:      "latency"
				bucket:    "http_request_duration_seconds_bucket{job=\"app\"}"
				threshold: "0.5"
			}
			alerting: annotations: runbook_url: "https://runbooks.example.com/app/latency"
		}
	}
	alerting: policy.#Standard & {
		fallback: "p1"
		tiers: {
			P0: {receivers: ["p0"], groupWait: "0s", groupInterval: "1s"}
			P1: {receivers: ["p1"], groupWait: "0s", groupInterval: "1s", activeTimeIntervals: []}
			P2: {receivers: ["p1"]}
		}
		receivers: {
			p0: {kind: "webhook", url: %q}
			p1: {kind: "webhook", url: %q}
		}
	}
`, addr, p0URL, p1URL))
}

// TestGeneratedSLOsRunInPrometheus loads the generated SLO rules into the
// real Prometheus: every rule of slo-app loads and evaluates without error,
// and the series carry the exact objective and the scraped error ratio.
func TestGeneratedSLOsRunInPrometheus(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a Prometheus server")
	}
	prom, promtool := promserver.Binaries(t)
	// 1 in 4 requests fails, from the first scrape on; latencies are all
	// under the 0.5s bound.
	var scraped atomic.Int64
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		scrapes := scraped.Add(1)
		w.Header().Set("Content-Type", "text/plain; version=0.0.4")
		fmt.Fprintf(w, "# TYPE http_requests_total counter\nhttp_requests_total{code=\"200\"} %d\nhttp_requests_total{code=\"500\"} %d\n", 300*scrapes, 100*scrapes)
		fmt.Fprintf(w, "# TYPE http_request_duration_seconds histogram\nhttp_request_duration_seconds_bucket{le=\"0.5\"} %d\nhttp_request_duration_seconds_bucket{le=\"+Inf\"} %d\nhttp_request_duration_seconds_sum 1\nhttp_request_duration_seconds_count %d\n", 400*scrapes, 400*scrapes, 400*scrapes)
	}))
	defer app.Close()

	out := compileAndWrite(t, sloRepo(t, strings.TrimPrefix(app.URL, "http://"), "http://127.0.0.1:9/p0", "http://127.0.0.1:9/p1"))
	cfg := filepath.Join(out, "prometheus", "prometheus.yml")
	promserver.CheckConfig(t, promtool, cfg)
	want := generatedRules(t, filepath.Join(out, "prometheus", "rules"))
	if len(want["slo-app"]) != 32 {
		t.Fatalf("slo-app has %d rules, want 2 × 16", len(want["slo-app"]))
	}
	srv := promserver.Start(t, prom, cfg, promserver.Options{})
	srv.WaitTargetUp(t, "app", 30*time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for _, check := range []struct {
		expr string
		want float64
	}{
		{`slo:objective:ratio{slo_id="app-availability"}`, 0.999},
		{`slo:error_budget:ratio{slo_id="app-latency"}`, 0.01},
		{`slo:sli_error:ratio_rate5m{slo_id="app-availability"}`, 0.25},
		{`slo:sli_error:ratio_rate30d{slo_id="app-availability"}`, 0.25},
		{`slo:sli_error:ratio_rate5m{slo_id="app-latency"}`, 0},
		{`slo:info{slo_id="app-latency",slo_objective="99",slo_period="28d",slo_indicator="latency"}`, 1},
	} {
		waitQuery(ctx, t, srv, check.expr, fmt.Sprintf("%s never became %v", check.expr, check.want), func(samples []promserver.Sample) bool {
			return len(samples) == 1 && samples[0].Value == check.want
		})
	}
	assertRulesLoaded(ctx, t, srv, want)
	// 25% errors burn a 0.1% budget 250 times over: the page fires (after
	// its 2m `for`, beyond this test's patience) and is pending now.
	waitQuery(ctx, t, srv, `ALERTS{alertname="AppAvailabilityErrorBudgetBurn",slo_burn="page",alertstate=~"pending|firing"}`, "the page alert never became pending", func(samples []promserver.Sample) bool {
		return len(samples) == 1
	})
}

// TestGeneratedSLOInhibitionInAlertmanager posts the page and ticket
// alerts, labelled exactly as the generated rules label them, to the real
// Alertmanager: the page silences its own SLO's ticket and no other.
func TestGeneratedSLOInhibitionInAlertmanager(t *testing.T) {
	if testing.Short() {
		t.Skip("starts an Alertmanager server")
	}
	am, amtool := amserver.Binaries(t)
	p0, p1 := amserver.NewWebhookSink(t), amserver.NewWebhookSink(t)
	out := compileAndWrite(t, sloRepo(t, "127.0.0.1:9", p0.URL()+"/p0", p1.URL()+"/p1"))
	cfg := filepath.Join(out, "alertmanager", "alertmanager.yml")
	amserver.CheckConfig(t, amtool, cfg)

	data, err := os.ReadFile(filepath.Join(out, "prometheus", "rules", "slo-app.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	groups, err := promcheck.ParseRules("slo-app.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	alerts := map[string]amserver.Alert{} // by slo_id/slo_burn
	for _, r := range groups.Groups[0].Rules {
		if r.Alert == "" {
			continue
		}
		labels := maps.Clone(r.Labels)
		labels["alertname"] = r.Alert
		labels["cluster"] = "loopback"
		alerts[labels["slo_id"]+"/"+labels["slo_burn"]] = amserver.Alert{Labels: labels, Annotations: r.Annotations}
	}
	if len(alerts) != 4 {
		t.Fatalf("alerts: %v", alerts)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	srv := amserver.Start(t, am, cfg, amserver.Options{})
	// The page first, so its inhibition is in place when the tickets come.
	if err := srv.PostAlerts(ctx, []amserver.Alert{alerts["app-availability/page"]}); err != nil {
		t.Fatal(err)
	}
	srv.WaitAlerts(t, 30*time.Second, func(as []amserver.GettableAlert) bool { return len(as) == 1 })
	if err := srv.PostAlerts(ctx, []amserver.Alert{alerts["app-availability/ticket"], alerts["app-latency/ticket"]}); err != nil {
		t.Fatal(err)
	}
	got := srv.WaitAlerts(t, 30*time.Second, func(as []amserver.GettableAlert) bool {
		states := map[string]string{}
		for _, a := range as {
			states[a.Labels["slo_id"]+"/"+a.Labels["slo_burn"]] = a.State
		}
		return states["app-availability/ticket"] == "suppressed" && states["app-latency/ticket"] == "active" && states["app-availability/page"] == "active"
	})
	for _, a := range got {
		if a.Labels["slo_id"] == "app-availability" && a.Labels["slo_burn"] == "ticket" && len(a.InhibitedBy) == 0 {
			t.Errorf("the ticket is suppressed but not by an inhibition: %+v", a)
		}
	}
}
