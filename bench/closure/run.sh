#!/usr/bin/env bash
# Closure benchmark: ferry repo closure (XML and dependency-index paths) vs dnf repoclosure
# (fresh cache each run) and libsolv installcheck, plus the in-process "what breaks" call.
# usage: bench/closure/run.sh [--sizes 3000,20000] [--runs N] [--broken K]
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -f dist/cli/main.js ] || npm run build >/dev/null
exec npx tsx bench/closure/main.ts "$@"
