#!/usr/bin/env bash
# Builds the Debian package and the RPM from the build directory ($1), checks them with
# lintian and rpmlint (no errors allowed; warnings are justified in docs/operations.md),
# unpacks the .deb into a scratch root and checks that its programs run from there, that
# the man pages render and name every option of --help, that server.conf names every
# server option, and that the desktop integration (launcher, icon, roomshare:// handler,
# server unit, AppStream metainfo, icons) is in place.
set -euo pipefail
build="$1"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
(cd "$build" && cpack -G DEB -B "$out" >/dev/null)
deb=$(ls "$out"/roomshare_*.deb)
echo "package: $(basename "$deb") ($(du -h "$deb" | cut -f1))"
dpkg-deb --info "$deb" | grep -E "^ (Package|Version|Depends):"

# lintian: errors fail the check, the rest is printed (docs/operations.md justifies each).
if command -v lintian >/dev/null; then
    lintian --allow-root --display-info --tag-display-limit 0 "$deb" > "$out/lintian.txt" 2>&1 || true
    sed 's/^/package: lintian: /' "$out/lintian.txt" || true
    if grep -q '^E:' "$out/lintian.txt"; then
        echo "package.sh: lintian reports errors" >&2
        exit 1
    fi
else
    echo "package.sh: lintian is missing (scripts/install-deps.sh installs it)" >&2
    exit 1
fi

root="$out/root"
dpkg-deb -x "$deb" "$root"
dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles | grep -x /etc/roomshare/server.conf >/dev/null
for f in usr/bin/roomshare usr/bin/roomshare-server usr/bin/roomshare-cli \
         usr/share/applications/roomshare.desktop \
         usr/share/icons/hicolor/scalable/apps/roomshare.svg \
         usr/lib/systemd/system/roomshare-server.service \
         etc/roomshare/server.conf \
         usr/share/doc/roomshare/copyright usr/share/doc/roomshare/changelog.gz \
         usr/share/man/man1/roomshare.1.gz usr/share/man/man1/roomshare-server.1.gz \
         usr/share/man/man1/roomshare-cli.1.gz; do
    [ -e "$root/$f" ] || { echo "package.sh: missing $f" >&2; exit 1; }
done
grep -q 'x-scheme-handler/roomshare;' "$root/usr/share/applications/roomshare.desktop"
for size in 16 22 24 32 48 64 128 256 512; do
    file "$root/usr/share/icons/hicolor/${size}x$size/apps/roomshare.png" \
        | grep "PNG image data, $size x $size" >/dev/null \
        || { echo "package.sh: no ${size}x$size PNG icon" >&2; exit 1; }
done
metainfo="$root/usr/share/metainfo/org.roomshare.roomshare.metainfo.xml"
appstreamcli validate --no-net "$metainfo" >"$out/appstream.txt" 2>&1 \
    || { cat "$out/appstream.txt" >&2; echo "package.sh: metainfo does not validate" >&2; exit 1; }
if command -v desktop-file-validate >/dev/null; then
    desktop-file-validate "$root/usr/share/applications/roomshare.desktop"
fi
grep -q '^ExecStart=/usr/bin/roomshare-server --config /etc/roomshare/server.conf$' \
    "$root/usr/lib/systemd/system/roomshare-server.service"
# The unit's hardening, scored without a running systemd (0 = locked down, 10 = exposed;
# docs/operations.md records the score): fail above 2.0.
unit="$root/usr/lib/systemd/system/roomshare-server.service"
if command -v systemd-analyze >/dev/null; then
    score=$(systemd-analyze security --offline=true "$unit" 2>/dev/null | grep -o 'exposure level for [^:]*: [0-9.]*' || true)
    echo "package: systemd-analyze security: ${score:-no score}"
    systemd-analyze security --offline=true --threshold=20 "$unit" >/dev/null 2>&1 \
        || { echo "package.sh: the unit's exposure is above 2.0" >&2; exit 1; }
fi
"$root/usr/bin/roomshare-server" --help | grep -- '--listen' >/dev/null
"$root/usr/bin/roomshare-cli" --help | grep 'recv LINK' >/dev/null
QT_QPA_PLATFORM=offscreen "$root/usr/bin/roomshare" --help | grep -- '--host' >/dev/null

# Man pages: each renders without warnings and names every option its program's --help
# lists (they are generated from --help at build time; this catches a stale page).
for program in roomshare roomshare-server roomshare-cli; do
    page="$root/usr/share/man/man1/$program.1.gz"
    rendered=$(MANWIDTH=80 man --warnings -l "$page" 2>"$out/man.err")
    if [ -s "$out/man.err" ] || [ -z "$rendered" ]; then
        echo "package.sh: man -l $program.1.gz:" >&2; cat "$out/man.err" >&2; exit 1
    fi
    source=$(zcat "$page" | sed 's/\\-/-/g')
    options=$(QT_QPA_PLATFORM=offscreen "$root/usr/bin/$program" --help \
        | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u)
    for option in $options; do
        grep -qe "$option" <<<"$source" \
            || { echo "package.sh: man page of $program lacks $option" >&2; exit 1; }
    done
    echo "package: man $program: $(wc -w <<<"$options") options, all in the page"
done

# server.conf documents one key per option of roomshare-server.
conf="$root/etc/roomshare/server.conf"
for option in $("$root/usr/bin/roomshare-server" --help | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u); do
    key=${option#--}
    case "$key" in help|help-all|version|config) continue ;; esac
    grep -qE "^[#;]? ?$key =" "$conf" \
        || { echo "package.sh: server.conf lacks $key" >&2; exit 1; }
done

# The packaged server really serves, started as the unit starts it (with the packaged
# configuration file; the command line moves it to a free port and a scratch folder).
data="$out/data"
# The packaged file makes it speak TLS (tls-self-signed); its certificate folder moves too.
"$root/usr/bin/roomshare-server" --config "$conf" --listen 127.0.0.1:0 --data "$data" \
    --tls-self-signed "$out/tls" > "$out/server.out" 2>/dev/null &
pid=$!
for _ in $(seq 50); do [ -s "$out/server.out" ] && break; sleep 0.1; done
kill "$pid"; wait "$pid" 2>/dev/null || true
grep -Eq '^roomshare-server listening on wss://127\.0\.0\.1:[0-9]+$' "$out/server.out" \
    || { echo "package.sh: the packaged server did not start with TLS: $(cat "$out/server.out")" >&2; exit 1; }
[ -s "$data/secret" ]

# RPM with the same content; rpmlint errors fail the check.
(cd "$build" && cpack -G RPM -B "$out" >/dev/null)
rpm=$(ls "$out"/roomshare-*.rpm)
echo "package: $(basename "$rpm") ($(du -h "$rpm" | cut -f1))"
diff <(cd "$root" && find . -type f | sed 's|^\.||' | sort) \
     <(rpm -qlp --noartifact "$rpm" 2>/dev/null | while read -r f; do
           [ -f "$root$f" ] && echo "$f"; done | sort) >/dev/null \
    || { echo "package.sh: the RPM's files differ from the .deb's" >&2; exit 1; }
if command -v rpmlint >/dev/null; then
    rpmlint -c "$(dirname "$0")/../../packaging/rpmlint.toml" "$rpm" > "$out/rpmlint.txt" 2>&1 || true
    sed 's/^/package: rpmlint: /' "$out/rpmlint.txt"
    if grep -q ' E: ' "$out/rpmlint.txt"; then
        echo "package.sh: rpmlint reports errors" >&2
        exit 1
    fi
fi
# Installed for real, then purged (as root with ROOMSHARE_PACKAGE_INSTALL=1; .ci/run sets
# it on the throw-away CI machine): the programs and man pages work from PATH, the unit is
# enabled but not started, the server runs as the unit runs it, and purge leaves nothing.
if [ "${ROOMSHARE_PACKAGE_INSTALL:-0}" = 1 ] && [ "$(id -u)" -eq 0 ]; then
    if dpkg-query -W -f='${Status}' roomshare 2>/dev/null | grep "installed" >/dev/null; then
        echo "package.sh: roomshare is installed on this machine already; not replacing it" >&2
        exit 1
    fi
    traces() { find /usr /etc /var/lib /lib -name '*roomshare*' 2>/dev/null | sort; }
    traces > "$out/before.txt"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$deb" >/dev/null
    roomshare --version >/dev/null
    roomshare-server --help >/dev/null
    roomshare-cli --help >/dev/null
    # Slim container images tell dpkg to skip man pages (path-exclude); not an error then.
    if ! grep -rs 'path-exclude.*/usr/share/man' /etc/dpkg/dpkg.cfg.d/ >/dev/null; then
        man roomshare-cli | grep -i 'roomshare-cli' >/dev/null
    fi
    [ -L /etc/systemd/system/multi-user.target.wants/roomshare-server.service ]
    # Links opened from a browser reach the app: desktop-file-utils' trigger registered
    # the .desktop file's schemes.
    for scheme in roomshare roomshares; do
        handler=$(XDG_DATA_HOME="$out/no-user-data" xdg-mime query default "x-scheme-handler/$scheme")
        if [ "$handler" != roomshare.desktop ]; then
            echo "package.sh: xdg-mime names '$handler' for $scheme:// links" >&2
            exit 1
        fi
    done
    roomshare-server --config /etc/roomshare/server.conf --listen 127.0.0.1:0 \
        --data "$out/installed-data" --tls-self-signed "$out/installed-tls" \
        > "$out/installed.out" 2>/dev/null &
    pid=$!
    for _ in $(seq 50); do [ -s "$out/installed.out" ] && break; sleep 0.1; done
    kill "$pid"; wait "$pid" 2>/dev/null || true
    grep -E '^roomshare-server listening on wss://127\.0\.0\.1:[0-9]+$' "$out/installed.out" >/dev/null
    # The installed app starts on a (virtual) display and hosts a room.
    if command -v Xvfb >/dev/null; then
        display=90
        while [ -e "/tmp/.X${display}-lock" ]; do display=$((display + 1)); done
        Xvfb ":$display" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
        xvfb=$!
        for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X$display" ] && break; sleep 0.1; done
        mkdir -p "$out/app-home"
        DISPLAY=":$display" HOME="$out/app-home" XDG_CONFIG_HOME="$out/app-home/.config" \
            XDG_DATA_HOME="$out/app-home/.local/share" \
            roomshare --host --new-instance --display-name Packager >"$out/app.out" 2>&1 &
        app=$!
        for _ in $(seq 100); do grep -q '^invite: roomshare' "$out/app.out" && break; sleep 0.1; done
        started=0
        grep -q '^invite: roomshare' "$out/app.out" && kill -0 "$app" 2>/dev/null && started=1
        kill "$app" 2>/dev/null; wait "$app" 2>/dev/null || true
        kill "$xvfb" 2>/dev/null; wait "$xvfb" 2>/dev/null || true
        if [ "$started" != 1 ]; then
            cat "$out/app.out" >&2
            echo "package.sh: the installed app did not start hosting on Xvfb" >&2
            exit 1
        fi
        echo "package: the installed app hosted a room on Xvfb"
    fi
    DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq roomshare >/dev/null
    traces > "$out/after.txt"
    diff "$out/before.txt" "$out/after.txt" \
        || { echo "package.sh: purge left the files above" >&2; exit 1; }
    echo "package: installed, ran and purged cleanly"
fi
echo "package: ok"
