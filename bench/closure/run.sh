#!/usr/bin/env bash
# Closure benchmark: ferry repo closure (XML and dependency-index paths) vs dnf repoclosure
# (fresh cache each run) and libsolv installcheck, plus the in-process "what breaks" call.
# usage: bench/closure/run.sh [--sizes 3000,20000] [--runs N] [--broken K]
set -euo pipefail
cd "$(dirname "$0")/../.."
npm run build >/dev/null   # ferry runs from dist/: never time a stale build
exec npx tsx bench/closure/main.ts "$@"
