package ruletest

import (
	"strings"
	"testing"

	"github.com/prometheus/prometheus/promql/promqltest"

	"github.com/mongen-dev/mongen/internal/model"
)

// FuzzLoadCommand checks the series notation: whatever LoadCommand accepts,
// promqltest's loader (what runs the tests, and promtool) loads too, with
// one series per input; nothing panics.
func FuzzLoadCommand(f *testing.F) {
	for _, s := range [][2]string{
		{`up{job="app",instance="a:80"}`, "1 1 0x10"},
		{`up`, "0+10x5 _ stale"},
		{`http_requests_total{code="500"}`, "100-1x3 _x3 1e3"},
		{`{__name__="x",a="b"}`, "1 -2 +3 Inf -Inf NaN"},
		{`h`, "{{schema:0 sum:5 count:4 buckets:[1 2 1]}}x2"},
		{`x@st`, "1"},
		{`# up`, "1"},
		{`up{job="a\nb"}`, "1"},
		{`up`, ""},
		{`up{`, "1"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, series, values string) {
		load, bad, err := LoadCommand("1m", []model.TestSeries{{Series: series, Values: values}})
		if err != nil {
			if bad != 0 {
				t.Fatalf("error %v names series %d of 1", err, bad+1)
			}
			return
		}
		if bad != -1 || !strings.HasPrefix(load, "load 1m\n") || strings.Count(load, "\n") != 2 {
			t.Fatalf("load command %q (bad %d)", load, bad)
		}
		ll, err := promqltest.NewLazyLoader(load, promqltest.LazyLoaderOpts{EnableAtModifier: true, EnableNegativeOffset: true, Parser: ruleParser})
		if err != nil {
			// Only a start-timestamp line (metric@st) needs the series after it.
			if strings.Contains(strings.Fields(series + " x")[0], "@st") {
				return
			}
			t.Fatalf("LoadCommand accepted %q %q, the loader did not: %v", series, values, err)
		}
		if err := ll.Close(); err != nil {
			t.Fatal(err)
		}
	})
}
