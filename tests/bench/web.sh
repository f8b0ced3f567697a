#!/usr/bin/env bash
# The browser rows of the benchmark (issue 11), apart from tests/bench/run.sh because a
# Chromium transferring 1 GiB both ways takes minutes here; not part of the quick CI bench.
#
#   bash tests/bench/web.sh [BUILD_DIR] [SIZE_MIB (1024)] [RUNS (1)]
#
# Starts roomshare-server (TLS, self-signed) on 127.0.0.1 and a headless Chromium that no
# automation is attached to; prints one Markdown table (also written to $BENCH_OUTPUT,
# default <build>/bench-web-table.md): the page's upload and download in MB/s, roomshare-cli's
# in the same run, and PairDrop's ~9 MB/s between two Chromium peers as measured earlier.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="$(cd "${1:-$here/build}" && pwd)"
for need in node npm openssl "${CHROMIUM:-/usr/bin/chromium}"; do
    command -v "$need" >/dev/null || { echo "bench web: $need is missing (scripts/install-deps.sh installs it)" >&2; exit 1; }
done
if [ ! -d "$here/node_modules/playwright-core" ]; then
    (cd "$here" && timeout 300 npm ci --no-audit --no-fund --loglevel=error)
fi
work="$(mktemp -d "${TMPDIR:-/tmp}/roomshare-bench-web.XXXXXX")"
trap 'rm -rf "$work"' EXIT
BENCH_OUTPUT="${BENCH_OUTPUT:-$build/bench-web-table.md}" \
    timeout 1800 node "$here/tests/web/bench.mjs" "$build" "$work" "${2:-1024}" "${3:-1}"
