#!/usr/bin/env bash
# RPM primitives benchmark: ferry's rpmvercmp / compareEvr / evrSatisfies beside rpm's own
# comparison (rpm.vercmp in rpm's embedded Lua, i.e. C rpmverCmp) on the same generated pairs.
# usage: bench/rpm-primitives/run.sh [--pairs N] [--iterations N]
set -euo pipefail
cd "$(dirname "$0")/../.."
# ferry is measured as it ships: the compiled dist/ (tsx's loader would slow the hot loops down).
node node_modules/typescript/bin/tsc -p tsconfig.build.json >/dev/null || echo "tsc reported problems; dist/ still written" >&2
exec npx tsx bench/rpm-primitives/main.ts "$@"
