#!/usr/bin/env bash
# install-servers.sh installs the real Prometheus and Alertmanager servers (and
# promtool/amtool) at given versions into .cache/bin/ at the repository root,
# for the version-matrix end-to-end tests (internal/e2e/versions_test.go,
# through promserver.BinariesAt and amserver.BinariesAt).
#
#   install-servers.sh PRODUCT VERSION   # PRODUCT: prometheus | alertmanager
#   install-servers.sh                   # the default matrix (below)
#
# VERSION is the product's release version as a platform states it, e.g.
# v3.14.0 or v0.34.0. For each PRODUCT VERSION the script prints the server's
# and the tool's path, one per line, on stdout (progress goes to stderr):
#   .cache/bin/prometheus-v3.14.0  .cache/bin/promtool-v3.14.0
#   .cache/bin/alertmanager-v0.34.0  .cache/bin/amtool-v0.34.0
#
# Where the binaries come from: every version is built from a copy of the
# upstream module's source (downloaded from the Go module proxy), as the main
# module it is, with its own go.mod and go.sum:
#   - Alertmanager: the module zip lacks the built web UI (ui/app/dist, which
#     ui/web.go embeds with //go:embed app/dist), so the copy gets one
#     placeholder file, ui/app/dist/index.html. Nothing else is changed: the
#     API, configuration loading and notification code are upstream's.
#   - Prometheus (module v0.3MM.P for v3.MM.P, v0.MM.P for v2.MM.P): only the
#     kubernetes service-discovery plugin is built (the only one mongen
#     renders; static and file discovery are always built in), which saves
#     about a fifth of a cold build's CPU (client-go, which Kubernetes
#     discovery needs, and Prometheus' own packages are most of it). Modules whose plugins/ files carry build tags (v3.x) get
#     -tags remove_all_sd,enable_kubernetes_sd; older ones (v2.42) have one
#     generated plugins/plugins.go importing every plugin listed in
#     plugins.yml, and the copy gets that file rewritten as upstream's
#     `make plugins` would write it for a plugins.yml listing only
#     discovery/kubernetes. Without the builtinassets tag (v3), as
#     scripts/install-prometheus.sh; v2 serves its UI from the module's files.
#     A version whose module asks for a dependency version the proxy does not
#     serve gets the same replace as tools/prometheus/go.mod.
#
# Idempotent (a version whose two binaries exist is a no-op), serialised with
# a lock per product and version, and atomic (binaries are renamed into place).
# Needs only Go.
#
# Debian bookworm packages the floor of the plain and operator profiles
# (Prometheus 2.42.0, Alertmanager 0.25.0), but its binaries are not used:
# Debian builds Prometheus without Kubernetes service discovery (its promtool
# and server reject every kubernetes_sd_configs), and patches Alertmanager to
# read its default template from /usr/share/prometheus/alertmanager/, so it
# does not start unless the package is installed system-wide. Both versions
# are built from the module like the others.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin_dir="$repo_root/.cache/bin"

# The default matrix: every version the e2e version matrix runs that this
# script provides (the newest Prometheus, v3.16.0, comes from
# scripts/install-prometheus.sh, a full build, and Alertmanager v0.28.1, dev's,
# from scripts/install-alertmanager.sh).
default_matrix=(
	"alertmanager v0.25.0" # Debian bookworm's version: plain/operator floor
	"alertmanager v0.34.0" # kube-prometheus-stack chart 88.5.3
	"alertmanager v0.34.2" # newest: the version mongen's verification links
	"prometheus v2.42.0"   # Debian bookworm's version: plain/operator floor
	"prometheus v3.14.0"   # kube-prometheus-stack chart 88.5.3
	"alertmanager v0.33.1" # kube-prometheus (commit 4d719f1d)
	"prometheus v3.13.2"   # kube-prometheus (commit 4d719f1d)
)

log() { printf 'install-servers: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

# install PRODUCT VERSION: installs one version and prints its two paths.
install() {
	local product=$1 version=$2 server tool module modver
	[[ $version =~ ^v([0-9]+)\.([0-9]+)\.([0-9]+)$ ]] || die "$product version $version is not vX.Y.Z"
	local major=${BASH_REMATCH[1]} minor=${BASH_REMATCH[2]} patch=${BASH_REMATCH[3]}
	case $product in
	alertmanager)
		server=alertmanager tool=amtool module=github.com/prometheus/alertmanager
		modver=$version
		;;
	prometheus)
		server=prometheus tool=promtool module=github.com/prometheus/prometheus
		case $major in
		3) modver=$(printf 'v0.3%02d.%d' "$minor" "$patch") ;;
		2) modver="v0.$minor.$patch" ;;
		*) die "no module version is known for Prometheus $version" ;;
		esac
		;;
	*) die "unknown product $product (want prometheus or alertmanager)" ;;
	esac

	local server_bin="$bin_dir/$server-$version" tool_bin="$bin_dir/$tool-$version"
	if [[ -x $server_bin && -x $tool_bin ]]; then
		printf '%s\n%s\n' "$server_bin" "$tool_bin"
		return
	fi
	build "$product" "$version" "$module" "$modver" "$server" "$tool"
}

# build PRODUCT VERSION MODULE MODVER SERVER TOOL, under a lock, in a
# subshell (so the lock, the temporary directory and the environment end with
# it).
build() (
	local product=$1 version=$2 module=$3 modver=$4 server=$5 tool=$6
	local server_bin="$bin_dir/$server-$version" tool_bin="$bin_dir/$tool-$version"
	command -v go >/dev/null 2>&1 || die "go is not on PATH"
	mkdir -p "$bin_dir"
	exec 9>"$bin_dir/.install-$server-$version.lock"
	flock 9
	if [[ -x $server_bin && -x $tool_bin ]]; then
		printf '%s\n%s\n' "$server_bin" "$tool_bin"
		return
	fi

	export GOWORK=off GOTOOLCHAIN=local CGO_ENABLED=0
	export GOFLAGS="-mod=mod ${GOFLAGS:-}"
	local tmp
	tmp=$(mktemp -d "$bin_dir/.build-$server-$version.XXXXXX")
	trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT

	log "downloading $module@$modver"
	local dir
	dir=$(cd "$tmp" && go mod download -json "$module@$modver" |
		sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')
	[[ -n $dir && -d $dir ]] || die "go mod download $module@$modver gave no directory"
	cp -r "$dir" "$tmp/src"
	chmod -R u+w "$tmp/src"
	cd "$tmp/src"

	local tags=""
	case $product in
	alertmanager)
		if [[ ! -e ui/app/dist ]]; then
			mkdir -p ui/app/dist
			printf '%s\n' "<!doctype html><title>Alertmanager</title><p>Built by mongen's scripts/install-servers.sh without the web UI (ui/app/dist is not in the module zip); the API is upstream's." >ui/app/dist/index.html
		fi
		;;
	prometheus)
		if grep -qs 'remove_all_sd' plugins/plugin_kubernetes.go; then
			tags="-tags=remove_all_sd,enable_kubernetes_sd"
		elif [[ -f plugins/plugins.go ]] && grep -q 'discovery/kubernetes"' plugins/plugins.go; then
			printf '%s\n' '// This file is generated by "make plugins" from a plugins.yml listing only' \
				'// discovery/kubernetes (mongen scripts/install-servers.sh).' '' 'package plugins' '' 'import (' \
				'	// Register kubernetes plugin.' '	_ "github.com/prometheus/prometheus/discovery/kubernetes"' ')' >plugins/plugins.go
		else
			die "cannot find Prometheus $version's service-discovery plugins (plugins/)"
		fi
		# The version of github.com/hashicorp/nomad/api that some Prometheus
		# modules ask for is not served by the proxy (see
		# tools/prometheus/go.mod); nomad discovery is not built, but the
		# module graph still needs its go.mod.
		local nomad
		nomad=$(awk '$1 == "github.com/hashicorp/nomad/api" { print $2; exit }' go.mod)
		if [[ -n $nomad ]] && ! go mod download "github.com/hashicorp/nomad/api@$nomad" 2>/dev/null; then
			local served
			served=$(awk '$1 == "github.com/hashicorp/nomad/api" && $2 == "=>" { print $3 " " $4; exit }' \
				"$repo_root/tools/prometheus/go.mod")
			[[ -n $served ]] || die "github.com/hashicorp/nomad/api@$nomad is not served and tools/prometheus/go.mod has no replace for it"
			log "replacing github.com/hashicorp/nomad/api $nomad (not served) with ${served/ /@}"
			go mod edit -replace "github.com/hashicorp/nomad/api=${served/ /@}"
		fi
		;;
	esac

	local app_version
	app_version=$(tr -d '[:space:]' <VERSION 2>/dev/null || true)
	app_version=${app_version:-${version#v}}
	local ldflags="-s -w"
	ldflags+=" -X github.com/prometheus/common/version.Version=$app_version"
	ldflags+=" -X github.com/prometheus/common/version.Revision=$modver"
	ldflags+=" -X github.com/prometheus/common/version.Branch=module"
	ldflags+=" -X github.com/prometheus/common/version.BuildUser=mongen-install-servers"

	log "building $product $app_version ($module@$modver${tags:+, $tags}) into $bin_dir"
	local start=$SECONDS
	go build -trimpath $tags -ldflags "$ldflags" -o "$tmp/" "./cmd/$server" "./cmd/$tool" >&2
	log "built $product $app_version in $((SECONDS - start))s"

	mv -f "$tmp/$tool" "$tool_bin"
	mv -f "$tmp/$server" "$server_bin"
	"$server_bin" --version 2>&1 | head -n1 >&2
	printf '%s\n%s\n' "$server_bin" "$tool_bin"
)

if (($# == 0)); then
	for spec in "${default_matrix[@]}"; do
		# shellcheck disable=SC2086 # "product version"
		install $spec
	done
elif (($# == 2)); then
	install "$1" "$2"
else
	die "usage: install-servers.sh [prometheus|alertmanager VERSION]"
fi
