#!/usr/bin/env bash
# SQLite WAL soak: sustained vote writes (as ferry serve, background checkpoints) with reader
# threads on their own connections; prints the largest WAL seen (target: at most 64 MiB) and
# the restart time after kill -9. The machine may be shared with other work: figures are per run.
# usage: bench/store/wal-soak.sh [--minutes 10] [--readers 2]     (--minutes 0.5 for a quick run)
set -euo pipefail
cd "$(dirname "$0")/../.."
exec npx tsx bench/store/wal-soak.ts "$@"
