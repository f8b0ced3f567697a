#!/usr/bin/env bash
# Runs the desktop app on a real X server (Xvfb, the xcb platform, not the offscreen one
# the Qt tests use): a host and a guest window through the six main states, saved as
# screenshots into $1/screenshots. Fails when an instance does not start or a
# screenshot is missing or blank.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="$(cd "${1:-$here/build}" && pwd)"
out="$build/screenshots"
rm -rf "$out"
unset QT_QPA_PLATFORM
timeout 300 bash "$here/tests/screenshots/take-screenshots.sh" "$build" "$out"
for shot in 01-empty-room 02-files-available 03-transfers-in-progress 04-drop-overlay \
    05-folder-transfer 06-shared-by-you; do
    f="$out/$shot.png"
    [ -s "$f" ] || { echo "screenshots: $shot.png missing" >&2; exit 1; }
    # Every window: the host's on the left, the guest's on the right. A blank
    # (single-colour) half means that window never appeared. The script itself waited for
    # each window's state (--demo-state-file), so a window that failed fails the script.
    for half in "host 1096x720+0+0" "guest 1096x720+1104+0"; do
        set -- $half
        colours=$(convert-im6.q16 "$f" -crop "$2" +repage -format '%k' info:)
        [ "$colours" -gt 50 ] || { echo "screenshots: the $1 window in $shot.png is blank ($colours colours)" >&2; exit 1; }
        echo "screenshots: $shot.png, $1 window: $colours colours"
    done
done
