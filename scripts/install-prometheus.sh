#!/usr/bin/env bash
# install-prometheus.sh builds the real Prometheus server and promtool, at the
# version pinned in tools/prometheus/go.mod, into .cache/bin/ at the repository
# root. mongen's end-to-end tests (internal/e2e/promserver) run them.
#
# Idempotent: binaries are stored under version-keyed names
# (.cache/bin/prometheus-vX.Y.Z, .cache/bin/promtool-vX.Y.Z) and a run that
# finds both is a no-op. The unversioned names .cache/bin/prometheus and
# .cache/bin/promtool are symlinks to the current version.
#
# Needs only Go (modules come from the Go module proxy). A cold build takes a
# few minutes on 2 cores; concurrent runs are serialised with a lock.
#
# Prints the two binary paths, one per line, on stdout (progress goes to
# stderr), so callers can do:
#   { read -r prom; read -r promtool; } < <(scripts/install-prometheus.sh)
#
# The version the binaries report comes from the module's VERSION file, e.g.
# 3.16.0 for module v0.316.0. They are built without the builtinassets tag:
# the module does not ship the built web UI, and the tests use only the HTTP
# API. scripts/lib/install-go-tool.sh does the work.
set -euo pipefail

exec bash "$(dirname "${BASH_SOURCE[0]}")/lib/install-go-tool.sh" \
	--module github.com/prometheus/prometheus --server prometheus --tool promtool \
	--product Prometheus --cold "a few minutes"
