#!/bin/bash
# Takes screenshots of the desktop app's main states under Xvfb:
#   01-empty-room.png          host (Alice, left) and a participant (Bob, right) just joined
#   02-files-available.png     Carol (an invisible, offscreen instance) shared three files
#   03-transfers-in-progress.png  Alice uploads two large files, Bob downloads what arrives
#   04-drop-overlay.png        Bob's window while files are dragged onto it
#
# Usage: tests/screenshots/take-screenshots.sh [BUILD_DIR] [OUT_DIR]
#   BUILD_DIR defaults to ./build, OUT_DIR to ./screenshots.
#
# It drives the app through hidden command-line options meant only for this script:
#   --display-name NAME   (public) the name to join with
#   --print-invite FILE   the host writes the participant invite link to FILE
#   --demo-send FILE      send FILE once connected (repeatable); --demo-delay MS waits first
#   --demo-download-all   download every file as soon as it becomes available
#   --demo-state drop-overlay   show the drop overlay as if three files were dragged in
# Needs Xvfb and ImageMagick's import.
set -euo pipefail

BUILD_DIR=$(realpath "${1:-build}")
OUT_DIR=$(realpath -m "${2:-screenshots}")
APP="$BUILD_DIR/src/app/roomshare"
[ -x "$APP" ] || { echo "no app at $APP (build first)" >&2; exit 1; }
command -v Xvfb >/dev/null || { echo "Xvfb is missing" >&2; exit 1; }
command -v import >/dev/null || { echo "ImageMagick import is missing" >&2; exit 1; }
mkdir -p "$OUT_DIR"

DISPLAY_NUM=99
while [ -e "/tmp/.X${DISPLAY_NUM}-lock" ] || [ -e "/tmp/.X11-unix/X${DISPLAY_NUM}" ]; do
    DISPLAY_NUM=$((DISPLAY_NUM + 1))
done
WORK=$(mktemp -d)
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

Xvfb ":$DISPLAY_NUM" -screen 0 2200x760x24 -nolisten tcp >"$WORK/xvfb.log" 2>&1 &
PIDS+=($!)
export DISPLAY=":$DISPLAY_NUM"
for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X${DISPLAY_NUM}" ] && break; sleep 0.1; done

# Each instance gets its own HOME so settings, downloads and the host's data stay apart.
run() { # NAME ARGS... ; starts the app for NAME in the background
    local name=$1; shift
    mkdir -p "$WORK/$name/Downloads"
    HOME="$WORK/$name" XDG_CONFIG_HOME="$WORK/$name/.config" XDG_DATA_HOME="$WORK/$name/.local/share" \
    XDG_DOWNLOAD_DIR="$WORK/$name/Downloads" QT_QPA_PLATFORMTHEME= \
        "$APP" --new-instance "$@" >"$WORK/$name.log" 2>&1 &
    PIDS+=($!)
}
shot() { # FILE
    sleep "${2:-1}"
    import -window root "$OUT_DIR/$1"
    echo "saved $OUT_DIR/$1"
}

# Demo files: small real ones and large sparse ones (cheap to create).
mkdir -p "$WORK/files"
head -c 191002 /dev/urandom >"$WORK/files/Q3 report.pdf"
head -c 2400000 /dev/urandom >"$WORK/files/team photo.png"
head -c 48000 /dev/urandom >"$WORK/files/meeting notes.txt"
truncate -s 3G "$WORK/files/install-media.iso"
truncate -s 2G "$WORK/files/recording.mp4"

run alice --host --display-name Alice --print-invite "$WORK/link.txt" \
    -geometry 1096x720+0+0 \
    --demo-send "$WORK/files/install-media.iso" --demo-send "$WORK/files/recording.mp4" \
    --demo-delay 9000
for _ in $(seq 100); do [ -s "$WORK/link.txt" ] && break; sleep 0.1; done
LINK=$(head -n1 "$WORK/link.txt")
[ -n "$LINK" ] || { echo "the host wrote no invite link" >&2; cat "$WORK/alice.log" >&2; exit 1; }

run bob --display-name Bob -geometry 1096x720+1104+0 --demo-download-all "$LINK"
shot 01-empty-room.png 3

QT_QPA_PLATFORM=offscreen run carol --display-name Carol \
    --demo-send "$WORK/files/Q3 report.pdf" --demo-send "$WORK/files/team photo.png" \
    --demo-send "$WORK/files/meeting notes.txt" "$LINK"
shot 02-files-available.png 3

# Alice's two big uploads start 9 s after she joined.
sleep 2
shot 03-transfers-in-progress.png 1.5

# A fresh Bob window showing the drop overlay.
kill "${PIDS[2]}" 2>/dev/null || true
run bob --display-name Bob -geometry 1096x720+1104+0 --demo-state drop-overlay "$LINK"
shot 04-drop-overlay.png 3
