#!/usr/bin/env bash
# Repodata benchmark: ferry vs createrepo_c, full index and "add one package", on
# 3,000 small packages and 1,000 packages of realistic size (corpora cached in .bench-cache/).
# usage: bench/repodata/run.sh [--runs N] [--only small|realistic]
set -euo pipefail
cd "$(dirname "$0")/../.."
exec npx tsx bench/repodata/main.ts "$@"
