package amserver

import (
	"testing"

	"github.com/mongen-dev/mongen/internal/e2e/procserver"
)

var versioned = procserver.Versioned{Prefix: "amserver", Product: "alertmanager", Server: "alertmanager", Tool: "amtool"}

// BinariesAt returns the paths of the alertmanager and amtool binaries at
// version (vX.Y.Z, e.g. v0.34.0), installing them with
// scripts/install-servers.sh from the module's source if they are missing.
// Binaries (the pinned version, or $MONGEN_ALERTMANAGER_BIN_DIR) is
// unaffected.
func BinariesAt(t testing.TB, version string) (alertmanager, amtool string) {
	t.Helper()
	return versioned.Binaries(t, version)
}
