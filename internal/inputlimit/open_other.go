//go:build !unix

package inputlimit

// openFlags: elsewhere a plain open (named pipes are not files there).
const openFlags = 0
