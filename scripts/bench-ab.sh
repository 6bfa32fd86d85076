#!/usr/bin/env bash
# bench-ab.sh OLD NEW [ROUNDS]: the side-by-side figures of
# docs/performance.md. Two mongen binaries (go build -o OLD ./cmd/mongen at
# one commit, NEW at another) each build the large environment
# (internal/benchenv) cold, then ROUNDS times after a one-rule edit, each
# run right after `cue export -e env` of the same CUE (the benchmarks'
# reference child), printing wall, CPU (user+sys) and peak RSS.
set -euo pipefail
old=$(realpath "$1") new=$(realpath "$2") rounds=${3:-3}
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go run ./cmd/benchenv -o "$work/repo"
go test -c -o "$work/ref.test" ./internal/benchenv
export MONGEN_CACHE_DIR="$work/cache"
cd "$work/repo"
rules=environments/big/rules_000.cue
flip() { # the first rule's threshold: 5 -> 6 -> 5 ...
	if grep -q $'^\t\tthreshold: 5$' "$rules"; then
		sed -i '0,/^\t\tthreshold: 5$/s//\t\tthreshold: 6/' "$rules"
	else
		sed -i '0,/^\t\tthreshold: 6$/s//\t\tthreshold: 5/' "$rules"
	fi
}
measure() { # label command...: one line of wall, CPU and peak RSS
	local label=$1
	shift
	/usr/bin/time -f "$label %e s wall %U+%S s CPU %M KB" "$@" >/dev/null 2>"$work/time" || { cat "$work/time"; exit 1; }
	tail -1 "$work/time"
}
ref() { MONGEN_BENCHENV_CHILD=cue measure "  cue export" "$work/ref.test" -test.run='^$' x; }
for bin in "$old" "$new"; do
	echo "$bin"
	rm -rf out
	ref
	measure "  cold build" "$bin" build --no-cache big
	flip
	"$bin" build big >/dev/null 2>&1 # fills this binary's caches
	for _ in $(seq "$rounds"); do
		flip
		ref
		measure "  one-rule rebuild" "$bin" build big
	done
done
