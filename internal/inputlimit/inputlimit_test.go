//go:build unix

package inputlimit

import (
	"errors"
	"github.com/mongen-dev/mongen/internal/diag"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// fifo makes a named pipe nobody writes to: reading it would block for
// ever.
func fifo(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "rules.yml")
	if err := syscall.Mkfifo(p, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// sparse makes a file of size bytes that takes no disk space.
func sparse(t *testing.T, size int64) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "big.yml")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(size); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return p
}

// within runs fn and fails when it does not return in time (a blocked
// read of a pipe).
func within(t *testing.T, fn func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- fn() }()
	select {
	case err := <-done:
		return err
	case <-time.After(10 * time.Second):
		t.Fatal("blocked reading a file that is not a regular file")
		return nil
	}
}

func TestNotRegularRefusedBeforeReading(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name, path, want string
	}{
		{"fifo", fifo(t), "rules.yml: is a named pipe (FIFO); mongen reads only regular files: name a regular file instead"},
		{"device", "/dev/zero", "rules.yml: is a character device; mongen reads only regular files: name a regular file instead"},
		{"directory", dir, "rules.yml: is a directory; mongen reads only regular files: name a regular file instead"},
	}
	if _, err := os.Stat("/dev/zero"); err != nil {
		cases = cases[:1:1]
	}
	// A symlink to a pipe is the pipe.
	link := filepath.Join(dir, "link.yml")
	if err := os.Symlink(cases[0].path, link); err != nil {
		t.Fatal(err)
	}
	cases = append(cases, struct{ name, path, want string }{"symlink to fifo", link, cases[0].want})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, l := range []Limit{YAML(), CUE()} {
				var data []byte
				err := within(t, func() (err error) {
					data, err = l.ReadFile(tc.path, "rules.yml")
					return err
				})
				if err == nil || err.Error() != tc.want {
					t.Errorf("ReadFile error = %v, want %q", err, tc.want)
				}
				if !errors.Is(err, ErrNotRegular) || errors.Is(err, ErrTooLarge) {
					t.Errorf("error %v does not match ErrNotRegular alone", err)
				}
				if data != nil {
					t.Errorf("read %d bytes", len(data))
				}
				if _, err := l.Check(tc.path, "rules.yml"); err == nil || err.Error() != tc.want {
					t.Errorf("Check error = %v, want %q", err, tc.want)
				}
			}
		})
	}
}

func TestTooLargeRefusedBeforeReading(t *testing.T) {
	// 100 MB, sparse: reading it would allocate 100 MB.
	big := sparse(t, 100<<20)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := YAML().ReadFile(big, "rules/big.yml")
	runtime.ReadMemStats(&after)
	want := "rules/big.yml: is 100 MiB, more than the 8 MiB limit of a rule or configuration file: split it and pass the parts to separate runs"
	if err == nil || err.Error() != want {
		t.Fatalf("error = %v, want %q", err, want)
	}
	if !errors.Is(err, ErrTooLarge) {
		t.Errorf("error does not match ErrTooLarge")
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 1<<20 {
		t.Errorf("refusing the file allocated %d bytes: it was read", grew)
	}
	if _, err := CUE().Check(big, "environments/dev/big.cue"); err == nil ||
		err.Error() != "environments/dev/big.cue: is 100 MiB, more than the 2 MiB limit of a CUE file: split it into several files of the same package (CUE evaluation time and memory grow with the size of a file)" {
		t.Errorf("Check error = %v", err)
	}
}

func TestAtTheLimit(t *testing.T) {
	l := Limit{Max: 1000, Kind: "test file", Fix: "shorten it"}
	dir := t.TempDir()
	at := filepath.Join(dir, "at")
	over := filepath.Join(dir, "over")
	content := strings.Repeat("x", 1000)
	if err := os.WriteFile(at, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(over, []byte(content+"y"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := l.ReadFile(at, "at")
	if err != nil || string(got) != content {
		t.Fatalf("ReadFile at the limit = %d bytes, %v", len(got), err)
	}
	if n, err := l.Check(at, "at"); err != nil || n != 1000 {
		t.Errorf("Check = %d, %v", n, err)
	}
	if _, err := l.ReadFile(over, "over"); err == nil || err.Error() != "over: is 1001 bytes, more than the 1000 bytes limit of a test file: shorten it" {
		t.Errorf("ReadFile over the limit: %v", err)
	}
	empty := filepath.Join(dir, "empty")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if got, err := l.ReadFile(empty, "empty"); err != nil || len(got) != 0 {
		t.Errorf("empty file: %q, %v", got, err)
	}
	if _, err := l.ReadFile(filepath.Join(dir, "missing"), "missing"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

// A file whose size Stat does not know (procfs reports 0) is still cut at
// the limit.
func TestGrowingFileCutAtTheLimit(t *testing.T) {
	const name = "/proc/self/maps"
	data, err := os.ReadFile(name)
	if err != nil || len(data) < 200 {
		t.Skip("no procfs")
	}
	l := Limit{Max: 100, Kind: "test file", Fix: "shorten it"}
	_, err = l.ReadFile(name, "maps")
	if !errors.Is(err, ErrTooLarge) || !strings.HasPrefix(err.Error(), "maps: grew past the 100 bytes limit of a test file while it was read") {
		t.Errorf("error = %v", err)
	}
}

func TestBudget(t *testing.T) {
	b := NewBudget(100, "the test files", "use fewer")
	if err := b.Take("a", 60); err != nil {
		t.Fatal(err)
	}
	if err := b.Take("b", 40); err != nil {
		t.Fatal(err)
	}
	err := b.Take("c", 1)
	if err == nil || err.Error() != "c: brings the test files to 101 bytes, more than their 100 bytes limit: use fewer" || !errors.Is(err, ErrTooLarge) {
		t.Errorf("error = %v", err)
	}
}

func TestSize(t *testing.T) {
	for n, want := range map[int64]string{
		0: "0 bytes", 1: "1 byte", 1023: "1023 bytes", 1024: "1 KiB", 1536: "1.5 KiB",
		2 << 20: "2 MiB", 100 << 20: "100 MiB", 3<<20 + 1<<19: "3.5 MiB",
	} {
		if got := Size(n); got != want {
			t.Errorf("Size(%d) = %q, want %q", n, got, want)
		}
	}
}

// TestRefusalIsADiagnostic: a refused file is a diagnostic at the file as
// the user names it, which Refused and errors.Is tell from other errors.
func TestRefusalIsADiagnostic(t *testing.T) {
	b := NewBudget(10, "the test files", "use fewer")
	err := b.Take("environments/dev/a.cue", 11)
	l, ok := diag.As(err)
	if !ok || len(l) != 1 || l[0].Pos != (diag.Pos{File: "environments/dev/a.cue"}) {
		t.Fatalf("diag.As = %+v, %v", l, ok)
	}
	if !Refused(err) || !errors.Is(err, ErrTooLarge) || errors.Is(err, ErrNotRegular) {
		t.Errorf("Refused/errors.Is do not tell the kind: %v", err)
	}
	if Refused(errors.New("environments/dev/a.cue: permission denied")) {
		t.Error("Refused matches any error")
	}
}
