#!/usr/bin/env bash
# install-actionlint.sh builds actionlint, the GitHub Actions workflow linter,
# from the Go module proxy into .cache/bin/ at the repository root.
#
# Idempotent: the binary is stored as .cache/bin/actionlint-vX.Y.Z and a run
# that finds it is a no-op; .cache/bin/actionlint links to it. Prints the
# binary's path on stdout (progress goes to stderr).
set -euo pipefail

version=v1.7.12
module=github.com/rhysd/actionlint/cmd/actionlint

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd "$script_dir/.." && pwd)
bin_dir="$repo_root/.cache/bin"
bin="$bin_dir/actionlint-$version"

if [[ ! -x "$bin" ]]; then
	mkdir -p "$bin_dir"
	tmp=$(mktemp -d "$bin_dir/.actionlint.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	echo "install-actionlint: building actionlint $version into $bin_dir" >&2
	# Outside any module: go.mod and go.sum stay untouched.
	(cd "$tmp" && GOWORK=off GOFLAGS= CGO_ENABLED=0 GOBIN="$tmp" go install "$module@$version" >&2)
	mv -f "$tmp/actionlint" "$bin"
fi
ln -sfn "actionlint-$version" "$bin_dir/actionlint"
printf '%s\n' "$bin"
