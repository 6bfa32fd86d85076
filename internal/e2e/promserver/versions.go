package promserver

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/mongen-dev/mongen/internal/e2e/procserver"
)

var versioned = procserver.Versioned{Prefix: "promserver", Product: "prometheus", Server: "prometheus", Tool: "promtool"}

// moduleVersion matches a Prometheus module version, v0.MMM.P.
var moduleVersion = regexp.MustCompile(`^v0\.(\d+)\.(\d+)$`)

// ReleaseVersion turns a Prometheus module version into the release it is:
// v0.316.0 is v3.16.0, v0.42.0 is v2.42.0.
func ReleaseVersion(module string) (string, error) {
	m := moduleVersion.FindStringSubmatch(module)
	if m == nil {
		return "", fmt.Errorf("prometheus module version %q is not v0.N.P", module)
	}
	n, err := strconv.Atoi(m[1])
	if err != nil {
		return "", fmt.Errorf("prometheus module version %q: %v", module, err)
	}
	if n >= 300 {
		return fmt.Sprintf("v%d.%d.%s", n/100, n%100, m[2]), nil
	}
	return fmt.Sprintf("v2.%d.%s", n, m[2]), nil
}

// PinnedRelease returns the Prometheus release that Binaries builds: the
// module version pinned in tools/prometheus/go.mod as a release (v3.16.0).
func PinnedRelease() (string, error) {
	root, err := RepoRoot()
	if err != nil {
		return "", err
	}
	mod, err := procserver.PinnedVersion(filepath.Join(root, install.GoMod), install.Module)
	if err != nil {
		return "", err
	}
	return ReleaseVersion(mod)
}

// BinariesAt returns the paths of the prometheus and promtool binaries at
// version (vX.Y.Z, e.g. v3.14.0). The pinned release is Binaries' full
// build; any other version is built by scripts/install-servers.sh from the
// module's source with only Kubernetes service discovery (static and file
// discovery are always there), if it is missing.
func BinariesAt(t testing.TB, version string) (prometheus, promtool string) {
	t.Helper()
	pinned, err := PinnedRelease()
	if err != nil {
		t.Fatalf("promserver: %v", err)
	}
	if version == pinned {
		return Binaries(t)
	}
	return versioned.Binaries(t, version)
}
