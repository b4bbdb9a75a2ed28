#!/usr/bin/env bash
# Compares ferry's catalog reading with distroinfo's get_info(), every package and field.
# usage: bench/catalog/compare-distroinfo.sh DISTROINFO_CHECKOUT [CATALOG]
#   DISTROINFO_CHECKOUT: a clone of github.com/softwarefactory-project/distroinfo
#   CATALOG: rdoinfo checkout or entry file (default: ../shared/data/rdoinfo)
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ $# -lt 1 ]; then
  echo "usage: $0 DISTROINFO_CHECKOUT [CATALOG]" >&2
  exit 2
fi
npx tsc -p tsconfig.build.json >/dev/null || true   # ferry's CLI runs from dist/
exec npx tsx bench/catalog/compare-distroinfo.ts "$@"
