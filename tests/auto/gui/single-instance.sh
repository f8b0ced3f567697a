#!/usr/bin/env bash
# Single instance (issue 13): a second `roomshare LINK` hands the link to the running
# window and exits 0; the running window joins that room on a real server. A malformed
# link changes nothing and crashes nothing; a socket left by a killed instance is taken
# over by the next start.
# Usage: single-instance.sh APP SERVER
set -uo pipefail
app=$1
server=$2
work=$(mktemp -d)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
    wait 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; echo "--- server log" >&2; tail -20 "$work/server.log" >&2; exit 1; }
# wait_for SECONDS COMMAND...: polls every 100 ms.
wait_for() {
    local n=$(( $1 * 10 )); shift
    for _ in $(seq "$n"); do "$@" && return 0; sleep 0.1; done
    return 1
}
export QT_QPA_PLATFORM=offscreen HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config" \
    XDG_DATA_HOME="$work/home/.local/share" ROOMSHARE_INSTANCE_SOCKET="$work/instance.sock"
mkdir -p "$work/home"

"$server" --listen 127.0.0.1:0 --data "$work/data" --room one >"$work/server.out" \
    2>"$work/server.log" &
pids+=($!)
wait_for 20 grep -q '^invite: ' "$work/server.out" || fail "server did not start"
url=$(sed -n 's/^roomshare-server listening on \([^ ]*\).*/\1/p' "$work/server.out")
invite() { "$server" invite --secret-file "$work/data/secret" --url "$url" --room "$1" --name "$2"; }
link_one=$(invite one Ann) || fail "invite one"
link_two=$(invite two Bea) || fail "invite two"
joined() { grep -q "\"$1\" joined room \"$2\"" "$work/server.log"; }

"$app" "$link_one" >"$work/app1.log" 2>&1 &
app1=$!
pids+=($app1)
wait_for 20 joined Ann one || fail "the first instance did not join room one"
wait_for 10 test -S "$work/instance.sock" || fail "the first instance has no instance socket"

# A second start with another room's link: exits 0, the first window joins room two.
timeout 20 "$app" "$link_two" >"$work/app2.log" 2>&1
rc=$?
[ "$rc" = 0 ] || fail "second start exited $rc: $(cat "$work/app2.log")"
grep -q 'handed to its window' "$work/app2.log" || fail "second start said: $(cat "$work/app2.log")"
wait_for 20 joined Bea two || fail "the running window did not join room two"
kill -0 "$app1" || fail "the first instance is gone"
echo "ok: second start handed room two to the running window (exit 0)"

# A malformed link: handed over, explained in the window, nothing joins or crashes.
joins_before=$(grep -c ' joined room ' "$work/server.log")
timeout 20 "$app" 'roomshare://[broken' >"$work/app3.log" 2>&1 || fail "bad-link start failed"
sleep 1
kill -0 "$app1" || fail "a malformed link crashed the running window"
[ "$(grep -c ' joined room ' "$work/server.log")" = "$joins_before" ] \
    || fail "a malformed link caused a join"
echo "ok: a malformed link changed nothing"

# No link: only the window comes to the front.
timeout 20 "$app" >"$work/app4.log" 2>&1 || fail "bare start failed"
grep -q 'comes to the front' "$work/app4.log" || fail "bare start said: $(cat "$work/app4.log")"
echo "ok: a bare start raised the running window"

# The instance killed: its socket is left behind; the next start takes it over and joins.
kill -9 "$app1"
wait "$app1" 2>/dev/null
test -S "$work/instance.sock" || fail "expected the killed instance's socket to be left"
"$app" "$link_one" >"$work/app5.log" 2>&1 &
app5=$!
pids+=($app5)
wait_for 20 bash -c "[ \$(grep -c '\"Ann\" joined room \"one\"' '$work/server.log') -ge 2 ]" \
    || fail "a start after a crash did not join by itself: $(cat "$work/app5.log")"
timeout 20 "$app" "$link_two" >"$work/app6.log" 2>&1 || fail "hand-off to the new instance"
grep -q 'handed to its window' "$work/app6.log" || fail "the new instance did not take links"
echo "ok: a stale socket was taken over"
echo "single instance: all checks passed"
