package versiongate

import "testing"

func TestParseVersion(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Version
	}{
		{"v0.28.1", Version{0, 28, 1}},
		{"0.28.1", Version{0, 28, 1}},
		{" v0.31.0 ", Version{0, 31, 0}},
		{"v3.14.0-distroless", Version{3, 14, 0}},
		{"v3.0.0-rc.1", Version{3, 0, 0}},
		{"v2.53.0+dedupelabels", Version{2, 53, 0}},
		{"v0.31", Version{0, 31, 0}},
		{"V1.2.3", Version{1, 2, 3}},
		{"quay.io/prometheus/alertmanager:v0.34.0", Version{0, 34, 0}},
		{"quay.io/prometheus/prometheus:v3.14.0-distroless@sha256:0123abcd", Version{3, 14, 0}},
		{"v10.200.3000", Version{10, 200, 3000}},
	} {
		got, err := ParseVersion(c.in)
		if err != nil {
			t.Errorf("ParseVersion(%q): %v", c.in, err)
			continue
		}
		if got != c.want {
			t.Errorf("ParseVersion(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestParseVersionRefuses(t *testing.T) {
	for _, in := range []string{"", "v", "latest", "v1", "1", "v1.2.3.4", "v1..3", "v1.x.3", "v1.+2.3", "v1.-2.3", "v01.2.3", "v1.02.3", "quay.io/prometheus/alertmanager", "v 1.2.3"} {
		if v, err := ParseVersion(in); err == nil {
			t.Errorf("ParseVersion(%q) = %v, want an error", in, v)
		}
	}
}

func TestCompare(t *testing.T) {
	order := []string{"v0.9.9", "v0.28.0", "v0.28.1", "v0.30.999", "v0.31.0", "v1.0.0", "v2.9.0", "v2.10.0", "v2.53.0", "v3.0.0", "v3.14.0-distroless", "v3.16.0"}
	for i, a := range order {
		for j, b := range order {
			va, vb := mustParseVersion(a), mustParseVersion(b)
			want := 0
			switch {
			case i < j:
				want = -1
			case i > j:
				want = 1
			}
			if got := va.Compare(vb); got != want {
				t.Errorf("%s.Compare(%s) = %d, want %d", a, b, got, want)
			}
			if got := va.Less(vb); got != (want < 0) {
				t.Errorf("%s.Less(%s) = %v", a, b, got)
			}
		}
	}
	if mustParseVersion("0.28.1") != mustParseVersion("v0.28.1") {
		t.Error("the leading v changes the version")
	}
}

func TestVersionString(t *testing.T) {
	if got := mustParseVersion("3.14.0-distroless").String(); got != "v3.14.0" {
		t.Errorf("String() = %q", got)
	}
}

// FuzzParseVersion: a declared version either is refused or reads back as
// itself.
func FuzzParseVersion(f *testing.F) {
	for _, s := range []string{"v0.28.1", "3.14.0-distroless", "quay.io/x/y:v1.2.3@sha256:ab", "v1.2", "latest", "v01.2.3", "v1.2.3.4"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseVersion(s)
		if err != nil {
			return
		}
		back, err := ParseVersion(v.String())
		if err != nil || back != v || v.Compare(back) != 0 || v.Less(back) {
			t.Fatalf("%q parses as %v, whose String %q reads back as %v (%v)", s, v, v.String(), back, err)
		}
		if v.Major < 0 || v.Minor < 0 || v.Patch < 0 {
			t.Fatalf("%q: negative part in %v", s, v)
		}
	})
}
