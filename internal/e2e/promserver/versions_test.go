package promserver

import "testing"

func TestReleaseVersion(t *testing.T) {
	for module, want := range map[string]string{
		"v0.316.0": "v3.16.0",
		"v0.314.0": "v3.14.0",
		"v0.313.2": "v3.13.2",
		"v0.300.1": "v3.0.1",
		"v0.42.0":  "v2.42.0",
	} {
		got, err := ReleaseVersion(module)
		if err != nil || got != want {
			t.Errorf("ReleaseVersion(%s) = %q, %v; want %q", module, got, err, want)
		}
	}
	for _, bad := range []string{"v3.16.0", "v0.316", "0.316.0", "v0.316.0-rc.0"} {
		if got, err := ReleaseVersion(bad); err == nil {
			t.Errorf("ReleaseVersion(%s) = %q, want an error", bad, got)
		}
	}
}
