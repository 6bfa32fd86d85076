package load

import (
	"strings"
	"testing"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/cuecontext"
	cueerrors "cuelang.org/go/cue/errors"
)

// A default the user never wrote is not quoted, and the pattern is said
// in words.
func TestExplainDisjunctionWithDefault(t *testing.T) {
	v := cuecontext.New().CompileString(`
#Duration: =~"^([0-9]+(ms|s|m|h|d|w|y))+$"
env: {period: *"30d" | #Duration} & {period: "28 d"}
`)
	err := v.Validate(cue.Concrete(true))
	if err == nil {
		t.Fatal("no error")
	}
	var msgs []string
	for _, e := range explainCUE(v.LookupPath(cue.ParsePath("env")), cueerrors.Errors(err)) {
		msgs = append(msgs, e.Error())
	}
	if len(msgs) != 1 || !strings.Contains(msgs[0], `invalid value "28 d": a duration is a number and a unit with nothing between`) {
		t.Fatalf("got %q", msgs)
	}
	if strings.Contains(msgs[0], `"30d"`) {
		t.Errorf("the default the user never wrote is quoted: %s", msgs[0])
	}
}

func TestExplainUnknownField(t *testing.T) {
	v := cuecontext.New().CompileString(`
#T: {addresses?: [...string], interval?: string}
env: targets: app: #T & {adresses: ["x"]}
`)
	err := v.Validate()
	if err == nil {
		t.Fatal("no error")
	}
	var msgs []string
	for _, e := range explainCUE(v.LookupPath(cue.ParsePath("env")), cueerrors.Errors(err)) {
		msgs = append(msgs, e.Error())
	}
	if len(msgs) != 1 || !strings.HasSuffix(msgs[0], `adresses: field not allowed: the schema has no such field (did you mean "addresses"?)`) {
		t.Fatalf("got %q", msgs)
	}
}
