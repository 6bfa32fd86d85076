#!/usr/bin/env bash
# install-opconfig.sh builds tools/opconfig, the program that runs the
# prometheus-operator's own configuration generator (the operator version
# pinned in tools/opconfig/go.mod) on a set of objects, into .cache/bin/ at
# the repository root. internal/e2e/operatorconfig_test.go runs it.
#
# Idempotent: the binary is stored as .cache/bin/opconfig-<operator
# version>-<hash>, where <hash> covers tools/opconfig's go.mod, go.sum and Go
# sources, so a run with nothing changed is a no-op and an edit rebuilds.
# .cache/bin/opconfig is a symlink to the current build. Concurrent runs are
# serialised with a lock.
#
# Needs only Go (modules come from the Go module proxy). A cold build
# compiles the operator's packages and the Prometheus packages they use:
# about two minutes on 2 cores when nothing is cached.
#
# Prints the binary's path on stdout (progress goes to stderr).
set -euo pipefail

name=install-opconfig
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tools_dir="$repo_root/tools/opconfig"
bin_dir="$repo_root/.cache/bin"
module=github.com/prometheus-operator/prometheus-operator

log() { printf '%s: %s\n' "$name" "$*" >&2; }

if ! command -v go >/dev/null 2>&1; then
	log "go is not on PATH"
	exit 1
fi

version=$(awk -v m="$module" '$1 == m && $2 ~ /^v/ { print $2; exit }
	$1 == "require" && $2 == m { print $3; exit }' "$tools_dir/go.mod")
if [[ -z "$version" ]]; then
	log "cannot find $module in $tools_dir/go.mod"
	exit 1
fi
hash=$(cd "$tools_dir" && cat go.mod go.sum $(LC_ALL=C ls -- *.go) | sha256sum | cut -c1-12)
bin="$bin_dir/opconfig-$version-$hash"

finish() {
	ln -sfn "$(basename "$bin")" "$bin_dir/opconfig"
	printf '%s\n' "$bin"
	exit 0
}

[[ -x "$bin" ]] && finish
mkdir -p "$bin_dir"

lock="$bin_dir/.$name.lock"
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
[[ -x "$bin" ]] && finish

# Its own module: keep any go.work out, and let the go command complete
# go.sum if a Go release needs an entry it lacks (only this module is
# affected). The caller's GOFLAGS come later and so take precedence.
export GOWORK=off
export GOFLAGS="-mod=mod ${GOFLAGS:-}"
export CGO_ENABLED=0

tmp=$(mktemp "$bin_dir/.build-opconfig.XXXXXX")
trap 'rm -f "$tmp"; [[ -n "${lockdir:-}" ]] && rmdir "$lockdir" 2>/dev/null; true' EXIT
log "building opconfig with prometheus-operator $version into $bin_dir"
start=$(date +%s)
(cd "$tools_dir" && go build -trimpath -ldflags "-s -w" -o "$tmp" .)
log "built in $(($(date +%s) - start))s"
mv -f "$tmp" "$bin"
finish
