# An Avahi daemon per network namespace, for the "Rooms nearby" tests. Source this after
# tests/netns/lib.sh (and after netns_init). Needs avahi-daemon and dbus-daemon (Debian's
# avahi-daemon and dbus packages; scripts/install-deps.sh installs them).
#
# Each daemon gets its own private D-Bus "system" bus (a dbus-daemon with a permissive
# policy listening on a socket in a temporary folder) and its own mount namespace with a
# tmpfs on /run/avahi-daemon, so two daemons share neither a bus, a pid file nor a socket,
# and nothing of the machine's own D-Bus or Avahi (if any) is touched.
#
#   avahi_start NAME HOSTNAME   starts dbus-daemon and avahi-daemon inside namespace NAME;
#                               the daemon announces itself as HOSTNAME.local; waits until
#                               the daemon owns org.freedesktop.Avahi (or fails, returns 1)
#   avahi_bus NAME              prints the bus address of NAME's daemon, for
#                               DBUS_SYSTEM_BUS_ADDRESS
#   avahi_exec NAME CMD...      runs CMD inside NAME with DBUS_SYSTEM_BUS_ADDRESS set to
#                               NAME's bus (what the dns_sd compatibility library talks to)
#   avahi_stop NAME             stops NAME's avahi-daemon (the bus stays up: clients then see
#                               "no daemon"; avahi_start NAME HOSTNAME starts a new one)
#
# The daemons and buses are killed by lib.sh's cleanup trap; their folder is removed by
# avahi_cleanup, which this file chains into the EXIT trap.

AVAHI_DIR=""
declare -A AVAHI_DAEMON_PID=()

avahi_cleanup() {
    netns_cleanup
    if [ -n "$AVAHI_DIR" ] && [ -d "$AVAHI_DIR" ]; then
        rm -rf "$AVAHI_DIR"
    fi
}

avahi_require() {
    local tool
    for tool in avahi-daemon dbus-daemon dbus-send unshare; do
        if ! command -v "$tool" >/dev/null && [ ! -x "/usr/sbin/$tool" ]; then
            echo "avahi: $tool is missing (run scripts/install-deps.sh)" >&2
            return 1
        fi
    done
}

avahi_bus() {
    echo "unix:path=$AVAHI_DIR/$1/bus"
}

avahi_start() {
    local name="$1" hostname="$2" dir bus i
    avahi_require || return 1
    if [ -z "$AVAHI_DIR" ]; then
        AVAHI_DIR=$(mktemp -d /tmp/roomshare-avahi.XXXXXX)
        trap avahi_cleanup EXIT
    fi
    dir="$AVAHI_DIR/$name"
    mkdir -p "$dir"
    bus=$(avahi_bus "$name")

    # A "system" bus that lets anyone own any name and talk to anyone: only the daemon and
    # the test's own clients can reach its socket.
    cat >"$dir/dbus.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>$bus</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_type="method_call"/>
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
  </policy>
</busconfig>
EOF
    # Its own host name (the namespaces share one UTS name, which would otherwise collide),
    # no wide-area (unicast DNS) lookups, no static services from /etc/avahi/services.
    cat >"$dir/avahi-daemon.conf" <<EOF
[server]
host-name=$hostname
use-ipv4=yes
use-ipv6=yes
enable-dbus=yes
ratelimit-interval-usec=1000000
ratelimit-burst=1000

[wide-area]
enable-wide-area=no

[publish]
publish-hinfo=no
publish-workstation=no
publish-addresses=yes

[reflector]
enable-reflector=no
EOF

    # After avahi_stop the bus is still up: a new daemon joins it.
    [ -S "$dir/bus" ] || netns_bg "$name" "$dir/dbus.log" dbus-daemon \
        --config-file="$dir/dbus.conf" --address="$bus" --nofork --nopidfile >/dev/null
    for ((i = 0; i < 50; i++)); do
        [ -S "$dir/bus" ] && break
        sleep 0.1
    done
    if [ ! -S "$dir/bus" ]; then
        echo "avahi: the D-Bus bus in $name did not start:" >&2
        cat "$dir/dbus.log" >&2
        return 1
    fi

    # /run/avahi-daemon holds the daemon's pid file and socket: a tmpfs in a mount namespace
    # of its own gives each daemon a private one.
    mkdir -p /run/avahi-daemon
    # (netns_bg is not called in $(...): its pid must reach lib.sh's cleanup list.)
    netns_bg "$name" "$dir/avahi.log" env DBUS_SYSTEM_BUS_ADDRESS="$bus" \
        unshare -m --propagation private sh -c \
        'mount -t tmpfs -o mode=0755 tmpfs /run/avahi-daemon && exec avahi-daemon --no-drop-root --no-chroot --no-rlimits --no-proc-title -f "$1"' \
        sh "$dir/avahi-daemon.conf" >"$dir/avahi.pid"
    AVAHI_DAEMON_PID[$name]=$(cat "$dir/avahi.pid")
    for ((i = 0; i < 100; i++)); do
        if avahi_exec "$name" dbus-send --system --print-reply --dest=org.freedesktop.DBus \
            /org/freedesktop/DBus org.freedesktop.DBus.NameHasOwner \
            string:org.freedesktop.Avahi 2>/dev/null | grep -q "boolean true"; then
            return 0
        fi
        if ! kill -0 "${AVAHI_DAEMON_PID[$name]}" 2>/dev/null; then
            break
        fi
        sleep 0.1
    done
    echo "avahi: avahi-daemon in $name did not come up:" >&2
    cat "$dir/avahi.log" >&2
    return 1
}

avahi_exec() {
    local name="$1"
    shift
    netns_exec "$name" env DBUS_SYSTEM_BUS_ADDRESS="$(avahi_bus "$name")" "$@"
}

avahi_stop() {
    local name="$1" pid i
    pid="${AVAHI_DAEMON_PID[$name]:-}"
    [ -n "$pid" ] || return 0
    # The pid is of `ip netns exec`, which exec'd env, unshare, sh and then the daemon: the
    # same process all along.
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    unset "AVAHI_DAEMON_PID[$name]"
}
