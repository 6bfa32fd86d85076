//go:build unix

package inputcache

import (
	"errors"
	"github.com/mongen-dev/mongen/internal/diag"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/mongen-dev/mongen/internal/inputlimit"
)

// Snapshot returns exactly the bytes it hashed.
func TestSnapshotHoldsTheHashedFiles(t *testing.T) {
	root := repo(t)
	sum, files, err := Snapshot(inputs(root))
	if err != nil {
		t.Fatal(err)
	}
	if sum != mustHash(t, inputs(root)) {
		t.Error("Snapshot and Hash disagree")
	}
	listed, err := Files(inputs(root))
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, f := range listed {
		paths = append(paths, f.Path)
		if string(files[f.Path]) != string(f.Data) {
			t.Errorf("%s: snapshot bytes differ from the hashed ones", f.Path)
		}
	}
	if got := slices.Sorted(maps.Keys(files)); !slices.Equal(got, paths) {
		t.Errorf("snapshot files %v, hashed %v", got, paths)
	}
	// Edited after the snapshot: the snapshot keeps the old bytes.
	write(t, root, "environments/prod/rules.cue", "package prod\n\nenv: rules: 2\n")
	if string(files["environments/prod/rules.cue"]) != "package prod\n\nenv: rules: 1\n" {
		t.Error("the snapshot follows the disk")
	}
}

// A named pipe, a device or an oversized file in what the hash reads is
// not read (it would block, never end, or cost its size in memory): the
// environment is not cached, and load reports the CUE ones.
func TestHashRefusesWhatIsNotARegularFile(t *testing.T) {
	for _, tc := range []struct {
		name, rel string
		make      func(p string) error
	}{
		{"fifo", "environments/prod/notes", func(p string) error { return syscall.Mkfifo(p, 0o644) }},
		{"fifo cue", "environments/prod/pipe.cue", func(p string) error { return syscall.Mkfifo(p, 0o644) }},
		{"device", "environments/prod/zero.json", func(p string) error { return os.Symlink("/dev/zero", p) }},
		{"big", "environments/prod/data.json", func(p string) error {
			f, err := os.Create(p)
			if err != nil {
				return err
			}
			defer f.Close()
			return f.Truncate(100 << 20)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := repo(t)
			if err := tc.make(filepath.Join(root, filepath.FromSlash(tc.rel))); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { _, _, err := Snapshot(inputs(root)); done <- err }()
			var err error
			select {
			case err = <-done:
			case <-time.After(20 * time.Second):
				t.Fatal("hashing blocked")
			}
			l, ok := diag.As(err)
			if !errors.Is(err, ErrUncacheable) || !inputlimit.Refused(err) || !ok || l[0].Pos.File != tc.rel {
				t.Errorf("error = %v, want an uncacheable limit error naming %s", err, tc.rel)
			}
		})
	}
}
