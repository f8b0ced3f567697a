#!/usr/bin/env bash
# Builds the Debian package from the build directory ($1), unpacks it into a scratch
# root and checks that its programs run from there and that the desktop integration
# (launcher, icon, roomshare:// link handler, server unit) is in place.
set -euo pipefail
build="$1"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
(cd "$build" && cpack -G DEB -B "$out" >/dev/null)
deb=$(ls "$out"/roomshare_*.deb)
echo "package: $(basename "$deb") ($(du -h "$deb" | cut -f1))"
dpkg-deb --info "$deb" | grep -E "^ (Package|Version|Depends):"
root="$out/root"
dpkg-deb -x "$deb" "$root"
for f in usr/bin/roomshare usr/bin/roomshare-server usr/bin/roomshare-cli \
         usr/share/applications/roomshare.desktop \
         usr/share/icons/hicolor/scalable/apps/roomshare.svg \
         usr/lib/systemd/system/roomshare-server.service; do
    [ -e "$root/$f" ] || { echo "package.sh: missing $f" >&2; exit 1; }
done
grep -q 'x-scheme-handler/roomshare;' "$root/usr/share/applications/roomshare.desktop"
if command -v desktop-file-validate >/dev/null; then
    desktop-file-validate "$root/usr/share/applications/roomshare.desktop"
fi
"$root/usr/bin/roomshare-server" --help | grep -q -- '--listen'
"$root/usr/bin/roomshare-cli" --help | grep -q 'recv LINK'
QT_QPA_PLATFORM=offscreen "$root/usr/bin/roomshare" --help | grep -q -- '--host'
# The packaged server really serves: start it, read its first line, stop it.
data="$out/data"
"$root/usr/bin/roomshare-server" --listen 127.0.0.1:0 --data "$data" > "$out/server.out" 2>/dev/null &
pid=$!
for _ in $(seq 50); do [ -s "$out/server.out" ] && break; sleep 0.1; done
kill "$pid"; wait "$pid" 2>/dev/null || true
grep -Eq '^roomshare-server listening on ws://127\.0\.0\.1:[0-9]+$' "$out/server.out"
echo "package: ok"
