package operator

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"

	"github.com/mongen-dev/mongen/internal/verifycache"
)

// Memo lets a rebuild reuse the YAML of the objects that did not change
// from the output tree of the build before, instead of marshalling them
// again: for 10,000 rules, marshalling is most of render's time and
// memory. The cache records, for each object's exact JSON encoding (by
// this binary: the cache's identity) and its file path, the SHA-256 of
// the YAML it was marshalled to; the file as it is now is reused only when
// its bytes have that hash, so a file edited, removed or written by
// another build is marshalled again. A nil *Memo marshals every object.
type Memo struct {
	Verified *verifycache.Cache
	// Previous reads a file of the output tree as it is before this build
	// (out/<env>/<path>); false when there is none.
	Previous func(path string) ([]byte, bool)
}

// marshal is Marshal for the object written to path.
func (m *Memo) marshal(path string, obj any) ([]byte, error) {
	if m == nil || m.Verified == nil || m.Previous == nil {
		return Marshal(obj)
	}
	raw, err := json.Marshal(obj)
	if err != nil {
		return nil, err
	}
	key := m.Verified.Key("render-operator-yaml", []byte(path), raw)
	if sum, ok := m.Verified.Passed(key); ok {
		if data, ok := m.Previous(path); ok {
			if got := sha256.Sum256(data); bytes.Equal(got[:], sum) {
				return data, nil
			}
		}
	}
	data, err := marshalJSON(raw)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	m.Verified.Pass(key, sum[:])
	return data, nil
}
