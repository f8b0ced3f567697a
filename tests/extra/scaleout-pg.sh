#!/usr/bin/env bash
# Issue 14, PostgreSQL half: a real cluster (tests/fixtures/postgres.sh) and the real
# roomshare-server on it (--database): uploads resumed from the durable offset after
# kill -9, indexes never reused, ids unique across two server processes, bad databases
# refused at start (tests/auto/server/tst_postgres.cpp); events across two server nodes
# with real clients on each (tests/auto/core/tst_nodes.cpp). Argument: the build folder.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="$(cd "${1:-$here/build}" && pwd)"
test_bin="$build/tests/auto/server/tst_postgres"
nodes_bin="$build/tests/auto/core/tst_nodes"
server_bin="$build/src/server/roomshare-server"
for bin in "$test_bin" "$nodes_bin" "$server_bin"; do
    [ -x "$bin" ] || { echo "scaleout-pg: build $bin first" >&2; exit 1; }
done

# The cluster runs as user postgres, which must reach its folder: /tmp, not a private one.
work=$(mktemp -d /tmp/roomshare-pg.XXXXXX)
chmod 711 "$work"
cleanup() { bash "$here/tests/fixtures/postgres.sh" stop "$work/pg" || true; rm -rf "$work"; }
trap cleanup EXIT

# A free loopback port: bind 0, read it, release it (the cluster takes it a moment later).
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
start=$(date +%s%N)
url=$(bash "$here/tests/fixtures/postgres.sh" start "$work/pg" "$port")
echo "scaleout-pg: PostgreSQL at $url in $(( ($(date +%s%N) - start) / 1000000 )) ms"

export QT_QPA_PLATFORM=offscreen
export ROOMSHARE_SERVER_BIN="$server_bin"
export ROOMSHARE_TEST_POSTGRES="$url"
# How tst_postgres restarts the cluster under the running servers.
export ROOMSHARE_TEST_POSTGRES_RESTART="bash $here/tests/fixtures/postgres.sh restart $work/pg"
export ROOMSHARE_TEST_POSTGRES_PAUSE="bash $here/tests/fixtures/postgres.sh pause $work/pg"
export ROOMSHARE_TEST_POSTGRES_RESUME="bash $here/tests/fixtures/postgres.sh resume $work/pg"
export HOME="$work/home"
mkdir -p "$HOME"
timeout 180 "$test_bin"
# Two nodes on one database: presence, file lists, visibility and removals across them,
# a node killed, and the cross-node notification latency (printed, not asserted).
timeout 120 "$nodes_bin"
# The single-node protocol suite (restarts, resumes, withdrawals, receipts, folders, CRCs)
# with its metadata in PostgreSQL instead of SQLite.
timeout 300 "$build/tests/auto/server/tst_serverprotocol"
