#!/usr/bin/env bash
# Issue 14, the combined setup: two roomshare-server nodes sharing a real PostgreSQL
# (tests/fixtures/postgres.sh) and a real S3 bucket (tests/fixtures/s3-swift.sh), driven
# by the real roomshare-cli.
#   1. the single-node CLI suite (tests/auto/cli/tst_cli.cpp) in its two-node mode
#      (ROOMSHARE_TEST_TWO_NODES): senders on node 1, receivers on node 2;
#   2. PostgreSQL restarted while the rooms are idle, then files still cross the nodes both
#      ways;
#   3. a third node started with a wrong S3 secret, a missing bucket or an unreachable
#      database exits with status 1 and says why, while the two others keep serving.
# The single-node refusals themselves are tst_s3server::refusedAtStart and
# tst_postgres::badDatabaseRefusedAtStart. Argument: the build folder.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="$(cd "${1:-$here/build}" && pwd)"
started=$(date +%s)
ninja -C "$build" tst_cli roomshare-server roomshare-cli >/dev/null
server_bin="$build/src/server/roomshare-server"
cli_bin="$build/src/cli/roomshare-cli"
say() { echo "scaleout-cli: $*"; }
fail() { echo "scaleout-cli: FAIL: $*" >&2; exit 1; }

# The cluster runs as user postgres, which must reach its folder: /tmp, not a private one.
work=$(mktemp -d /tmp/roomshare-cli-nodes.XXXXXX)
chmod 711 "$work"
node_pids=()
cleanup() {
    local pid
    for pid in "${node_pids[@]}"; do
        kill -KILL "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
    done
    bash "$here/tests/fixtures/postgres.sh" stop "$work/pg" >/dev/null 2>&1 || true
    bash "$here/tests/fixtures/s3-swift.sh" stop "$work/swift" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

# The two engines start side by side, each on loopback ports of its own.
free_port() {
    /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
(bash "$here/tests/fixtures/postgres.sh" start "$work/pg" "$(free_port)" >"$work/pg.url" 2>"$work/pg.log") &
pg_job=$!
(
    # Five consecutive ports; the fixture refuses busy ones, so a few bases are tried.
    for _ in 1 2 3 4 5; do
        base=$((20000 + RANDOM % 20000))
        if bash "$here/tests/fixtures/s3-swift.sh" start "$work/swift" "$base" >"$work/s3.env"; then exit 0; fi
    done
    exit 1
) 2>"$work/s3.log" &
s3_job=$!
wait "$pg_job" || { cat "$work/pg.log" >&2; fail "PostgreSQL did not start"; }
wait "$s3_job" || { cat "$work/s3.log" >&2; fail "the object store did not start"; }
pg_url=$(cat "$work/pg.url")
while IFS='=' read -r name value; do
    case "$name" in
    S3_ENDPOINT) s3_endpoint=$value ;;
    S3_REGION) s3_region=$value ;;
    AWS_ACCESS_KEY_ID) s3_key=$value ;;
    AWS_SECRET_ACCESS_KEY) s3_secret=$value ;;
    esac
done <"$work/s3.env"
say "PostgreSQL at $pg_url, Swift + s3api at $s3_endpoint ($(($(date +%s) - started)) s)"

# The nodes read the keys from a credentials file (--s3-credentials), never from the
# environment.
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
printf '[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n' "$s3_key" "$s3_secret" \
    >"$work/s3-credentials"
printf '[default]\naws_access_key_id = %s\naws_secret_access_key = wrong-%s\n' "$s3_key" "$s3_secret" \
    >"$work/s3-wrong-credentials"
chmod 600 "$work/s3-credentials" "$work/s3-wrong-credentials"

pg_base=${pg_url%/*}
pg_port=${pg_base##*:}
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
make_database() {
    "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U roomshare "$1"
    echo "$pg_base/$1"
}
# Buckets through Swift's own API (a container is a bucket): tempauth's token, then a PUT.
swift_token=$(curl -sf -D - -o /dev/null -H "X-Storage-User: $s3_key" -H "X-Storage-Pass: $s3_secret" \
    "$s3_endpoint/auth/v1.0" | tr -d '\r' | sed -n 's/^[Xx]-[Aa]uth-[Tt]oken: //p')
[ -n "$swift_token" ] || fail "no Swift token from $s3_endpoint/auth/v1.0"
make_bucket() {
    curl -sf -o /dev/null -X PUT -H "X-Auth-Token: $swift_token" \
        "$s3_endpoint/v1/AUTH_${s3_key%%:*}/$1" || fail "cannot create the bucket $1"
}
node_args() { # DATABASE_URL BUCKET [CREDENTIALS]
    echo "--database $1 --storage s3://$2 --s3-endpoint $s3_endpoint --s3-region $s3_region" \
        "--s3-credentials ${3:-$work/s3-credentials}"
}

export QT_QPA_PLATFORM=offscreen
export HOME="$work/home" XDG_DATA_HOME="$work/xdg"
mkdir -p "$HOME" "$XDG_DATA_HOME"

# 1. The CLI suite on two nodes.
make_bucket cli-suite
suite_start=$(date +%s)
ROOMSHARE_SERVER_BIN="$server_bin" ROOMSHARE_CLI_BIN="$cli_bin" \
    ROOMSHARE_TEST_TWO_NODES="$(node_args "$(make_database cli_suite)" cli-suite)" \
    timeout 180 "$build/tests/auto/cli/tst_cli"
say "the CLI suite on two nodes took $(($(date +%s) - suite_start)) s"

# Two nodes of our own for the rest, on a fresh database and bucket.
make_bucket cli-extra
extra_db=$(make_database cli_extra)
secret="$work/secret"
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$secret"
chmod 600 "$secret"
port_of=()
start_node() { # N: starts node N in the background, sets port_of[N]
    local n=$1
    mkdir -p "$work/node$n"
    # shellcheck disable=SC2046
    "$server_bin" --listen 127.0.0.1:0 --data "$work/node$n" --secret-file "$secret" \
        $(node_args "$extra_db" cli-extra) >"$work/node$n.out" 2>"$work/node$n.err" &
    node_pids[$n]=$!
    local line=""
    for _ in $(seq 1 300); do
        line=$(head -n 1 "$work/node$n.out" 2>/dev/null || true)
        [ -n "$line" ] && break
        kill -0 "${node_pids[$n]}" 2>/dev/null || break
        sleep 0.1
    done
    [[ "$line" =~ ^roomshare-server\ listening\ on\ ws://127\.0\.0\.1:([0-9]+)$ ]] ||
        { cat "$work/node$n.err" >&2; fail "node $n did not start: $line"; }
    port_of[$n]=${BASH_REMATCH[1]}
}
link() { # NODE NAME
    "$server_bin" invite --secret-file "$secret" --url "ws://127.0.0.1:${port_of[$1]}" \
        --room idle --name "$2"
}
round=0
# A file sent through node FROM is listed and downloaded byte-identical through node TO.
crosses() { # FROM TO
    round=$((round + 1))
    local src="$work/src$round" out="$work/out$round" name="round$round.bin"
    mkdir -p "$src"
    head -c $((3 * 1024 * 1024 + round)) /dev/urandom >"$src/$name"
    "$cli_bin" send "$(link "$1" "Sender$round")" "$src/$name" >"$work/send$round.log" 2>&1 ||
        { cat "$work/send$round.log" >&2; fail "send on node $1 (round $round)"; }
    "$cli_bin" recv "$(link "$2" "Receiver$round")" --all --out "$out" >"$work/recv$round.log" 2>&1 ||
        { cat "$work/recv$round.log" >&2; fail "recv on node $2 (round $round)"; }
    if ! cmp -s "$src/$name" "$out/$name"; then
        cat "$work/recv$round.log" >&2
        tail -n 20 "$work/node$1.err" "$work/node$2.err" >&2
        fail "round $round: node $2 did not serve node $1's file intact"
    fi
    say "round $round: a 3 MiB file sent on node $1 came out of node $2 intact"
}
# A listener on node N stays connected through what follows and downloads what it is offered.
listener() { # N
    "$cli_bin" listen "$(link "$1" "Listener$1")" --download-to "$work/listen$1" >"$work/listen$1.log" 2>&1 &
    node_pids+=($!)
    for _ in $(seq 1 200); do
        grep -qs '"room-connected"' "$work/listen$1.log" && return 0
        sleep 0.1
    done
    cat "$work/listen$1.log" >&2
    fail "the listener on node $1 did not join"
}
# The listener on node N got round R's file intact (within 20 s).
listened() { # N R
    local file="round$2.bin"
    for _ in $(seq 1 200); do
        cmp -s "$work/src$2/$file" "$work/listen$1/$file" && {
            say "the listener on node $1 got round $2's file intact"
            return 0
        }
        sleep 0.1
    done
    cat "$work/listen$1.log" >&2
    fail "the listener on node $1 did not get round $2's file"
}
start_node 1
start_node 2
listener 1
listener 2
crosses 1 2
listened 2 1

# 2. PostgreSQL restarted while the rooms are idle (their listeners connected, nothing
# moving): both nodes reconnect, and files still cross both ways, to newcomers and to the
# listeners that stayed.
bash "$here/tests/fixtures/postgres.sh" restart "$work/pg" 2>/dev/null
say "PostgreSQL restarted"
crosses 1 2
crosses 2 1
listened 2 2
listened 1 3

# 3. Bad configuration refused at start while the two nodes serve.
refused() { # WHAT EXPECTED ARGS...
    local what=$1 expected=$2 code=0
    shift 2
    mkdir -p "$work/bad"
    timeout 60 "$server_bin" --listen 127.0.0.1:0 --data "$work/bad" --secret-file "$secret" "$@" \
        >"$work/bad.out" 2>"$work/bad.err" || code=$?
    [ "$code" -eq 1 ] || { cat "$work/bad.err" >&2; fail "$what: exit status $code, not 1"; }
    grep -q "listening on" "$work/bad.out" && fail "$what: it listened"
    grep -qF "$expected" "$work/bad.err" ||
        { cat "$work/bad.err" >&2; fail "$what: no \"$expected\""; }
    grep -qF "$s3_secret" "$work/bad.err" && fail "$what: the secret was printed"
    say "$what: exit status 1, \"$(grep -m 1 "^roomshare-server: " "$work/bad.err")\""
}
# shellcheck disable=SC2046
refused "wrong S3 secret" "the credentials were refused (access key $s3_key)" \
    $(node_args "$extra_db" cli-extra "$work/s3-wrong-credentials")
# shellcheck disable=SC2046
refused "missing bucket" "bucket \"no-such-bucket\" at $s3_endpoint does not exist" \
    $(node_args "$extra_db" no-such-bucket)
dead_port=$(free_port)
# shellcheck disable=SC2046
refused "unreachable database" "cannot open the database postgresql://roomshare@127.0.0.1:$dead_port/cli_extra" \
    $(node_args "postgresql://roomshare@127.0.0.1:$dead_port/cli_extra" cli-extra)
for n in 1 2; do kill -0 "${node_pids[$n]}" 2>/dev/null || fail "node $n stopped"; done
crosses 1 2
listened 2 4
say "done in $(($(date +%s) - started)) s"
