//go:build unix

package procserver

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

func writeFile(t *testing.T, path, content string, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
}

func TestPinnedVersion(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ goMod, want string }{
		{"module x\n\nrequire example.com/srv v1.2.3\n", "v1.2.3"},
		{"module x\n\nrequire (\n\texample.com/other v9.9.9\n\texample.com/srv v0.316.0 // indirect\n)\n", "v0.316.0"},
		{"module x\n\nrequire example.com/srv/v2 v2.0.0\n", ""},
	} {
		goMod := filepath.Join(dir, "go.mod")
		writeFile(t, goMod, tc.goMod, 0o644)
		got, err := PinnedVersion(goMod, "example.com/srv")
		if got != tc.want || (err == nil) != (tc.want != "") {
			t.Errorf("PinnedVersion(%q) = %q, %v; want %q", tc.goMod, got, err, tc.want)
		}
	}
}

// TestInstall runs Binaries in a fake repository whose install script
// "builds" by writing two shell scripts, and checks that it is run once and
// that BinDirEnv takes precedence.
func TestInstall(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "go.mod"), "module "+rootModulePath+"\n", 0o644)
	writeFile(t, filepath.Join(root, "tools/srv/go.mod"), "module tools\n\nrequire example.com/srv v1.2.3\n", 0o644)
	writeFile(t, filepath.Join(root, "scripts/install-srv.sh"), `set -eu
echo run >>runs
mkdir -p .cache/bin
for b in srv srvtool; do printf '#!/bin/sh\n' >.cache/bin/$b-v1.2.3; chmod +x .cache/bin/$b-v1.2.3; done
echo "building" >&2
printf '%s\n%s\n' "$PWD/.cache/bin/srv-v1.2.3" "$PWD/.cache/bin/srvtool-v1.2.3"
`, 0o644)
	t.Chdir(filepath.Join(root, "tools"))

	in := &Install{Prefix: "test", Product: "Srv", Server: "srv", Tool: "srvtool", BinDirEnv: "MONGEN_TEST_SRV_BIN_DIR",
		Module: "example.com/srv", GoMod: "tools/srv/go.mod", Script: "scripts/install-srv.sh", ColdBuild: "no time"}
	t.Setenv(in.BinDirEnv, "")
	for range 2 {
		srv, tool := in.Binaries(t)
		if srv != filepath.Join(root, ".cache/bin/srv-v1.2.3") || tool != filepath.Join(root, ".cache/bin/srvtool-v1.2.3") {
			t.Fatalf("Binaries = %s, %s", srv, tool)
		}
	}
	if runs, err := os.ReadFile(filepath.Join(root, "runs")); err != nil || string(runs) != "run\n" {
		t.Errorf("install script runs: %q, %v; want one", runs, err)
	}

	prebuilt := t.TempDir()
	writeFile(t, filepath.Join(prebuilt, "srv"), "#!/bin/sh\n", 0o755)
	writeFile(t, filepath.Join(prebuilt, "srvtool"), "#!/bin/sh\n", 0o755)
	t.Setenv(in.BinDirEnv, prebuilt)
	if srv, tool := in.Binaries(t); srv != filepath.Join(prebuilt, "srv") || tool != filepath.Join(prebuilt, "srvtool") {
		t.Errorf("Binaries with %s set = %s, %s", in.BinDirEnv, srv, tool)
	}
}

func TestToolRun(t *testing.T) {
	tl := Tool{Name: "test: sh", Timeout: time.Minute, Env: []string{"MONGEN_TEST_X=42"}}
	out, code := tl.Run(t, "/bin/sh", "-c", `echo "out $MONGEN_TEST_X"; echo err >&2; exit 3`)
	if code != 3 || !strings.Contains(out, "out 42\n") || !strings.Contains(out, "err\n") {
		t.Errorf("Run = %q, %d; want both streams, the environment and exit 3", out, code)
	}
	if out, code := tl.Run(t, "/bin/sh", "-c", "true"); code != 0 || out != "" {
		t.Errorf("Run true = %q, %d", out, code)
	}
}

// TestStartExitedServer starts a "server" that prints its flags and exits.
func TestStartExitedServer(t *testing.T) {
	fake := filepath.Join(t.TempDir(), "fake")
	writeFile(t, fake, "#!/bin/sh\necho \"args: $*\"\nexit 1\n", 0o755)
	p, err := start(t, Spec{Prefix: "test", Name: "fake", Path: fake, ConfigFile: "x.yml",
		Flags:   func(dir string) []string { return []string{"--data=" + dir} },
		Options: Options{ReadyTimeout: 10 * time.Second, Args: []string{"--extra"}}})
	if err == nil || !strings.Contains(err.Error(), "fake exited before becoming ready") {
		t.Fatalf("start = %v; want an early exit", err)
	}
	want := regexp.MustCompile(`^args: --config.file=x.yml --web.listen-address=127.0.0.1:\d+ --data=/\S+ --extra\n$`)
	if !want.MatchString(p.Log()) {
		t.Errorf("log %q does not match %s", p.Log(), want)
	}
}

func TestPoll(t *testing.T) {
	n := 0
	if !Poll(time.Second, func() bool { n++; return n == 3 }) || n != 3 {
		t.Errorf("Poll stopped after %d tries", n)
	}
	n = 0
	if Poll(3*PollInterval, func() bool { n++; return false }) || n < 2 {
		t.Errorf("Poll of a failing try: %d tries", n)
	}
}

func TestLogBufferCaps(t *testing.T) {
	var b logBuffer
	line := strings.Repeat("x", 99) + "\n"
	for range maxLogBytes/len(line) + 10 {
		_, _ = b.Write([]byte(line))
	}
	s := b.String()
	if !strings.HasPrefix(s, "[1000 earlier bytes dropped]\n"+line) || len(s) > maxLogBytes+64 {
		t.Errorf("log starts %q, %d bytes", s[:min(len(s), 60)], len(s))
	}
}
