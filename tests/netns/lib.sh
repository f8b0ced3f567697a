# Shared helpers for the cross-machine tests: network namespaces joined by veth pairs stand
# in for computers. Source this file; it needs root (CI runs as root) and iproute2.
#
# Addresses come from the documentation ranges (RFC 5737 198.51.100.0/24 and
# 203.0.113.0/24; RFC 3849 2001:db8::/32; 192.0.2.0/24 is left alone, some build machines
# use it for themselves), so nothing here can be mistaken for a real host, and no traffic
# leaves the namespaces this file creates. Each namespace gets its own /etc/netns/NAME
# resolv.conf (a name server on its own loopback, where none runs: unknown names fail at
# once, and no query leaves) and hosts file (netns_hosts adds names).
#
#   netns_init TAG             names every namespace and link after TAG; sets a cleanup trap
#   netns_add NAME             a namespace "TAG-NAME" with lo up
#   netns_link A IPA B IPB     a veth pair between namespaces A and B, with IPA (in A) and
#                              IPB (in B), each CIDR (192.0.2.1/24 or 2001:db8::1/64)
#   netns_lan LAN              a namespace LAN holding a bridge: a network switch
#   netns_plug LAN NAME CIDR... a veth pair from namespace NAME (with the addresses CIDR...)
#                              into LAN's switch; sets NETNS_LAST_LINK to NAME's interface
#   netns_hosts NAME IP HOST   HOST resolves to IP inside namespace NAME
#   netns_exec NAME CMD...     runs CMD inside namespace NAME
#   netns_bg NAME LOG CMD...   starts CMD inside NAME in the background (output to LOG);
#                              prints its pid; killed by the cleanup trap
#   netns_wait_for FILE REGEX SECONDS   waits until FILE holds a line matching REGEX
#   netns_silent A IP          makes IP (on A's first link's subnet) a silent address: a
#                              static neighbour entry to a MAC nobody has, so packets to it
#                              vanish and a connection times out
#   fail MSG / pass MSG        report and count (fail exits at the end via netns_finish)

NETNS_TAG=""
NETNS_LIST=()
NETNS_PIDS=()
NETNS_FAILED=0
NETNS_PASSED=0

netns_require_root() {
    if [ "$(id -u)" -ne 0 ]; then
        echo "netns: these tests create network namespaces and must run as root" >&2
        exit 1
    fi
    command -v ip >/dev/null || { echo "netns: iproute2 (ip) is missing" >&2; exit 1; }
}

netns_cleanup() {
    local pid ns
    for pid in "${NETNS_PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    sleep 0.3
    for pid in "${NETNS_PIDS[@]}"; do
        kill -KILL "$pid" 2>/dev/null || true
    done
    for ns in "${NETNS_LIST[@]}"; do
        # Whatever still runs inside (a child of a killed wrapper) goes with the namespace.
        ip netns pids "$ns" 2>/dev/null | xargs -r kill -KILL 2>/dev/null || true
        ip netns del "$ns" 2>/dev/null || true
        rm -rf "/etc/netns/$ns"
    done
    NETNS_PIDS=()
    NETNS_LIST=()
}

netns_init() {
    netns_require_root
    NETNS_TAG="$1"
    trap netns_cleanup EXIT
    # Leftovers of an earlier run that was killed.
    local ns
    for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep "^$NETNS_TAG-" || true); do
        ip netns pids "$ns" 2>/dev/null | xargs -r kill -KILL 2>/dev/null || true
        ip netns del "$ns" 2>/dev/null || true
        rm -rf "/etc/netns/$ns"
    done
}

netns_name() { echo "$NETNS_TAG-$1"; }

netns_add() {
    local ns
    ns=$(netns_name "$1")
    ip netns add "$ns"
    NETNS_LIST+=("$ns")
    ip -n "$ns" link set lo up
    mkdir -p "/etc/netns/$ns"
    echo "nameserver 127.0.0.1" >"/etc/netns/$ns/resolv.conf"
    printf '127.0.0.1 localhost\n::1 localhost\n' >"/etc/netns/$ns/hosts"
}

netns_hosts() {
    echo "$2 $3" >>"/etc/netns/$(netns_name "$1")/hosts"
}

# Interface names are at most 15 characters: v<counter><a|b> keeps them short and unique.
NETNS_LINKS=0
netns_link() {
    local a b ifa ifb
    a=$(netns_name "$1")
    b=$(netns_name "$3")
    NETNS_LINKS=$((NETNS_LINKS + 1))
    ifa="v${NETNS_LINKS}a$$"
    ifb="v${NETNS_LINKS}b$$"
    ifa=${ifa:0:15}
    ifb=${ifb:0:15}
    ip link add "$ifa" netns "$a" type veth peer name "$ifb" netns "$b"
    ip -n "$a" addr add "$2" dev "$ifa" nodad 2>/dev/null || ip -n "$a" addr add "$2" dev "$ifa"
    ip -n "$b" addr add "$4" dev "$ifb" nodad 2>/dev/null || ip -n "$b" addr add "$4" dev "$ifb"
    ip -n "$a" link set "$ifa" up
    ip -n "$b" link set "$ifb" up
    # The interface names, for callers that add routes: "IFA IFB".
    NETNS_LAST_LINK="$ifa $ifb"
}

netns_lan() {
    netns_add "$1"
    ip -n "$(netns_name "$1")" link add br0 type bridge
    ip -n "$(netns_name "$1")" link set br0 up
}

netns_plug() {
    local lan ns ifl ifn cidr
    lan=$(netns_name "$1")
    ns=$(netns_name "$2")
    shift 2
    NETNS_LINKS=$((NETNS_LINKS + 1))
    ifl="p${NETNS_LINKS}l$$"
    ifn="p${NETNS_LINKS}n$$"
    ifl=${ifl:0:15}
    ifn=${ifn:0:15}
    ip link add "$ifl" netns "$lan" type veth peer name "$ifn" netns "$ns"
    ip -n "$lan" link set "$ifl" master br0
    ip -n "$lan" link set "$ifl" up
    for cidr in "$@"; do
        ip -n "$ns" addr add "$cidr" dev "$ifn" nodad 2>/dev/null || ip -n "$ns" addr add "$cidr" dev "$ifn"
    done
    ip -n "$ns" link set "$ifn" up
    NETNS_LAST_LINK="$ifn"
}

netns_exec() {
    local ns
    ns=$(netns_name "$1")
    shift
    ip netns exec "$ns" "$@"
}

netns_bg() {
    local ns log
    ns=$(netns_name "$1")
    log="$2"
    shift 2
    ip netns exec "$ns" "$@" >"$log" 2>&1 &
    local pid=$!
    NETNS_PIDS+=("$pid")
    echo "$pid"
}

netns_wait_for() {
    local file="$1" regex="$2" seconds="$3" i
    for ((i = 0; i < seconds * 10; i++)); do
        if [ -f "$file" ] && grep -qE "$regex" "$file"; then
            return 0
        fi
        sleep 0.1
    done
    return 1
}

netns_silent() {
    local ns dev
    ns=$(netns_name "$1")
    dev=$(ip -n "$ns" -o link show | awk -F': ' '$2 !~ /^lo/ {print $2; exit}' | cut -d@ -f1)
    ip -n "$ns" neigh replace "$2" lladdr 02:00:5e:00:53:99 dev "$dev" nud permanent
}

fail() {
    echo "FAIL: $*" >&2
    NETNS_FAILED=$((NETNS_FAILED + 1))
}

pass() {
    echo "ok: $*"
    NETNS_PASSED=$((NETNS_PASSED + 1))
}

netns_finish() {
    echo "netns: $NETNS_PASSED passed, $NETNS_FAILED failed"
    [ "$NETNS_FAILED" -eq 0 ]
}
