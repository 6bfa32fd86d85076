package lint

import (
	"crypto/sha256"
	"encoding/binary"
	"math"
	"slices"
)

// KeyWriter encodes the inputs of a verification cache key: every value
// length-prefixed, so no two different sequences of values encode alike.
// lint's verdict keys and dashcheck's are written with it, so they encode
// alike; the zero value is ready to use.
type KeyWriter struct {
	buf []byte
	// keys holds a map's keys while Map sorts them: rules are many,
	// their maps small.
	keys []string
}

// Bytes is what was written; it is reused after Reset.
func (w *KeyWriter) Bytes() []byte { return w.buf }

// Reset empties w and keeps its memory.
func (w *KeyWriter) Reset() { w.buf = w.buf[:0] }

// Sum is the SHA-256 of what was written.
func (w *KeyWriter) Sum() []byte {
	sum := sha256.Sum256(w.buf)
	return sum[:]
}

// Count writes a length or count.
func (w *KeyWriter) Count(n int) { w.buf = binary.AppendUvarint(w.buf, uint64(n)) }

// Int writes a signed number (a duration).
func (w *KeyWriter) Int(n int64) { w.buf = binary.AppendVarint(w.buf, n) }

// Float writes f's bits.
func (w *KeyWriter) Float(f float64) {
	w.buf = binary.BigEndian.AppendUint64(w.buf, math.Float64bits(f))
}

// Str writes s, length first.
func (w *KeyWriter) Str(s string) {
	w.Count(len(s))
	w.buf = append(w.buf, s...)
}

// Bool writes one byte.
func (w *KeyWriter) Bool(b bool) {
	if b {
		w.buf = append(w.buf, 1)
	} else {
		w.buf = append(w.buf, 0)
	}
}

// List writes l in order and tells nil (unknown) from empty.
func (w *KeyWriter) List(l []string) {
	w.Bool(l != nil)
	w.Count(len(l))
	for _, s := range l {
		w.Str(s)
	}
}

// Set writes s as a set: sorted, without repeats. It sorts s in place.
func (w *KeyWriter) Set(s []string) {
	slices.Sort(s)
	s = slices.Compact(s)
	w.Count(len(s))
	for _, e := range s {
		w.Str(e)
	}
}

// Map writes m's entries sorted by key.
func (w *KeyWriter) Map(m map[string]string) {
	keys := w.keys[:0]
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	w.keys = keys
	w.Count(len(keys))
	for _, k := range keys {
		w.Str(k)
		w.Str(m[k])
	}
}

// walkStrs calls fn (when not nil) with each string that Str wrote into
// b, and reports whether all of b reads as such strings.
func walkStrs(b []byte, fn func(string)) bool {
	for len(b) > 0 {
		n, w := binary.Uvarint(b)
		if w <= 0 || uint64(len(b)-w) < n {
			return false
		}
		if fn != nil {
			fn(string(b[w : w+int(n)]))
		}
		b = b[w+int(n):]
	}
	return true
}
