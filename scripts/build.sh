#!/usr/bin/env bash
# Configures and builds Roomshare into build/ (or $ROOMSHARE_BUILD_DIR).
# Extra arguments are passed to the CMake configure step.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${ROOMSHARE_BUILD_DIR:-$here/build}"
cmake -S "$here" -B "$build" -G Ninja \
    -DCMAKE_BUILD_TYPE="${ROOMSHARE_BUILD_TYPE:-RelWithDebInfo}" \
    -DROOMSHARE_WERROR=ON "$@" >/dev/null
cmake --build "$build" --parallel "$(nproc)"
