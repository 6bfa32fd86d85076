package procserver

import "testing"

func TestCompareVersions(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"v0.25.0", "v0.34.2", -1},
		{"v0.34.2", "v0.34.0", 1},
		{"v3.14.0", "v3.14.0", 0},
		{"v2.42.0", "v3.0.0", -1},
		{"v0.9.0", "v0.10.0", -1},
	} {
		got, err := CompareVersions(c.a, c.b)
		if err != nil || got != c.want {
			t.Errorf("CompareVersions(%s, %s) = %d, %v; want %d", c.a, c.b, got, err, c.want)
		}
	}
	if _, err := CompareVersions("3.14.0", "v3.14.0"); err == nil {
		t.Error("CompareVersions accepted a version without v")
	}
}
