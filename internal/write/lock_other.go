//go:build !(linux || darwin || dragonfly || freebsd || netbsd || openbsd || illumos)

package write

import (
	"errors"
	"fmt"
	"os"
)

// fileLock is the fallback where flock(2) is unavailable: the lock is the
// existence of the lock file, created exclusively. A build that dies
// leaves it behind, and it then has to be deleted by hand.
type fileLock struct{ path string }

func tryLock(path string) (heldLock, bool, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, FileMode)
	if errors.Is(err, os.ErrExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	fmt.Fprintf(f, "%d\n", os.Getpid())
	if err := f.Close(); err != nil {
		os.Remove(path)
		return nil, false, err
	}
	return &fileLock{path: path}, true, nil
}

func (l *fileLock) release() error { return os.Remove(l.path) }
