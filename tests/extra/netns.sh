#!/usr/bin/env bash
# The cross-machine tests: network namespaces joined by veth pairs stand in for computers
# (tests/netns/test-*.sh). They create namespaces, so they need root (CI runs as root).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="$(cd "${1:-$here/build}" && pwd)"
run_as_root=()
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "netns: the cross-machine tests need root (or sudo)" >&2; exit 1; }
    run_as_root=(sudo --preserve-env=PATH)
fi
unset QT_QPA_PLATFORM
status=0
for t in "$here"/tests/netns/test-*.sh; do
    echo "-- $(basename "$t")"
    "${run_as_root[@]}" timeout 600 bash "$t" "$build" || status=1
done
exit $status
