#!/usr/bin/env bash
# Issue 14, the object-storage half: starts a real Swift + s3api on loopback
# (tests/fixtures/s3-swift.sh, installing it when missing) and runs against it the S3
# client's tests (tst_s3client) and the real roomshare-server with --storage s3://BUCKET
# driven by the real roomshare-cli (tst_s3server). scripts/test.sh runs it with the build
# folder as $1.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="$(cd "${1:-$here/build}" && pwd)"
start=$(date +%s)
ninja -C "$build" tst_s3client tst_s3server roomshare-server roomshare-cli >/dev/null

state=$(mktemp -d "${TMPDIR:-/tmp}/roomshare-s3.XXXXXX")
cleanup() {
    bash "$here/tests/fixtures/s3-swift.sh" stop "$state/swift" 2>/dev/null || true
    rm -rf "$state"
}
trap cleanup EXIT

# Five consecutive loopback ports; the fixture refuses busy ones, so a few bases are tried.
env_lines=""
for _ in 1 2 3 4 5; do
    base=$(( 20000 + RANDOM % 20000 ))
    if env_lines=$(bash "$here/tests/fixtures/s3-swift.sh" start "$state/swift" "$base"); then break; fi
    env_lines=""
done
[ -n "$env_lines" ] || { echo "scaleout-s3: the object store did not start" >&2; exit 1; }
while IFS='=' read -r name value; do
    export "$name=$value"
done <<< "$env_lines"
echo "scaleout-s3: Swift + s3api on $S3_ENDPOINT (started in $(( $(date +%s) - start )) s)"

QT_QPA_PLATFORM=offscreen timeout 300 "$build/tests/auto/server/tst_s3client"
# The CLI keeps its unfinished-upload records under XDG_DATA_HOME: a folder of this run.
ROOMSHARE_SERVER_BIN="$build/src/server/roomshare-server" \
    ROOMSHARE_CLI_BIN="$build/src/cli/roomshare-cli" \
    XDG_DATA_HOME="$state/xdg" QT_QPA_PLATFORM=offscreen \
    timeout 300 "$build/tests/auto/server/tst_s3server"
echo "scaleout-s3: done in $(( $(date +%s) - start )) s"
