package amserver

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// Options tunes Start. The zero value is ready to use.
type Options struct {
	// ReadyTimeout bounds the wait for /-/ready. Default 60s.
	ReadyTimeout time.Duration
	// Args are extra command-line flags for the server, e.g.
	// "--log.level=debug". Start always sets --config.file,
	// --web.listen-address, --cluster.listen-address= (clustering off) and
	// --storage.path.
	Args []string
}

// Server is a running Alertmanager, stopped at the end of the test.
type Server struct {
	// URL is the server's base URL, e.g. http://127.0.0.1:41234.
	URL string

	cmd    *exec.Cmd
	log    *logBuffer
	exited chan struct{} // closed when the process has exited
	client *http.Client
}

const (
	defaultReadyTimeout = 60 * time.Second
	pollInterval        = 100 * time.Millisecond
	stopTimeout         = 15 * time.Second
	// startAttempts bounds retries when the chosen port is taken between
	// picking it and the server binding it.
	startAttempts = 3
	// maxLogBytes caps the captured server log; older output is dropped.
	maxLogBytes = 1 << 20
	// maxResponseBytes caps an API response body.
	maxResponseBytes = 64 << 20
)

// Start runs alertmanager with configPath on a free loopback port, with
// clustering disabled and its data (silences, notification log) in a
// temporary directory, and waits until /-/ready answers 200. The server's
// process group is stopped when the test ends, and its log is written to the
// test log if the test failed.
func Start(t testing.TB, alertmanager, configPath string, opts Options) *Server {
	t.Helper()
	if opts.ReadyTimeout <= 0 {
		opts.ReadyTimeout = defaultReadyTimeout
	}
	var lastErr error
	for attempt := 1; attempt <= startAttempts; attempt++ {
		s, err := start(t, alertmanager, configPath, opts)
		if err == nil {
			return s
		}
		lastErr = err
		if !strings.Contains(s.log.String(), "address already in use") {
			break
		}
		t.Logf("amserver: port clash on attempt %d, retrying", attempt)
	}
	t.Fatalf("amserver: %v", lastErr)
	return nil
}

// start makes one attempt. On error the returned Server is non-nil (with its
// log) and its process has been stopped.
func start(t testing.TB, alertmanager, configPath string, opts Options) (*Server, error) {
	t.Helper()
	// TempDir before the stop cleanup: cleanups run last-in first-out, so
	// the process is dead before its storage directory is removed.
	storage := t.TempDir()
	addr, err := freeLoopbackAddr()
	if err != nil {
		return &Server{log: &logBuffer{}}, err
	}
	args := append([]string{
		"--config.file=" + configPath,
		"--web.listen-address=" + addr,
		// Empty disables clustering (HA gossip): no port 9094, no peer
		// settling delay before /-/ready.
		"--cluster.listen-address=",
		"--storage.path=" + storage,
	}, opts.Args...)

	s := &Server{
		URL:    "http://" + addr,
		cmd:    exec.Command(alertmanager, args...),
		log:    &logBuffer{},
		exited: make(chan struct{}),
		client: &http.Client{Timeout: 10 * time.Second},
	}
	s.cmd.Stdout = s.log
	s.cmd.Stderr = s.log
	s.cmd.Dir = storage // keep any stray files out of the source tree
	newProcessGroup(s.cmd)
	if err := s.cmd.Start(); err != nil {
		return s, fmt.Errorf("starting %s: %v", alertmanager, err)
	}
	go func() {
		_ = s.cmd.Wait()
		close(s.exited)
	}()
	t.Cleanup(func() {
		s.stop()
		if t.Failed() {
			t.Logf("alertmanager log (%s %s):\n%s", alertmanager, strings.Join(args, " "), s.log.String())
		}
	})

	if err := s.waitReady(opts.ReadyTimeout); err != nil {
		s.stop()
		return s, err // the cleanup above shows the log
	}
	return s, nil
}

func freeLoopbackAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	addr := l.Addr().String()
	return addr, l.Close()
}

func (s *Server) waitReady(timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	maxPolls := int(timeout/pollInterval) + 1
	var last string
	for range maxPolls {
		select {
		case <-s.exited:
			return fmt.Errorf("alertmanager exited before becoming ready: %v", s.cmd.ProcessState)
		default:
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+"/-/ready", nil)
		resp, err := s.client.Do(req)
		if err == nil {
			_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				cancel()
				return nil
			}
			last = resp.Status
		} else {
			last = err.Error()
		}
		cancel()
		if time.Now().After(deadline) {
			break
		}
		time.Sleep(pollInterval)
	}
	return fmt.Errorf("alertmanager not ready at %s/-/ready after %s (last: %s)", s.URL, timeout, last)
}

// stop terminates the server's process group: SIGTERM, then SIGKILL after
// stopTimeout.
func (s *Server) stop() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	select {
	case <-s.exited:
		return
	default:
	}
	terminate(s.cmd)
	select {
	case <-s.exited:
	case <-time.After(stopTimeout):
		kill(s.cmd)
		<-s.exited
	}
}

// Log returns the server's output so far.
func (s *Server) Log() string { return s.log.String() }

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
	deadline := time.Now().Add(timeout)
	maxPolls := int(timeout/pollInterval) + 1
	var last []GettableAlert
	var lastErr error
	for range maxPolls {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		alerts, err := s.Alerts(ctx, filter...)
		cancel()
		if err == nil {
			if pred(alerts) {
				return alerts
			}
			last, lastErr = alerts, nil
		} else {
			lastErr = err
		}
		if time.Now().After(deadline) {
			break
		}
		time.Sleep(pollInterval)
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
	u := s.URL + path
	if len(params) > 0 {
		u += "?" + params.Encode()
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if err != nil {
		return fmt.Errorf("%s %s: %v", method, path, err)
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

// logBuffer collects the server's output, keeping at most maxLogBytes.
type logBuffer struct {
	mu      sync.Mutex
	buf     []byte
	dropped int
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	if over := len(b.buf) - maxLogBytes; over > 0 {
		// Drop whole lines from the front where possible.
		cut := over
		if i := bytes.IndexByte(b.buf[over:], '\n'); i >= 0 {
			cut = over + i + 1
		}
		b.dropped += cut
		b.buf = append(b.buf[:0], b.buf[cut:]...)
	}
	return len(p), nil
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.dropped > 0 {
		return fmt.Sprintf("[%d earlier bytes dropped]\n%s", b.dropped, b.buf)
	}
	return string(b.buf)
}
