package load

import (
	"strconv"

	"cuelang.org/go/cue"

	"github.com/mongen-dev/mongen/internal/model"
)

// dashboardSources records where each dashboard, panel, panel query and
// variable is written, under prefix (dashboards, or exporters/<name>/dashboards).
// Plain Pos() lookups only: walking conjuncts of every panel would cost more
// than evaluating it.
func dashboardSources(root string, v cue.Value, out map[string]string, prefix ...string) {
	set := func(v cue.Value, parts ...string) {
		if pos := position(root, v.Pos()); pos != "" {
			out[model.SourcePath(parts...)] = pos
		}
	}
	it, err := v.Fields()
	if err != nil {
		return
	}
	for it.Next() {
		d := append(append([]string{}, prefix...), it.Selector().Unquoted())
		dv := it.Value()
		set(dv.LookupPath(sel("title")), d...)
		list := func(field string, fn func(i int, v cue.Value, p []string)) {
			l, err := dv.LookupPath(cue.MakePath(cue.Str(field))).List()
			if err != nil {
				return
			}
			for i := 0; l.Next(); i++ {
				fn(i, l.Value(), append(append([]string{}, d...), field, strconv.Itoa(i)))
			}
		}
		list("panels", func(_ int, pv cue.Value, p []string) {
			set(pv.LookupPath(sel("title")), p...)
			set(pv.LookupPath(sel("unit")), append(p, "unit")...)
			tl, err := pv.LookupPath(sel("targets")).List()
			if err != nil {
				return
			}
			for j := 0; tl.Next(); j++ {
				set(tl.Value().LookupPath(sel("expr")), append(p, "targets", strconv.Itoa(j), "expr")...)
			}
			ll, err := pv.LookupPath(sel("links")).List()
			if err != nil {
				return
			}
			for j := 0; ll.Next(); j++ {
				set(ll.Value().LookupPath(sel("title")), append(p, "links", strconv.Itoa(j))...)
			}
		})
		// A list element's own position is the schema's; its fields' are
		// where the user wrote them.
		list("variables", func(_ int, vv cue.Value, p []string) { set(vv.LookupPath(sel("name")), p...) })
		list("links", func(_ int, lv cue.Value, p []string) { set(lv.LookupPath(sel("title")), p...) })
	}
}
