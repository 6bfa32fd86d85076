package amserver

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mongen-dev/mongen/internal/e2e/procserver"
)

// Options tunes Start. The zero value is ready to use. Its Args are extra
// command-line flags for the server, e.g. "--log.level=debug": Start always
// sets --config.file, --web.listen-address, --cluster.listen-address=
// (clustering off) and --storage.path.
type Options = procserver.Options

// Server is a running Alertmanager, stopped at the end of the test.
type Server struct {
	// URL is the server's base URL, e.g. http://127.0.0.1:41234.
	URL string

	proc *procserver.Process
}

// Start runs alertmanager with configPath on a free loopback port, with
// clustering disabled and its data (silences, notification log) in a
// temporary directory, and waits until /-/ready answers 200. The server's
// process group is stopped when the test ends, and its log is written to the
// test log if the test failed.
func Start(t testing.TB, alertmanager, configPath string, opts Options) *Server {
	t.Helper()
	p := procserver.Start(t, procserver.Spec{
		Prefix:     "amserver",
		Name:       "alertmanager",
		Path:       alertmanager,
		ConfigFile: configPath,
		Flags: func(dir string) []string {
			// Empty disables clustering (HA gossip): no port 9094, no peer
			// settling delay before /-/ready.
			return []string{"--cluster.listen-address=", "--storage.path=" + dir}
		},
		Options: opts,
	})
	return &Server{URL: p.URL, proc: p}
}

// Log returns the server's output so far.
func (s *Server) Log() string { return s.proc.Log() }

// Alert is an alert to post to /api/v2/alerts. Zero times are left out:
// Alertmanager then sets StartsAt to now and EndsAt to now plus
// resolve_timeout.
type Alert struct {
	Labels       map[string]string
	Annotations  map[string]string
	StartsAt     time.Time
	EndsAt       time.Time
	GeneratorURL string
}

// postableAlert is the wire form of Alert (API v2 postableAlert).
type postableAlert struct {
	Labels       map[string]string `json:"labels"`
	Annotations  map[string]string `json:"annotations,omitempty"`
	StartsAt     *time.Time        `json:"startsAt,omitempty"`
	EndsAt       *time.Time        `json:"endsAt,omitempty"`
	GeneratorURL string            `json:"generatorURL,omitempty"`
}

// GettableAlert is an alert as reported by GET /api/v2/alerts.
type GettableAlert struct {
	Labels       map[string]string
	Annotations  map[string]string
	StartsAt     time.Time
	EndsAt       time.Time
	UpdatedAt    time.Time
	GeneratorURL string
	Fingerprint  string
	// State is "active", "suppressed" (inhibited or silenced) or
	// "unprocessed".
	State string
	// InhibitedBy holds the fingerprints of the alerts inhibiting this one.
	InhibitedBy []string
	// SilencedBy holds the IDs of the silences muting this one.
	SilencedBy []string
	// Receivers names the receivers of the routes the alert matches.
	Receivers []string
}

type gettableAlert struct {
	Labels       map[string]string `json:"labels"`
	Annotations  map[string]string `json:"annotations"`
	StartsAt     time.Time         `json:"startsAt"`
	EndsAt       time.Time         `json:"endsAt"`
	UpdatedAt    time.Time         `json:"updatedAt"`
	GeneratorURL string            `json:"generatorURL"`
	Fingerprint  string            `json:"fingerprint"`
	Status       struct {
		State       string   `json:"state"`
		InhibitedBy []string `json:"inhibitedBy"`
		SilencedBy  []string `json:"silencedBy"`
	} `json:"status"`
	Receivers []struct {
		Name string `json:"name"`
	} `json:"receivers"`
}

// Status is the part of GET /api/v2/status that tests use.
type Status struct {
	// ClusterStatus is "disabled" when clustering is off (as Start does),
	// else "ready" or "settling".
	ClusterStatus string
	// Config is the configuration the server runs, as YAML. Alertmanager
	// re-marshals it, so secrets read <secret> and defaults are filled in.
	Config  string
	Uptime  time.Time
	Version string
}

// PostAlerts posts alerts to /api/v2/alerts. Alertmanager answers 200 once
// the alerts are stored; routing, inhibition and notification happen
// asynchronously afterwards.
func (s *Server) PostAlerts(ctx context.Context, alerts []Alert) error {
	wire := make([]postableAlert, len(alerts))
	for i, a := range alerts {
		wire[i] = postableAlert{Labels: a.Labels, Annotations: a.Annotations, GeneratorURL: a.GeneratorURL}
		if !a.StartsAt.IsZero() {
			wire[i].StartsAt = &a.StartsAt
		}
		if !a.EndsAt.IsZero() {
			wire[i].EndsAt = &a.EndsAt
		}
		if wire[i].Labels == nil {
			wire[i].Labels = map[string]string{}
		}
	}
	body, err := json.Marshal(wire)
	if err != nil {
		return err
	}
	return s.do(ctx, http.MethodPost, "/api/v2/alerts", nil, body, nil)
}

// Alerts returns the alerts the server holds (active, silenced, inhibited
// and unprocessed alike). Each filter is a label matcher such as
// `alertname="Foo"` or `severity=~"warn.*"`; an alert must match all of them.
func (s *Server) Alerts(ctx context.Context, filter ...string) ([]GettableAlert, error) {
	var params url.Values
	if len(filter) > 0 {
		params = url.Values{"filter": filter}
	}
	var wire []gettableAlert
	if err := s.do(ctx, http.MethodGet, "/api/v2/alerts", params, nil, &wire); err != nil {
		return nil, err
	}
	out := make([]GettableAlert, len(wire))
	for i, w := range wire {
		out[i] = GettableAlert{
			Labels:       w.Labels,
			Annotations:  w.Annotations,
			StartsAt:     w.StartsAt,
			EndsAt:       w.EndsAt,
			UpdatedAt:    w.UpdatedAt,
			GeneratorURL: w.GeneratorURL,
			Fingerprint:  w.Fingerprint,
			State:        w.Status.State,
			InhibitedBy:  w.Status.InhibitedBy,
			SilencedBy:   w.Status.SilencedBy,
		}
		for _, r := range w.Receivers {
			out[i].Receivers = append(out[i].Receivers, r.Name)
		}
		slices.Sort(out[i].Receivers)
	}
	slices.SortFunc(out, func(a, b GettableAlert) int { return strings.Compare(a.Fingerprint, b.Fingerprint) })
	return out, nil
}

// WaitAlerts polls /api/v2/alerts (with filter, as for Alerts) until pred
// accepts the alerts, and returns them. It fails the test, showing the
// alerts last seen, if that does not happen within timeout.
func (s *Server) WaitAlerts(t testing.TB, timeout time.Duration, pred func([]GettableAlert) bool, filter ...string) []GettableAlert {
	t.Helper()
	var last []GettableAlert
	var lastErr error
	if procserver.Poll(timeout, func() bool {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		alerts, err := s.Alerts(ctx, filter...)
		if err != nil {
			lastErr = err
			return false
		}
		last, lastErr = alerts, nil
		return pred(alerts)
	}) {
		return last
	}
	var b strings.Builder
	fmt.Fprintf(&b, "amserver: alerts did not reach the wanted state after %s", timeout)
	if lastErr != nil {
		fmt.Fprintf(&b, "; last error: %v", lastErr)
	}
	for _, a := range last {
		fmt.Fprintf(&b, "\n  %v state=%s inhibitedBy=%v silencedBy=%v receivers=%v",
			a.Labels, a.State, a.InhibitedBy, a.SilencedBy, a.Receivers)
	}
	t.Fatal(b.String())
	return nil
}

// Status returns the server's status: cluster state, loaded configuration
// and version.
func (s *Server) Status(ctx context.Context) (Status, error) {
	var wire struct {
		Cluster struct {
			Status string `json:"status"`
		} `json:"cluster"`
		Config struct {
			Original string `json:"original"`
		} `json:"config"`
		Uptime      time.Time `json:"uptime"`
		VersionInfo struct {
			Version string `json:"version"`
		} `json:"versionInfo"`
	}
	if err := s.do(ctx, http.MethodGet, "/api/v2/status", nil, nil, &wire); err != nil {
		return Status{}, err
	}
	return Status{
		ClusterStatus: wire.Cluster.Status,
		Config:        wire.Config.Original,
		Uptime:        wire.Uptime,
		Version:       wire.VersionInfo.Version,
	}, nil
}

// Reload asks the server to reload its configuration (POST /-/reload). An
// invalid configuration makes it answer 500 with the error and keep the old
// one.
func (s *Server) Reload(ctx context.Context) error {
	return s.do(ctx, http.MethodPost, "/-/reload", nil, nil, nil)
}

// do sends one request and decodes a 200 answer's JSON body into out (if not
// nil). Any other status is an error carrying the body.
func (s *Server) do(ctx context.Context, method, path string, params url.Values, body []byte, out any) error {
	resp, data, err := s.proc.Do(ctx, method, path, params, body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s %s: %s: %s", method, path, resp.Status, bytes.TrimSpace(data))
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("%s %s: decoding answer: %v", method, path, err)
	}
	return nil
}
