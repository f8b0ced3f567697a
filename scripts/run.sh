#!/usr/bin/env bash
# One command: install what is missing, build, and start the Roomshare desktop app
# hosting a room for the people on this computer's networks (the invite link is shown in
# the window and printed here, "invite: ...", for those who join from other computers).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$here/scripts/install-deps.sh"
bash "$here/scripts/build.sh"
build="${ROOMSHARE_BUILD_DIR:-$here/build}"
if [ -x "$build/src/app/roomshare" ]; then
    if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
        echo "run: no display found (DISPLAY/WAYLAND_DISPLAY unset); starting the app on a virtual display :77" >&2
        Xvfb :77 -screen 0 1280x800x24 >/dev/null 2>&1 &
        export DISPLAY=:77
        sleep 1
    fi
    exec "$build/src/app/roomshare" --host "$@"
fi
# Without the desktop app (configured with -DROOMSHARE_BUILD_GUI=OFF): host a room with the server.
exec "$build/src/server/roomshare-server" --room meeting "$@"
