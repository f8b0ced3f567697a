#!/usr/bin/env bash
# The chaos run (issue 16, tests/chaos/chaos.py): real server and CLI processes in four rooms
# under random faults, then one table of what was checked.
#
#   bash tests/chaos/run.sh [--minutes N] [--max-size BYTES] [--seed N] [--build DIR]
#
# A short run: 3 minutes with files up to 16 MiB (the default; CI runs it from
# tests/extra/chaos.sh). Long run:
#   bash tests/chaos/run.sh --minutes 30 --long
# (--long: files up to 256 MiB, a send every 10-30 s per room, files kept 15 minutes.)
# As root the server's data folder is a small tmpfs, so the driver can fill its disk;
# otherwise that fault is left out (the table counts it as 0).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="$here/build"
minutes=3
max_size=$((16 * 1024 * 1024))
extra=()
while [ $# -gt 0 ]; do
    case "$1" in
        --minutes) minutes="$2"; shift 2 ;;
        --max-size) max_size="$2"; shift 2 ;;
        --build) build="$2"; shift 2 ;;
        --seed) extra+=(--seed "$2"); shift 2 ;;
        --long) max_size=$((256 * 1024 * 1024)); extra+=(--send-interval 10,30 --file-ttl 900); shift ;;
        *) echo "chaos: unknown option $1" >&2; exit 2 ;;
    esac
done
build="$(cd "$build" && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/roomshare-chaos.XXXXXX")"
mounted=""
cleanup() {
    status=$?
    pkill -KILL -f "$work" 2>/dev/null || true
    if [ "$status" -ne 0 ]; then
        # Keep what explains a failure: every process's output and the server's logs.
        keep="${TMPDIR:-/tmp}/roomshare-chaos-failed-$(date +%Y%m%d-%H%M%S)"
        mkdir -p "$keep"
        (cd "$work" && find . \( -name '*.jsonl' -o -name '*.err' \) -print0 | cpio -0 -pdm "$keep" 2>/dev/null) || true
        echo "chaos: logs of the failed run kept in $keep" >&2
    fi
    [ -n "$mounted" ] && umount "$work/srv" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/srv"
if [ "$(id -u)" -eq 0 ]; then
    # Room for the largest files of a run several times over, small enough to fill quickly.
    size_mib=$(( max_size / 1048576 * 12 + 256 ))
    mount -t tmpfs -o size=${size_mib}m roomshare-chaos "$work/srv"
    mounted=1
    extra+=(--tmpfs)
fi
# The binaries the run uses are copies, so a rebuild meanwhile cannot change or remove them.
mkdir -p "$work/bin/src/server" "$work/bin/src/cli"
cp "$build/src/server/roomshare-server" "$work/bin/src/server/"
cp "$build/src/cli/roomshare-cli" "$work/bin/src/cli/"
build="$work/bin"
# Bounded: the run, three minutes to settle, a margin.
timeout $(( $(printf '%.0f' "$minutes") * 60 + 420 )) \
    /usr/bin/python3 "$here/tests/chaos/chaos.py" --build "$build" --work "$work" \
    --minutes "$minutes" --max-size "$max_size" "${extra[@]}"
