package load

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestCheckHostPort(t *testing.T) {
	for addr, want := range map[string]string{
		"localhost:9090":         "",
		"node-1.example.com":     "",
		"10.0.0.1:9100":          "",
		"[2001:db8::1]:9100":     "",
		"not-a-host:::":          "too many colons in address",
		"host:http":              "the port is not a number from 1 to 65535",
		"host:70000":             "the port is not a number from 1 to 65535",
		":9100":                  "no host",
		"exa_mple..com:1":        "the host is neither a DNS name nor an IP address",
		"http://example.com:80":  "it is a URL; the scheme goes in the scheme field",
		"example.com/metrics:80": "the host is neither a DNS name nor an IP address",
	} {
		if got := checkHostPort(addr); got != want {
			t.Errorf("checkHostPort(%q) = %q, want %q", addr, got, want)
		}
	}
}

func TestBadChar(t *testing.T) {
	for s, want := range map[string]string{
		"localhost:9090":           "",
		"localhost:9090\nfoo: bar": "a line break",
		"a\tb":                     "a tab",
		"a b":                      "a space",
		"a\x00b":                   "the control character U+0000",
	} {
		if got := badChar(s); got != want {
			t.Errorf("badChar(%q) = %q, want %q", s, got, want)
		}
	}
}

func TestEnvDirName(t *testing.T) {
	root := writeFiles(t, map[string]string{
		"environments/Dev Env/a.cue":    "// the environment\n\npackage dev\n",
		"environments/Dev Env/b.cue":    "package dev\n",
		"environments/Empty Env/README": "no CUE here\n",
	})
	if err := checkEnvDir(root, Ref{Name: "prod-eu", Dir: "environments/prod-eu"}, nil); err != nil {
		t.Errorf("a valid name refused: %v", err)
	}
	// At the package clause of the directory's first CUE file.
	err := checkEnvDir(root, Ref{Name: "Dev Env", Dir: "environments/Dev Env"}, nil)
	want := `environments/Dev Env/a.cue:3:1: environments/Dev Env: an environment directory is named like env.name, in lowercase letters, digits and - (a Kubernetes DNS-1123 label): rename the directory, for example to "dev-env"`
	if err == nil || err.Error() != want {
		t.Errorf("got  %v\nwant %s", err, want)
	}
	// The same from a tree that is not the disk (a git revision).
	src := fstest.MapFS{"environments/Dev Env/z.cue": {Data: []byte("package dev\n")}}
	if err := checkEnvDir(root, Ref{Name: "Dev Env", Dir: "environments/Dev Env"}, src); err == nil || !strings.HasPrefix(err.Error(), "environments/Dev Env/z.cue:1:1: environments/Dev Env: ") {
		t.Errorf("from a tree: %v", err)
	}
	// Without a CUE file, the directory is the place.
	if err := checkEnvDir(root, Ref{Name: "Empty Env", Dir: "environments/Empty Env"}, nil); err == nil || !strings.HasPrefix(err.Error(), "environments/Empty Env: an environment directory") {
		t.Errorf("without CUE: %v", err)
	}
}
