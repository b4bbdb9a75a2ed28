#!/usr/bin/env bash
# Versioning benchmark: ferry's pbr version of a commit beside `python3 setup.py --version`
# (what DLRN runs) on the same generated git history (cached under .bench-cache/versioning).
# usage: bench/versioning/run.sh [--commits N] [--iterations N]
set -euo pipefail
cd "$(dirname "$0")/../.."
exec npx tsx bench/versioning/main.ts "$@"
