package load

import (
	"regexp"
	"strings"
	"testing"

	"github.com/mongen-dev/mongen/internal/diag"
)

// TestValidateReportsEachProblemAtItsLine: what the schema cannot say
// (validate.go), written wrong in one environment, is one diagnostic per
// problem, each at the line of the environment's file that holds the
// value, in position order, none quoting a credential.
func TestValidateReportsEachProblemAtItsLine(t *testing.T) {
	body := `	name: "prod"
	targets: app: {
		kind: "static"
		addresses: ["not-a-host:::"]
		interval: "10s"
		timeout: "20s"
		relabel: [{sourceLabels: ["instance"], regex: "([", targetLabel: "host"}]
	}
	remoteWrite: [{url: "https://exa mple.com/api/v1/write"}]
	rawScrapeConfigs: legacy: """
		job_name: legacy
		scrape_interval: banana
		"""`
	root := writeFiles(t, map[string]string{
		"cue.mod/module.cue":         userModule,
		"environments/prod/prod.cue": envFile(body),
	})
	_, err := Environment(root, Ref{Name: "prod", Dir: "environments/prod"}, Options{})
	l, ok := diag.As(err)
	if !ok {
		t.Fatalf("want diagnostics, got %v", err)
	}
	src := envFile(body)
	lineOf := func(s string) int {
		for i, line := range strings.Split(src, "\n") {
			if strings.Contains(line, s) {
				return i + 1
			}
		}
		t.Fatalf("%q is not in the file", s)
		return 0
	}
	want := []struct {
		line int
		msg  *regexp.Regexp
	}{
		{lineOf(`addresses: ["not-a-host:::"]`), regexp.MustCompile(`^targets\.app\.addresses\[0\]: "not-a-host:::" is not a host:port address`)},
		{lineOf(`timeout: "20s"`), regexp.MustCompile(`^targets\.app\.timeout: 20s is longer than its interval \(10s\)`)},
		{lineOf(`regex: "(["`), regexp.MustCompile(`^targets\.app\.relabel\[0\]\.regex: the regex "\(\[" does not compile`)},
		{lineOf(`exa mple.com`), regexp.MustCompile(`^remoteWrite\[0\]\.url: the URL holds a space`)},
		{lineOf(`rawScrapeConfigs: legacy`), regexp.MustCompile(`^rawScrapeConfigs\.legacy: Prometheus refuses this scrape config`)},
	}
	for _, w := range want {
		found := false
		for _, d := range l {
			if w.msg.MatchString(d.Msg) {
				found = true
				if d.Pos.File != "environments/prod/prod.cue" || d.Pos.Line != w.line || d.Pos.Col == 0 {
					t.Errorf("%q at %v, want environments/prod/prod.cue:%d:<col>", d.Msg, d.Pos, w.line)
				}
			}
		}
		if !found {
			t.Errorf("no diagnostic matches %s in:\n%v", w.msg, err)
		}
	}
	for i := 1; i < len(l); i++ {
		if l[i].Pos.Less(l[i-1].Pos) {
			t.Errorf("not in position order: %v before %v", l[i-1].Pos, l[i].Pos)
		}
	}
}
