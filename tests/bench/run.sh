#!/usr/bin/env bash
# The Roomshare benchmark (issue 6), one command:
#
#   bash tests/bench/run.sh [--quick] [--runs N] [--only ROWS] [--link-size MIB]
#
# Installs nginx and curl when missing, builds Release (into $ROOMSHARE_BUILD_DIR, default
# build/), starts roomshare-server and nginx (WebDAV PUT, its own prefix) on 127.0.0.1 in a
# temporary folder and prints one Markdown table: Roomshare's figure, the peer's figure
# measured in the same run, and their ratio. The table is also written to
# $BENCH_OUTPUT (default: <build>/bench-table.md).
#
# Set BENCH_SKIP_BUILD=1 to use an existing build as it is (tests/extra/bench-quick.sh does).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${ROOMSHARE_BUILD_DIR:-$here/build}"

bash "$here/tests/bench/install-deps.sh"
if [ -z "${BENCH_SKIP_BUILD:-}" ]; then
    bash "$here/scripts/install-deps.sh"
    ROOMSHARE_BUILD_TYPE="${ROOMSHARE_BUILD_TYPE:-Release}" ROOMSHARE_BUILD_DIR="$build" \
        bash "$here/scripts/build.sh"
fi
cmake --build "$build" --target roomshare-bench >/dev/null

nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"
work="$(mktemp -d "${TMPDIR:-/tmp}/roomshare-bench.XXXXXX")"
cleanup() { rm -rf "$work"; }
trap cleanup EXIT

gui=()
if [ -x "$build/tests/bench/roomshare-bench-gui" ]; then
    gui=(--gui "$build/tests/bench/roomshare-bench-gui")
fi
"$build/tests/bench/roomshare-bench" run \
    --work "$work" \
    --server "$build/src/server/roomshare-server" \
    --nginx "$nginx_bin" \
    --curl "$(command -v curl)" \
    --cli "$build/src/cli/roomshare-cli" \
    --output "${BENCH_OUTPUT:-$build/bench-table.md}" \
    "${gui[@]}" "$@"
