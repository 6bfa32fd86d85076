package textdist

import "testing"

func TestDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		d    int
	}{{"", "", 0}, {"abc", "abc", 0}, {"", "ab", 2}, {"NodeDown", "NodeDwn", 1}, {"kitten", "sitting", 3}, {"altername", "alertname", 2}, {"lables", "labels", 1}} {
		if got := Distance(c.a, c.b); got != c.d {
			t.Errorf("Distance(%q, %q) = %d, want %d", c.a, c.b, got, c.d)
		}
	}
}

func TestClosest(t *testing.T) {
	cands := []string{"alertname", "cluster", "namespace"}
	if got := Closest("altername", cands, 2); got != "alertname" {
		t.Errorf("Closest(altername) = %q", got)
	}
	if got := Closest("alertname", cands, 2); got != "" {
		t.Errorf("Closest returns the name itself: %q", got)
	}
	if got := Closest("zzz", cands, 2); got != "" {
		t.Errorf("Closest(zzz) = %q, want none", got)
	}
}
