#!/usr/bin/env bash
# Chaser benchmark: publishing one new build into a snapshot of 500 binary RPMs (links,
# incremental repodata, versions.csv, delorean.repo, commit.yaml, database, labels) beside
# createrepo_c with default options over the same RPMs (what DLRN runs for every build).
# The corpus is built once into .bench-cache/chase/.
# usage: bench/chase/run.sh [--runs 15] [--count 500] [--pad-kb 200] [--profile DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
npm run build >/dev/null   # the publish runs from dist/, as ferry does
exec npx tsx bench/chase/main.ts "$@"
