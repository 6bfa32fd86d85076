package procserver

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	defaultReadyTimeout = 60 * time.Second
	stopTimeout         = 15 * time.Second
	// startAttempts bounds retries when the chosen port is taken between
	// picking it and the server binding it.
	startAttempts = 3
	// maxLogBytes caps the captured server log; older output is dropped.
	maxLogBytes = 1 << 20
	// maxResponseBytes caps the body Do reads.
	maxResponseBytes = 64 << 20
)

// Options tunes the start of a server. The zero value is ready to use.
type Options struct {
	// ReadyTimeout bounds the wait for /-/ready. Default 60s.
	ReadyTimeout time.Duration
	// Args are extra command-line flags for the server, after those of
	// Spec.Flags.
	Args []string
}

// Spec says how to start a server.
type Spec struct {
	// Prefix starts Start's messages, e.g. "promserver".
	Prefix string
	// Name names the server in messages, e.g. "prometheus".
	Name string
	// Path is the server binary.
	Path string
	// ConfigFile is the server's configuration file, passed as
	// --config.file.
	ConfigFile string
	// Flags returns the server's command-line flags, after --config.file and
	// --web.listen-address, for keeping its data in dir, a fresh temporary
	// directory that is also its working directory.
	Flags func(dir string) []string
	// Options are the caller's.
	Options Options
}

// Process is a running server, stopped at the end of the test.
type Process struct {
	// URL is the server's base URL, e.g. http://127.0.0.1:41234.
	URL string
	// Client is an HTTP client for talking to the server, with a timeout.
	Client *http.Client

	cmd    *exec.Cmd
	log    *logBuffer
	exited chan struct{} // closed when the process has exited
}

// Start runs the server with its configuration file on a free loopback port
// (--web.listen-address), in its own process group, with a temporary data
// directory, and waits until /-/ready answers 200. It retries on a port
// clash, and fails the test if the server does not get ready. The server's process group is stopped when the test ends, and its
// log is written to the test log if the test failed.
func Start(t testing.TB, spec Spec) *Process {
	t.Helper()
	if spec.Options.ReadyTimeout <= 0 {
		spec.Options.ReadyTimeout = defaultReadyTimeout
	}
	var lastErr error
	for attempt := 1; attempt <= startAttempts; attempt++ {
		p, err := start(t, spec)
		if err == nil {
			return p
		}
		lastErr = err
		if !strings.Contains(p.log.String(), "address already in use") {
			break
		}
		t.Logf("%s: port clash on attempt %d, retrying", spec.Prefix, attempt)
	}
	t.Fatalf("%s: %v", spec.Prefix, lastErr)
	return nil
}

// start makes one attempt. On error the returned Process is non-nil (with its
// log) and has been stopped.
func start(t testing.TB, spec Spec) (*Process, error) {
	t.Helper()
	// TempDir before the stop cleanup: cleanups run last-in first-out, so
	// the process is dead before its data directory is removed.
	dir := t.TempDir()
	addr, err := freeLoopbackAddr()
	if err != nil {
		return &Process{log: &logBuffer{}}, err
	}
	args := append([]string{"--config.file=" + spec.ConfigFile, "--web.listen-address=" + addr}, spec.Flags(dir)...)
	args = append(args, spec.Options.Args...)
	p := &Process{
		URL:    "http://" + addr,
		Client: &http.Client{Timeout: 10 * time.Second},
		cmd:    exec.Command(spec.Path, args...),
		log:    &logBuffer{},
		exited: make(chan struct{}),
	}
	p.cmd.Stdout = p.log
	p.cmd.Stderr = p.log
	p.cmd.Dir = dir // keep any stray files out of the source tree
	newProcessGroup(p.cmd)
	if err := p.cmd.Start(); err != nil {
		return p, fmt.Errorf("starting %s: %v", spec.Path, err)
	}
	go func() {
		_ = p.cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		p.stop()
		if t.Failed() {
			t.Logf("%s log (%s %s):\n%s", spec.Name, spec.Path, strings.Join(args, " "), p.log.String())
		}
	})

	if err := p.waitReady(spec.Name, spec.Options.ReadyTimeout); err != nil {
		p.stop()
		return p, err // the cleanup above shows the log
	}
	return p, nil
}

func freeLoopbackAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	addr := l.Addr().String()
	return addr, l.Close()
}

func (p *Process) waitReady(name string, timeout time.Duration) error {
	var last string
	var exited error
	ready := Poll(timeout, func() bool {
		select {
		case <-p.exited:
			exited = fmt.Errorf("%s exited before becoming ready: %v", name, p.cmd.ProcessState)
			return true
		default:
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, p.URL+"/-/ready", nil)
		resp, err := p.Client.Do(req)
		if err != nil {
			last = err.Error()
			return false
		}
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
		resp.Body.Close()
		last = resp.Status
		return resp.StatusCode == http.StatusOK
	})
	switch {
	case exited != nil:
		return exited
	case !ready:
		return fmt.Errorf("%s not ready at %s/-/ready after %s (last: %s)", name, p.URL, timeout, last)
	}
	return nil
}

// stop terminates the server's process group: SIGTERM, then SIGKILL after
// stopTimeout.
func (p *Process) stop() {
	if p.cmd == nil || p.cmd.Process == nil {
		return
	}
	select {
	case <-p.exited:
		return
	default:
	}
	terminate(p.cmd)
	select {
	case <-p.exited:
	case <-time.After(stopTimeout):
		kill(p.cmd)
		<-p.exited
	}
}

// Log returns the server's output so far.
func (p *Process) Log() string { return p.log.String() }

// Do sends a request for path, with the query params (if any) and body (if
// not nil, as JSON), to the server, and returns its answer, whose body is
// already read (at most 64 MiB of it) and closed.
func (p *Process) Do(ctx context.Context, method, path string, params url.Values, body []byte) (*http.Response, []byte, error) {
	u := p.URL + path
	if len(params) > 0 {
		u += "?" + params.Encode()
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return nil, nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := p.Client.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if err != nil {
		return nil, nil, fmt.Errorf("%s %s: %v", method, path, err)
	}
	return resp, data, nil
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
