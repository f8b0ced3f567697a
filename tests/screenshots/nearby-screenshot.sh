#!/usr/bin/env bash
# The start dialog listing rooms nearby, as docs/screenshot-nearby.png: two network
# namespaces (tests/netns/lib.sh) with an Avahi daemon each (tests/netns/avahi.sh); A runs
# two announced roomshare-servers (one with TLS), B runs Xvfb and the app, whose start
# dialog finds them. Run as root: tests/screenshots/nearby-screenshot.sh [BUILD_DIR] [OUT]
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="$(cd "${1:-$here/build}" && pwd)"
out=$(realpath -m "${2:-$here/docs/screenshot-nearby.png}")
app="$build/src/app/roomshare"
server="$build/src/server/roomshare-server"
for bin in "$app" "$server"; do
    [ -x "$bin" ] || { echo "nearby-screenshot: $bin is missing; build first" >&2; exit 1; }
done
. "$here/tests/netns/lib.sh"
. "$here/tests/netns/avahi.sh"

netns_init rsshot
netns_add a
netns_add b
netns_link a 192.0.2.1/24 b 192.0.2.2/24
avahi_start a alice-laptop || exit 1
avahi_start b carol-laptop || exit 1
work="$AVAHI_DIR/work"
mkdir -p "$work"

netns_bg a "$work/standup.log" env DBUS_SYSTEM_BUS_ADDRESS="$(avahi_bus a)" HOME="$work" \
    "$server" --listen 0.0.0.0:7450 --insecure-plaintext --data "$work/standup" --room standup --announce \
    --announce-host-name Alice >/dev/null
netns_bg a "$work/design.log" env DBUS_SYSTEM_BUS_ADDRESS="$(avahi_bus a)" HOME="$work" \
    "$server" --listen 0.0.0.0:7451 --insecure-plaintext --data "$work/design" --room "design review" --announce \
    --announce-host-name Bob >/dev/null
netns_wait_for "$work/standup.log" '^announced' 15 || { cat "$work/standup.log"; exit 1; }
netns_wait_for "$work/design.log" '^announced' 15 || { cat "$work/design.log"; exit 1; }

# Xvfb and the app both run in B (an X socket is bound to its network namespace).
netns_bg b "$work/xvfb.log" Xvfb :77 -screen 0 760x620x24 -nolisten tcp >/dev/null
for ((i = 0; i < 50; i++)); do [ -e /tmp/.X11-unix/X77 ] && break; sleep 0.1; done
mkdir -p "$work/carol"
netns_bg b "$work/app.log" env DISPLAY=:77 QT_QPA_PLATFORM=xcb \
    DBUS_SYSTEM_BUS_ADDRESS="$(avahi_bus b)" HOME="$work/carol" \
    XDG_CONFIG_HOME="$work/carol/.config" XDG_DATA_HOME="$work/carol/.local/share" \
    "$app" --new-instance --display-name Carol >/dev/null
# Discovery takes a moment: resolve, then the A and AAAA lookups.
sleep 6
netns_exec b env DISPLAY=:77 import -window root "$work/root.png" || { cat "$work/app.log"; exit 1; }
# No window manager: the dialog sits on a black screen; keep just the dialog.
convert-im6.q16 "$work/root.png" -trim +repage "$out"
colours=$(convert-im6.q16 "$out" -format '%k' info:)
echo "nearby-screenshot: $out ($colours colours)"
[ "$colours" -gt 50 ]
