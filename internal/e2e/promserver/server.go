package promserver

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mongen-dev/mongen/internal/e2e/procserver"
)

// Options tunes Start. The zero value is ready to use. Its Args are extra
// command-line flags for the server, e.g. "--enable-feature=...": Start
// always sets --config.file, --web.listen-address, --storage.tsdb.path and
// --web.enable-lifecycle.
type Options = procserver.Options

// Server is a running Prometheus server, stopped at the end of the test.
type Server struct {
	// URL is the server's base URL, e.g. http://127.0.0.1:41234.
	URL string

	proc *procserver.Process
}

// Start runs prometheus with configPath on a free loopback port, with its
// TSDB in a temporary directory, and waits until /-/ready answers 200. The
// server is stopped when the test ends, and its log is written to the test
// log if the test failed.
func Start(t testing.TB, prometheus, configPath string, opts Options) *Server {
	t.Helper()
	p := procserver.Start(t, procserver.Spec{
		Prefix:     "promserver",
		Name:       "prometheus",
		Path:       prometheus,
		ConfigFile: configPath,
		Flags: func(dir string) []string {
			return []string{"--storage.tsdb.path=" + dir, "--web.enable-lifecycle"}
		},
		Options: opts,
	})
	return &Server{URL: p.URL, proc: p}
}

// Log returns the server's output so far.
func (s *Server) Log() string { return s.proc.Log() }

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
	resp, body, err := s.proc.Do(ctx, http.MethodPost, "/-/reload", nil, nil)
	if err != nil {
		return err
	}
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
	var seen []Target
	var lastErr error
	var up Target
	if procserver.Poll(timeout, func() bool {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		targets, err := s.Targets(ctx)
		if err != nil {
			lastErr = err
			return false
		}
		seen, lastErr = nil, nil
		for _, tg := range targets {
			if tg.Labels["job"] != job && tg.ScrapePool != job {
				continue
			}
			if tg.Health == "up" {
				up = tg
				return true
			}
			seen = append(seen, tg)
		}
		return false
	}) {
		return up
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
	resp, body, err := s.proc.Do(ctx, http.MethodGet, path, params, nil)
	if err != nil {
		return err
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
