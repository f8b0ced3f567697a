#!/usr/bin/env bash
# Issue 16: the desktop app killed with SIGKILL mid-upload, then started again without a
# link (it rejoins its room and lists the upload; Resume and Discard), on a real X server
# (Xvfb, the xcb platform) rather than the offscreen platform ctest gives it.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="$(cd "${1:-$here/build}" && pwd)"
command -v Xvfb >/dev/null || { echo "apprestart-xvfb: Xvfb is missing" >&2; exit 1; }
n=120
while [ -e "/tmp/.X${n}-lock" ] || [ -e "/tmp/.X11-unix/X${n}" ]; do n=$((n + 1)); done
work="$(mktemp -d)"
Xvfb ":$n" -screen 0 1280x900x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
xvfb=$!
trap 'kill "$xvfb" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X${n}" ] && break; sleep 0.1; done
[ -e "/tmp/.X11-unix/X${n}" ] || { echo "apprestart-xvfb: Xvfb :$n did not start" >&2; cat "$work/xvfb.log" >&2; exit 1; }
unset QT_QPA_PLATFORM
mkdir -p "$work/home"
DISPLAY=":$n" HOME="$work/home" \
    ROOMSHARE_SERVER_BIN="$build/src/server/roomshare-server" \
    ROOMSHARE_CLI_BIN="$build/src/cli/roomshare-cli" \
    timeout 300 "$build/tests/auto/gui/tst_apprestart"
