#!/usr/bin/env bash
# "Rooms nearby" between two network namespaces, each with its own Avahi daemon
# (tests/netns/discovery.sh). Needs root (CI runs as root); skipped otherwise.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${1:-$here/build}"
if [ "$(id -u)" -ne 0 ]; then
    echo "discovery: skipped (network namespaces need root)"
    exit 0
fi
timeout 300 bash "$here/tests/netns/discovery.sh" "$build"
