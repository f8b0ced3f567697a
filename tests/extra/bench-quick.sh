#!/usr/bin/env bash
# Smoke test of the benchmark (scripts/test.sh runs it with the build folder as $1): the
# --quick mode on small files, once. It checks that every row runs and prints the table;
# it never judges the figures (CI machines are shared and noisy).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="$(cd "${1:-$here/build}" && pwd)"
start=$(date +%s)
BENCH_SKIP_BUILD=1 ROOMSHARE_BUILD_DIR="$build" BENCH_OUTPUT="$build/bench-quick-table.md" \
    timeout 600 bash "$here/tests/bench/run.sh" --quick
echo "bench-quick: done in $(( $(date +%s) - start )) s"
