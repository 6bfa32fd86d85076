//go:build unix

package load

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mongen-dev/mongen/internal/inputlimit"
)

var limitsRef = Ref{Name: "prod", Dir: "environments/prod"}

func limitsRepo(t *testing.T) string {
	t.Helper()
	return writeFiles(t, map[string]string{
		"cue.mod/module.cue":         userModule,
		"environments/prod/prod.cue": envFile(`	name: "prod"`),
	})
}

// loadWithin loads limitsRef and fails when the load blocks.
func loadWithin(t *testing.T, root string, opts Options) error {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		_, err := Environments(root, limitsRef, opts)
		done <- err
	}()
	select {
	case err := <-done:
		return err
	case <-time.After(60 * time.Second):
		t.Fatal("the load blocked reading a file")
		return nil
	}
}

func TestCUEFilesThatAreNotRegularAreRefusedBeforeReading(t *testing.T) {
	for _, tc := range []struct {
		name string
		make func(t *testing.T, p string)
		want string
	}{
		{"fifo", func(t *testing.T, p string) {
			if err := syscall.Mkfifo(p, 0o644); err != nil {
				t.Fatal(err)
			}
		}, "is a named pipe (FIFO); mongen reads only regular files"},
		{"device", func(t *testing.T, p string) {
			if err := os.Symlink("/dev/zero", p); err != nil {
				t.Fatal(err)
			}
		}, "is a character device; mongen reads only regular files"},
	} {
		for _, where := range []string{"environments/prod/x.cue", "environments/x.cue", "lib/x.cue", "cue.mod/pkg/x.cue"} {
			t.Run(tc.name+"/"+where, func(t *testing.T) {
				root := limitsRepo(t)
				p := filepath.Join(root, filepath.FromSlash(where))
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				tc.make(t, p)
				err := loadWithin(t, root, Options{})
				if err == nil || err.Error() != where+": "+tc.want+": name a regular file instead" {
					t.Errorf("error = %v", err)
				}
			})
		}
	}
}

func TestLargeCUEFileIsRefusedBeforeReading(t *testing.T) {
	root := limitsRepo(t)
	f, err := os.Create(filepath.Join(root, "environments", "prod", "big.cue"))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(100 << 20); err != nil { // sparse
		t.Fatal(err)
	}
	f.Close()
	err = loadWithin(t, root, Options{})
	want := "environments/prod/big.cue: is 100 MiB, more than the 2 MiB limit of a CUE file: split it into several files of the same package"
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error = %v, want %q", err, want)
	}
}

func TestCUEFilesOverTheTotalLimit(t *testing.T) {
	root := limitsRepo(t)
	// Files each under the per-file limit, together over the total: CUE
	// parses them, nothing is evaluated.
	comment := strings.Repeat("// "+strings.Repeat("x", 60)+"\n", (inputlimit.MaxCUEFile-1024)/64)
	n := inputlimit.MaxCUETotal/len(comment) + 1
	for i := range n {
		name := filepath.Join(root, "environments", "prod", "part"+string(rune('a'+i))+".cue")
		if err := os.WriteFile(name, []byte("package prod\n"+comment), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	err := loadWithin(t, root, Options{})
	last := "environments/prod/part" + string(rune('a'+n-1)) + ".cue"
	want := last + ": brings the CUE files of one environment to "
	if err == nil || !strings.HasPrefix(err.Error(), want) || !strings.Contains(err.Error(), "more than their "+inputlimit.Size(inputlimit.MaxCUETotal)+" limit") {
		t.Errorf("error = %v, want it to start %q", err, want)
	}
}

// With an overlay the load evaluates its bytes, not the disk's, and a CUE
// file that is not in it (created after the overlay was read) is refused.
func TestOverlayIsWhatIsEvaluated(t *testing.T) {
	root := limitsRepo(t)
	overlay := map[string][]byte{
		"cue.mod/module.cue": []byte(userModule),
		"environments/prod/prod.cue": []byte(envFile(`	name: "prod"
	externalLabels: region: "from-overlay"`)),
	}
	envs, err := Environments(root, limitsRef, Options{Overlay: overlay})
	if err != nil {
		t.Fatal(err)
	}
	if got := envs[0].ExternalLabels["region"]; got != "from-overlay" {
		t.Errorf("region = %q: the disk's file was evaluated, not the overlay's", got)
	}
	// Deleted on disk: the overlay still has it.
	if err := os.Remove(filepath.Join(root, "environments", "prod", "prod.cue")); err != nil {
		t.Fatal(err)
	}
	if _, err := Environments(root, limitsRef, Options{Overlay: overlay}); err != nil {
		t.Errorf("overlay file deleted on disk: %v", err)
	}
	// Added on disk: not evaluated, refused.
	if err := os.WriteFile(filepath.Join(root, "environments", "prod", "late.cue"), []byte("package prod\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = Environments(root, limitsRef, Options{Overlay: overlay})
	want := "environments/prod/late.cue: appeared while mongen was reading environments/prod's inputs, after it had hashed them: run the command again"
	if err == nil || err.Error() != want {
		t.Errorf("error = %v, want %q", err, want)
	}
}
