package e2e

import (
	"context"
	"testing"
	"time"

	"github.com/mongen-dev/mongen/internal/e2e/amserver"
	"github.com/mongen-dev/mongen/internal/e2e/promserver"
)

// writeAlertingRepo writes a user repository whose environment "e2e" is a
// plain one in cluster loopback that may use library/policy; fields is the
// rest of the environment (targets, rules, alerting, ...).
func writeAlertingRepo(t *testing.T, fields string) string {
	t.Helper()
	return writeUserRepo(t, `package e2e

import (
	"mongen.dev/mongen/schemas"
	"mongen.dev/mongen/library/policy"
)

env: schemas.#Environment & {
	name:     "e2e"
	cluster:  "loopback"
	flavour:  "plain"
	selector: {}
`+fields+"}\n")
}

// hasAlert reports whether a webhook received a notification for an alert
// named name; it is the condition of WebhookSink.WaitFor.
func hasAlert(name string) func([]amserver.WebhookMessage) bool {
	return func(ms []amserver.WebhookMessage) bool {
		for _, m := range ms {
			for _, a := range m.Alerts {
				if a.Labels["alertname"] == name {
					return true
				}
			}
		}
		return false
	}
}

// waitQuery polls expr until ok accepts its samples, failing the test with
// what never happened, the last answer and the server log once ctx is done.
func waitQuery(ctx context.Context, t *testing.T, srv *promserver.Server, expr, what string, ok func([]promserver.Sample) bool) {
	t.Helper()
	for {
		samples, err := srv.Query(ctx, expr)
		if err == nil && ok(samples) {
			return
		}
		if ctx.Err() != nil {
			t.Fatalf("%s (last: %v, %v)\n%s", what, samples, err, srv.Log())
		}
		time.Sleep(200 * time.Millisecond)
	}
}
