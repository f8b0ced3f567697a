#!/usr/bin/env bash
# The host's window while someone knocks, as docs/screenshot-knock.png: the app hosts a
# room under Xvfb and Erin knocks from roomshare-cli with a link that carries no token.
# Usage: tests/screenshots/knock-screenshot.sh [BUILD_DIR] [OUT]
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="$(cd "${1:-$here/build}" && pwd)"
out=$(realpath -m "${2:-$here/docs/screenshot-knock.png}")
work=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
display=90
while [ -e "/tmp/.X11-unix/X$display" ]; do display=$((display + 1)); done
Xvfb ":$display" -screen 0 1100x720x24 -nolisten tcp >/dev/null 2>&1 &
pids+=($!)
for ((i = 0; i < 50; i++)); do [ -e "/tmp/.X11-unix/X$display" ] && break; sleep 0.1; done
mkdir -p "$work/alice/Downloads"
HOME="$work/alice" XDG_CONFIG_HOME="$work/alice/.config" XDG_DATA_HOME="$work/alice/.local/share" \
    DISPLAY=":$display" QT_QPA_PLATFORM=xcb QT_QPA_PLATFORMTHEME= \
    "$build/src/app/roomshare" --host --display-name Alice -geometry 1090x710+0+0 >"$work/app.log" 2>&1 &
pids+=($!)
for ((i = 0; i < 100; i++)); do grep -q '^invite: ' "$work/app.log" && break; sleep 0.1; done
link=$(grep -m1 '^invite: ' "$work/app.log" | cut -d' ' -f2)
[ -n "$link" ] || { cat "$work/app.log"; exit 1; }
# The same server, without a token: a knock (by address, as a guest would type it).
knock=$(echo "$link" | sed -E 's#^(roomshares?://[^/]+/[^?]*)\?.*#\1#')
HOME="$work/erin" "$build/src/cli/roomshare-cli" list "$knock" --name Erin >"$work/erin.log" 2>&1 &
pids+=($!)
sleep 4
DISPLAY=":$display" import -window root "$work/root.png"
convert-im6.q16 "$work/root.png" -trim +repage "$out"
colours=$(convert-im6.q16 "$out" -format '%k' info:)
echo "knock-screenshot: $out ($colours colours)"
[ "$colours" -gt 50 ]
