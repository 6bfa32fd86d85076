package expand

import (
	"strconv"

	"github.com/mongen-dev/mongen/internal/model"
)

// TestOrigin points at one of a rule's tests (model.Rule.Tests, same index)
// and at the series and checks inside it, by index.
type TestOrigin struct {
	Test   string
	Series []string
	Alerts []string
	Exprs  []string
}

func testOrigins(env *model.Environment, rulePath []string, tests []model.RuleTest) []TestOrigin {
	if len(tests) == 0 {
		return nil
	}
	out := make([]TestOrigin, len(tests))
	for i, t := range tests {
		tp := append(append([]string{}, rulePath...), "tests", strconv.Itoa(i))
		at := func(part string, n int) []string {
			s := make([]string, n)
			for j := range s {
				s[j] = env.Source(append(append([]string{}, tp...), part, strconv.Itoa(j))...)
			}
			return s
		}
		out[i] = TestOrigin{
			Test:   env.Source(tp...),
			Series: at("series", len(t.Series)),
			Alerts: at("alerts", len(t.Alerts)),
			Exprs:  at("exprs", len(t.Exprs)),
		}
	}
	return out
}
