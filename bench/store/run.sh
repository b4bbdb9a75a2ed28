#!/usr/bin/env bash
# Store benchmark: the queries the API and the chaser run, on SQLite and PostgreSQL side by
# side, with the API bench's volume (20,000 commits, 100,000 votes) seeded by seedStore.
# Prints per-query mean and p99 latency, the PostgreSQL/SQLite ratio, unforced query plans
# at that size, and peak memory.
# usage: bench/store/run.sh [--commits N] [--votes N] [--iterations N] [--pg URL] [--no-plans]
#   --pg: maintenance URL of a PostgreSQL server (default postgres://postgres@127.0.0.1:5432/test;
#         a database ferry_bench_store_<pid> is created there and dropped afterwards)
set -euo pipefail
cd "$(dirname "$0")/../.."
exec npx tsx bench/store/main.ts "$@"
