#!/usr/bin/env bash
# AddressSanitizer + UndefinedBehaviorSanitizer run of the whole non-GUI test suite.
# scripts/test.sh calls it with the main build folder; it builds into BUILD-asan next to it
# (GUI and benchmark off: neither is part of this run), then runs every ctest test there.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
main_build="${1:?usage: sanitizers.sh MAIN_BUILD_DIR}"
build="$(cd "$(dirname "$main_build")" && pwd)/$(basename "$main_build")-asan"
start=$(date +%s)

flags="-fsanitize=address,undefined,float-cast-overflow -fno-omit-frame-pointer -fno-sanitize-recover=undefined,float-cast-overflow"
cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" \
    -DROOMSHARE_WERROR=ON -DROOMSHARE_BUILD_GUI=OFF -DROOMSHARE_BUILD_BENCH=OFF -DROOMSHARE_TEST_TIMEOUT_SCALE=3 \
    -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="$flags" >/dev/null
cmake --build "$build" -j2

# Leaks are checked by LeakSanitizer at exit; the soak test checks growth while running,
# with fewer cycles and more room for ASan's quarantine.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:quarantine_size_mb=32:detect_stack_use_after_return=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export LSAN_OPTIONS="suppressions=$here/tests/extra/lsan.supp:print_suppressions=0"
export ROOMSHARE_SOAK_CYCLES=300
export ROOMSHARE_SOAK_RSS_SLACK_MB=96
export QT_QPA_PLATFORM=offscreen
# ASan and UBSan slow the suites down: every TIMEOUT is tripled at configure time.
ctest --test-dir "$build" --output-on-failure -j2
echo "sanitizers: passed in $(( $(date +%s) - start )) s"
