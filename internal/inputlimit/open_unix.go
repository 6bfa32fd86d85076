//go:build unix

package inputlimit

import "syscall"

// openFlags makes opening a named pipe return at once instead of waiting
// for a writer; the descriptor's type is then checked before any read.
const openFlags = syscall.O_NONBLOCK
