#!/usr/bin/env bash
# "Rooms nearby" across two computers: namespaces A (the host) and B (a participant)
# joined by a veth pair, each with its own Avahi daemon and D-Bus system bus
# (tests/netns/avahi.sh). A runs `roomshare-server --announce`; B's `roomshare-cli nearby`
# must list the room with A's addresses and a knock link naming it. Negative checks: nothing
# listed before the announcement and after the server quits; a clear error when B's daemon
# is stopped (while looking, and before), and a server that keeps running when its daemon is
# missing.
#
# Run as root: bash tests/netns/test-discovery.sh [BUILD_DIR]   (default: build/)
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="$(cd "${1:-$here/build}" && pwd)"
server="$build/src/server/roomshare-server"
cli="$build/src/cli/roomshare-cli"
for bin in "$server" "$cli"; do
    [ -x "$bin" ] || { echo "discovery: $bin is missing; build first" >&2; exit 1; }
done

# shellcheck source=lib.sh
. "$here/tests/netns/lib.sh"
# shellcheck source=avahi.sh
. "$here/tests/netns/avahi.sh"

netns_init rsdisc
netns_add a
netns_add b
netns_link a 192.0.2.1/24 b 192.0.2.2/24
read -r ifa ifb <<<"$NETNS_LAST_LINK"
ip -n "$(netns_name a)" addr add 2001:db8::1/64 dev "$ifa" nodad
ip -n "$(netns_name b)" addr add 2001:db8::2/64 dev "$ifb" nodad
# Avahi resolves one address per family; without A's link-local address (which a link
# cannot use: it needs a zone) the IPv6 one is always 2001:db8::1.
ip -n "$(netns_name a)" -6 addr flush dev "$ifa" scope link

avahi_start a roomshare-a || { fail "the Avahi daemon in A did not start"; netns_finish; exit 1; }
avahi_start b roomshare-b || { fail "the Avahi daemon in B did not start"; netns_finish; exit 1; }
pass "an Avahi daemon with its own D-Bus system bus runs in A and in B"
work="$AVAHI_DIR/work"
mkdir -p "$work"

# roomshare-cli nearby in B; stdout to $work/$1.out, stderr to $1.err, exit status to $1.rc.
nearby() {
    local tag="$1" seconds="$2"
    timeout $((seconds + 20)) ip netns exec "$(netns_name b)" \
        env DBUS_SYSTEM_BUS_ADDRESS="$(avahi_bus b)" HOME="$work" \
        "$cli" nearby --timeout "$seconds" >"$work/$tag.out" 2>"$work/$tag.err"
    echo $? >"$work/$tag.rc"
}

# 1. Nothing announced yet: nothing listed, exit 0.
nearby before 3
if [ "$(cat "$work/before.rc")" = 0 ] && ! grep -q room-nearby "$work/before.out"; then
    pass "before any announcement B lists no room (exit 0)"
else
    fail "before any announcement: rc $(cat "$work/before.rc"), output: $(cat "$work/before.out" "$work/before.err")"
fi

# 2. A announces "standup" (plain) and "retro" (TLS, when openssl can make a certificate).
netns_bg a "$work/server-a.log" env DBUS_SYSTEM_BUS_ADDRESS="$(avahi_bus a)" HOME="$work" \
    "$server" --listen 0.0.0.0:7450 --insecure-plaintext --data "$work/data-a" --room standup --announce \
    --announce-host-name Alice >"$work/server-a.pid"
server_a=$(cat "$work/server-a.pid")
if netns_wait_for "$work/server-a.log" '^announced: standup on Alice' 15; then
    pass "roomshare-server --announce in A: $(grep '^announced' "$work/server-a.log")"
else
    fail "roomshare-server in A did not announce: $(cat "$work/server-a.log")"
fi
tls=0
if command -v openssl >/dev/null \
    && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 \
        -subj /CN=roomshare-a -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null; then
    tls=1
    fp=$(openssl x509 -in "$work/cert.pem" -outform DER | sha256sum | cut -d' ' -f1)
    netns_bg a "$work/server-tls.log" env DBUS_SYSTEM_BUS_ADDRESS="$(avahi_bus a)" \
        HOME="$work" "$server" --listen 0.0.0.0:7451 --data "$work/data-tls" --room retro \
        --tls-cert "$work/cert.pem" --tls-key "$work/key.pem" --announce \
        --announce-host-name Alice >/dev/null
    netns_wait_for "$work/server-tls.log" '^announced: retro on Alice' 15 \
        || fail "the TLS server in A did not announce: $(cat "$work/server-tls.log")"
fi

nearby found 10
line=$(grep '"room":"standup"' "$work/found.out" | head -1)
if [ "$(cat "$work/found.rc")" = 0 ] && [ -n "$line" ]; then
    pass "B lists the room: $line"
else
    fail "B does not list standup: rc $(cat "$work/found.rc"), $(cat "$work/found.out" "$work/found.err")"
fi
check() {
    if grep -qF -- "$2" <<<"$line"; then pass "$1"; else fail "$1: no $2 in $line"; fi
}
check "the room's host is Alice" '"host":"Alice"'
check "A's IPv4 address is listed" '"192.0.2.1"'
check "A's IPv6 address is listed" '"2001:db8::1"'
check "the port is 7450" '"port":7450'
check "the room is plain (no TLS)" '"tls":false'
check "the lobby flag is announced" '"lobby":true'
check "the knock link names the room at A's address" \
    '"link":"roomshare://192.0.2.1:7450/standup?alt=[2001:db8::1]"'
if grep -q '"link":"[^"]*token=' <<<"$line"; then
    fail "the link carries a token: $line"
else
    pass "the link is a knock link (no token)"
fi
if [ "$tls" = 1 ]; then
    line=$(grep '"room":"retro"' "$work/found.out" | head -1)
    check "the TLS room is listed with a pinned roomshares:// knock link" \
        "\"link\":\"roomshares://192.0.2.1:7451/retro?fp=$fp&alt=[2001:db8::1]\""
fi

# 2b. B joins the room it found: it knocks with the listed link, the moderator in A admits it,
#     and a file the moderator shares arrives in B. A second knock is denied.
knock=$(grep '"room":"standup"' "$work/found.out" | head -1 | sed -E 's/.*"link":"([^"]*)".*/\1/')
modlink=$(grep -m1 '^invite: ' "$work/server-a.log" | cut -d' ' -f2)
head -c 1000000 /dev/urandom >"$work/agenda.bin"
in_ns() { # NS ARGS...: roomshare-cli in that namespace
    local ns=$1
    shift
    ip netns exec "$(netns_name "$ns")" env HOME="$work" "$cli" "$@"
}
in_ns a listen "$modlink" --name Alice >"$work/alice.log" 2>&1 &
alice_pid=$!
netns_wait_for "$work/alice.log" '"room-connected"' 10 || fail "the moderator did not join in A"
ip netns exec "$(netns_name b)" env HOME="$work" "$cli" listen "$knock" --name Erin \
    --download-to "$work/erin" >"$work/erin.log" 2>&1 &
erin_pid=$!
if netns_wait_for "$work/alice.log" '"messageType":"knock".*"Erin"' 15; then
    knock_id=$(grep '"messageType":"knock"' "$work/alice.log" | grep '"Erin"' | sed -E 's/.*"knockId":"([^"]*)".*/\1/' | head -1)
    pass "the moderator in A sees Erin knocking with the link B found"
    in_ns a admit "$modlink" "$knock_id" --name Alice >/dev/null 2>"$work/admit.err" \
        && pass "the moderator admitted Erin" || fail "admit failed: $(cat "$work/admit.err")"
    netns_wait_for "$work/erin.log" '"room-connected"' 15 || fail "Erin did not join after admission"
    in_ns a send "$modlink" "$work/agenda.bin" --name Alice >/dev/null 2>"$work/send.err" \
        || fail "sending from A failed: $(cat "$work/send.err")"
    for ((i = 0; i < 100; i++)); do [ -f "$work/erin/agenda.bin" ] && break; sleep 0.1; done
    if cmp -s "$work/agenda.bin" "$work/erin/agenda.bin"; then
        pass "the file shared in A arrived in B, byte-identical"
    else
        fail "the file did not arrive in B: $(tail -3 "$work/erin.log")"
    fi
else
    fail "the moderator never saw Erin's knock: $(tail -3 "$work/erin.log")"
fi
kill "$erin_pid" 2>/dev/null
ip netns exec "$(netns_name b)" env HOME="$work" "$cli" list "$knock" --name Mallory >"$work/mallory.log" 2>&1 &
mallory_pid=$!
if netns_wait_for "$work/alice.log" '"messageType":"knock".*"Mallory"' 15; then
    mallory_id=$(grep '"messageType":"knock"' "$work/alice.log" | grep '"Mallory"' | sed -E 's/.*"knockId":"([^"]*)".*/\1/' | head -1)
    in_ns a deny "$modlink" "$mallory_id" --name Alice >/dev/null 2>&1 || fail "deny failed"
    wait "$mallory_pid"
    rc=$?
    if [ "$rc" != 0 ] && grep -q 'did not let you in' "$work/mallory.log"; then
        pass "a denied knock ends with the refusal: $(grep -v '^roomshare\.' "$work/mallory.log" | tail -1)"
    else
        fail "the denied knock: rc $rc, $(cat "$work/mallory.log")"
    fi
else
    fail "the moderator never saw Mallory's knock"
    kill "$mallory_pid" 2>/dev/null
fi
kill "$alice_pid" 2>/dev/null

# 3. The server quits: its announcement goes with it.
kill -TERM "$server_a" 2>/dev/null
for ((i = 0; i < 50; i++)); do kill -0 "$server_a" 2>/dev/null || break; sleep 0.1; done
nearby after 3
if [ "$(cat "$work/after.rc")" = 0 ] && ! grep -q '"room":"standup"' "$work/after.out"; then
    pass "after the server in A quit, B no longer lists standup"
else
    fail "after the server quit: rc $(cat "$work/after.rc"), $(cat "$work/after.out")"
fi

# 3b. A's daemon restarts: the server still running there (retro) announces its room again.
if [ "$tls" = 1 ]; then
    avahi_stop a
    avahi_start a roomshare-a || fail "A's daemon did not restart"
    # The server retries every 5 s; one error line when the daemon left, then quiet.
    nearby again 10
    if grep -q '"room":"retro"' "$work/again.out" \
        && [ "$(grep -c '^roomshare-server: Rooms nearby need' "$work/server-tls.log")" = 1 ]; then
        pass "after A's daemon restarted, B lists retro again (the server said why once, then announced again)"
    else
        fail "after A's daemon restarted, retro is not listed: $(cat "$work/again.out" "$work/again.err"); server: $(cat "$work/server-tls.log")"
    fi
fi

# 4. B's daemon stops while B looks (while it resolves the rooms, and after): a clear error
#    and a non-zero exit before the timeout, never a crash (Avahi's dns_sd library crashes
#    on pending resolves then; RoomBrowser resolves over D-Bus instead).
for delay in 0.8 1.3 2; do
    [ "$delay" = 0.8 ] || avahi_start b roomshare-b || fail "B's daemon did not restart"
    start=$SECONDS
    nearby dying 10 &
    looking=$!
    sleep "$delay"
    avahi_stop b
    wait "$looking"
    rc=$(cat "$work/dying.rc")
    if [ "$rc" = 1 ] && [ $((SECONDS - start)) -lt 9 ] \
        && grep -q "Rooms nearby need the Avahi daemon" "$work/dying.err"; then
        pass "B's daemon stopped ${delay} s into looking: exit 1 after $((SECONDS - start)) s of 10"
    else
        fail "daemon stopped ${delay} s into looking: rc $rc after $((SECONDS - start)) s, $(cat "$work/dying.out" "$work/dying.err")"
    fi
done

# 5. Without a daemon at all: the same error at once.
start=$SECONDS
nearby nodaemon 5
if [ "$(cat "$work/nodaemon.rc")" != 0 ] \
    && grep -q "Rooms nearby need the Avahi daemon" "$work/nodaemon.err"; then
    pass "without a daemon in B: exit $(cat "$work/nodaemon.rc") after $((SECONDS - start)) s, $(cat "$work/nodaemon.err")"
else
    fail "without a daemon: rc $(cat "$work/nodaemon.rc"), $(cat "$work/nodaemon.out" "$work/nodaemon.err")"
fi

# 6. A server asked to announce without a daemon says why and keeps serving.
netns_bg b "$work/server-b.log" env DBUS_SYSTEM_BUS_ADDRESS="$(avahi_bus b)" HOME="$work" \
    "$server" --listen 0.0.0.0:7450 --insecure-plaintext --data "$work/data-b" --room lonely --announce >/dev/null
if netns_wait_for "$work/server-b.log" 'Rooms nearby need the Avahi daemon' 10 \
    && sleep 0.5 && grep -q '^roomshare-server listening on' "$work/server-b.log" \
    && kill -0 "${NETNS_PIDS[-1]}" 2>/dev/null; then
    pass "roomshare-server --announce without a daemon keeps running and says why"
else
    fail "roomshare-server --announce without a daemon: $(cat "$work/server-b.log")"
fi

netns_finish
