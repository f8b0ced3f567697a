#!/usr/bin/env bash
# The browser participant from another computer: roomshare-server in namespace "host"
# (198.51.100.1, TLS self-signed), Chromium in namespace "guest" (198.51.100.2) opening the
# web link exactly as the server printed it (tests/web/netns.test.mjs, driven by
# playwright-core), a roomshare-cli participant beside the server. Files both ways.
#
# Usage: tests/netns/test-web.sh BUILD_DIR   (as root; needs chromium and npm ci)
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="$(cd "${1:-$here/../../build}" && pwd)"
# shellcheck source=lib.sh
source "$here/lib.sh"

SERVER="$build/src/server/roomshare-server"
CLI="$build/src/cli/roomshare-cli"
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
for b in "$SERVER" "$CLI" "$CHROMIUM"; do
    [ -x "$b" ] || { echo "missing $b" >&2; exit 1; }
done
if [ ! -d "$root/node_modules/playwright-core" ]; then
    (cd "$root" && timeout 300 npm ci --no-audit --no-fund --loglevel=error) || { echo "npm ci failed" >&2; exit 1; }
fi

netns_init rsweb
tmp=$(mktemp -d)
trap 'netns_cleanup; rm -rf "$tmp"' EXIT
netns_add host
netns_add guest
netns_link host 198.51.100.1/24 guest 198.51.100.2/24

netns_bg host "$tmp/server.log" env HOME="$tmp/home-server" "$SERVER" --listen 198.51.100.1:7450 \
    --tls-self-signed "$tmp/tls" --data "$tmp/srv" --room standup >/dev/null
if ! netns_wait_for "$tmp/server.log" '^web invite: ' 10; then
    fail "roomshare-server printed no web invite: $(tail -3 "$tmp/server.log")"
    netns_finish
    exit 1
fi
native=$(grep -m1 '^invite: ' "$tmp/server.log" | cut -d' ' -f2)
web=$(grep -m1 '^web invite: ' "$tmp/server.log" | cut -d' ' -f3)
echo "web link: $web"
case "$web" in
https://198.51.100.1:7450/\#standup\?token=*) pass "the web link names the server's address, token in the fragment" ;;
*) fail "unexpected web link: $web" ;;
esac

mkdir -p "$tmp/home-carol"
netns_bg host "$tmp/carol.log" env HOME="$tmp/home-carol" "$CLI" listen "$native" --name Carol \
    --download-to "$tmp/carol" >/dev/null
netns_wait_for "$tmp/carol.log" '"room-connected"' 20 || fail "Carol did not join: $(tail -3 "$tmp/carol.log")"

head -c $((6 * 1024 * 1024 + 7)) /dev/urandom >"$tmp/from-browser.bin"
head -c $((3 * 1024 * 1024 + 11)) /dev/urandom >"$tmp/to-browser.bin"
spki=$(openssl x509 -in "$tmp/tls/cert.pem" -pubkey -noout | openssl pkey -pubin -outform der \
    | openssl dgst -sha256 -binary | base64)

# Bob (CLI) offers a file once the browser is in (the script waits for it in the page).
(
    netns_wait_for "$tmp/carol.log" '"user-connected".*"Guest"' 60 || exit 0
    mkdir -p "$tmp/home-bob"
    netns_exec host env HOME="$tmp/home-bob" "$CLI" send "$native" "$tmp/to-browser.bin" --name Bob \
        >/dev/null 2>"$tmp/bob.err"
) &
bob=$!

mkdir -p "$tmp/home-guest"
if netns_exec guest env HOME="$tmp/home-guest" CHROMIUM="$CHROMIUM" SPKI="$spki" WEB_LINK="$web" \
    SEND="$tmp/from-browser.bin" EXPECT="$(sha256sum "$tmp/to-browser.bin" | cut -d' ' -f1)" \
    PROFILE="$tmp/profile" NODE_PATH="$root/node_modules" \
    timeout 240 node "$root/tests/web/netns.test.mjs" >"$tmp/guest.log" 2>&1; then
    pass "the browser in another namespace joined with the web link as printed, sent and received"
else
    fail "the browser's run failed"
fi
sed 's/^/  guest: /' "$tmp/guest.log"
wait "$bob" 2>/dev/null
for ((i = 0; i < 200; i++)); do
    [ -f "$tmp/carol/from-browser.bin" ] && cmp -s "$tmp/from-browser.bin" "$tmp/carol/from-browser.bin" && break
    sleep 0.1
done
cmp -s "$tmp/from-browser.bin" "$tmp/carol/from-browser.bin" \
    && pass "Carol (CLI, host namespace) received the browser's file byte-identical" \
    || fail "Carol did not receive the browser's file intact"
netns_finish
