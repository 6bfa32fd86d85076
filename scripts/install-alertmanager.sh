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
# stderr), so callers can do: read -r am amtool < <(scripts/install-alertmanager.sh)
#
# The version is v0.28.1 on purpose: the v0.34 server does not build from the
# module (its UI assets, ui/app/dist, are not in the module zip). amtool is
# built from the same module version so that `amtool check-config` accepts
# exactly what the server accepts.
set -euo pipefail

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd "$script_dir/.." && pwd)
tools_dir="$repo_root/tools/alertmanager"
bin_dir="$repo_root/.cache/bin"

log() { printf 'install-alertmanager: %s\n' "$*" >&2; }

if ! command -v go >/dev/null 2>&1; then
	log "go is not on PATH"
	exit 1
fi

# The pinned version is the one tools/alertmanager/go.mod requires.
version=$(awk '$1 == "github.com/prometheus/alertmanager" && $2 ~ /^v/ { print $2; exit }
	$1 == "require" && $2 == "github.com/prometheus/alertmanager" { print $3; exit }' "$tools_dir/go.mod")
if [[ -z "$version" ]]; then
	log "cannot find github.com/prometheus/alertmanager in $tools_dir/go.mod"
	exit 1
fi

am="$bin_dir/alertmanager-$version"
amtool="$bin_dir/amtool-$version"

link_current() {
	ln -sfn "alertmanager-$version" "$bin_dir/alertmanager"
	ln -sfn "amtool-$version" "$bin_dir/amtool"
}

done_already() { [[ -x "$am" && -x "$amtool" ]]; }

if done_already; then
	link_current
	printf '%s\n%s\n' "$am" "$amtool"
	exit 0
fi

mkdir -p "$bin_dir"

# Serialise concurrent runs (go test runs packages in parallel and each may
# call this script). Re-check after taking the lock.
lock="$bin_dir/.install-alertmanager.lock"
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
	printf '%s\n%s\n' "$am" "$amtool"
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

# Version string the binaries report (alertmanager --version), from the
# module's VERSION file, e.g. 0.28.1.
go mod download github.com/prometheus/alertmanager
mod_dir=$(go list -m -f '{{.Dir}}' github.com/prometheus/alertmanager)
app_version=$(tr -d '[:space:]' <"$mod_dir/VERSION" 2>/dev/null || true)
app_version=${app_version:-${version#v}}

ldflags="-s -w"
ldflags+=" -X github.com/prometheus/common/version.Version=$app_version"
ldflags+=" -X github.com/prometheus/common/version.Revision=$version"
ldflags+=" -X github.com/prometheus/common/version.Branch=module"
ldflags+=" -X github.com/prometheus/common/version.BuildUser=mongen-install-alertmanager"

tmp=$(mktemp -d "$bin_dir/.build-am.XXXXXX")
cleanup_tmp() { rm -rf "$tmp"; }
trap 'cleanup_tmp; [[ -n "${lockdir:-}" ]] && rmdir "$lockdir" 2>/dev/null; true' EXIT

log "building Alertmanager $app_version ($version) into $bin_dir (takes a couple of minutes when cold)"
start=$(date +%s)
go build -trimpath -ldflags "$ldflags" -o "$tmp/" \
	github.com/prometheus/alertmanager/cmd/alertmanager \
	github.com/prometheus/alertmanager/cmd/amtool
log "built in $(($(date +%s) - start))s"

# Move into place (rename within one directory: a reader never sees half a file).
mv -f "$tmp/amtool" "$amtool"
mv -f "$tmp/alertmanager" "$am"
link_current

"$am" --version 2>&1 | head -n1 >&2
printf '%s\n%s\n' "$am" "$amtool"
