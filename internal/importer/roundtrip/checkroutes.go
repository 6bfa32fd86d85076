package roundtrip

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/importer/convert"
	"github.com/mongen-dev/mongen/internal/importer/read"
	"github.com/mongen-dev/mongen/internal/model"
	"github.com/mongen-dev/mongen/internal/render/plain"
	"github.com/mongen-dev/mongen/internal/verify/amcheck"
)

// CompareRouting routes every alerting rule of the built environment
// through the input's alertmanager.yml and through the one mongen built,
// both with Alertmanager's own dispatch code, and compares who is
// notified: the input's receivers (by their imported names) against the
// built routes' endpoints. An alert the input sent only to receivers
// without an integration, which the import leaves out, reaching the
// fallback instead is a normalisation; any other difference is reported.
func CompareRouting(in *read.Input, imp *convert.Import, plan *expand.Plan, built []byte) []Difference {
	var out []Difference
	add := func(pos string, explained bool, format string, args ...any) {
		out = append(out, Difference{Pos: pos, Explained: explained, Msg: fmt.Sprintf(format, args...)})
	}
	if len(in.Alertmanager) == 0 || plan.Alerting == nil {
		return nil
	}
	f := in.Alertmanager[0]
	wantCfg, err := amcheck.Load(f.Data)
	if err != nil {
		add(f.Name, false, "%v", err)
		return out
	}
	gotCfg, err := amcheck.Load(built)
	if err != nil {
		add(plan.Env.Name, false, "the built alertmanager.yml does not load: %v", err)
		return out
	}
	wantTree, gotTree := amcheck.NewTree(wantCfg), amcheck.NewTree(gotCfg)
	endpoints := map[string][]string{}
	for _, r := range plan.Alerting.Receivers {
		endpoints[r.Name] = r.Endpoints
	}
	for _, g := range plan.Groups {
		for _, r := range g.Rules {
			if r.Kind != model.RuleAlert {
				continue
			}
			labels := map[string]string{"alertname": r.Name}
			for k, v := range plain.RuleLabels(r) {
				labels[k] = v
			}
			var want, dropped []string
			for _, m := range wantTree.Match(labels) {
				if wantTree.Integrations(m.Receiver) == 0 {
					dropped = append(dropped, m.Receiver)
					continue
				}
				want = append(want, convert.GroupKey(m.Receiver))
			}
			var got []string
			for _, m := range gotTree.Match(labels) {
				got = append(got, endpoints[m.Receiver]...)
			}
			want, got = sortedSet(want), sortedSet(got)
			if slices.Equal(want, got) {
				continue
			}
			if len(want) == 0 && len(dropped) > 0 && slices.Equal(got, []string{plan.Env.Alerting.Fallback}) {
				add(r.Origin, true, "alert %s went only to %s, which has no integration and is not imported: it reaches the fallback %s", r.Name, strings.Join(dropped, ", "), got[0])
				continue
			}
			add(r.Origin, false, "alert %s (%s) reaches %v; through the input's alertmanager.yml it reached %v", r.Name, labelSet(labels), got, want)
		}
	}
	return out
}

func sortedSet(s []string) []string { return slices.Compact(slices.Sorted(slices.Values(s))) }

func labelSet(m map[string]string) string {
	parts := make([]string, 0, len(m))
	for _, k := range sortedKeys(m) {
		parts = append(parts, fmt.Sprintf("%s=%q", k, m[k]))
	}
	return "{" + strings.Join(parts, ", ") + "}"
}
