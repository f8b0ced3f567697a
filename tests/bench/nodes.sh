#!/usr/bin/env bash
# Row 13 of the benchmark (issue 14): notification latency across two server nodes sharing
# PostgreSQL, 200 participants split over them. Apart from tests/bench/run.sh because it
# needs a PostgreSQL cluster (tests/fixtures/postgres.sh starts a throw-away one).
#
#   bash tests/bench/nodes.sh [BUILD_DIR] [RUNS (3)]
#
# Each run is tst_nodes::latencyWith200Participants (two real roomshare-server nodes, 200
# real clients, 50 joins and 50 files of 1000 bytes from alternating nodes); prints one
# Markdown table of median [min-max] over the runs and how many runs met the 50 ms target
# (also written to $BENCH_OUTPUT, default <build>/bench-nodes-table.md).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="$(cd "${1:-$here/build}" && pwd)"
runs="${2:-3}"
nodes_bin="$build/tests/auto/core/tst_nodes"
for bin in "$nodes_bin" "$build/src/server/roomshare-server"; do
    [ -x "$bin" ] || { echo "bench nodes: build $bin first" >&2; exit 1; }
done
work=$(mktemp -d /tmp/roomshare-bench-nodes.XXXXXX)
chmod 711 "$work"
trap 'bash "$here/tests/fixtures/postgres.sh" stop "$work/pg" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export ROOMSHARE_TEST_POSTGRES
ROOMSHARE_TEST_POSTGRES=$(bash "$here/tests/fixtures/postgres.sh" start "$work/pg" "$port")
export ROOMSHARE_SERVER_BIN="$build/src/server/roomshare-server" QT_QPA_PLATFORM=offscreen
export HOME="$work/home"
mkdir -p "$HOME"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for i in $(seq "$runs"); do
    timeout 300 "$nodes_bin" latencyWith200Participants >"$work/run$i.log" 2>&1 \
        || { tail -n 20 "$work/run$i.log" >&2; echo "bench nodes: run $i failed" >&2; exit 1; }
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
/usr/bin/python3 - "$work" "$runs" "$load_before" "$load_after" >"${BENCH_OUTPUT:-$build/bench-nodes-table.md}" <<'EOF'
import datetime, glob, os, re, statistics, sys
work, runs, before, after = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
rows = {k: [] for k in ("jn", "fn", "je", "fe")}
for i in range(1, runs + 1):
    text = open(os.path.join(work, f"run{i}.log")).read()
    m = re.search(r"participant-joined p50 [-\d.]+ ms, p99 ([-\d.]+) ms, max [-\d.]+ ms; "
                  r"file-available p50 [-\d.]+ ms, p99 ([-\d.]+) ms", text)
    e = re.search(r"participant-joined p50 [-\d.]+ ms, p99 ([-\d.]+) ms; sendFiles\(\) of 1000 "
                  r"bytes to file-available p50 [-\d.]+ ms, p99 ([-\d.]+) ms", text)
    if not m or not e:
        sys.exit(f"bench nodes: run {i} printed no latency line")
    rows["jn"].append(float(m.group(1))); rows["fn"].append(float(m.group(2)))
    rows["je"].append(float(e.group(1))); rows["fe"].append(float(e.group(2)))
names = {
    "jn": "participant-joined, the other node's observer minus the own node's, p99",
    "fn": "file-available, the other node's observer minus the own node's, p99",
    "je": "join request to participant-joined on the other node, p99",
    "fe": "sendFiles() of 1000 bytes (upload and publish included) to file-available on the other node, p99",
}
now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
print(f"Roomshare benchmark, row 13 (two nodes on PostgreSQL), {now}\n")
print(f"Machine: {os.cpu_count()} cores, {os.uname().sysname.lower()} {os.uname().release}; "
      f"load average {before} before, {after} after; {runs} run(s), 200 participants "
      f"(100 per node), 50 events each.\n")
print("| # | measure | median [min–max] | target |")
print("|---|---|---|---|")
for k in ("jn", "fn", "je", "fe"):
    v = rows[k]
    met = sum(1 for x in v if x < 50)
    print(f"| 13 | {names[k]} | {statistics.median(v):.1f} ms [{min(v):.1f}–{max(v):.1f}] | "
          f"< 50 ms: met in {met} of {len(v)} runs |")
EOF
cat "${BENCH_OUTPUT:-$build/bench-nodes-table.md}"
