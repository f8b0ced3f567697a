#!/usr/bin/env bash
# Issue 14, "A node dies": both engines at once (PostgreSQL from tests/fixtures/postgres.sh,
# Swift + s3api from tests/fixtures/s3-swift.sh), two real roomshare-server nodes on them
# and real clients whose links name both nodes (tests/auto/core/tst_failover.cpp): a file
# sent through node 1 downloaded through node 2, node 1 killed under a 64 MiB upload and
# under a download, both continued through node 2 in the same sessions. Argument: the
# build folder.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="$(cd "${1:-$here/build}" && pwd)"
start=$(date +%s)
ninja -C "$build" tst_failover roomshare-server >/dev/null

# The cluster runs as user postgres, which must reach its folder: /tmp, not a private one.
work=$(mktemp -d /tmp/roomshare-nodes.XXXXXX)
chmod 711 "$work"
cleanup() {
    bash "$here/tests/fixtures/postgres.sh" stop "$work/pg" 2>/dev/null || true
    bash "$here/tests/fixtures/s3-swift.sh" stop "$work/swift" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
url=$(bash "$here/tests/fixtures/postgres.sh" start "$work/pg" "$port")

# Five consecutive loopback ports; the fixture refuses busy ones, so a few bases are tried.
env_lines=""
for _ in 1 2 3 4 5; do
    base=$(( 20000 + RANDOM % 20000 ))
    if env_lines=$(bash "$here/tests/fixtures/s3-swift.sh" start "$work/swift" "$base"); then break; fi
    env_lines=""
done
[ -n "$env_lines" ] || { echo "scaleout-nodes: the object store did not start" >&2; exit 1; }
while IFS='=' read -r name value; do
    export "$name=$value"
done <<< "$env_lines"
echo "scaleout-nodes: PostgreSQL at $url, Swift + s3api on $S3_ENDPOINT (ready in $(( $(date +%s) - start )) s)"

export QT_QPA_PLATFORM=offscreen
export ROOMSHARE_SERVER_BIN="$build/src/server/roomshare-server"
export ROOMSHARE_TEST_POSTGRES="$url"
export HOME="$work/home"
export XDG_DATA_HOME="$work/xdg"
mkdir -p "$HOME" "$XDG_DATA_HOME"
timeout 150 "$build/tests/auto/core/tst_failover"
echo "scaleout-nodes: done in $(( $(date +%s) - start )) s"
