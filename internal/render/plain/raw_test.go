package plain

import (
	"strings"
	"testing"

	"github.com/mongen-dev/mongen/internal/render/encode"
)

const base = encode.Header + "global:\n  scrape_interval: 30s\nscrape_configs:\n  - job_name: app\n    static_configs:\n      - targets: [a:1]\n"

// TestRawScrapeConfigs: raw configs are appended as written, sorted by
// job; a job_name that is not the key, or a credential's value, is refused.
func TestRawScrapeConfigs(t *testing.T) {
	out, err := appendRawScrapeConfigs([]byte(base), map[string]string{
		"zz":    "job_name: zz\nfile_sd_configs:\n  - files: [/x/*.json]\n",
		"files": "job_name: files\nbasic_auth:\n  username: u\n  password_file: /etc/prometheus/secrets/s/p\nfile_sd_configs:\n  - files: [/y/*.json]\n",
	})
	if err != nil {
		t.Fatal(err)
	}
	s := string(out)
	a, f, z := strings.Index(s, "job_name: app"), strings.Index(s, "job_name: files"), strings.Index(s, "job_name: zz")
	if a < 0 || f < a || z < f {
		t.Errorf("raw configs not appended in order:\n%s", s)
	}
	if !strings.HasPrefix(s, encode.Header) || strings.Count(s, encode.Header) != 1 {
		t.Errorf("header repeated:\n%s", s)
	}
	if !strings.Contains(s, "password_file: /etc/prometheus/secrets/s/p") {
		t.Errorf("raw config not verbatim:\n%s", s)
	}
	for _, c := range []struct{ raw, want string }{
		{"job_name: other\n", `job_name is "other": it must be the key`},
		{"job_name: j\nbasic_auth:\n  password: hunter2\n", "password holds a credential's value"},
		{"job_name: j\nauthorization:\n  credentials: t0ken\n", "credentials holds a credential's value"},
		{"- a\n", "not a scrape config"},
	} {
		_, err := appendRawScrapeConfigs([]byte(base), map[string]string{"j": c.raw})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("raw %q: got %v, want %q", c.raw, err, c.want)
		}
		if err != nil && (strings.Contains(err.Error(), "hunter2") || strings.Contains(err.Error(), "t0ken")) {
			t.Errorf("error quotes the credential: %v", err)
		}
	}
}
