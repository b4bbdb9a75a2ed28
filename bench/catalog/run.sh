#!/usr/bin/env bash
# Catalog benchmark: ferry's load beside js-yaml parse-only, the yaml package, a cold
# `ferry catalog validate`, and distroinfo when DISTROINFO (a checkout) is set.
# usage: bench/catalog/run.sh [--catalog DIR] [--distroinfo CHECKOUT] [--iterations N]
set -euo pipefail
cd "$(dirname "$0")/../.."
args=("$@")
if [ -n "${DISTROINFO:-}" ]; then args+=(--distroinfo "$DISTROINFO"); fi
exec npx tsx bench/catalog/main.ts "${args[@]}"
