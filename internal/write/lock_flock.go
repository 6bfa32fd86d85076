//go:build linux || darwin || dragonfly || freebsd || netbsd || openbsd || illumos

package write

import (
	"errors"
	"os"
	"syscall"
)

// flockLock is a flock(2) lock: advisory, exclusive between open file
// descriptions (so between goroutines of one process too), and released by
// the kernel when a build dies, so a crash never leaves a stale lock.
type flockLock struct {
	f    *os.File
	path string
}

// tryLock makes one attempt. Because release removes the file, a waiter may
// lock an inode that is no longer at path; it then sees a different (or no)
// inode at path and tries again on the new file.
func tryLock(path string) (heldLock, bool, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, FileMode)
	if err != nil {
		return nil, false, err
	}
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if !errors.Is(err, syscall.EINTR) {
			break
		}
	}
	if errors.Is(err, syscall.EWOULDBLOCK) || errors.Is(err, syscall.EAGAIN) {
		f.Close()
		return nil, false, nil
	}
	if err != nil {
		f.Close()
		return nil, false, err
	}
	held, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, false, err
	}
	now, err := os.Stat(path)
	if err != nil || !os.SameFile(held, now) {
		// Removed or replaced by the previous holder's release: not ours.
		f.Close()
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, false, err
		}
		return tryLock(path)
	}
	return &flockLock{f: f, path: path}, true, nil
}

// release removes the file while still holding the lock (so whoever locks
// the old inode next notices), then unlocks by closing.
func (l *flockLock) release() error {
	err := os.Remove(l.path)
	if cerr := l.f.Close(); err == nil {
		err = cerr
	}
	return err
}
