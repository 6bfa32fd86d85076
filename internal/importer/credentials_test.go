package importer

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The files import writes pass the credential gate last: a credential the
// conversion missed stops the write, named by file, line and field, never
// quoted, and nothing is written.
func TestWriteGatesCredentials(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "environments", "dev")
	imp := &Import{Files: map[string][]byte{
		"dev.cue":     []byte("package dev\n\nenv: name: \"dev\"\n"),
		"targets.cue": []byte("package dev\n\nenv: targets: app: {\n\tlabels: api_token: \"GATEDSECRET1\"\n\tpath: \"/m?private_token=GATEDSECRET2\"\n}\n"),
	}}
	_, err := imp.Write(dir, false)
	if err == nil {
		t.Fatal("written")
	}
	msg := err.Error()
	for _, want := range []string{
		"dev/targets.cue:4:21: env.targets.app.labels.api_token: a credential field (api_token): a credential would be written",
		"dev/targets.cue:5:8: env.targets.app.path: a URL with a credential in its query: a credential would be written",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error:\n%s\nwant: %s", msg, want)
		}
	}
	if strings.Contains(msg, "GATEDSECRET") {
		t.Errorf("the error quotes a credential:\n%s", msg)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("%s was written", dir)
	}
}
