#!/usr/bin/env bash
# One command: install what is missing, build with warnings as errors, run every test.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
start=$(date +%s)
bash "$here/scripts/install-deps.sh"

echo "== build"
bash "$here/scripts/build.sh"
build="${ROOMSHARE_BUILD_DIR:-$here/build}"

echo "== built at $(( $(date +%s) - start )) s"
echo "== format check"
if command -v clang-format >/dev/null; then
    files=$(cd "$here" && git ls-files 'src/*.cpp' 'src/*.h' 'tests/*.cpp' 'tests/*.h' 2>/dev/null || true)
    if [ -n "$files" ]; then
        (cd "$here" && clang-format --dry-run --Werror $files)
    fi
fi

echo "== unit, end-to-end and GUI tests"
export QT_QPA_PLATFORM=offscreen
# Each test's time limit is its TIMEOUT property (cmake/RoomshareHelpers.cmake).
ctest --test-dir "$build" --output-on-failure -j2
echo "== ctest done at $(( $(date +%s) - start )) s"

for extra in "$here"/tests/extra/*.sh; do
    [ -e "$extra" ] || continue
    echo "== $(basename "$extra")"
    t=$(date +%s)
    bash "$extra" "$build"
    echo "== $(basename "$extra") took $(( $(date +%s) - t )) s ($(( $(date +%s) - start )) s so far)"
done

echo "== all tests passed in $(( $(date +%s) - start )) s"
