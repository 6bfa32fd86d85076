//go:build unix

package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// runMain runs mongen in-process in dir and fails the test when it does not
// return in time (a read blocked on a pipe).
func runMain(t *testing.T, dir string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	t.Chdir(dir)
	var out, errb bytes.Buffer
	done := make(chan int, 1)
	go func() { done <- Main(args, &out, &errb) }()
	select {
	case code = <-done:
	case <-time.After(30 * time.Second):
		t.Fatalf("mongen %s did not return: blocked reading its input", strings.Join(args, " "))
	}
	return code, out.String(), errb.String()
}

// limitsRepo is a repository root with one valid rule file, a named pipe,
// a 100 MB sparse file and a directory named like a rule file.
func limitsRepo(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"cue.mod/module.cue": "module: \"example.com/mon@v0\"\nlanguage: version: \"v0.17.0\"\n",
		"ok.yml":             "groups:\n- name: g\n  rules:\n  - record: job:up:sum\n    expr: sum by (job) (up)\n",
	}
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe.yml"), 0o644); err != nil {
		t.Fatal(err)
	}
	big, err := os.Create(filepath.Join(dir, "big.yml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := big.Truncate(100 << 20); err != nil {
		t.Fatal(err)
	}
	big.Close()
	if err := os.Mkdir(filepath.Join(dir, "dir.yml"), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestInputLimits: mongen vet FILE and mongen import refuse what is not a
// regular file and what is over the size limit before reading it, naming
// the file, the limit and what to do.
func TestInputLimits(t *testing.T) {
	dir := limitsRepo(t)
	const notRegular = "; mongen reads only regular files: name a regular file instead"
	cases := []struct {
		file, want string
	}{
		{"pipe.yml", "pipe.yml: is a named pipe (FIFO)" + notRegular},
		{"/dev/zero", "/dev/zero: is a character device" + notRegular},
		{"dir.yml", "dir.yml: is a directory" + notRegular},
		{"big.yml", "big.yml: is 100 MiB, more than the "},
	}
	limits := map[string]string{
		"vet":    "8 MiB limit of a rule or configuration file: split it and pass the parts to separate runs",
		"import": "2 MiB limit of a file to import: import its rule groups in parts",
	}
	for _, tc := range cases {
		for _, cmd := range []string{"vet", "import"} {
			t.Run(cmd+"/"+filepath.Base(tc.file), func(t *testing.T) {
				args := []string{cmd, "ok.yml", tc.file}
				if cmd == "import" {
					args = []string{cmd, "--check", "ok.yml", tc.file}
				}
				var before, after runtime.MemStats
				runtime.ReadMemStats(&before)
				code, stdout, stderr := runMain(t, dir, args...)
				runtime.ReadMemStats(&after)
				if code != ExitFailed {
					t.Errorf("exit %d, want %d", code, ExitFailed)
				}
				want := tc.want
				if strings.HasSuffix(want, "than the ") {
					want += limits[cmd]
				}
				if !strings.Contains(stdout+stderr, want) {
					t.Errorf("output lacks %q:\nstdout: %s\nstderr: %s", want, stdout, stderr)
				}
				// Refused before reading: nothing near the file's size
				// was allocated.
				if grew := after.TotalAlloc - before.TotalAlloc; grew > 8<<20 {
					t.Errorf("mongen %s allocated %d MiB", cmd, grew>>20)
				}
			})
		}
	}
}
