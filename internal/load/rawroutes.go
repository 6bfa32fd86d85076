package load

import (
	"strconv"

	"cuelang.org/go/cue"
)

// rawRouteSources records where each raw route (alerting.routes, nested
// under routes) is written: alerting/routes/0/routes/1.
func rawRouteSources(v cue.Value, path []string, record func(cue.Value, ...string)) {
	list, err := v.List()
	if err != nil {
		return
	}
	record(v, path...)
	for i := 0; list.Next(); i++ {
		p := append(append([]string(nil), path...), strconv.Itoa(i))
		record(list.Value(), p...)
		rawRouteSources(list.Value().LookupPath(sel("routes")), append(p, "routes"), record)
	}
}
