package amserver

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	// maxWebhookMessages caps the messages a WebhookSink keeps; later ones
	// are answered 200 and counted as dropped.
	maxWebhookMessages = 10000
	// maxWebhookBody caps one request body.
	maxWebhookBody = 8 << 20
	// maxWebhookErrors caps the bad requests a WebhookSink remembers.
	maxWebhookErrors = 100
)

// WebhookMessage is one notification in Alertmanager's webhook format
// (version "4"), as sent by a webhook_configs receiver.
type WebhookMessage struct {
	Version           string            `json:"version"`
	GroupKey          string            `json:"groupKey"`
	TruncatedAlerts   int               `json:"truncatedAlerts"`
	Status            string            `json:"status"` // "firing" or "resolved"
	Receiver          string            `json:"receiver"`
	GroupLabels       map[string]string `json:"groupLabels"`
	CommonLabels      map[string]string `json:"commonLabels"`
	CommonAnnotations map[string]string `json:"commonAnnotations"`
	ExternalURL       string            `json:"externalURL"`
	Alerts            []WebhookAlert    `json:"alerts"`

	// Path is the request's URL path, so that one sink can serve several
	// receivers at URL()+"/a", URL()+"/b".
	Path string `json:"-"`
	// ReceivedAt is when the sink got the message.
	ReceivedAt time.Time `json:"-"`
}

// WebhookAlert is one alert of a WebhookMessage.
type WebhookAlert struct {
	Status       string            `json:"status"` // "firing" or "resolved"
	Labels       map[string]string `json:"labels"`
	Annotations  map[string]string `json:"annotations"`
	StartsAt     time.Time         `json:"startsAt"`
	EndsAt       time.Time         `json:"endsAt"`
	GeneratorURL string            `json:"generatorURL"`
	Fingerprint  string            `json:"fingerprint"`
}

// WebhookSink is an HTTP server on loopback that records the webhook
// notifications Alertmanager sends it. It is safe for concurrent use and is
// closed when the test ends. Create sinks before starting the Alertmanager
// that posts to them, so that the server is stopped first.
type WebhookSink struct {
	srv *httptest.Server

	mu      sync.Mutex
	msgs    []WebhookMessage
	dropped int
	errs    []string
	changed chan struct{} // closed and replaced on every new message
}

// NewWebhookSink starts a WebhookSink. It answers 200 to every well-formed
// POST and 400 to anything else (recording the error for failure messages).
func NewWebhookSink(t testing.TB) *WebhookSink {
	t.Helper()
	s := &WebhookSink{changed: make(chan struct{})}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	t.Cleanup(s.srv.Close)
	return s
}

// URL returns the sink's base URL, e.g. http://127.0.0.1:41235. Any path
// below it is accepted and recorded in WebhookMessage.Path.
func (s *WebhookSink) URL() string { return s.srv.URL }

func (s *WebhookSink) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		s.badRequest(w, fmt.Sprintf("%s %s: want POST", r.Method, r.URL.Path))
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxWebhookBody+1))
	if err != nil {
		s.badRequest(w, fmt.Sprintf("POST %s: reading body: %v", r.URL.Path, err))
		return
	}
	if len(body) > maxWebhookBody {
		s.badRequest(w, fmt.Sprintf("POST %s: body over %d bytes", r.URL.Path, maxWebhookBody))
		return
	}
	var m WebhookMessage
	if err := json.Unmarshal(body, &m); err != nil {
		s.badRequest(w, fmt.Sprintf("POST %s: %v: %.200q", r.URL.Path, err, body))
		return
	}
	m.Path = r.URL.Path
	m.ReceivedAt = time.Now()

	s.mu.Lock()
	if len(s.msgs) < maxWebhookMessages {
		s.msgs = append(s.msgs, m)
		close(s.changed)
		s.changed = make(chan struct{})
	} else {
		s.dropped++
	}
	s.mu.Unlock()
	w.WriteHeader(http.StatusOK)
}

func (s *WebhookSink) badRequest(w http.ResponseWriter, msg string) {
	s.mu.Lock()
	if len(s.errs) < maxWebhookErrors {
		s.errs = append(s.errs, msg)
	}
	s.mu.Unlock()
	http.Error(w, msg, http.StatusBadRequest)
}

// Received returns a copy of the messages received so far, oldest first.
func (s *WebhookSink) Received() []WebhookMessage {
	msgs, _ := s.snapshot()
	return msgs
}

func (s *WebhookSink) snapshot() ([]WebhookMessage, <-chan struct{}) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]WebhookMessage(nil), s.msgs...), s.changed
}

// WaitFor waits until pred accepts the messages received so far (oldest
// first) and returns them. pred is called once at once and again after each
// new message. It fails the test, listing what was received, if that does not
// happen within timeout.
func (s *WebhookSink) WaitFor(t testing.TB, pred func([]WebhookMessage) bool, timeout time.Duration) []WebhookMessage {
	t.Helper()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		msgs, changed := s.snapshot()
		if pred(msgs) {
			return msgs
		}
		select {
		case <-changed:
		case <-timer.C:
			t.Fatalf("amserver: webhook sink %s: condition not met after %s; %s", s.URL(), timeout, s.Summary())
			return nil
		}
	}
}

// Summary describes what the sink received, for failure messages.
func (s *WebhookSink) Summary() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var b strings.Builder
	fmt.Fprintf(&b, "%d message(s) received", len(s.msgs))
	if s.dropped > 0 {
		fmt.Fprintf(&b, " (%d more dropped)", s.dropped)
	}
	for _, m := range s.msgs {
		fmt.Fprintf(&b, "\n  %s receiver=%q status=%s groupLabels=%v alerts:",
			m.Path, m.Receiver, m.Status, m.GroupLabels)
		for _, a := range m.Alerts {
			fmt.Fprintf(&b, " %s%v", a.Status, a.Labels)
		}
	}
	for _, e := range s.errs {
		fmt.Fprintf(&b, "\n  bad request: %s", e)
	}
	return b.String()
}
