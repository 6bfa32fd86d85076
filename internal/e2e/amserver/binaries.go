// Package amserver is a test helper that runs the real Alertmanager server
// and amtool against files mongen generates, and records the notifications
// the server sends to webhook receivers.
//
// The binaries are built from source at the version pinned in
// tools/alertmanager/go.mod (v0.28.1) by scripts/install-alertmanager.sh into
// .cache/bin/ at the repository root. Binaries builds them on first use, so
// `go test` works from a clean clone (the first run takes a couple of
// minutes). Set MONGEN_ALERTMANAGER_BIN_DIR to a directory holding
// `alertmanager` and `amtool` to use other binaries instead.
//
// All traffic is to loopback addresses, clustering is disabled, and every
// wait is bounded.
package amserver

import (
	"testing"

	"github.com/mongen-dev/mongen/internal/e2e/procserver"
)

// BinDirEnv names the environment variable that, when set, points at a
// directory holding prebuilt `alertmanager` and `amtool` binaries.
const BinDirEnv = "MONGEN_ALERTMANAGER_BIN_DIR"

const amModulePath = "github.com/prometheus/alertmanager"

var install = &procserver.Install{
	Prefix:    "amserver",
	Product:   "Alertmanager",
	Server:    "alertmanager",
	Tool:      "amtool",
	BinDirEnv: BinDirEnv,
	Module:    amModulePath,
	GoMod:     "tools/alertmanager/go.mod",
	Script:    "scripts/install-alertmanager.sh",
	ColdBuild: "a couple of minutes",
}

// Binaries returns the paths of the alertmanager and amtool binaries,
// building them with scripts/install-alertmanager.sh if they are missing.
func Binaries(t testing.TB) (alertmanager, amtool string) {
	t.Helper()
	return install.Binaries(t)
}

// PinnedVersion returns the version of github.com/prometheus/alertmanager
// that the go.mod file at goMod (normally tools/alertmanager/go.mod)
// requires, e.g. "v0.28.1".
func PinnedVersion(goMod string) (string, error) {
	return procserver.PinnedVersion(goMod, amModulePath)
}
