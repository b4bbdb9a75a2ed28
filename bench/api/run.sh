#!/usr/bin/env bash
# API benchmark: `ferry serve` with 20,000 commits and 100,000 votes in its store, loaded by
# autocannon on loopback (GET last_tested_repo, POST report_result); requests/s, p50/p99 and
# peak memory against the target p99 < 20 ms at 50 connections. Needs dist/ (make bench builds it).
# usage: bench/api/run.sh [--connections 50] [--duration 10] [--database postgres://…/empty_db]
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -f dist/cli/main.js ] || npm run build >/dev/null
exec npx tsx bench/api/main.ts "$@"
