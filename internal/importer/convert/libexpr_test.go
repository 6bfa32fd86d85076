package convert

import (
	"slices"
	"testing"

	"github.com/prometheus/prometheus/promql/parser"
)

func TestMatchLibraryExpr(t *testing.T) {
	const lib = `(1 - node_memory_MemAvailable_bytes{job="node"} / node_memory_MemTotal_bytes{job="node"}) * 100 > 987654.321`
	for _, c := range []struct {
		name, lib, input string
		ok               bool
		threshold        float64 // 0: none captured
	}{
		{"same with another threshold", lib, `(1 - node_memory_MemAvailable_bytes{job="node"} / node_memory_MemTotal_bytes{job="node"}) * 100 > 90`, true, 90},
		{"spacing and redundant parentheses", lib, `((1-node_memory_MemAvailable_bytes{job="node"}/node_memory_MemTotal_bytes{job="node"})*100) > (85)`, true, 85},
		{"matchers in another order", `up{job="a",instance!=""} == 0`, `up{instance!="", job="a"} == 0`, true, 0},
		{"grouping labels in another order", `sum by (a, b) (x) > 987654.321`, `sum by (b, a) (x) > 3`, true, 3},
		{"parentheses that change precedence", `a * (b + c)`, `a * b + c`, false, 0},
		{"another job", lib, `(1 - node_memory_MemAvailable_bytes{job="n2"} / node_memory_MemTotal_bytes{job="node"}) * 100 > 90`, false, 0},
		{"another operator", lib, `(1 - node_memory_MemAvailable_bytes{job="node"} / node_memory_MemTotal_bytes{job="node"}) * 100 >= 90`, false, 0},
		{"a threshold that differs between its places", `a > 987654.321 or b > 987654.321`, `a > 1 or b > 2`, false, 0},
		{"the same threshold at both places", `a > 987654.321 or b > 987654.321`, `a > 2 or b > 2`, true, 2},
		{"an expression where the library has a number", `a > 987654.321`, `a > b`, false, 0},
		{"another range", `rate(x[5m]) > 1`, `rate(x[10m]) > 1`, false, 0},
		{"another function", `rate(x[5m]) > 1`, `irate(x[5m]) > 1`, false, 0},
		{"another vector matching", `a / on (x) b`, `a / on (y) b`, false, 0},
		{"bool modifier", `a > bool 1`, `a > 1`, false, 0},
		{"does not parse", lib, `a >`, false, 0},
	} {
		ok, th := MatchLibraryExpr(c.lib, c.input)
		if ok != c.ok {
			t.Errorf("%s: match = %v, want %v", c.name, ok, c.ok)
			continue
		}
		switch {
		case !ok:
		case c.threshold == 0 && th != nil:
			t.Errorf("%s: threshold %v captured, want none", c.name, *th)
		case c.threshold != 0 && (th == nil || *th != c.threshold):
			t.Errorf("%s: threshold %v, want %v", c.name, th, c.threshold)
		}
	}
}

func TestJobsOf(t *testing.T) {
	got := jobsOf(`up{job="b"} == 0 or up{job="a"} == 0 or up{job=~"c.*"} or absent(up{job="a"})`)
	if !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("jobsOf = %q", got)
	}
}

func FuzzMatchLibraryExpr(f *testing.F) {
	f.Add(`a > 987654.321`, `a > 3`)
	f.Add(`sum by (x) (rate(y[5m]))`, `sum(rate(y[5m])) by (x)`)
	f.Fuzz(func(t *testing.T, lib, input string) {
		// An expression always matches itself, and a match is symmetric
		// when the library has no threshold.
		if ok, _ := MatchLibraryExpr(input, input); !ok && parses(input) && !hasSentinel(input) {
			t.Errorf("%q does not match itself", input)
		}
		if hasSentinel(lib) || hasSentinel(input) {
			return
		}
		ab, _ := MatchLibraryExpr(lib, input)
		ba, _ := MatchLibraryExpr(input, lib)
		if ab != ba {
			t.Errorf("match(%q, %q) = %v, reversed %v", lib, input, ab, ba)
		}
	})
}

func parses(s string) bool {
	_, err := parser.NewParser(parser.Options{}).ParseExpr(s)
	return err == nil
}

func hasSentinel(s string) bool {
	ok, th := MatchLibraryExpr(s, s)
	return ok && th != nil
}
