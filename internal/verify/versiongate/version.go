package versiongate

import (
	"fmt"
	"strconv"
	"strings"
)

// Version is a release version: major.minor.patch. Pre-release and build
// suffixes are not part of it: image tags such as "v3.14.0-distroless"
// name the release 3.14.0.
type Version struct {
	Major, Minor, Patch int
}

// ParseVersion reads "v0.28.1", "0.28.1", "v3.14.0-distroless", "v0.31"
// (patch 0) or an image reference whose tag is one of those
// ("quay.io/prometheus/alertmanager:v0.34.0", with or without a digest).
func ParseVersion(s string) (Version, error) {
	v := strings.TrimSpace(s)
	if i := strings.Index(v, "@"); i >= 0 { // digest
		v = v[:i]
	}
	if i := strings.LastIndex(v, ":"); i >= 0 { // image tag
		v = v[i+1:]
	}
	v = strings.TrimPrefix(strings.TrimPrefix(v, "v"), "V")
	if i := strings.IndexAny(v, "-+"); i >= 0 {
		v = v[:i]
	}
	parts := strings.Split(v, ".")
	if v == "" || len(parts) < 2 || len(parts) > 3 {
		return Version{}, fmt.Errorf("%q is not a version (want vMAJOR.MINOR.PATCH, e.g. v0.28.1)", s)
	}
	var n [3]int
	for i, p := range parts {
		x, err := strconv.Atoi(p)
		if err != nil || strings.Trim(p, "0123456789") != "" || (len(p) > 1 && p[0] == '0') {
			return Version{}, fmt.Errorf("%q is not a version (want vMAJOR.MINOR.PATCH, e.g. v0.28.1)", s)
		}
		n[i] = x
	}
	return Version{n[0], n[1], n[2]}, nil
}

// mustParseVersion is ParseVersion for the package's own table.
func mustParseVersion(s string) Version {
	v, err := ParseVersion(s)
	if err != nil {
		panic(err)
	}
	return v
}

// Compare returns -1, 0 or +1 as v is older than, the same as or newer
// than w.
func (v Version) Compare(w Version) int {
	for _, d := range [3]int{v.Major - w.Major, v.Minor - w.Minor, v.Patch - w.Patch} {
		switch {
		case d < 0:
			return -1
		case d > 0:
			return 1
		}
	}
	return 0
}

// Less reports whether v is older than w.
func (v Version) Less(w Version) bool { return v.Compare(w) < 0 }

func (v Version) String() string { return fmt.Sprintf("v%d.%d.%d", v.Major, v.Minor, v.Patch) }
