package verify

import (
	"errors"
	"testing"

	"github.com/mongen-dev/mongen/internal/diag"
)

// TestFlattenKeepsDiagnostics: a diag.List among the checks' errors is
// split into its diagnostics, not into the causes its Unwrap returns.
func TestFlattenKeepsDiagnostics(t *testing.T) {
	cause := errors.New("sentinel")
	l := diag.List{{Msg: "first", Cause: cause}, {Msg: "second"}}
	got := flatten(errors.Join(errors.New("plain"), l))
	if len(got) != 3 || got[0].Error() != "plain" || got[1].Error() != "first" || got[2].Error() != "second" {
		t.Errorf("flatten = %q", got)
	}
}
