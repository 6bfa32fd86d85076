#!/usr/bin/env bash
# install-debian-servers.sh puts Debian bookworm's Alertmanager (v0.25.0, the
# oldest version mongen supports for the plain and operator profiles) into
# .cache/bin/ at the repository root, for the version-matrix end-to-end tests.
# scripts/install-servers.sh calls it for that version.
#
# Debian's Prometheus (2.42.0, the plain and operator floor) is not taken:
# Debian builds it without Kubernetes service discovery, so its promtool and
# server reject every kubernetes_sd_configs that mongen renders.
# scripts/install-servers.sh builds Prometheus v2.42.0 from the module instead.
#
#   install-debian-servers.sh alertmanager v0.25.0  # alertmanager, amtool
#   install-debian-servers.sh                       # the same (bookworm's)
#
# It runs `apt-get update` and `apt-get download` (as root, as CI does) for
# the package `prometheus-alertmanager`, and unpacks it
# with dpkg-deb under .cache/debian/: the packages are not installed, so no
# service is started, no dependency (the web UI's JavaScript) is pulled in and
# the system is left as it was. The binaries are symlinked as
# .cache/bin/prometheus-vX.Y.Z, promtool-vX.Y.Z, alertmanager-vX.Y.Z and
# amtool-vX.Y.Z, where X.Y.Z is the upstream part of the Debian version; the
# script fails if that is not the version asked for (Debian moved on).
#
# Idempotent (a version whose two binaries exist is a no-op) and serialised
# with a lock. Prints the server's and the tool's path, one per line, per
# product on stdout (progress goes to stderr).
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin_dir="$repo_root/.cache/bin"
deb_dir="$repo_root/.cache/debian"

log() { printf 'install-debian-servers: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

# product PRODUCT: sets pkg, server, tool, server_path and tool_path (inside
# the package) for PRODUCT.
product() {
	case $1 in
	alertmanager) pkg=prometheus-alertmanager server=alertmanager tool=amtool server_path=usr/bin/prometheus-alertmanager tool_path=usr/bin/amtool ;;
	prometheus) die "Debian's prometheus lacks Kubernetes service discovery: scripts/install-servers.sh builds Prometheus from the module" ;;
	*) die "unknown product $1 (want alertmanager)" ;;
	esac
}

updated=
install() {
	local want=$2 pkg server tool server_path tool_path
	product "$1"
	if [[ -n $want && -x $bin_dir/$server-$want && -x $bin_dir/$tool-$want ]]; then
		printf '%s\n%s\n' "$bin_dir/$server-$want" "$bin_dir/$tool-$want"
		return
	fi
	command -v apt-get >/dev/null 2>&1 || die "apt-get is not on PATH: $pkg comes from Debian"
	if [[ -z $updated ]]; then
		log "apt-get update"
		apt-get update -qq >&2 || die "apt-get update failed (run as root)"
		updated=1
	fi
	local debver upstream
	debver=$(apt-cache policy "$pkg" | awk '$1 == "Candidate:" { print $2 }')
	[[ -n $debver && $debver != "(none)" ]] || die "apt has no candidate for $pkg"
	upstream=${debver#*:}
	upstream=v${upstream%%[+~-]*}
	if [[ -n $want && $upstream != "$want" ]]; then
		die "Debian's $pkg is $debver ($upstream), not $want: update the versions in scripts/install-servers.sh and internal/e2e/versions_test.go"
	fi

	local dest="$deb_dir/${pkg}_$debver"
	if [[ ! -x $dest/$server_path || ! -x $dest/$tool_path ]]; then
		local tmp
		tmp=$(mktemp -d "$deb_dir.XXXXXX")
		chmod 755 "$tmp" # apt-get download fetches as the _apt user
		log "apt-get download $pkg=$debver"
		(cd "$tmp" && apt-get download -qq "$pkg=$debver" >&2) || { rm -rf "$tmp"; die "apt-get download $pkg=$debver failed"; }
		dpkg-deb -x "$tmp"/"${pkg}"_*.deb "$tmp/root" || { rm -rf "$tmp"; die "dpkg-deb -x failed for $pkg"; }
		rm -rf "$dest"
		mv "$tmp/root" "$dest"
		rm -rf "$tmp"
	fi
	ln -sfn "$dest/$server_path" "$bin_dir/$server-$upstream"
	ln -sfn "$dest/$tool_path" "$bin_dir/$tool-$upstream"
	"$bin_dir/$server-$upstream" --version 2>&1 | head -n1 >&2
	printf '%s\n%s\n' "$bin_dir/$server-$upstream" "$bin_dir/$tool-$upstream"
}

mkdir -p "$bin_dir" "$deb_dir"
exec 9>"$bin_dir/.install-debian-servers.lock"
flock 9

case $# in
0) install alertmanager v0.25.0 ;;
2) install "$1" "$2" ;;
*) die "usage: install-debian-servers.sh [alertmanager VERSION]" ;;
esac
