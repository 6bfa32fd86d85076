package cli

import (
	"runtime/debug"
	"strings"
	"testing"
)

func TestBuildVersion(t *testing.T) {
	for _, c := range []struct {
		name string
		info *debug.BuildInfo
		want string
	}{
		{"no build info", nil, "mongen (devel)\n"},
		{"checkout without VCS stamp", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "mongen (devel)\n"},
		{"release", &debug.BuildInfo{Main: debug.Module{Version: "v1.2.3"}}, "mongen v1.2.3\n"},
		{"stamped checkout", &debug.BuildInfo{
			Main: debug.Module{Version: "v0.0.0-20261206214421-a24ac95abcde+dirty"},
			Settings: []debug.BuildSetting{
				{Key: "vcs", Value: "git"},
				{Key: "vcs.revision", Value: "a24ac95abcdef0123456789abcdef0123456789a"},
				{Key: "vcs.time", Value: "2026-12-06T21:44:21Z"},
				{Key: "vcs.modified", Value: "true"},
			},
		}, "mongen v0.0.0-20261206214421-a24ac95abcde+dirty\nrevision a24ac95abcdef0123456789abcdef0123456789a (2026-12-06T21:44:21Z, modified)\n"},
		{"revision only", &debug.BuildInfo{
			Main:     debug.Module{Version: "(devel)"},
			Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "abc"}, {Key: "vcs.modified", Value: "false"}},
		}, "mongen (devel)\nrevision abc\n"},
	} {
		if got := parseBuildInfo(c.info).String(); got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
	}
}

func TestPinVersion(t *testing.T) {
	release := buildVersion{Version: "v1.2.3"}
	pseudo := buildVersion{Version: "v0.0.0-20261206214421-a24ac95abcde"}
	dirty := buildVersion{Version: "v0.0.0-20261206214421-a24ac95abcde+dirty"}
	devel := buildVersion{Version: "(devel)"}
	for _, c := range []struct {
		flag    string
		build   buildVersion
		want    string
		wantErr string
	}{
		{"", release, "v1.2.3", ""},
		{"", pseudo, pseudo.Version, ""},
		{"v2.0.0", release, "v2.0.0", ""},
		{"v2.0.0-rc.1", devel, "v2.0.0-rc.1", ""},
		{"", dirty, "", "development build (version " + dirty.Version + ")"},
		{"", devel, "", "pass --mongen-version VERSION"},
		{"latest", release, "", `--mongen-version "latest": give a release tag`},
		{"1.2.3", release, "", `--mongen-version "1.2.3"`},
	} {
		got, err := pinVersion(c.flag, c.build)
		if c.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Errorf("pinVersion(%q, %s) = %q, %v; want error containing %q", c.flag, c.build.Version, got, err, c.wantErr)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("pinVersion(%q, %s) = %q, %v; want %q", c.flag, c.build.Version, got, err, c.want)
		}
	}
}
