#!/usr/bin/env bash
# Issue 14, the deployment docs/deploy.md describes, checked as written: two real
# roomshare-server nodes on one PostgreSQL database (tests/fixtures/postgres.sh) and one S3
# bucket (tests/fixtures/s3-swift.sh), behind HAProxy in TCP mode (installed from Debian
# when missing), driven by the real roomshare-cli through the balancer's address only.
#   1. "balance source": every connection of a client reaches the same node, so the data
#      channel is claimed; a file sent by one client reaches the others byte-identical.
#   2. "balance roundrobin": a client's data channel and WebSocket may reach different
#      nodes; the unknown data key is answered with dataChannel:false, the client sends on
#      the WebSocket, and files cross nodes through the bucket, byte-identical.
# Argument: the build folder. Prints what it checked; exits non-zero on the first failure.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="$(cd "${1:-$here/build}" && pwd)"
server="$build/src/server/roomshare-server"
cli="$build/src/cli/roomshare-cli"
for bin in "$server" "$cli"; do
    [ -x "$bin" ] || { echo "scaleout-lb: build $bin first" >&2; exit 1; }
done
start=$(date +%s)

if ! command -v haproxy >/dev/null; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    echo "scaleout-lb: installing haproxy" >&2
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q haproxy >/dev/null
fi

# The cluster runs as user postgres, which must reach its folder: /tmp, not a private one.
work=$(mktemp -d /tmp/roomshare-lb.XXXXXX)
chmod 711 "$work"
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
    bash "$here/tests/fixtures/postgres.sh" stop "$work/pg" >/dev/null 2>&1 || true
    bash "$here/tests/fixtures/s3-swift.sh" stop "$work/swift" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
fail() {
    echo "scaleout-lb: FAIL: $*" >&2
    for f in "$work"/node*.log "$work"/haproxy.log; do
        [ -f "$f" ] && { echo "--- $f" >&2; tail -n 30 "$f" >&2; }
    done
    exit 1
}
free_port() {
    /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

db_url=$(bash "$here/tests/fixtures/postgres.sh" start "$work/pg" "$(free_port)")
s3_env=""
for _ in 1 2 3 4 5; do
    base=$(( 20000 + RANDOM % 20000 ))
    if s3_env=$(bash "$here/tests/fixtures/s3-swift.sh" start "$work/swift" "$base"); then break; fi
    s3_env=""
done
[ -n "$s3_env" ] || fail "the object store did not start"
while IFS='=' read -r name value; do
    export "$name=$value"
done <<< "$s3_env"
bucket=roomshare-lb
# The bucket must exist before a node starts (a node refuses a missing one).
/usr/bin/python3 - "$S3_ENDPOINT" "$bucket" <<'EOF' || fail "could not create the bucket"
import sys, urllib.request
# Swift's tempauth: an X-Auth-Token from the test account, then a PUT of the container,
# which s3api serves as the bucket of the same name.
endpoint, bucket = sys.argv[1], sys.argv[2]
req = urllib.request.Request(endpoint + "/auth/v1.0",
                             headers={"X-Auth-User": "test:tester", "X-Auth-Key": "testing"})
with urllib.request.urlopen(req, timeout=10) as r:
    token, storage = r.headers["X-Auth-Token"], r.headers["X-Storage-Url"]
put = urllib.request.Request(storage + "/" + bucket, method="PUT", headers={"X-Auth-Token": token})
urllib.request.urlopen(put, timeout=10).read()
EOF
echo "scaleout-lb: PostgreSQL and Swift up in $(( $(date +%s) - start )) s"

lb_port=$(free_port)
lb_url="ws://127.0.0.1:$lb_port"
head -c 32 /dev/urandom | base64 > "$work/secret"

node_ports=()
start_node() { # N: the node's number
    local n=$1 port
    port=$(free_port)
    node_ports[$n]=$port
    mkdir -p "$work/data$n"
    QT_LOGGING_RULES="roomshare.server.debug=true" \
        "$server" --listen "127.0.0.1:$port" --data "$work/data$n" --secret-file "$work/secret" \
        --database "$db_url" --storage "s3://$bucket" --s3-endpoint "$S3_ENDPOINT" \
        --public-url "$lb_url" >"$work/node$n.out" 2>"$work/node$n.log" &
    pids+=($!)
    disown
    for _ in $(seq 100); do
        grep -q 'listening on' "$work/node$n.out" 2>/dev/null && return 0
        sleep 0.1
    done
    fail "node $n did not start"
}
start_node 1
start_node 2

start_balancer() { # ALGORITHM
    [ -n "${lb_pid:-}" ] && kill "$lb_pid" && sleep 0.2
    cat >"$work/haproxy.cfg" <<EOF
global
    maxconn 1000
defaults
    mode tcp
    timeout connect 5s
    # Transfers can be quiet for a while (a slow reader's window): long idle timeouts.
    timeout client 1h
    timeout server 1h
frontend roomshare
    bind 127.0.0.1:$lb_port
    default_backend nodes
backend nodes
    balance $1
    # A node that refuses (it died) is retried on another at once, before the health
    # checks (every 2 s, 3 failures) take it out.
    option redispatch
    retries 3
    server node1 127.0.0.1:${node_ports[1]} check
    server node2 127.0.0.1:${node_ports[2]} check
EOF
    haproxy -f "$work/haproxy.cfg" -db >"$work/haproxy.log" 2>&1 &
    lb_pid=$!
    pids+=($lb_pid)
    disown
    for _ in $(seq 50); do
        (exec 3<>"/dev/tcp/127.0.0.1/$lb_port") 2>/dev/null && return 0
        sleep 0.1
    done
    fail "haproxy did not start"
}

link_for() { # NAME
    "$server" invite --secret-file "$work/secret" --url "$lb_url" --room standup --name "$1"
}

joined_on() { # NAME: the nodes whose log shows NAME joining or resuming, e.g. "1 2"
    local n out=""
    for n in 1 2; do
        grep -q "\"$1\" joined room\|\"$1\" resumed room" "$work/node$n.log" && out="$out $n"
    done
    echo "${out# }"
}

# One round: Alice listens, Bob and Carol send a file each; Alice must end with both,
# byte-identical. ROUND names the files and the participants.
round() { # ROUND SIZE_MIB
    local r=$1 size=$2
    mkdir -p "$work/$r/in" "$work/$r/alice"
    head -c "$(( size * 1024 * 1024 ))" /dev/urandom >"$work/$r/in/bob-$r.bin"
    head -c "$(( size * 1024 * 1024 / 2 + 12345 ))" /dev/urandom >"$work/$r/in/carol-$r.bin"
    timeout 120 "$cli" listen "$(link_for "Alice-$r")" --download-to "$work/$r/alice" \
        >"$work/$r/alice.jsonl" 2>"$work/$r/alice.err" &
    local listener=$!
    pids+=($listener)
    for _ in $(seq 100); do
        grep -q '"joined"\|room-connected\|"clientId"' "$work/$r/alice.jsonl" 2>/dev/null && break
        sleep 0.1
    done
    # Bob sends without a data channel (an older client, or one behind a proxy that passes
    # only WebSocket): one connection instead of two, so round robin puts the three on
    # both nodes instead of every WebSocket on the same one.
    ROOMSHARE_DATA_CHANNEL=0 timeout 120 "$cli" send "$(link_for "Bob-$r")" "$work/$r/in/bob-$r.bin" \
        >"$work/$r/bob.jsonl" 2>"$work/$r/bob.err" || fail "$r: Bob's send: $(tail -n 3 "$work/$r/bob.err")"
    timeout 120 "$cli" send "$(link_for "Carol-$r")" "$work/$r/in/carol-$r.bin" \
        >"$work/$r/carol.jsonl" 2>"$work/$r/carol.err" || fail "$r: Carol's send: $(tail -n 3 "$work/$r/carol.err")"
    local f
    for f in "bob-$r.bin" "carol-$r.bin"; do
        for _ in $(seq 600); do
            [ -f "$work/$r/alice/$f" ] && cmp -s "$work/$r/in/$f" "$work/$r/alice/$f" && break
            sleep 0.1
        done
        cmp -s "$work/$r/in/$f" "$work/$r/alice/$f" || fail "$r: Alice has no identical $f"
    done
    kill "$listener" 2>/dev/null || true
    wait "$listener" 2>/dev/null || true
    echo "scaleout-lb: $r: Alice on node(s) $(joined_on "Alice-$r"), Bob on $(joined_on "Bob-$r"), Carol on $(joined_on "Carol-$r"); both files identical at Alice"
}

fallbacks() { # joins so far whose data key named a channel on the other node
    cat "$work"/node*.log | grep -c 'named an unknown data channel' || true
}

start_balancer source
round source 24
# With one client address every connection of the round went to one node.
nodes_used=$(for p in Alice Bob Carol; do joined_on "$p-source"; done | tr ' ' '\n' | sort -u | tr '\n' ' ')
[ "$(echo $nodes_used | wc -w)" -eq 1 ] || fail "balance source spread one address over nodes: $nodes_used"
[ "$(fallbacks)" -eq 0 ] || fail "balance source: $(fallbacks) data channels reached another node than their WebSocket"
echo "scaleout-lb: source: every data channel claimed on its WebSocket's node"

start_balancer roundrobin
# Which node each connection reaches depends on the order connections arrive in (the CLI
# may race its addresses): a round that happened to keep everyone on one node proves
# nothing about crossing, so it is run again, at most three times.
crossed=""
for attempt in 1 2 3; do
    round "roundrobin$attempt" 24
    nodes_used=$(for p in Alice Bob Carol; do joined_on "$p-roundrobin$attempt"; done | tr ' ' '\n' | sort -u | tr '\n' ' ')
    if [ "$(echo $nodes_used | wc -w)" -eq 2 ]; then crossed=yes; break; fi
done
[ -n "$crossed" ] || fail "round robin kept every participant on one node in three rounds"
# Alice and Carol open their data channel, then their WebSocket: consecutive connections,
# which round robin sends to different nodes.
[ "$(fallbacks)" -ge 1 ] || fail "round robin: no client fell back to WebSocket data"
echo "scaleout-lb: roundrobin: $(fallbacks) of the 2 clients with a data channel fell back to WebSocket data"
# A download limit counts the downloads of every node: a file sent with --max-downloads 2
# through node 1, downloaded once through each node, is withdrawn everywhere.
direct_link() { # NODE NAME
    "$server" invite --secret-file "$work/secret" --url "ws://127.0.0.1:${node_ports[$1]}" \
        --room limits --name "$2"
}
mkdir -p "$work/limit/in"
head -c 3000000 /dev/urandom >"$work/limit/in/twice.bin"
timeout 60 "$cli" send "$(direct_link 1 Sender)" "$work/limit/in/twice.bin" --max-downloads 2 \
    >"$work/limit/send.jsonl" 2>&1 || fail "limit: send: $(tail -n 3 "$work/limit/send.jsonl")"
for n in 1 2; do
    timeout 60 "$cli" recv "$(direct_link "$n" "Reader$n")" --all --out "$work/limit/out$n" \
        >"$work/limit/recv$n.jsonl" 2>&1 || fail "limit: download through node $n: $(tail -n 3 "$work/limit/recv$n.jsonl")"
    cmp -s "$work/limit/in/twice.bin" "$work/limit/out$n/twice.bin" || fail "limit: node $n's copy differs"
done
for n in 1 2; do
    listed=""
    for _ in $(seq 50); do
        listed=$(timeout 30 "$cli" list "$(direct_link "$n" "Late$n")")
        [ "$listed" = "[]" ] && break
        sleep 0.1
    done
    [ "$listed" = "[]" ] || fail "limit: node $n still lists the file after 2 downloads: $listed"
done
echo "scaleout-lb: a file limited to 2 downloads, downloaded once through each node, is withdrawn on both"
# A node dies under an upload sent through the balancer: the CLI reconnects through the
# same address, HAProxy sends it to the other node, and the upload resumes there with the
# same client id, completes once and arrives byte-identical.
start_balancer source
mkdir -p "$work/failover/in" "$work/failover/out"
head -c $(( 256 * 1024 * 1024 )) /dev/urandom >"$work/failover/in/big.bin"
timeout 120 "$cli" send "$(link_for Faye)" "$work/failover/in/big.bin" \
    >"$work/failover/send.jsonl" 2>"$work/failover/send.err" &
sender=$!
victim=""
for _ in $(seq 200); do
    for n in 1 2; do
        grep -q '"Faye" joined room' "$work/node$n.log" && victim=$n
    done
    [ -n "$victim" ] && grep -q 'upload-started' "$work/failover/send.jsonl" 2>/dev/null && break
    sleep 0.05
done
[ -n "$victim" ] || fail "failover: Faye did not join"
# Into the upload (256 MiB to the store takes seconds here), then the node is gone.
sleep 0.7
kill -9 "${pids[$(( victim - 1 ))]}"
survivor=$(( 3 - victim ))
wait "$sender" || fail "failover: the send failed: $(tail -n 3 "$work/failover/send.jsonl")"
grep -q '"messageType":"upload-resumed"' "$work/failover/send.jsonl" \
    || fail "failover: the upload did not resume (killed after it completed?)"
[ "$(grep -c '"messageType":"upload-completed"' "$work/failover/send.jsonl")" -eq 1 ] \
    || fail "failover: not exactly one upload-completed"
ids=$(grep -o '"messageType":"room-\(connected\|reconnected\)"' "$work/failover/send.jsonl" | wc -l)
first_id=$(grep '"room-connected"' "$work/failover/send.jsonl" | grep -o '"clientId":"[^"]*"')
again_id=$(grep '"room-reconnected"' "$work/failover/send.jsonl" | tail -n 1 | grep -o '"clientId":"[^"]*"')
[ "$ids" -ge 2 ] && [ "$first_id" = "$again_id" ] \
    || fail "failover: the CLI did not come back with its client id ($first_id, then $again_id)"
grep -q '"Faye" resumed room' "$work/node$survivor.log" || fail "failover: node $survivor did not take the session over"
timeout 60 "$cli" recv "$(link_for Gus)" --all --out "$work/failover/out" >"$work/failover/recv.jsonl" 2>&1 \
    || fail "failover: download after the failover: $(tail -n 3 "$work/failover/recv.jsonl")"
cmp -s "$work/failover/in/big.bin" "$work/failover/out/big.bin" || fail "failover: the copy differs"
# Announced once: one big.bin in the room, not a second copy under another name.
[ "$(ls "$work/failover/out" | grep -c '^big')" -eq 1 ] || fail "failover: the room lists big.bin more than once: $(ls "$work/failover/out")"
resumed_at=$(grep -o '"upload-resumed".*' "$work/failover/send.jsonl" | grep -o '"offset":[0-9]*' | head -n 1)
echo "scaleout-lb: node $victim killed under a 256 MiB upload through HAProxy: resumed on node $survivor as $first_id ($resumed_at), completed once, identical"
echo "scaleout-lb: done in $(( $(date +%s) - start )) s"
