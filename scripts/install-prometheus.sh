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
# stderr), so callers can do: read -r prom promtool < <(scripts/install-prometheus.sh)
set -euo pipefail

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd "$script_dir/.." && pwd)
tools_dir="$repo_root/tools/prometheus"
bin_dir="$repo_root/.cache/bin"

log() { printf 'install-prometheus: %s\n' "$*" >&2; }

if ! command -v go >/dev/null 2>&1; then
	log "go is not on PATH"
	exit 1
fi

# The pinned version is the one tools/prometheus/go.mod requires.
version=$(awk '$1 == "github.com/prometheus/prometheus" && $2 ~ /^v/ { print $2; exit }
	$1 == "require" && $2 == "github.com/prometheus/prometheus" { print $3; exit }' "$tools_dir/go.mod")
if [[ -z "$version" ]]; then
	log "cannot find github.com/prometheus/prometheus in $tools_dir/go.mod"
	exit 1
fi

prom="$bin_dir/prometheus-$version"
promtool="$bin_dir/promtool-$version"

link_current() {
	ln -sfn "prometheus-$version" "$bin_dir/prometheus"
	ln -sfn "promtool-$version" "$bin_dir/promtool"
}

done_already() { [[ -x "$prom" && -x "$promtool" ]]; }

if done_already; then
	link_current
	printf '%s\n%s\n' "$prom" "$promtool"
	exit 0
fi

mkdir -p "$bin_dir"

# Serialise concurrent runs (go test runs packages in parallel and each may
# call this script). Re-check after taking the lock.
lock="$bin_dir/.install-prometheus.lock"
if command -v flock >/dev/null 2>&1; then
	exec 9>"$lock"
	flock 9
else
	lockdir="$lock.d"
	for _ in $(seq 1 1800); do
		mkdir "$lockdir" 2>/dev/null && break
		sleep 1
	done
	[[ -d "$lockdir" ]] || { log "timed out waiting for $lockdir"; exit 1; }
	trap 'rmdir "$lockdir" 2>/dev/null || true' EXIT
fi

if done_already; then
	link_current
	printf '%s\n%s\n' "$prom" "$promtool"
	exit 0
fi

# The tools module is its own module: keep any go.work out of it, and let the
# go command complete go.sum if a Go release needs an entry it lacks (only the
# tools module is affected). Flags in the caller's own GOFLAGS come later and
# so take precedence.
export GOWORK=off
export GOFLAGS="-mod=mod ${GOFLAGS:-}"
# Static, portable binaries; no C compiler needed.
export CGO_ENABLED=0

cd "$tools_dir"

# Version string the binaries report (prometheus --version), from the
# module's VERSION file, e.g. 3.16.0 for module v0.316.0.
go mod download github.com/prometheus/prometheus >&2
mod_dir=$(go list -m -f '{{.Dir}}' github.com/prometheus/prometheus)
app_version=$(tr -d '[:space:]' <"$mod_dir/VERSION" 2>/dev/null || true)
app_version=${app_version:-$version}

ldflags="-s -w"
ldflags+=" -X github.com/prometheus/common/version.Version=$app_version"
ldflags+=" -X github.com/prometheus/common/version.Revision=$version"
ldflags+=" -X github.com/prometheus/common/version.Branch=module"
ldflags+=" -X github.com/prometheus/common/version.BuildUser=mongen-install-prometheus"

tmp=$(mktemp -d "$bin_dir/.build.XXXXXX")
cleanup_tmp() { rm -rf "$tmp"; }
trap 'cleanup_tmp; [[ -n "${lockdir:-}" ]] && rmdir "$lockdir" 2>/dev/null; true' EXIT

log "building Prometheus $app_version ($version) into $bin_dir (takes a few minutes when cold)"
start=$(date +%s)
# builtinassets is left off: the module does not ship the built web UI, and
# the tests use only the HTTP API.
go build -trimpath -ldflags "$ldflags" -o "$tmp/" \
	github.com/prometheus/prometheus/cmd/prometheus \
	github.com/prometheus/prometheus/cmd/promtool
log "built in $(($(date +%s) - start))s"

# Move into place (rename within one directory: a reader never sees half a file).
mv -f "$tmp/promtool" "$promtool"
mv -f "$tmp/prometheus" "$prom"
link_current

"$prom" --version 2>&1 | head -n1 >&2
printf '%s\n%s\n' "$prom" "$promtool"
