package load

import (
	"strconv"

	"cuelang.org/go/cue"

	"github.com/mongen-dev/mongen/internal/model"
)

// testSources records the position of each of a rule's tests and of the
// series and checks inside them, under <rule path>/tests/<i>[/series|alerts|exprs/<j>],
// so a failing check names the line that wrote it.
func testSources(root string, rule cue.Value, rulePath []string, out map[string]string) {
	tests, err := rule.LookupPath(sel("tests")).List()
	if err != nil {
		return
	}
	record := func(v cue.Value, parts ...string) {
		if pos := bestPosition(root, v); pos != "" {
			out[model.SourcePath(parts...)] = pos
		}
	}
	for i := 0; tests.Next(); i++ {
		tp := append(append([]string{}, rulePath...), "tests", strconv.Itoa(i))
		record(tests.Value(), tp...)
		for _, part := range []string{"series", "alerts", "exprs"} {
			items, err := tests.Value().LookupPath(cue.MakePath(cue.Str(part))).List()
			if err != nil {
				continue
			}
			for j := 0; items.Next(); j++ {
				record(items.Value(), append(append([]string{}, tp...), part, strconv.Itoa(j))...)
			}
		}
	}
}
