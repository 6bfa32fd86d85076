#!/usr/bin/env bash
# actionlint.sh lints this repository's GitHub workflows and the ones
# mongen init writes into a new monitoring repository.
set -euo pipefail
cd "$(dirname "$0")/.."

actionlint=$(scripts/install-actionlint.sh)
"$actionlint" .github/workflows/*.yml

scaffold=$(mktemp -d)
trap 'rm -rf "$scaffold"' EXIT
go run ./cmd/mongen init --mongen-version v0.1.0 "$scaffold/repo" >/dev/null
(cd "$scaffold/repo" && "$actionlint" .github/workflows/*.yml)
echo "actionlint: .github/workflows and mongen init's workflows are clean"
