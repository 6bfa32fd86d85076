package convert

import "testing"

// disjoint decides whether a tier route may stay a tier although a raw
// route follows it: only when no alert can match both.
func TestDisjoint(t *testing.T) {
	for _, c := range []struct {
		a, b []string
		want bool
	}{
		{[]string{`severity="info"`}, []string{`service="api"`, `severity!="info"`}, true},
		{[]string{`severity="critical"`}, []string{`severity=~"warning|info"`}, true},
		{[]string{`severity="critical"`}, []string{`severity=~".+"`}, false},
		{[]string{`severity="critical"`}, []string{`team="db"`}, false},
		{[]string{`team="db"`}, []string{`team="web"`}, true},
		{[]string{`severity="critical"`}, []string{}, false},
	} {
		if got := disjoint(c.a, c.b); got != c.want {
			t.Errorf("disjoint(%v, %v) = %v, want %v", c.a, c.b, got, c.want)
		}
		if got := disjoint(c.b, c.a); got != c.want {
			t.Errorf("disjoint(%v, %v) = %v, want %v", c.b, c.a, got, c.want)
		}
	}
}
