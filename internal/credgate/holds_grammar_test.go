package credgate

import (
	"strings"
	"testing"

	"github.com/mongen-dev/mongen/internal/jsonscan"
)

// TestHoldsChecksGrammar: with no json.Valid pass before it, the scan
// itself refuses invalid JSON, even after a credential it found, and
// answers with Unmarshal's error (checkHolds); the same documents made
// valid are found.
func TestHoldsChecksGrammar(t *testing.T) {
	const tok = `"ghp_0123456789abcdefghijklmnopqrstuvwxyzAB"`
	for _, c := range []struct{ valid, invalid string }{
		{`[` + tok + `]`, `[` + tok + `,]`},
		{`[` + tok + `]`, `[` + tok + `}`},
		{`{"a":` + tok + `}`, `{"a":` + tok + `,}`},
		{`{"a":` + tok + `}`, `{"a":` + tok},
		{`{"a":` + tok + `}`, `{"a" ` + tok + `}`},
		{`{"a":` + tok + `,"b":1}`, `{"a":` + tok + `,"b":01}`},
		{`{"a":` + tok + `,"b":true}`, `{"a":` + tok + `,"b":tru}`},
		{`{"a":` + tok + `,"b":"x"}`, `{"a":` + tok + `,"b":"\x"}`},
		{`{"a":` + tok + `,"b":"x"}`, "{\"a\":" + tok + ",\"b\":\"\x01\"}"},
		{`[` + tok + `]`, `[` + tok + `] x`},
		{`{"password":"x"}`, `{"password":"x"`},
		{
			strings.Repeat("[", jsonscan.MaxDepth) + tok + strings.Repeat("]", jsonscan.MaxDepth),
			strings.Repeat("[", jsonscan.MaxDepth+1) + tok + strings.Repeat("]", jsonscan.MaxDepth+1),
		},
	} {
		// The decoded walk copies the path at every level: too slow
		// for the deepest document, which only Holds reads.
		if len(c.valid) < 1000 {
			checkHolds(t, c.valid, []byte(c.valid))
		}
		if ok, err := Holds([]byte(c.valid)); !ok || err != nil {
			t.Errorf("%.80s: Holds = %v, %v; want the credential found", c.valid, ok, err)
		}
		checkHolds(t, c.invalid, []byte(c.invalid))
		if ok, err := Holds([]byte(c.invalid)); ok || err == nil {
			t.Errorf("%.80s: Holds = %v, %v; want Unmarshal's error", c.invalid, ok, err)
		}
	}
}
