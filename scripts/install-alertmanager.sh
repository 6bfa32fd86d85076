#!/usr/bin/env bash
# install-alertmanager.sh builds the real Alertmanager server and amtool, at
# the version pinned in tools/alertmanager/go.mod, into .cache/bin/ at the
# repository root. mongen's end-to-end tests (internal/e2e/amserver) run them.
#
# Idempotent: binaries are stored under version-keyed names
# (.cache/bin/alertmanager-vX.Y.Z, .cache/bin/amtool-vX.Y.Z) and a run that
# finds both is a no-op. The unversioned names .cache/bin/alertmanager and
# .cache/bin/amtool are symlinks to the current version.
#
# Needs only Go (modules come from the Go module proxy). A cold build takes a
# couple of minutes on 2 cores; concurrent runs are serialised with a lock.
#
# Prints the two binary paths, one per line, on stdout (progress goes to
# stderr), so callers can do:
#   { read -r am; read -r amtool; } < <(scripts/install-alertmanager.sh)
#
# The version is v0.28.1 on purpose: the v0.34 server does not build from the
# module (its UI assets, ui/app/dist, are not in the module zip). amtool is
# built from the same module version so that `amtool check-config` accepts
# exactly what the server accepts. The version the binaries report comes from
# the module's VERSION file, e.g. 0.28.1. scripts/lib/install-go-tool.sh does
# the work.
set -euo pipefail

exec bash "$(dirname "${BASH_SOURCE[0]}")/lib/install-go-tool.sh" \
	--module github.com/prometheus/alertmanager --server alertmanager --tool amtool \
	--product Alertmanager --cold "a couple of minutes" --bare-version-fallback
