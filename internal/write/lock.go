package write

import (
	"errors"
	"fmt"
	"time"
)

// ErrLocked matches (errors.Is) the error Apply returns when another build
// held the output directory's lock for longer than the lock timeout.
var ErrLocked = errors.New("output directory is locked by another build")

// LockError is returned by Apply when the lock wait timed out.
type LockError struct {
	Dir     string        // the output directory as the caller named it
	Lock    string        // the lock file, e.g. "out/.prod.lock"
	Timeout time.Duration // how long Apply waited
}

func (e *LockError) Error() string {
	return fmt.Sprintf("another mongen build is writing %s (lock %s); retry when it finishes", e.Dir, e.Lock)
}

// Is makes errors.Is(err, ErrLocked) true.
func (e *LockError) Is(target error) bool { return target == ErrLocked }

// heldLock is an acquired lock; release gives it up and removes the file.
type heldLock interface {
	release() error
}

// acquireLock takes the exclusive lock at path, polling until timeout. It
// returns ErrLocked when the timeout passes.
//
// The lock file is removed on release, so none is left in out/ after a
// build; tryLock guards against the races that removal opens.
func acquireLock(path string, timeout time.Duration) (heldLock, error) {
	deadline := time.Now().Add(timeout)
	delay := 2 * time.Millisecond
	for {
		l, ok, err := tryLock(path)
		if err != nil {
			return nil, err
		}
		if ok {
			return l, nil
		}
		left := time.Until(deadline)
		if left <= 0 {
			return nil, ErrLocked
		}
		time.Sleep(min(delay, left))
		delay = min(2*delay, 100*time.Millisecond)
	}
}
