#!/bin/bash
# Takes screenshots of the desktop app's main states under Xvfb:
#   01-empty-room.png          host (Alice, left) and a participant (Bob, right) just joined
#   02-files-available.png     Carol (an invisible, offscreen instance) shared three files
#   03-transfers-in-progress.png  Alice uploads two large files, Bob downloads what arrives
#   04-drop-overlay.png        Bob's window while files are dragged onto it
#   05-folder-transfer.png     Bob sends a folder (one row in his transfers), Alice sees it as
#                              one row of her files while it arrives
#   06-shared-by-you.png       Bob sent two files; Dave and Erin (offscreen) downloaded them:
#                              his "Shared by you" names them from their delivery receipts
#
# Usage: tests/screenshots/take-screenshots.sh [BUILD_DIR] [OUT_DIR]
#   BUILD_DIR defaults to ./build, OUT_DIR to ./screenshots.
#
# It drives the app through hidden command-line options meant only for this script:
#   --display-name NAME   (public) the name to join with
#   --print-invite FILE   the host writes the participant invite link to FILE
#   --demo-send FILE      send FILE (or a folder) once connected (repeatable); --demo-delay MS
#                         waits first
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
declare -A LAST_PID
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
        "$APP" --new-instance --demo-state-file "$WORK/$name.state" "$@" >"$WORK/$name.log" 2>&1 &
    PIDS+=($!)
    LAST_PID[$name]=$!
}
shot() { # FILE
    sleep 0.5 # the last paint after the state was reached
    import -window root "$OUT_DIR/$1"
    echo "saved $OUT_DIR/$1"
}
# wait_state NAME PATTERN...: waits (at most 60 s) until the state file that instance NAME
# keeps (--demo-state-file) matches every PATTERN (key=value words, as grep -E patterns).
wait_state() {
    local name=$1; shift
    local file="$WORK/$name.state"
    for _ in $(seq 600); do
        local ok=1
        for pattern in "$@"; do
            grep -qE "(^| )$pattern( |$)" "$file" 2>/dev/null || { ok=0; break; }
        done
        [ "$ok" = 1 ] && return 0
        if ! kill -0 "${LAST_PID[$name]}" 2>/dev/null; then
            echo "the $name window exited; its log:" >&2; cat "$WORK/$name.log" >&2; exit 1
        fi
        sleep 0.1
    done
    echo "the $name window never reached: $* (last state: $(cat "$file" 2>/dev/null))" >&2
    cat "$WORK/$name.log" >&2
    exit 1
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
# Everyone + Alice + Bob in both windows.
wait_state alice connected=1 visible=1 participants=3
wait_state bob connected=1 visible=1 participants=3
shot 01-empty-room.png

QT_QPA_PLATFORM=offscreen run carol --display-name Carol \
    --demo-send "$WORK/files/Q3 report.pdf" --demo-send "$WORK/files/team photo.png" \
    --demo-send "$WORK/files/meeting notes.txt" "$LINK"
wait_state alice files=3
wait_state bob files=3 downloaded=3
shot 02-files-available.png

# Alice's two big uploads start 9 s after she joined.
wait_state alice uploading=2
sleep 1.5 # progress, speed and time left filled in
wait_state alice uploading=2
shot 03-transfers-in-progress.png

# A fresh Bob window showing the drop overlay.
kill "${PIDS[2]}" 2>/dev/null || true
rm -f "$WORK/bob.state"
run bob --display-name Bob -geometry 1096x720+1104+0 --demo-state drop-overlay "$LINK"
wait_state bob connected=1 visible=1 overlay=1
wait_state alice connected=1 visible=1
shot 04-drop-overlay.png

# A fresh Bob window sharing a folder: a tree of small files, an empty folder and two large
# sparse files that keep it in progress; Alice sees the folder as one row arriving.
kill "${LAST_PID[bob]}" 2>/dev/null || true
rm -f "$WORK/bob.state"
folder="$WORK/files/Project Photos"
mkdir -p "$folder/2024/Trip to the coast" "$folder/2025" "$folder/empty"
for i in 1 2 3 4 5; do head -c $((40000 + i * 1000)) /dev/urandom >"$folder/2024/photo-$i.jpg"; done
for i in 1 2 3; do head -c 90000 /dev/urandom >"$folder/2024/Trip to the coast/beach-$i.jpg"; done
head -c 12000 /dev/urandom >"$folder/2025/plan.txt"
truncate -s 2G "$folder/2025/drone video.mp4"
truncate -s 2G "$folder/2024/Trip to the coast/timelapse.mov"
run bob --display-name Bob -geometry 1096x720+1104+0 --demo-send "$folder" "$LINK"
wait_state bob connected=1 visible=1 folderuploads=1
wait_state alice folders=1
sleep 1.5 # progress, speed and time left filled in
wait_state bob folderuploads=1
shot 05-folder-transfer.png

# Bob again, sending two files; Dave and Erin (offscreen) download everything they are
# offered, and their receipts reach Bob's "Shared by you".
head -c 734003 /dev/urandom >"$WORK/files/slides.pdf"
head -c 88000 /dev/urandom >"$WORK/files/budget.ods"
# A fresh HOME (bob2): the Bob before it was killed mid-upload, and the same HOME would
# rejoin as his session (its unfinished uploads), whose files would be Bob's own too.
kill "${LAST_PID[bob]}" 2>/dev/null || true
run bob2 --display-name Bob -geometry 1096x720+1104+0 \
    --demo-send "$WORK/files/slides.pdf" --demo-send "$WORK/files/budget.ods" "$LINK"
wait_state bob2 connected=1 visible=1 mine=2
QT_QPA_PLATFORM=offscreen run dave --display-name Dave --demo-download-all "$LINK"
QT_QPA_PLATFORM=offscreen run erin --display-name Erin --demo-download-all "$LINK"
wait_state bob2 mine=2 delivered=2
wait_state alice connected=1 visible=1
shot 06-shared-by-you.png
