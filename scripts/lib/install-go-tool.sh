#!/usr/bin/env bash
# install-go-tool.sh builds a server binary and its command-line tool from one
# Go module, at the version pinned in tools/SERVER/go.mod, into .cache/bin/ at
# the repository root. scripts/install-prometheus.sh and
# scripts/install-alertmanager.sh run it:
#
#   install-go-tool.sh --module MODULE --server SERVER --tool TOOL \
#       --product PRODUCT --cold DURATION [--bare-version-fallback]
#
#   --module   the Go module, e.g. github.com/prometheus/prometheus; the
#              binaries are built from MODULE/cmd/SERVER and MODULE/cmd/TOOL
#   --server, --tool  the binaries' names, e.g. prometheus and promtool
#   --product  the software's name for the log, e.g. Prometheus
#   --cold     how long a cold build takes, for the log, e.g. "a few minutes"
#   --bare-version-fallback  when the module has no VERSION file, the version
#              the binaries report is the module version without its "v"
#              (else the module version as is)
#
# Log lines, the lock and the binaries' build user are named
# install-SERVER.
#
# Idempotent: binaries are stored under version-keyed names
# (.cache/bin/SERVER-vX.Y.Z, .cache/bin/TOOL-vX.Y.Z) and a run that finds both
# is a no-op. The unversioned names .cache/bin/SERVER and .cache/bin/TOOL are
# symlinks to the current version. Concurrent runs are serialised with a lock.
#
# Prints the two binary paths, server then tool, one per line, on stdout
# (progress goes to stderr).
set -euo pipefail

module= server= tool= product= cold= bare_version_fallback=
while (($#)); do
	case $1 in
	--module | --server | --tool | --product | --cold)
		(($# >= 2)) || { echo "install-go-tool: $1 needs a value" >&2; exit 2; }
		declare "${1#--}=$2"
		shift 2
		;;
	--bare-version-fallback)
		bare_version_fallback=1
		shift
		;;
	*)
		echo "install-go-tool: unknown argument $1" >&2
		exit 2
		;;
	esac
done
for v in module server tool product cold; do
	[[ -n "${!v}" ]] || { echo "install-go-tool: --$v is required" >&2; exit 2; }
done
name="install-$server"
tools_name="$server"

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
tools_dir="$repo_root/tools/$tools_name"
bin_dir="$repo_root/.cache/bin"

log() { printf '%s: %s\n' "$name" "$*" >&2; }

if ! command -v go >/dev/null 2>&1; then
	log "go is not on PATH"
	exit 1
fi

# The pinned version is the one tools/SERVER/go.mod requires.
version=$(awk -v m="$module" '$1 == m && $2 ~ /^v/ { print $2; exit }
	$1 == "require" && $2 == m { print $3; exit }' "$tools_dir/go.mod")
if [[ -z "$version" ]]; then
	log "cannot find $module in $tools_dir/go.mod"
	exit 1
fi

server_bin="$bin_dir/$server-$version"
tool_bin="$bin_dir/$tool-$version"

link_current() {
	ln -sfn "$server-$version" "$bin_dir/$server"
	ln -sfn "$tool-$version" "$bin_dir/$tool"
}

done_already() { [[ -x "$server_bin" && -x "$tool_bin" ]]; }

print_paths() { printf '%s\n%s\n' "$server_bin" "$tool_bin"; }

if done_already; then
	link_current
	print_paths
	exit 0
fi

mkdir -p "$bin_dir"

# Serialise concurrent runs (go test runs packages in parallel and each may
# call this script). Re-check after taking the lock.
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

if done_already; then
	link_current
	print_paths
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

# Version string the binaries report ($server --version), from the module's
# VERSION file.
go mod download "$module" >&2
mod_dir=$(go list -m -f '{{.Dir}}' "$module")
app_version=$(tr -d '[:space:]' <"$mod_dir/VERSION" 2>/dev/null || true)
if [[ -n "$bare_version_fallback" ]]; then
	app_version=${app_version:-${version#v}}
else
	app_version=${app_version:-$version}
fi

ldflags="-s -w"
ldflags+=" -X github.com/prometheus/common/version.Version=$app_version"
ldflags+=" -X github.com/prometheus/common/version.Revision=$version"
ldflags+=" -X github.com/prometheus/common/version.Branch=module"
ldflags+=" -X github.com/prometheus/common/version.BuildUser=mongen-$name"

tmp=$(mktemp -d "$bin_dir/.build-$server.XXXXXX")
cleanup_tmp() { rm -rf "$tmp"; }
trap 'cleanup_tmp; [[ -n "${lockdir:-}" ]] && rmdir "$lockdir" 2>/dev/null; true' EXIT

log "building $product $app_version ($version) into $bin_dir (takes $cold when cold)"
start=$(date +%s)
go build -trimpath -ldflags "$ldflags" -o "$tmp/" "$module/cmd/$server" "$module/cmd/$tool"
log "built in $(($(date +%s) - start))s"

# Move into place (rename within one directory: a reader never sees half a file).
mv -f "$tmp/$tool" "$tool_bin"
mv -f "$tmp/$server" "$server_bin"
link_current

"$server_bin" --version 2>&1 | head -n1 >&2
print_paths
