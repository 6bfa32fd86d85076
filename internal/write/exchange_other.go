//go:build !linux && !darwin

package write

// exchange is not available: apply falls back to two renames, with a
// moment between them when the output directory does not exist.
func exchange(a, b string) error { return errExchangeUnsupported }
