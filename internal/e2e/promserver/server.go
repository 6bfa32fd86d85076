package promserver

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
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Options tunes Start. The zero value is ready to use.
type Options struct {
	// ReadyTimeout bounds the wait for /-/ready. Default 60s.
	ReadyTimeout time.Duration
	// Args are extra command-line flags for the server, e.g.
	// "--enable-feature=...". Start always sets --config.file,
	// --web.listen-address, --storage.tsdb.path and --web.enable-lifecycle.
	Args []string
}

// Server is a running Prometheus server, stopped at the end of the test.
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
)

// Start runs prometheus with configPath on a free loopback port, with its
// TSDB in a temporary directory, and waits until /-/ready answers 200. The
// server is stopped when the test ends, and its log is written to the test
// log if the test failed.
func Start(t testing.TB, prometheus, configPath string, opts Options) *Server {
	t.Helper()
	if opts.ReadyTimeout <= 0 {
		opts.ReadyTimeout = defaultReadyTimeout
	}
	var lastErr error
	for attempt := 1; attempt <= startAttempts; attempt++ {
		s, err := start(t, prometheus, configPath, opts)
		if err == nil {
			return s
		}
		lastErr = err
		if !strings.Contains(s.log.String(), "address already in use") {
			break
		}
		t.Logf("promserver: port clash on attempt %d, retrying", attempt)
	}
	t.Fatalf("promserver: %v", lastErr)
	return nil
}

// start makes one attempt. On error the returned Server is non-nil (with its
// log) and its process has been stopped.
func start(t testing.TB, prometheus, configPath string, opts Options) (*Server, error) {
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
		"--storage.tsdb.path=" + storage,
		"--web.enable-lifecycle",
	}, opts.Args...)

	s := &Server{
		URL:    "http://" + addr,
		cmd:    exec.Command(prometheus, args...),
		log:    &logBuffer{},
		exited: make(chan struct{}),
		client: &http.Client{Timeout: 10 * time.Second},
	}
	s.cmd.Stdout = s.log
	s.cmd.Stderr = s.log
	s.cmd.Dir = storage // keep any stray files out of the source tree
	if err := s.cmd.Start(); err != nil {
		return s, fmt.Errorf("starting %s: %v", prometheus, err)
	}
	go func() {
		_ = s.cmd.Wait()
		close(s.exited)
	}()
	t.Cleanup(func() {
		s.stop()
		if t.Failed() {
			t.Logf("prometheus log (%s %s):\n%s", prometheus, strings.Join(args, " "), s.log.String())
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
			return fmt.Errorf("prometheus exited before becoming ready: %v", s.cmd.ProcessState)
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
	return fmt.Errorf("prometheus not ready at %s/-/ready after %s (last: %s)", s.URL, timeout, last)
}

// stop terminates the server: SIGTERM, then SIGKILL after stopTimeout.
func (s *Server) stop() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	select {
	case <-s.exited:
		return
	default:
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
	case <-time.After(stopTimeout):
		_ = s.cmd.Process.Kill()
		<-s.exited
	}
}

// Log returns the server's output so far.
func (s *Server) Log() string { return s.log.String() }

// RuleGroup is a rule group as reported by /api/v1/rules.
type RuleGroup struct {
	Name     string  `json:"name"`
	File     string  `json:"file"`
	Interval float64 `json:"interval"` // seconds
	Rules    []Rule  `json:"rules"`
}

// Rule is an alerting or recording rule as reported by /api/v1/rules.
type Rule struct {
	Name        string            `json:"name"`
	Type        string            `json:"type"` // "alerting" or "recording"
	Query       string            `json:"query"`
	Health      string            `json:"health"` // "ok", "err" or "unknown"
	LastError   string            `json:"lastError"`
	Labels      map[string]string `json:"labels"`
	Annotations map[string]string `json:"annotations"` // alerting only
	Duration    float64           `json:"duration"`    // alerting only: `for`, in seconds
	State       string            `json:"state"`       // alerting only: "inactive", "pending" or "firing"
}

// Target is an active scrape target as reported by /api/v1/targets.
type Target struct {
	ScrapePool       string            `json:"scrapePool"`
	ScrapeURL        string            `json:"scrapeUrl"`
	Health           string            `json:"health"` // "up", "down" or "unknown"
	LastError        string            `json:"lastError"`
	Labels           map[string]string `json:"labels"`
	DiscoveredLabels map[string]string `json:"discoveredLabels"`
	LastScrape       time.Time         `json:"lastScrape"`
}

// Sample is one element of an instant-query vector result.
type Sample struct {
	Metric map[string]string
	Time   time.Time
	Value  float64
}

// Rules returns the rule groups the server has loaded.
func (s *Server) Rules(ctx context.Context) ([]RuleGroup, error) {
	var data struct {
		Groups []RuleGroup `json:"groups"`
	}
	if err := s.get(ctx, "/api/v1/rules", nil, &data); err != nil {
		return nil, err
	}
	return data.Groups, nil
}

// Targets returns the server's active scrape targets.
func (s *Server) Targets(ctx context.Context) ([]Target, error) {
	var data struct {
		ActiveTargets []Target `json:"activeTargets"`
	}
	if err := s.get(ctx, "/api/v1/targets", url.Values{"state": {"active"}}, &data); err != nil {
		return nil, err
	}
	return data.ActiveTargets, nil
}

// Query runs an instant query at the current time. A scalar result is
// returned as one sample with no labels.
func (s *Server) Query(ctx context.Context, expr string) ([]Sample, error) {
	var data struct {
		ResultType string          `json:"resultType"`
		Result     json.RawMessage `json:"result"`
	}
	if err := s.get(ctx, "/api/v1/query", url.Values{"query": {expr}}, &data); err != nil {
		return nil, err
	}
	switch data.ResultType {
	case "vector":
		var vec []struct {
			Metric map[string]string `json:"metric"`
			Value  [2]any            `json:"value"`
		}
		if err := json.Unmarshal(data.Result, &vec); err != nil {
			return nil, fmt.Errorf("query %q: %v", expr, err)
		}
		out := make([]Sample, 0, len(vec))
		for _, v := range vec {
			smp, err := parseSample(v.Value)
			if err != nil {
				return nil, fmt.Errorf("query %q: %v", expr, err)
			}
			smp.Metric = v.Metric
			out = append(out, smp)
		}
		return out, nil
	case "scalar":
		var v [2]any
		if err := json.Unmarshal(data.Result, &v); err != nil {
			return nil, fmt.Errorf("query %q: %v", expr, err)
		}
		smp, err := parseSample(v)
		if err != nil {
			return nil, fmt.Errorf("query %q: %v", expr, err)
		}
		return []Sample{smp}, nil
	default:
		return nil, fmt.Errorf("query %q: unsupported result type %q", expr, data.ResultType)
	}
}

func parseSample(v [2]any) (Sample, error) {
	ts, ok := v[0].(float64)
	if !ok {
		return Sample{}, fmt.Errorf("bad sample timestamp %v", v[0])
	}
	str, ok := v[1].(string)
	if !ok {
		return Sample{}, fmt.Errorf("bad sample value %v", v[1])
	}
	f, err := strconv.ParseFloat(str, 64)
	if err != nil {
		return Sample{}, fmt.Errorf("bad sample value %q: %v", str, err)
	}
	return Sample{Time: time.UnixMilli(int64(ts * 1000)), Value: f}, nil
}

// Reload asks the server to reload its configuration (POST /-/reload).
func (s *Server) Reload(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL+"/-/reload", nil)
	if err != nil {
		return err
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("reload: %s: %s", resp.Status, bytes.TrimSpace(body))
	}
	return nil
}

// WaitTargetUp polls /api/v1/targets until an active target of the job
// (its job label or scrape pool) has health "up", and returns it. It fails
// the test, showing the targets last seen, if that does not happen within
// timeout.
func (s *Server) WaitTargetUp(t testing.TB, job string, timeout time.Duration) Target {
	t.Helper()
	deadline := time.Now().Add(timeout)
	maxPolls := int(timeout/pollInterval) + 1
	var seen []Target
	var lastErr error
	for range maxPolls {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		targets, err := s.Targets(ctx)
		cancel()
		if err == nil {
			seen, lastErr = nil, nil
			for _, tg := range targets {
				if tg.Labels["job"] != job && tg.ScrapePool != job {
					continue
				}
				if tg.Health == "up" {
					return tg
				}
				seen = append(seen, tg)
			}
		} else {
			lastErr = err
		}
		if time.Now().After(deadline) {
			break
		}
		time.Sleep(pollInterval)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "promserver: no target of job %q up after %s", job, timeout)
	if lastErr != nil {
		fmt.Fprintf(&b, "; last error: %v", lastErr)
	}
	if len(seen) == 0 {
		b.WriteString("; no active target of that job")
	}
	for _, tg := range seen {
		fmt.Fprintf(&b, "\n  %s health=%s lastError=%q", tg.ScrapeURL, tg.Health, tg.LastError)
	}
	t.Fatal(b.String())
	return Target{}
}

// apiResponse is the envelope of every /api/v1 answer.
type apiResponse struct {
	Status    string          `json:"status"`
	Data      json.RawMessage `json:"data"`
	ErrorType string          `json:"errorType"`
	Error     string          `json:"error"`
}

func (s *Server) get(ctx context.Context, path string, params url.Values, out any) error {
	u := s.URL + path
	if len(params) > 0 {
		u += "?" + params.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return fmt.Errorf("GET %s: %v", path, err)
	}
	var env apiResponse
	if err := json.Unmarshal(body, &env); err != nil {
		return fmt.Errorf("GET %s: %s: %v", path, resp.Status, err)
	}
	if env.Status != "success" {
		return fmt.Errorf("GET %s: %s: %s: %s", path, resp.Status, env.ErrorType, env.Error)
	}
	if err := json.Unmarshal(env.Data, out); err != nil {
		return fmt.Errorf("GET %s: decoding data: %v", path, err)
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
